//! SARIF and JUnit on real analyses: what code scanning and CI dashboards read.

use std::path::{Path, PathBuf};

use palisade_check::{EffectivePolicy, Input as CheckInput, SpecInput};
use palisade_export::{junit, sarif};
use palisade_project::Input;
use palisade_rules::{Settings, Threat};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn payments() -> (palisade_project::Loaded, Vec<Threat>) {
    let loaded = palisade_project::load(&[repo().join("examples/payments.yaml")]);
    assert!(!loaded.failed);
    let threats = loaded.inputs[0].analyze(&Settings::default());
    (loaded, threats)
}

#[test]
fn a_plain_analysis_renders_with_rules_fingerprints_and_relative_uris() {
    let (_, threats) = payments();
    let base = repo().canonicalize().expect("repository");
    let threats: Vec<Threat> = threats
        .into_iter()
        .map(|mut t| {
            if let Some(l) = &mut t.location {
                // As a user passing an absolute path would see it.
                l.file = format!(
                    "{}/{}",
                    base.display(),
                    l.file.trim_start_matches(&format!("{}/", repo().display()))
                )
                .into();
            }
            t
        })
        .collect();
    let text = sarif::render(
        &threats,
        &sarif::Options {
            base: Some(base),
            ..sarif::Options::default()
        },
    );
    let log: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let run = &log["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), threats.len());
    for (r, t) in results.iter().zip(&threats) {
        assert_eq!(r["partialFingerprints"]["palisade/v1"], t.id.as_str());
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(uri.starts_with("examples/"), "{uri}");
        assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64() > Some(0));
    }
    let hand_written = results
        .iter()
        .find(|r| r["ruleId"] == "MANUAL" && r["properties"]["threatId"] == "webhook-replay")
        .expect("the hand-written threat");
    assert_eq!(hand_written["suppressions"][0]["status"], "accepted");
    let rule = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "DS001")
        .expect("DS001");
    assert_eq!(rule["properties"]["security-severity"], "8.0");
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .starts_with("# DS001")
    );
    assert!(
        rule["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("/docs/rules/DS001.md")
    );
}

#[test]
fn at_most_25000_results_most_severe_first_with_a_notification() {
    let (_, threats) = payments();
    let mut b = sarif::Builder::new(sarif::Options::default());
    let mut n = 0;
    while n <= sarif::MAX_RESULTS {
        for t in &threats {
            b.add_threat(t);
            n += 1;
        }
    }
    let log = b.finish();
    let run = &log.runs[0];
    assert_eq!(run.results.len(), sarif::MAX_RESULTS);
    assert_eq!(run.results[0].level, sarif::Level::Error);
    let note = &run.invocations[0].tool_execution_notifications[0]
        .message
        .text;
    assert!(note.contains("were left out"), "{note}");
}

#[test]
fn junit_has_one_suite_per_model_and_fails_what_fails() {
    let (loaded, threats) = payments();
    let Some(Input::Model { model, file, specs }) = loaded.inputs.first() else {
        panic!("a model");
    };
    let report = palisade_check::check(
        &CheckInput {
            model,
            file,
            specs: specs
                .iter()
                .map(|(api, spec)| SpecInput {
                    api,
                    spec,
                    hash: None,
                })
                .collect(),
            missing_specs: Vec::new(),
            threats: &threats,
            today: "2026-11-24".parse().expect("date"),
        },
        &EffectivePolicy::default(),
    );
    let xml = junit::render(&[junit::Suite {
        report: &report,
        threats: &threats,
    }])
    .expect("XML");
    assert_eq!(xml.matches("<testsuite ").count(), 1);
    assert!(
        xml.contains("failures=\"7\""),
        "six threats and their gate: {xml}"
    );
    assert!(xml.contains("<testcase name=\"policy: drift\""));
}
