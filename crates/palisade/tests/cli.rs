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

fn analysis_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("schema/analysis.schema.json"))
        .expect("the analysis schema is committed");
    let schema = serde_json::from_str(&text).expect("the analysis schema is JSON");
    jsonschema::validator_for(&schema).expect("the analysis schema is a valid JSON Schema")
}

#[test]
fn analyze_payments_finds_model_and_api_threats_and_fails_on_high() {
    let out = palisade()
        .args(["analyze", "--format", "json", "examples/payments.yaml"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<String> = analysis_validator()
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let threats = report["threats"].as_array().unwrap();
    let rules: Vec<&str> = threats
        .iter()
        .map(|t| t["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "DF001", "DS001", "PR002", "OP001", "OP008", "OP011", "ST001",
    ] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
    let op = threats.iter().find(|t| t["rule"] == "OP011").unwrap();
    assert_eq!(op["target"]["operation"], "GET /v2/customers/{customerId}");
    assert_eq!(op["location"]["file"], "examples/openapi/payments.yaml");
    assert!(op["location"]["line"].as_u64().unwrap() > 1);
    let flow = threats.iter().find(|t| t["rule"] == "DF001").unwrap();
    assert_eq!(flow["target"]["flow"], "gateway-to-payments");
    assert_eq!(
        flow["stride"],
        serde_json::json!(["tampering", "information_disclosure"])
    );
}

#[test]
fn analyze_a_bare_openapi_document() {
    let out = palisade()
        .args([
            "analyze",
            "--format",
            "json",
            "--exit-zero",
            "--select",
            "OP",
            "examples/openapi/shop.yaml",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(analysis_validator().is_valid(&report));
    let threats = report["threats"].as_array().unwrap();
    assert!(!threats.is_empty());
    assert!(
        threats
            .iter()
            .all(|t| t["rule"].as_str().unwrap().starts_with("OP"))
    );
    assert!(
        threats
            .iter()
            .any(|t| t["target"]["operation"] == "GET /orders/{orderId}")
    );
}

#[test]
fn analyze_human_output_shows_the_source_line() {
    let out = palisade()
        .args([
            "analyze",
            "--select",
            "OP011",
            "examples/openapi/payments.yaml",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn analyze_min_severity_and_fail_on() {
    palisade()
        .args(["analyze", "--fail-on", "critical", "examples/payments.yaml"])
        .assert()
        .success();
    let out = palisade()
        .args([
            "analyze",
            "--format",
            "json",
            "--min-severity",
            "high",
            "--exit-zero",
            "examples/payments.yaml",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["threats"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["severity"] == "high" || t["severity"] == "critical")
    );
}

#[test]
fn rules_lists_and_documents() {
    palisade()
        .arg("rules")
        .assert()
        .success()
        .stdout(predicate::str::contains("DF001"))
        .stdout(predicate::str::contains("OP001"));
    let page = std::fs::read_to_string(repo().join("docs/rules/OP001.md")).unwrap();
    palisade()
        .args(["rules", "op001"])
        .assert()
        .success()
        .stdout(format!("{page}\n"));
    palisade()
        .args(["rules", "OP999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule has the code"));
}

#[test]
fn inventory_counts_operations() {
    let out = palisade()
        .args([
            "inventory",
            "--format",
            "json",
            "examples/openapi/payments.yaml",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let inv: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ops = inv["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 10);
    assert!(ops.iter().any(|o| o["method"] == "GET"
        && o["path"] == "/v1/payments/{paymentId}"
        && o["deprecated"] == true));
}

#[test]
fn init_from_openapi_derives_a_model_of_the_api() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/openapi/vampi-openapi3.yml"),
        dir.path().join("vampi.yml"),
    )
    .unwrap();
    palisade()
        .current_dir(dir.path())
        .args(["init", "--from-openapi", "vampi.yml"])
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote palisade.yaml"));
    let text = std::fs::read_to_string(dir.path().join("palisade.yaml")).unwrap();
    palisade()
        .current_dir(dir.path())
        .args(["validate", "palisade.yaml"])
        .assert()
        .success();
    let model = palisade_loader::load_str("palisade.yaml", &text)
        .unwrap()
        .model;
    // The login, the bearer scheme, and the user data as data assets.
    let flow = &model.flows[0];
    assert!(
        flow.description
            .as_deref()
            .unwrap()
            .contains("Signs in with `POST /users/v1/login`")
    );
    assert_eq!(
        flow.authentication,
        Some(palisade_model::Authentication::Jwt)
    );
    assert_eq!(flow.protocol.as_deref(), Some("http"));
    assert_eq!(flow.port, Some(5000));
    let asset = |id: &str| model.data.iter().find(|d| d.id.as_str() == id).unwrap();
    assert!(
        asset("credentials")
            .description
            .as_deref()
            .unwrap()
            .contains("`password`")
    );
    assert!(
        asset("personal-data")
            .description
            .as_deref()
            .unwrap()
            .contains("`email`")
    );
    assert!(
        asset("access-token")
            .description
            .as_deref()
            .unwrap()
            .contains("JWT")
    );
    assert_eq!(model.apis[0].spec.as_deref(), Some("vampi.yml"));
    assert_eq!(model.apis[0].served_by.as_ref().unwrap().as_str(), "vampi");
    // It is a model Palisade can analyze: the API's threats come with it.
    let out = palisade()
        .current_dir(dir.path())
        .args([
            "analyze",
            "--format",
            "json",
            "--exit-zero",
            "palisade.yaml",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let threats = report["threats"].as_array().unwrap();
    assert!(
        threats
            .iter()
            .any(|t| t["target"]["operation"] == "POST /users/v1/login")
    );
    assert!(
        threats
            .iter()
            .any(|t| t["target"]["flow"] == "api-client-to-vampi")
    );
    // Never overwrites without --force.
    palisade()
        .current_dir(dir.path())
        .args(["init", "--from-openapi", "vampi.yml"])
        .assert()
        .code(2);
}

#[test]
fn a_spec_outside_the_project_is_refused_at_the_api_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/openapi/vampi-openapi3.yml"),
        dir.path().join("vampi.yml"),
    )
    .unwrap();
    std::fs::write(
        project.join("palisade.yaml"),
        "palisade: 1\nsystem: { name: X }\napis:\n  - id: vampi\n    spec: ../vampi.yml\n",
    )
    .unwrap();
    palisade()
        .current_dir(&project)
        .args(["--color", "never", "analyze", "palisade.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error[PAL-E0401]"))
        .stderr(predicate::str::contains("--> palisade.yaml:4:9"));
}

#[test]
fn diagram_draws_every_format_and_writes_files_atomically() {
    let out = palisade()
        .args(["diagram", "examples/payments.yaml"])
        .assert()
        .success()
        .get_output()
        .clone();
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("id=\"el-payments-service\""));
    palisade()
        .args(["diagram", "examples/shop.yaml", "--format", "dot"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("digraph \"Data-flow diagram: "))
        .stdout(predicate::str::contains(
            "subgraph \"cluster_boundary_cluster\"",
        ));
    palisade()
        .args(["diagram", "examples/shop.yaml", "-f", "mermaid"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("flowchart LR\n"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.svg");
    palisade()
        .args(["diagram", "examples/payments.yaml", "--threats", "-o"])
        .arg(&file)
        .assert()
        .success()
        .stdout("");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("has-threats"), "--threats adds badges");
    assert!(written.ends_with("</svg>\n"));
}

#[test]
fn diagram_honours_the_layout_file_and_reports_its_mistakes() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.yaml");
    std::fs::copy(repo().join("examples/shop.yaml"), &model).unwrap();
    std::fs::write(
        dir.path().join("m.layout.yaml"),
        "elements:\n  shopper: { x: 1000, y: 900 }\n",
    )
    .unwrap();
    let out = palisade()
        .arg("diagram")
        .arg(&model)
        .assert()
        .success()
        .get_output()
        .clone();
    let svg = String::from_utf8(out.stdout).unwrap();
    assert!(
        svg.contains("<rect class=\"box\" x=\"1000\" y=\"900\""),
        "the placement is used"
    );

    std::fs::write(
        dir.path().join("m.layout.yaml"),
        "elements:\n  shopper: { x: left }\n",
    )
    .unwrap();
    let out = palisade()
        .arg("diagram")
        .arg(&model)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("m.layout.yaml:2:"), "{stderr}");
    assert!(stderr.contains("expected a number"), "{stderr}");
}

#[test]
fn diagram_of_an_openapi_document_is_a_clear_error() {
    palisade()
        .args(["diagram", "examples/openapi/payments.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is an OpenAPI document, not a model",
        ));
}
