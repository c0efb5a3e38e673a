//! Exports: Threat Dragon and OTM documents validate against the tools' published schemas, the
//! Threat Dragon round trip keeps what matters, and tracker exports list only open threats
//! without a ticket.

use std::path::{Path, PathBuf};

use palisade_interop::export::{otm, threat_dragon};
use palisade_interop::{Format, import};
use palisade_model::{Layout, Model, Status, Ticket};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/fixtures/schemas").join(name))
        .expect("the schema fixture exists");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, text: &str) {
    let doc: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn example(name: &str) -> (Model, String) {
    let path = root().join("../../examples").join(name);
    let loaded = palisade_loader::load_file(&path).expect("the example loads");
    (loaded.model, path.display().to_string())
}

#[test]
fn payments_example_exports_to_valid_threat_dragon_and_otm() {
    let (model, file) = example("payments.yaml");
    let td = threat_dragon::export(&model, &file, &Layout::default());
    assert_valid(&schema("threat-dragon-v2.schema.json"), &td.text);
    let o = otm::export(&model, &file, &Layout::default());
    assert_valid(&schema("open-threat-model.schema.json"), &o.text);
    // What Threat Dragon would open comes back with the same parts.
    let back =
        import(Format::ThreatDragon, "payments.td.json", td.text.as_bytes()).expect("re-imports");
    assert_eq!(back.model.elements.len(), model.elements.len());
    assert_eq!(back.model.flows.len(), model.flows.len());
    assert_eq!(back.model.boundaries.len(), model.boundaries.len());
    let hand_written = model
        .threats
        .iter()
        .filter(|t| {
            t.is_hand_written()
                && t.target
                    .as_ref()
                    .is_some_and(|t| t.element.is_some() || t.flow.is_some())
        })
        .count();
    assert_eq!(back.model.threats.len(), hand_written);
    // Boundaries drawn as boxes enclose their members, so zones survive.
    for e in &model.elements {
        let again = back
            .model
            .elements
            .iter()
            .find(|x| x.name.as_deref() == Some(e.label()))
            .expect("same element");
        let zone = |m: &Model, x: &palisade_model::Element| {
            m.boundary_of(x)
                .and_then(|b| m.boundary(b.as_str()))
                .map(|b| b.label().to_owned())
        };
        assert_eq!(
            zone(&back.model, again),
            zone(&model, e),
            "zone of {}",
            e.id
        );
    }
}

/// What the round trip must keep of a threat.
type Kept = (
    String,
    Option<Status>,
    Option<palisade_model::Severity>,
    Vec<palisade_model::Stride>,
    Option<String>,
);

#[test]
fn threat_dragon_round_trip_keeps_elements_flows_boundaries_and_threats() {
    let path = root().join("tests/fixtures/threat-dragon/demo-v2.json");
    let bytes = std::fs::read(&path).unwrap();
    let first = import(Format::ThreatDragon, "demo-v2.json", &bytes).expect("imports");
    let out = threat_dragon::export(&first.model, "demo.yaml", &first.layout);
    assert_valid(&schema("threat-dragon-v2.schema.json"), &out.text);
    let second =
        import(Format::ThreatDragon, "demo.td.json", out.text.as_bytes()).expect("re-imports");
    let (a, b) = (&first.model, &second.model);
    let names = |m: &Model| {
        let mut v: Vec<(String, String)> = m
            .elements
            .iter()
            .map(|e| (e.label().to_owned(), e.kind.to_string()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(a), names(b));
    let flows = |m: &Model| {
        let mut v: Vec<(String, String, String)> = m
            .flows
            .iter()
            .map(|f| (f.label(), f.from.to_string(), f.to.to_string()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(flows(a), flows(b));
    assert_eq!(a.boundaries.len(), b.boundaries.len());
    let threats = |m: &Model| {
        let mut v: Vec<Kept> = m
            .threats
            .iter()
            .map(|t| {
                (
                    t.title.clone().unwrap_or_default(),
                    t.status,
                    t.severity,
                    t.stride.clone(),
                    t.target
                        .as_ref()
                        .and_then(|x| x.element.clone().or_else(|| x.flow.clone())),
                )
            })
            .collect();
        v.sort_by(|x, y| format!("{x:?}").cmp(&format!("{y:?}")));
        v
    };
    assert_eq!(threats(a), threats(b));
    // Zones survive too: each element keeps the boundary it was given.
    for e in &a.elements {
        let again = b.element(e.id.as_str()).expect("same id");
        let label = |m: &Model, x: &palisade_model::Element| {
            x.boundary
                .as_ref()
                .and_then(|z| m.boundary(z.as_str()))
                .map(|z| z.label().to_owned())
        };
        assert_eq!(label(b, again), label(a, e), "zone of {}", e.id);
    }
    // Exporting twice gives the same document.
    assert_eq!(
        out.text,
        threat_dragon::export(&first.model, "demo.yaml", &first.layout).text
    );
}

#[test]
fn every_sample_exports_to_valid_documents() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    if !samples.exists() {
        println!("skipped: {} is absent", samples.display());
        return;
    }
    let td = schema("threat-dragon-v2.schema.json");
    let o = schema("open-threat-model.schema.json");
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
        let bytes = std::fs::read(samples.join(name)).unwrap();
        let i = import(format, name, &bytes).unwrap();
        assert_valid(&td, &threat_dragon::export(&i.model, name, &i.layout).text);
        assert_valid(&o, &otm::export(&i.model, name, &i.layout).text);
    }
}

#[test]
fn tracker_exports_only_open_threats_without_a_ticket() {
    let (mut model, file) = example("payments.yaml");
    let analysis =
        palisade_rules::analyze_model(&model, &file, &palisade_rules::Settings::default());
    let items = palisade_interop::tracker_items(&model, &file, &analysis, None);
    let open_generated = analysis
        .iter()
        .filter(|t| {
            t.status().is_unresolved() && t.decision.as_ref().is_none_or(|d| d.ticket.is_none())
        })
        .count();
    // The analysis includes the hand-written threats (rule MANUAL); none is exported twice.
    let open_manual = model
        .threats
        .iter()
        .filter(|t| {
            t.is_hand_written()
                && t.status.unwrap_or(Status::Open).is_unresolved()
                && t.ticket.is_none()
        })
        .count();
    assert!(open_manual > 0);
    assert_eq!(items.len(), open_generated);
    assert_eq!(
        items.iter().filter(|i| i.rule == "MANUAL").count(),
        open_manual
    );
    // Record a ticket for the first: the next export leaves it out.
    let first = items[0].id.clone();
    model.threats.push(palisade_model::ThreatEntry {
        id: palisade_model::ThreatId::new(&first),
        ticket: Some(Ticket {
            id: Some("PAY-1".into()),
            ..Ticket::default()
        }),
        ..Default::default()
    });
    let analysis =
        palisade_rules::analyze_model(&model, &file, &palisade_rules::Settings::default());
    let again = palisade_interop::tracker_items(&model, &file, &analysis, None);
    assert_eq!(again.len(), items.len() - 1);
    assert!(again.iter().all(|i| i.id != first));
    // Both formats carry the id in the title, the body and a label.
    let gh: serde_json::Value =
        serde_json::from_str(&palisade_interop::github_issues(&again)).unwrap();
    let issue = &gh[0];
    let id = &again[0].id;
    assert!(issue["title"].as_str().unwrap().contains(id.as_str()));
    assert!(issue["body"].as_str().unwrap().contains(id.as_str()));
    assert!(
        issue["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str() == Some(&format!("threat:{id}")))
    );
    let csv = palisade_interop::jira_csv(&again).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().take(4).collect::<Vec<_>>(),
        ["Summary", "Description", "Issue Type", "Priority"]
    );
    assert!(headers.iter().skip(4).all(|h| h == "Labels"));
    assert_eq!(reader.records().count(), again.len());
}
