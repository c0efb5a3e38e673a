//! Importers on the small fixtures kept in the repository (see `tests/fixtures/SOURCES.md`).

use std::path::PathBuf;

use palisade_interop::{Format, Imported, import};
use palisade_model::{Severity, Status};

fn fixture(path: &str) -> (String, Vec<u8>) {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path);
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
    assert!(m.threats.iter().all(|t| t.target.is_some() && t.status == Some(Status::Open)));
    let very_high = m.threats.iter().filter(|t| t.severity == Some(Severity::Critical)).count();
    assert_eq!(very_high, 7);
    let ssi = m.threats.iter().find(|t| t.id.as_str() == "inp03-orders-api").expect("INP03 on the API");
    assert_eq!(ssi.capec, vec![101]);
    assert!(ssi.cwe.contains(&97));
    let db = m.element("orders-db").unwrap();
    assert_eq!(db.boundary.as_ref().map(|b| b.as_str()), Some("database-subnet"));
    assert_eq!(m.boundary("database-subnet").unwrap().parent.as_ref().map(|b| b.as_str()), Some("cloud-vpc"));
    assert!(m.mitigations.iter().any(|x| x.id.as_str() == "encodesoutput"));
    assert_eq!(m.assumptions.len(), 1);
}
