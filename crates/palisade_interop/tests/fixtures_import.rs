//! Importers on the small fixtures kept in the repository (see `tests/fixtures/SOURCES.md`).

use std::path::PathBuf;

use palisade_interop::{Format, Imported, import};
use palisade_model::{Severity, Status};

fn fixture(path: &str) -> (String, Vec<u8>) {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    let bytes = std::fs::read(&full).expect("fixture exists");
    (format!("tests/fixtures/{path}"), bytes)
}

fn run(format: Format, path: &str) -> Imported {
    let (label, bytes) = fixture(path);
    assert_eq!(palisade_interop::detect(&label, &bytes).ok(), Some(format));
    import(format, &label, &bytes).unwrap_or_else(|d| panic!("{path}: {d:#?}"))
}

#[test]
fn pytm_findings_become_threats_with_references() {
    let i = run(Format::Pytm, "pytm/orders-api.json");
    let m = &i.model;
    assert_eq!(m.elements.len(), 3);
    assert_eq!(m.flows.len(), 3);
    assert_eq!(m.threats.len(), 66);
    assert!(
        m.threats
            .iter()
            .all(|t| t.target.is_some() && t.status == Some(Status::Open))
    );
    let very_high = m
        .threats
        .iter()
        .filter(|t| t.severity == Some(Severity::Critical))
        .count();
    assert_eq!(very_high, 7);
    let ssi = m
        .threats
        .iter()
        .find(|t| t.id.as_str() == "inp03-orders-api")
        .expect("INP03 on the API");
    assert_eq!(ssi.capec, vec![101]);
    assert!(ssi.cwe.contains(&97));
    let db = m.element("orders-db").unwrap();
    assert_eq!(
        db.boundary.as_ref().map(palisade_model::BoundaryId::as_str),
        Some("database-subnet")
    );
    assert_eq!(
        m.boundary("database-subnet")
            .unwrap()
            .parent
            .as_ref()
            .map(palisade_model::BoundaryId::as_str),
        Some("cloud-vpc")
    );
    assert!(
        m.mitigations
            .iter()
            .any(|x| x.id.as_str() == "encodesoutput")
    );
    assert_eq!(m.assumptions.len(), 1);
}

#[test]
fn tm7_maps_stencils_boundaries_flows_and_threat_states() {
    let i = run(Format::Tm7, "tm7/checkout.tm7");
    let m = &i.model;
    assert_eq!(m.system.name, "Mobile Checkout");
    assert_eq!(m.system.owner.as_deref(), Some("Payments team"));
    let ids: Vec<&str> = m.elements.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "mobile-app",
            "orders-payments-api",
            "orders-db",
            "card-processor"
        ]
    );
    assert_eq!(m.flows.len(), 3);
    assert_eq!(m.boundaries.len(), 2);
    // The border boundary encloses the API and the database; the line boundary keeps the
    // mobile app on its own side, so "Place order" still crosses a boundary.
    let api = m.element("orders-payments-api").unwrap();
    assert_eq!(
        api.boundary.as_ref().unwrap().as_str(),
        "azure-subscription"
    );
    let place = m.flow("place-order").unwrap();
    assert!(m.crosses_boundary(place));
    assert!(
        m.system
            .scope
            .out_of_scope
            .iter()
            .any(|s| s.starts_with("Card Processor: Operated"))
    );
    let states: Vec<_> = m
        .threats
        .iter()
        .map(|t| (t.id.as_str(), t.status.unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            ("tmt-1", Status::Open),
            ("tmt-2", Status::Mitigated),
            ("tmt-3", Status::NotApplicable),
            ("tmt-4", Status::NeedsInvestigation),
            ("tmt-5", Status::Open),
        ]
    );
    let sqli = &m.threats[1];
    assert_eq!(
        sqli.title.as_deref(),
        Some("SQL injection through order fields")
    );
    assert_eq!(sqli.severity, Some(Severity::High));
    assert_eq!(
        sqli.target.as_ref().unwrap().flow.as_deref(),
        Some("store-order")
    );
    assert!(
        sqli.description
            .as_deref()
            .unwrap()
            .contains("SQL & can alter")
    );
    assert_eq!(
        m.threats[2].severity,
        Some(Severity::Medium),
        "priority from the properties"
    );
    let w: Vec<String> = i.warnings.iter().map(|d| d.message.clone()).collect();
    assert!(w.iter().any(|w| w.contains("`GE.A`")), "{w:#?}");
    assert!(
        w.iter().any(|w| w.contains("the threat state `Deferred`")),
        "{w:#?}"
    );
    assert!(
        w.iter().any(|w| w.contains("`Authenticates Itself`")),
        "{w:#?}"
    );
}

#[test]
fn tm7_refuses_a_dtd_and_reports_truncation_with_a_position() {
    for (path, expect) in [
        ("tm7/doctype.tm7", "DTD"),
        ("tm7/truncated.tm7", "malformed XML"),
    ] {
        let (label, bytes) = fixture(path);
        let errors = import(Format::Tm7, &label, &bytes).expect_err("refused");
        let d = &errors[0];
        assert_eq!(d.code, "PAL-E0803");
        assert!(
            d.message.contains(expect) || d.help.iter().any(|h| h.contains(expect)),
            "{d:#?}"
        );
        assert!(d.primary_span().is_some_and(|s| s.start.line > 1), "{d:#?}");
    }
}

#[test]
fn threat_dragon_v1_models_import_too() {
    let i = run(Format::ThreatDragon, "threat-dragon/v1-model.json");
    let m = &i.model;
    assert_eq!(m.system.name, "Legacy Shop (Threat Dragon v1)");
    let names: Vec<&str> = m
        .elements
        .iter()
        .map(palisade_model::Element::label)
        .collect();
    assert_eq!(names, ["Shopper", "Shop web app", "Orders database"]);
    assert_eq!(m.flows.len(), 2);
    assert_eq!(m.flows[0].protocol.as_deref(), Some("https"));
    assert_eq!(m.threats.len(), 2);
    assert_eq!(m.threats[1].status, Some(Status::Mitigated));
    // The v1 boundary is a line between the shopper and the shop.
    assert!(m.crosses_boundary(&m.flows[0]));
    assert!(!m.crosses_boundary(&m.flows[1]));
    assert_eq!(
        m.element("orders-database").unwrap().stores[0].as_str(),
        "credentials"
    );
}

#[test]
fn threat_dragon_threats_are_read_where_the_v2_schema_puts_them_too() {
    let (_, bytes) = fixture("threat-dragon/demo-v2.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    // Move every cell's threats from `data.threats` to `threats`, and mark one accepted.
    let cells = doc["detail"]["diagrams"][0]["cells"]
        .as_array_mut()
        .expect("cells");
    for cell in cells.iter_mut() {
        if let Some(threats) = cell["data"]
            .as_object_mut()
            .and_then(|d| d.remove("threats"))
        {
            cell["threats"] = threats;
        }
    }
    cells[0]["threats"][0]["status"] = "Accepted".into();
    let text = serde_json::to_string(&doc).expect("serializes");
    let i = import(Format::ThreatDragon, "moved.json", text.as_bytes()).expect("imports");
    assert_eq!(i.model.threats.len(), 14);
    let accepted = &i.model.threats[0];
    assert_eq!(accepted.status, Some(Status::Accepted));
    assert!(
        accepted
            .justification
            .as_deref()
            .is_some_and(|j| j.contains("Encrypt the DB credentials"))
    );
}
