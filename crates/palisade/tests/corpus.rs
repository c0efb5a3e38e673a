//! The shared corpus (`../shared/corpus`): every real and vulnerable OpenAPI document is read
//! without error, `palisade inventory` counts exactly the operations an independent parser
//! finds under `paths`, and `palisade init --from-openapi` derives a model that validates.
//! Skipped, with a message, when `../shared` is absent.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/corpus is absent (it is present in CI)");
        None
    }
}

fn documents(corpus: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in ["real", "vuln"] {
        for entry in std::fs::read_dir(corpus.join(sub)).expect("corpus folder is readable") {
            let path = entry.expect("corpus entry").path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if matches!(ext, "json" | "yaml" | "yml") && name != "ground_truth.json" {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The document parsed by a parser that shares no code with Palisade's (serde_json for JSON,
/// serde-saphyr for YAML).
fn independent_parse(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("corpus file is UTF-8");
    if path.extension().is_some_and(|e| e == "json") {
        return serde_json::from_str(&text).expect("corpus JSON parses");
    }
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 50_000_000;
    budget.max_nodes = 50_000_000;
    budget.max_depth = 512;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    serde_saphyr::from_str_with_options(&text, options).expect("corpus YAML parses")
}

/// Method keys under `paths` (following a path item's local `$ref`).
fn count_operations(doc: &serde_json::Value) -> usize {
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) else {
        return 0;
    };
    paths
        .values()
        .map(|item| {
            let item = match item.get("$ref").and_then(|r| r.as_str()) {
                Some(r) if r.starts_with("#/") => doc.pointer(&r[1..]).unwrap_or(item),
                _ => item,
            };
            item.as_object().map_or(0, |o| {
                o.keys().filter(|k| METHODS.contains(&k.as_str())).count()
            })
        })
        .sum()
}

#[test]
fn every_corpus_document_is_read_and_every_operation_counted() {
    let Some(corpus) = shared() else {
        return;
    };
    let files = documents(&corpus);
    assert!(
        files.len() >= 12,
        "expected the whole corpus, found {files:?}"
    );
    for path in files {
        let out = Command::cargo_bin("palisade")
            .expect("the binary is built")
            .args(["--color", "never", "inventory", "--format", "json"])
            .arg(&path)
            .output()
            .expect("palisade runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{}: exit {:?}\n{stderr}",
            path.display(),
            out.status.code()
        );
        assert!(
            !stderr.contains("error["),
            "{}: errors while reading\n{stderr}",
            path.display()
        );
        let inventory: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("inventory JSON");
        let ours = inventory["operations"].as_array().map_or(0, Vec::len);
        let theirs = count_operations(&independent_parse(&path));
        assert!(theirs > 0, "{}: no operations at all?", path.display());
        assert_eq!(ours, theirs, "{}", path.display());
    }
}

#[test]
fn init_from_openapi_derives_a_valid_model_from_every_corpus_document() {
    let Some(corpus) = shared() else {
        return;
    };
    for path in documents(&corpus) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let name = path.file_name().expect("a file name");
        std::fs::copy(&path, dir.path().join(name)).expect("copy");
        Command::cargo_bin("palisade")
            .expect("the binary is built")
            .current_dir(dir.path())
            .args(["init", "--from-openapi"])
            .arg(name)
            .assert()
            .success();
        Command::cargo_bin("palisade")
            .expect("the binary is built")
            .current_dir(dir.path())
            .args(["validate", "palisade.yaml"])
            .assert()
            .success();
    }
}
