//! The command line as a user runs it: exit codes, stdout and stderr.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn palisade() -> Command {
    let mut cmd = Command::cargo_bin("palisade").expect("binary is built");
    cmd.current_dir(repo()).env("NO_COLOR", "1");
    cmd
}

#[test]
fn validate_accepts_every_example() {
    palisade()
        .args(["validate", "examples/payments.yaml", "examples/shop.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("examples/payments.yaml: valid"))
        .stdout(predicate::str::contains("examples/shop.yaml: valid"));
}

#[test]
fn validate_reports_every_mistake_and_exits_2() {
    let out = palisade()
        .args([
            "validate",
            "tests/fixtures/models/invalid/ten-mistakes.yaml",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.matches("error[PAL-E").count() >= 10);
    insta::assert_snapshot!(stderr);
}

#[test]
fn validate_json_lists_diagnostics_with_locations() {
    let out = palisade()
        .args([
            "validate",
            "--format",
            "json",
            "tests/fixtures/models/invalid/ten-mistakes.yaml",
            "examples/shop.yaml",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let files = report["files"].as_array().unwrap();
    assert_eq!(files[0]["valid"], false);
    assert_eq!(files[1]["valid"], true);
    let first = &files[0]["diagnostics"][0];
    assert_eq!(first["code"], "PAL-E0101");
    assert_eq!(first["line"], 4);
    assert_eq!(first["column"], 3);
}

#[test]
fn validate_names_an_openapi_document() {
    palisade()
        .args(["validate", "examples/openapi/payments.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not a Palisade model: it is an OpenAPI 3.0 document",
        ))
        .stderr(predicate::str::contains("palisade analyze"));
}

#[test]
fn validate_reports_a_missing_file() {
    palisade()
        .args(["validate", "no-such-model.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read `no-such-model.yaml`"));
}

#[test]
fn init_writes_a_model_that_validates_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("palisade").unwrap();
    cmd.current_dir(dir.path())
        .args(["init", "--name", "Ledger \"v2\": core"])
        .assert()
        .success();
    let mut cmd = Command::cargo_bin("palisade").unwrap();
    cmd.current_dir(dir.path())
        .arg("validate")
        .assert()
        .success()
        .stdout(predicate::str::contains("`Ledger \"v2\": core`"));
    std::fs::write(dir.path().join("palisade.yaml"), "mine").unwrap();
    let mut cmd = Command::cargo_bin("palisade").unwrap();
    cmd.current_dir(dir.path())
        .arg("init")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("palisade.yaml")).unwrap(),
        "mine"
    );
    let mut cmd = Command::cargo_bin("palisade").unwrap();
    cmd.current_dir(dir.path())
        .args(["init", "--force"])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(dir.path().join("palisade.yaml"))
            .unwrap()
            .contains("palisade: 1")
    );
}

#[test]
fn schema_prints_the_committed_schema() {
    let committed = std::fs::read_to_string(repo().join("schema/palisade.schema.json")).unwrap();
    palisade()
        .arg("schema")
        .assert()
        .success()
        .stdout(committed);
}

#[test]
fn version_and_help() {
    palisade()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("palisade "));
    for command in ["validate", "init", "schema"] {
        palisade().args([command, "--help"]).assert().success();
    }
}
