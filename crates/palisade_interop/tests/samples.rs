//! Every model in `../shared/samples` imports, validates, and keeps what `SOURCES.md` counts.

use std::path::PathBuf;

use palisade_interop::{Format, Imported, import};
use palisade_model::Status;

fn sample(name: &str) -> Option<(String, Vec<u8>)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/samples")
        .join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some((path.display().to_string(), bytes)),
        Err(_) => {
            println!("skipped: {} is absent", path.display());
            None
        }
    }
}

fn imported(format: Format, name: &str) -> Option<Imported> {
    let (label, bytes) = sample(name)?;
    assert_eq!(
        palisade_interop::detect(&label, &bytes).ok(),
        Some(format),
        "{name} is recognised"
    );
    match import(format, &label, &bytes) {
        Ok(i) => Some(i),
        Err(d) => panic!("{name} does not import: {d:#?}"),
    }
}

fn warnings(i: &Imported) -> Vec<String> {
    i.warnings.iter().map(|d| d.message.clone()).collect()
}

#[test]
fn threat_dragon_demo_keeps_its_14_threats() {
    let Some(i) = imported(
        Format::ThreatDragon,
        "threatdragon-v2-demo-threat-model.json",
    ) else {
        return;
    };
    let m = &i.model;
    assert_eq!(m.elements.len(), 7);
    assert_eq!(m.flows.len(), 10);
    assert_eq!(m.boundaries.len(), 3);
    assert_eq!(m.threats.len(), 14);
    let open = m
        .threats
        .iter()
        .filter(|t| t.status == Some(Status::Open))
        .count();
    let mitigated = m
        .threats
        .iter()
        .filter(|t| t.status == Some(Status::Mitigated))
        .count();
    assert_eq!((open, mitigated), (10, 4));
    for w in warnings(&i) {
        println!("{w}");
    }
}

#[test]
fn otm_model_keeps_its_components_flows_and_43_threats() {
    let Some(i) = imported(Format::Otm, "otm-mobile-cloud-from-threatdragon.otm.json") else {
        return;
    };
    let m = &i.model;
    assert_eq!(m.elements.len(), 4);
    assert_eq!(m.flows.len(), 6);
    assert_eq!(m.boundaries.len(), 2);
    assert_eq!(m.threats.len(), 43);
    assert_eq!(m.mitigations.len(), 43);
    assert!(m.elements.iter().all(|e| e.boundary.is_some()));
    for w in warnings(&i) {
        println!("{w}");
    }
}

#[test]
fn threagile_example_keeps_every_asset_boundary_and_link() {
    let Some(i) = imported(Format::Threagile, "threagile-example-model.yaml") else {
        return;
    };
    let m = &i.model;
    // Counted in the file: 14 technical assets, 5 trust boundaries, 20 communication links.
    assert_eq!(m.elements.len(), 14);
    assert_eq!(m.boundaries.len(), 5);
    assert_eq!(m.flows.len(), 20);
    assert_eq!(m.data.len(), 12);
    // Merge keys: the summaries inherit the contract's origin but override confidentiality.
    let summaries = m.data_asset("contract-summaries").expect("merged asset");
    assert_eq!(
        summaries.classification,
        Some(palisade_model::Classification::Confidential)
    );
    // 2 manual risks and 6 risk tracking decisions.
    assert_eq!(m.threats.len(), 8);
    let accepted = m
        .threats
        .iter()
        .find(|t| t.id.as_str().contains("untrusted-deserialization"))
        .unwrap();
    assert_eq!(accepted.status, Some(Status::Accepted));
    assert_eq!(
        accepted.ticket.as_ref().and_then(|t| t.id.as_deref()),
        Some("XYZ-1234")
    );
    assert_eq!(
        accepted.target.as_ref().and_then(|t| t.element.as_deref()),
        Some("erp-system")
    );
    for w in warnings(&i) {
        println!("{w}");
    }
}

#[test]
fn threat_composer_example_keeps_threats_mitigations_assumptions_and_links() {
    let Some(i) = imported(
        Format::ThreatComposer,
        "threatcomposer-ThreatComposer.tc.json",
    ) else {
        return;
    };
    let m = &i.model;
    assert_eq!(m.threats.len(), 20);
    assert_eq!(m.mitigations.len(), 18);
    assert_eq!(m.assumptions.len(), 5);
    let mitigation_links: usize = m.threats.iter().map(|t| t.mitigations.len()).sum();
    let assumption_links: usize = m.threats.iter().map(|t| t.assumptions.len()).sum();
    // Of the 20 assumption-to-threat links, 9 name assumptions no longer in the file; of the 36
    // mitigation links, 4 name threats no longer in it. Those are reported, the rest kept.
    assert_eq!(assumption_links, 11);
    assert_eq!(mitigation_links, 32);
    let w = warnings(&i);
    assert!(
        w.iter().any(|w| w.contains("architecture diagram image")),
        "{w:#?}"
    );
    // The 9, and the one link from an assumption to a mitigation, which names a missing one too.
    assert!(
        w.iter()
            .any(|w| w.contains("assumptions that are not in the file (10 times)")),
        "{w:#?}"
    );
    assert!(
        w.iter()
            .any(|w| w.contains("threats or mitigations that are not in the file (4 times)")),
        "{w:#?}"
    );
    for w in w {
        println!("{w}");
    }
}

#[test]
fn pytm_test_model_keeps_its_elements_and_flows() {
    let Some(i) = imported(Format::Pytm, "pytm-tests-output.json") else {
        return;
    };
    let m = &i.model;
    assert_eq!(m.elements.len(), 5);
    assert_eq!(m.flows.len(), 6);
    assert_eq!(m.boundaries.len(), 2);
    assert_eq!(m.data.len(), 1);
    assert!(m.threats.is_empty(), "the test output has no findings");
    for w in warnings(&i) {
        println!("{w}");
    }
}

/// What each sample's import tells the user it could not map: reviewed as a snapshot.
#[test]
fn what_each_sample_could_not_map() {
    for (format, name) in [
        (
            Format::ThreatDragon,
            "threatdragon-v2-demo-threat-model.json",
        ),
        (Format::Otm, "otm-mobile-cloud-from-threatdragon.otm.json"),
        (Format::Threagile, "threagile-example-model.yaml"),
        (Format::Pytm, "pytm-tests-output.json"),
        (
            Format::ThreatComposer,
            "threatcomposer-ThreatComposer.tc.json",
        ),
    ] {
        let Some(i) = imported(format, name) else {
            return;
        };
        let lines: Vec<String> = i
            .warnings
            .iter()
            .map(|d| {
                let at = d
                    .primary_span()
                    .map(|s| format!("{}:{}", s.start.line, s.start.col))
                    .unwrap_or_default();
                format!("{at} {}[{}] {}", d.severity, d.code, d.message)
            })
            .collect();
        insta::assert_snapshot!(format.name(), lines.join("\n"));
    }
}

/// `palisade analyze` on each imported model finds Palisade's own threats beside the imported
/// ones. Threat Composer draws no data-flow diagram, so its model has no elements to analyse.
#[test]
fn analysis_adds_palisade_threats_beside_the_imported_ones() {
    for (format, name) in [
        (
            Format::ThreatDragon,
            "threatdragon-v2-demo-threat-model.json",
        ),
        (Format::Otm, "otm-mobile-cloud-from-threatdragon.otm.json"),
        (Format::Threagile, "threagile-example-model.yaml"),
        (Format::Pytm, "pytm-tests-output.json"),
        (
            Format::ThreatComposer,
            "threatcomposer-ThreatComposer.tc.json",
        ),
    ] {
        let Some(i) = imported(format, name) else {
            return;
        };
        let generated =
            palisade_rules::analyze_model(&i.model, name, &palisade_rules::Settings::default());
        if i.model.elements.is_empty() {
            // Nothing for the rules to run on: only the imported threats.
            assert!(generated.iter().all(|t| t.rule == "MANUAL"), "{name}");
            assert_eq!(generated.len(), i.model.threats.len(), "{name}");
        } else {
            assert!(
                generated.len() >= i.model.elements.len(),
                "{name}: {} threats",
                generated.len()
            );
            // The imported threats are hand-written entries: they join the analysis as rule
            // MANUAL, and are never taken for decisions about generated threats.
            assert!(
                generated
                    .iter()
                    .all(|t| t.decision.is_none() || t.rule == "MANUAL"),
                "{name}"
            );
            assert_eq!(
                generated.iter().filter(|t| t.rule == "MANUAL").count(),
                i.model.threats.len(),
                "{name}"
            );
        }
        println!(
            "{name}: {} imported, {} generated",
            i.model.threats.len(),
            generated.len()
        );
    }
}
