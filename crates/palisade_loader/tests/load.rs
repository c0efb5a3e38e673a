//! Loading real model files: the shipped examples, every broken fixture, and files of other formats.

use std::path::{Path, PathBuf};

use palisade_diagnostics::{SourceMap, render};
use palisade_loader::{LoadFailure, load_file, load_str, to_json, to_yaml};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> Option<PathBuf> {
    let dir = repo().join("../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared is not present next to the repository");
        None
    }
}

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(repo().join("examples"))
        .expect("examples/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    files.sort();
    files
}

/// Renders a failure as the user sees it, with the path made relative to the repository.
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

fn load_fixture(name: &str) -> LoadFailure {
    let path = format!("tests/fixtures/models/invalid/{name}");
    let bytes = std::fs::read(repo().join(&path)).expect("fixture exists");
    palisade_loader::load_bytes(&path, &bytes).expect_err("fixture is invalid")
}

#[test]
fn every_example_loads_without_warnings() {
    let files = examples();
    assert!(files.len() >= 2, "at least two examples ship");
    for file in files {
        let loaded =
            load_file(&file).unwrap_or_else(|f| panic!("{}:\n{}", file.display(), rendered(&f)));
        assert!(
            loaded.warnings.is_empty(),
            "{}: {:?}",
            file.display(),
            loaded.warnings
        );
        assert!(!loaded.model.elements.is_empty());
    }
}

#[test]
fn ten_mistakes_are_all_reported_with_their_own_positions() {
    let failure = load_fixture("ten-mistakes.yaml");
    let errors: Vec<_> = failure
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.len() >= 10, "got {}", errors.len());
    let mut positions: Vec<_> = errors
        .iter()
        .map(|d| d.primary_span().expect("every error has a location").start)
        .collect();
    positions.dedup();
    assert_eq!(
        positions.len(),
        errors.len(),
        "each mistake has its own line and column"
    );
    insta::assert_snapshot!(rendered(&failure));
}

#[test]
fn broken_fixtures_render_as_the_user_sees_them() {
    for name in [
        "alias-bomb.yaml",
        "empty.yaml",
        "invalid-utf8.yaml",
        "missing-name.yaml",
        "truncated.yaml",
        "unknown-top-level.yaml",
        "wrong-types.yaml",
        "wrong-version.yaml",
    ] {
        let failure = load_fixture(name);
        assert!(
            failure
                .diagnostics
                .iter()
                .any(palisade_diagnostics::Diagnostic::is_error),
            "{name}"
        );
        insta::assert_snapshot!(name, rendered(&failure));
    }
}

#[test]
fn alias_bomb_is_refused_by_the_node_budget() {
    let failure = load_fixture("alias-bomb.yaml");
    assert_eq!(failure.diagnostics.len(), 1);
    assert_eq!(failure.diagnostics[0].code, "PAL-E0004");
}

#[test]
fn yaml_and_json_round_trips_keep_the_meaning() {
    for file in examples() {
        let first = load_file(&file).expect("example loads").model;
        let yaml = to_yaml(&first).expect("serializes");
        let again =
            load_str("again.yaml", &yaml).unwrap_or_else(|f| panic!("{yaml}\n{}", rendered(&f)));
        assert_eq!(
            serde_json::to_value(&first).unwrap(),
            serde_json::to_value(&again.model).unwrap(),
            "{}",
            file.display()
        );
        let json = to_json(&first).expect("serializes");
        let from_json =
            load_str("again.json", &json).unwrap_or_else(|f| panic!("{}", rendered(&f)));
        assert_eq!(
            serde_json::to_value(&first).unwrap(),
            serde_json::to_value(&from_json.model).unwrap()
        );
        // Writing is stable: the same model gives the same text.
        assert_eq!(to_yaml(&again.model).unwrap(), yaml);
    }
}

#[test]
fn atomic_save_replaces_the_file_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("palisade.yaml");
    std::fs::write(&path, "old").unwrap();
    let model = palisade_model::Model::new("Saved");
    palisade_loader::save(&path, &model).unwrap();
    let loaded = load_file(&path).expect("saved model loads");
    assert_eq!(loaded.model.system.name, "Saved");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(names.len(), 1, "no temporary file is left behind");
}

#[test]
fn a_five_line_model_is_valid() {
    let loaded = load_str("m.yaml", "palisade: 1\nsystem:\n  name: Tiny\n").expect("valid");
    assert_eq!(loaded.model.system.name, "Tiny");
}

#[test]
fn files_of_other_formats_are_named() {
    let cases = [
        (
            "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
            "an OpenAPI 3.0 document",
            "palisade analyze",
        ),
        (
            "{\"swagger\": \"2.0\", \"paths\": {}}",
            "a Swagger 2.0 document",
            "palisade analyze",
        ),
        (
            "{\"otmVersion\": \"0.2.0\"}",
            "Open Threat Model",
            "palisade import otm",
        ),
        (
            "threagile_version: 1.0.0\n",
            "Threagile",
            "palisade import threagile",
        ),
        (
            "{\"summary\": {}, \"detail\": {}, \"version\": \"2.3.0\"}",
            "Threat Dragon",
            "palisade import threat-dragon",
        ),
    ];
    for (text, what, hint) in cases {
        let label = if text.starts_with('{') {
            "x.json"
        } else {
            "x.yaml"
        };
        let failure = load_str(label, text).expect_err("not a model");
        let d = &failure.diagnostics[0];
        assert_eq!(d.code, "PAL-E0010");
        assert!(d.message.contains(what), "{}", d.message);
        assert!(d.help.iter().any(|h| h.contains(hint)), "{:?}", d.help);
    }
}

#[test]
fn every_shared_corpus_and_sample_file_is_refused_with_what_it_is() {
    let Some(shared) = shared() else { return };
    let mut checked = 0;
    for dir in ["corpus/real", "corpus/vuln", "samples", "samples/schemas"] {
        for entry in std::fs::read_dir(shared.join(dir))
            .unwrap()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let failure = load_file(&path).expect_err("no shared file is a Palisade model");
            let d = &failure.diagnostics[0];
            assert!(d.is_error());
            assert!(
                d.code == "PAL-E0010",
                "{}: {} {}",
                path.display(),
                d.code,
                d.message
            );
            assert!(
                d.message.contains("it is") || d.message.contains("looks like"),
                "{}",
                d.message
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "checked {checked} files");
}
