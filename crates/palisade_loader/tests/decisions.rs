//! Decisions in a person's file: the loader's checks on them, policy files, and editing the
//! shipped examples in place without touching anything but the decision.

use std::path::{Path, PathBuf};

use palisade_diagnostics::{SourceMap, render};
use palisade_loader::{
    FieldValue, LoadFailure, load_policy_bytes, load_str, only_threats_changed, set_threat_fields,
};
use palisade_model::{Severity, Status};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rendered(failure: &LoadFailure) -> String {
    let mut sources = SourceMap::new();
    if let Some(s) = &failure.source {
        sources.add(s.clone());
    }
    failure
        .diagnostics
        .iter()
        .map(|d| render::human(d, &sources, false))
        .collect::<Vec<_>>()
        .join("\n")
}

const HEAD: &str = "palisade: 1\nsystem: { name: Shop }\n";

#[test]
fn an_accepted_threat_without_justification_is_an_error_at_its_line() {
    let text = format!("{HEAD}threats:\n  - id: TH-0123456789ab\n    status: accepted\n");
    let failure = load_str("m.yaml", &text).expect_err("invalid");
    let d = &failure.diagnostics[0];
    assert_eq!(d.code, "PAL-E0111");
    let span = d.primary_span().expect("located");
    assert_eq!((span.start.line, span.start.col), (5, 13));
    insta::assert_snapshot!(rendered(&failure));
}

#[test]
fn a_risk_override_needs_a_reason() {
    let text = format!("{HEAD}threats:\n  - id: TH-0123456789ab\n    risk:\n      severity: low\n");
    let failure = load_str("m.yaml", &text).expect_err("invalid");
    assert_eq!(failure.diagnostics[0].code, "PAL-E0113");
    assert_eq!(
        failure.diagnostics[0].primary_span().map(|s| s.start.line),
        Some(6)
    );
    let fine = format!(
        "{HEAD}threats:\n  - id: TH-0123456789ab\n    risk:\n      severity: low\n      reason: internal only\n"
    );
    assert!(load_str("m.yaml", &fine).is_ok());
}

#[test]
fn decisions_carry_their_rule_and_subject() {
    let text = format!(
        "{HEAD}threats:\n  - id: TH-0123456789ab\n    rule: DF001\n    subject: flow `a`\n    status: mitigated\n"
    );
    let loaded = load_str("m.yaml", &text).expect("valid");
    let entry = &loaded.model.threats[0];
    assert_eq!(entry.rule.as_deref(), Some("DF001"));
    assert_eq!(entry.subject.as_deref(), Some("flow `a`"));
    assert!(!entry.is_hand_written());
}

#[test]
fn a_policy_file_reads_like_a_policy_block() {
    let p = load_policy_bytes("policy.yaml", b"fail_on: critical\nrequire_ticket: high\n")
        .expect("valid");
    assert_eq!(p.policy.fail_on, Some(Severity::Critical));
    assert_eq!(p.policy.require_ticket, Some(Severity::High));
    let wrapped = load_policy_bytes("policy.yaml", b"policy:\n  fail_on: medium\n").expect("valid");
    assert_eq!(wrapped.policy.fail_on, Some(Severity::Medium));
    let bad = load_policy_bytes("policy.yaml", b"fail_on: hihg\nfail_on_drfit: true\n")
        .expect_err("invalid");
    let text = rendered(&bad);
    assert!(text.contains("did you mean `high`?"), "{text}");
    assert!(text.contains("did you mean `fail_on_drift`?"), "{text}");
    let list = load_policy_bytes("policy.yaml", b"- a\n").expect_err("invalid");
    assert_eq!(list.diagnostics[0].code, "PAL-E0114");
}

/// Sets a decision on every existing entry and on a new id in each example: the result loads,
/// carries the values, and differs from the original only in that entry.
#[test]
fn editing_the_examples_changes_only_the_decision() {
    for name in ["examples/payments.yaml", "examples/shop.yaml"] {
        let text = std::fs::read_to_string(repo().join(name)).expect("example exists");
        let before = load_str(name, &text).expect("example loads").model;
        let mut ids: Vec<String> = before.threats.iter().map(|t| t.id.to_string()).collect();
        ids.push("TH-000000000000".to_owned());
        for id in ids {
            let fields = [
                ("status", FieldValue::Text("accepted".into())),
                ("strategy", FieldValue::Text("accept".into())),
                (
                    "justification",
                    FieldValue::Text("Low value: \"internal\" # not a comment".into()),
                ),
                (
                    "ticket",
                    FieldValue::Text("https://tracker.example/SEC-9".into()),
                ),
                ("date", FieldValue::Text("2026-11-24".into())),
            ];
            let edited = set_threat_fields(name, &text, &id, &fields).expect("editable");
            let after = load_str(name, &edited)
                .unwrap_or_else(|f| panic!("{name} {id}:\n{}\n{edited}", rendered(&f)))
                .model;
            assert!(
                only_threats_changed(&before, &after, &[id.as_str()]),
                "{name} {id}"
            );
            let entry = after.threats.iter().find(|t| t.id.as_str() == id).unwrap();
            assert_eq!(entry.status, Some(Status::Accepted));
            assert_eq!(
                entry.justification.as_deref(),
                Some("Low value: \"internal\" # not a comment")
            );
            assert_eq!(
                entry.ticket.as_ref().and_then(|t| t.url.as_deref()),
                Some("https://tracker.example/SEC-9")
            );
            // Comments survive; a new entry only adds lines.
            let comments = |t: &str| {
                t.lines()
                    .filter(|l| l.trim_start().starts_with('#'))
                    .count()
            };
            assert_eq!(comments(&text), comments(&edited), "{name} {id}");
            if !before.threats.iter().any(|t| t.id.as_str() == id) {
                let mut rest = edited.lines();
                for line in text.lines() {
                    assert!(rest.any(|l| l == line), "{name} {id}: lost line {line:?}");
                }
            }
        }
    }
}
