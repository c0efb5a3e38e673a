//! The shipped examples, analyzed: what a user sees, pinned as snapshots, plus the properties
//! the engine promises (stable ids, every applicable STRIDE category covered).

use std::collections::HashSet;
use std::path::Path;

use palisade_model::Stride;
use palisade_rules::{FLOW_STRIDE, Settings, Target, analyze_model, stride_applies};

fn load(name: &str) -> palisade_model::Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    palisade_loader::load_file(&path)
        .expect("example loads")
        .model
}

fn summary(model: &palisade_model::Model) -> String {
    analyze_model(model, "examples/model.yaml", &Settings::default())
        .iter()
        .map(|t| {
            format!(
                "{:<8} {:<6} {} — {}",
                t.severity.to_string(),
                t.rule,
                t.target,
                t.title
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn payments_threats() {
    insta::assert_snapshot!(summary(&load("payments.yaml")));
}

#[test]
fn shop_threats() {
    insta::assert_snapshot!(summary(&load("shop.yaml")));
}

#[test]
fn every_applicable_stride_category_is_covered() {
    for name in ["payments.yaml", "shop.yaml"] {
        let model = load(name);
        let threats = analyze_model(&model, name, &Settings::default());
        let covered: HashSet<(Target, Stride)> = threats
            .iter()
            .flat_map(|t| t.stride.iter().map(move |s| (t.target.clone(), *s)))
            .collect();
        for e in &model.elements {
            for s in Stride::ALL_CATEGORIES {
                if stride_applies(e, *s) {
                    let target = Target::Element {
                        element: e.id.to_string(),
                    };
                    assert!(
                        covered.contains(&(target, *s)),
                        "{name}: {} lacks {s:?}",
                        e.id
                    );
                }
            }
        }
        for f in &model.flows {
            for s in FLOW_STRIDE {
                let target = Target::Flow {
                    flow: f.id.to_string(),
                };
                assert!(
                    covered.contains(&(target, *s)),
                    "{name}: flow {} lacks {s:?}",
                    f.id
                );
            }
        }
    }
}

#[test]
fn ids_survive_unrelated_edits_and_reordering() {
    let model = load("payments.yaml");
    let before = analyze_model(&model, "a.yaml", &Settings::default());
    let mut edited = model.clone();
    edited.elements.reverse();
    edited.flows.reverse();
    // Rename an element no flow touches and add an unrelated one.
    edited.elements.push(palisade_model::Element::new(
        "new-batch-job",
        palisade_model::ElementKind::Process,
    ));
    let after = analyze_model(&edited, "a.yaml", &Settings::default());
    let ids_after: HashSet<_> = after.iter().map(|t| t.id.clone()).collect();
    for t in &before {
        assert!(
            ids_after.contains(&t.id),
            "{} ({}) disappeared",
            t.id,
            t.title
        );
    }
}

#[test]
fn decisions_attach_to_their_threat() {
    let mut model = load("payments.yaml");
    let threats = analyze_model(&model, "a.yaml", &Settings::default());
    let target = threats
        .iter()
        .find(|t| t.rule == "DS001")
        .expect("DS001 fires on payments");
    model.threats.push(palisade_model::ThreatEntry {
        id: target.id.clone(),
        status: Some(palisade_model::Status::Mitigated),
        ..Default::default()
    });
    let again = analyze_model(&model, "a.yaml", &Settings::default());
    let t = again.iter().find(|t| t.id == target.id).unwrap();
    assert_eq!(t.status(), palisade_model::Status::Mitigated);
}
