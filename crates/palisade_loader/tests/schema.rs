//! The published JSON Schema (`schema/palisade.schema.json`) agrees with the loader: it accepts
//! every example and rejects the broken models, checked with a real JSON Schema validator.

use std::path::{Path, PathBuf};

use palisade_syntax::{Format, Limits};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("schema/palisade.schema.json"))
        .expect("schema/palisade.schema.json is committed");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema is a valid JSON Schema")
}

fn instance(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("readable");
    let format = Format::detect(&path.display().to_string(), &text);
    palisade_syntax::parse_str(&text, format, &Limits::MODEL)
        .expect("parses")
        .to_json()
}

#[test]
fn committed_schema_is_current() {
    let committed = std::fs::read_to_string(repo().join("schema/palisade.schema.json")).unwrap();
    assert!(
        committed == palisade_model::model_schema_json(),
        "schema/palisade.schema.json is stale: run `cargo xtask generate`"
    );
}

#[test]
fn schema_accepts_every_example() {
    let validator = validator();
    for entry in std::fs::read_dir(repo().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let value = instance(&path);
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn schema_accepts_the_starter_and_a_minimal_model() {
    let validator = validator();
    let minimal = serde_json::json!({ "palisade": 1, "system": { "name": "Tiny" } });
    assert!(validator.is_valid(&minimal));
    let ticket_forms = serde_json::json!({
        "palisade": 1,
        "system": { "name": "T" },
        "threats": [
            { "id": "a", "ticket": "SEC-1" },
            { "id": "b", "ticket": { "id": "SEC-2", "url": "https://tracker.example/SEC-2" } }
        ]
    });
    assert!(validator.is_valid(&ticket_forms));
}

#[test]
fn schema_rejects_broken_models() {
    let validator = validator();
    for name in [
        "ten-mistakes.yaml",
        "wrong-version.yaml",
        "missing-name.yaml",
        "wrong-types.yaml",
        "unknown-top-level.yaml",
    ] {
        let value = instance(&repo().join("tests/fixtures/models/invalid").join(name));
        assert!(!validator.is_valid(&value), "{name} must be rejected");
    }
    let bad_enum = serde_json::json!({
        "palisade": 1, "system": { "name": "T" },
        "elements": [ { "id": "a", "kind": "server" } ]
    });
    assert!(!validator.is_valid(&bad_enum));
}
