//! What decisions do to the analysis: threats written by hand, second-order threats from the
//! controls a decision names, ratings by the model's method, and a person's rating.

use std::path::{Path, PathBuf};

use palisade_model::{RatingMethod, Severity, Status};
use palisade_rules::{Band, MANUAL, RiskMatrix, Settings, analyze_model};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load_text(text: &str) -> palisade_model::Model {
    palisade_loader::load_str("m.yaml", text)
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics))
        .model
}

const MODEL: &str = "\
palisade: 1
system: { name: Shop }
boundaries: [{ id: internet, kind: internet }, { id: dc, kind: internal }]
elements:
  - { id: client, kind: external_entity, boundary: internet }
  - { id: api, kind: process, boundary: dc, audit_log: true }
flows:
  - { id: client-to-api, from: client, to: api, protocol: https, authentication: jwt }
mitigations:
  - { id: limits, kind: rate_limiting, elements: [api] }
  - { id: jwt, kind: jwt_verification, elements: [api] }
  - { id: notes, kind: other }
";

#[test]
fn hand_written_threats_are_tracked_with_their_decision() {
    let text = format!(
        "{MODEL}threats:\n  - id: replay\n    title: Requests replayed\n    target: {{ flow: client-to-api }}\n    stride: [tampering]\n    owasp_api_2023: [API6]\n    severity: high\n    status: in_progress\n"
    );
    let threats = analyze_model(&load_text(&text), "m.yaml", &Settings::default());
    let t = threats.iter().find(|t| t.id.as_str() == "replay").unwrap();
    assert_eq!(t.rule, MANUAL);
    assert_eq!(t.severity, Severity::High);
    assert_eq!(t.status(), Status::InProgress);
    assert_eq!(t.target.label(), "flow `client-to-api`");
    assert_eq!(t.owasp_api_2023.len(), 1);
    assert_eq!(t.location.as_ref().map(|l| l.line), Some(14));
    // It covers tampering on the flow, so the STRIDE baseline for it is not added.
    assert!(
        !threats
            .iter()
            .any(|t| t.rule == "ST030" && t.target.label() == "flow `client-to-api`")
    );
}

#[test]
fn a_mitigation_brings_its_bypasses_linked_to_the_parent() {
    let text = format!(
        "{MODEL}threats:\n  - id: forge\n    title: Callers forge tokens\n    target: {{ element: api }}\n    stride: [spoofing]\n    severity: high\n    status: mitigated\n    mitigations: [jwt, limits, notes]\n"
    );
    let threats = analyze_model(&load_text(&text), "m.yaml", &Settings::default());
    let mut children: Vec<_> = threats
        .iter()
        .filter(|t| t.parent.as_ref().is_some_and(|p| p.as_str() == "forge"))
        .map(|t| t.rule.as_str())
        .collect();
    children.sort_unstable();
    // JWT: alg none, algorithm confusion, key leak; rate limiting: many addresses and (for a
    // spoofing threat) credential stuffing; `other` has no known bypass.
    assert_eq!(
        children,
        ["SO001", "SO002", "SO003", "SO004", "SO005"],
        "{threats:#?}"
    );
    let alg_none = threats.iter().find(|t| t.rule == "SO003").unwrap();
    assert!(alg_none.severity <= Severity::High);
    assert_eq!(alg_none.target.label(), "element `api`");
    // Located at the mitigation the bypass defeats.
    assert_eq!(alg_none.location.as_ref().map(|l| l.line), Some(11));
    assert_eq!(alg_none.status(), Status::Open);
    // Stable: derived from the parent's id and the rule.
    assert_eq!(
        alg_none.id,
        palisade_rules::second_order_fingerprint("SO003", &palisade_model::ThreatId::new("forge"))
    );
}

#[test]
fn second_order_threats_take_decisions_and_never_outrank_their_parent() {
    let base = format!(
        "{MODEL}threats:\n  - id: flood\n    title: Clients flood the API\n    target: {{ element: api }}\n    stride: [denial_of_service]\n    severity: low\n    status: mitigated\n    mitigations: [limits]\n"
    );
    let threats = analyze_model(&load_text(&base), "m.yaml", &Settings::default());
    let spread = threats.iter().find(|t| t.rule == "SO001").unwrap();
    assert_eq!(spread.severity, Severity::Low, "capped at the parent's");
    // Only spoofing threats bring credential stuffing.
    assert!(!threats.iter().any(|t| t.rule == "SO002"));
    let decided = format!(
        "{base}  - id: {}\n    status: accepted\n    strategy: accept\n    justification: limits per API key too\n",
        spread.id
    );
    let again = analyze_model(&load_text(&decided), "m.yaml", &Settings::default());
    let spread = again.iter().find(|t| t.rule == "SO001").unwrap();
    assert_eq!(spread.status(), Status::Accepted);
    // Marked not applicable, a threat brings no bypasses.
    let na = base.replace("status: mitigated", "status: not_applicable");
    let none = analyze_model(&load_text(&na), "m.yaml", &Settings::default());
    assert!(!none.iter().any(|t| t.rule.starts_with("SO")));
}

#[test]
fn decisions_on_generated_threats_bring_bypasses_too() {
    let model = load_text(MODEL);
    let threats = analyze_model(&model, "m.yaml", &Settings::default());
    let spoofing = threats
        .iter()
        .find(|t| t.stride.contains(&palisade_model::Stride::Spoofing) && t.parent.is_none())
        .expect("a spoofing threat on the model");
    let text = format!(
        "{MODEL}threats:\n  - id: {}\n    status: mitigated\n    mitigations: [jwt]\n",
        spoofing.id
    );
    let again = analyze_model(&load_text(&text), "m.yaml", &Settings::default());
    assert_eq!(
        again
            .iter()
            .filter(|t| t.parent.as_ref() == Some(&spoofing.id))
            .count(),
        3
    );
}

#[test]
fn the_model_chooses_the_rating_method_and_a_person_can_rate() {
    let owasp = format!("{MODEL}policy: {{ rating: owasp }}\n");
    let threats = analyze_model(&load_text(&owasp), "m.yaml", &Settings::default());
    assert!(threats.iter().all(|t| t.risk.method == RatingMethod::Owasp));
    assert!(threats.iter().all(|t| t.risk.level == t.severity));
    let target = &threats[0];
    let rated = format!(
        "{owasp}threats:\n  - id: {}\n    risk:\n      owasp:\n        likelihood: {{ skill_level: 1, motive: 1, opportunity: 1, size: 1, ease_of_discovery: 1, ease_of_exploit: 1, awareness: 1, intrusion_detection: 1 }}\n        impact: {{ loss_of_confidentiality: 9, loss_of_integrity: 9, loss_of_availability: 9, loss_of_accountability: 9, financial_damage: 1, reputation_damage: 1, non_compliance: 1, privacy_violation: 1 }}\n      reason: only reachable from the office network\n",
        target.id
    );
    let again = analyze_model(&load_text(&rated), "m.yaml", &Settings::default());
    let t = again.iter().find(|t| t.id == target.id).unwrap();
    assert_eq!(
        (t.risk.likelihood_band, t.risk.impact_band),
        (Band::Low, Band::High)
    );
    assert_eq!(t.severity, Severity::Medium, "the person's rating sets it");
    assert_eq!(
        t.risk.reason.as_deref(),
        Some("only reachable from the office network")
    );
    let matrix = RiskMatrix::of(again.iter().map(|t| &t.risk));
    assert_eq!(matrix.total(), again.len());
    assert_eq!(matrix.count(Band::Low, Band::High), 1);
}

#[test]
fn threats_are_ranked_most_severe_first() {
    let text = std::fs::read_to_string(repo().join("examples/payments.yaml")).unwrap();
    let threats = analyze_model(&load_text(&text), "payments.yaml", &Settings::default());
    for pair in threats.windows(2) {
        assert!(
            (pair[0].severity, pair[0].risk.score) >= (pair[1].severity, pair[1].risk.score),
            "{} before {}",
            pair[0].id,
            pair[1].id
        );
    }
}
