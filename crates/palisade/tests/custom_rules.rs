//! Custom rules, end to end: the examples of `docs/custom-rules.md` run against the payments
//! example, in a rules file and inside a model; mistakes in rules are diagnostics with exit 2.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn palisade() -> Command {
    let mut cmd = Command::cargo_bin("palisade").expect("the binary is built");
    cmd.current_dir(repo()).args(["--color", "never"]);
    cmd
}

/// Every fenced `yaml` block of the custom-rules page.
fn documented_rule_files() -> Vec<String> {
    let doc = std::fs::read_to_string(repo().join("docs/custom-rules.md")).expect("the page");
    doc.split("```yaml")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .map(|b| b.trim().to_owned() + "\n")
        .collect()
}

fn analyze(args: &[&str]) -> serde_json::Value {
    let out = palisade()
        .args(["analyze", "--format", "json", "--exit-zero"])
        .args(args)
        .assert()
        .success()
        .get_output()
        .clone();
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn threats_of<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["threats"]
        .as_array()
        .expect("threats")
        .iter()
        .filter(|t| t["rule"] == rule)
        .collect()
}

#[test]
fn documented_rules_find_what_they_describe_in_the_payments_example() {
    let dir = tempfile::tempdir().unwrap();
    let files = documented_rule_files();
    assert_eq!(files.len(), 2, "the page has two examples");
    let mut args: Vec<String> = Vec::new();
    for (i, text) in files.iter().enumerate() {
        let path = dir.path().join(format!("rules-{i}.yaml"));
        std::fs::write(&path, text).unwrap();
        args.push("--rules".to_owned());
        args.push(path.display().to_string());
    }
    args.push("examples/payments.yaml".to_owned());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = analyze(&argv);

    // Card data crossing a boundary without mTLS: the mobile and web clients, and the gateway.
    let pci: Vec<String> = threats_of(&report, "X-PCI001")
        .iter()
        .map(|t| t["target"]["flow"].as_str().unwrap().to_owned())
        .collect();
    assert!(pci.contains(&"web-to-gateway".to_owned()), "{pci:?}");
    assert!(
        !pci.contains(&"mobile-to-gateway".to_owned()),
        "it carries no payment data: {pci:?}"
    );
    assert!(!pci.is_empty());
    for t in threats_of(&report, "X-PCI001") {
        assert_eq!(t["severity"], "high");
        assert_eq!(
            t["stride"],
            serde_json::json!(["information_disclosure", "tampering"])
        );
        assert_eq!(t["cwe"], serde_json::json!([319]));
        assert_eq!(t["location"]["file"], "examples/payments.yaml");
        assert!(t["id"].as_str().unwrap().starts_with("TH-"));
        assert!(
            t["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e.as_str().unwrap().starts_with("crosses"))
        );
    }
    // Both PostgreSQL stores, and nothing else.
    let stores: Vec<&str> = threats_of(&report, "X-PCI002")
        .iter()
        .map(|t| t["target"]["element"].as_str().unwrap())
        .collect();
    assert_eq!(stores.len(), 2, "{stores:?}");
    // The admin export operation of the payments API, located in its OpenAPI document.
    let admin = threats_of(&report, "X-API001");
    assert_eq!(admin.len(), 1);
    assert_eq!(
        admin[0]["target"]["operation"],
        "GET /v2/admin/payments/export"
    );
    assert_eq!(admin[0]["owasp_api_2023"], serde_json::json!(["API5"]));
    assert_eq!(
        admin[0]["location"]["file"],
        "examples/openapi/payments.yaml"
    );
    let hooks = threats_of(&report, "X-API002");
    assert!(
        hooks
            .iter()
            .any(|t| t["target"]["operation"] == "PUT /v2/merchants/{merchantId}/webhook-url")
    );

    // --select X- keeps only the custom rules.
    let mut args = vec!["--select", "X-"];
    args.extend_from_slice(&argv);
    let report = analyze(&args);
    let threats = report["threats"].as_array().unwrap();
    assert!(!threats.is_empty());
    assert!(
        threats
            .iter()
            .all(|t| t["rule"].as_str().unwrap().starts_with("X-"))
    );
}

#[test]
fn rules_inside_a_model_run_and_keep_their_decisions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("openapi")).unwrap();
    std::fs::copy(
        repo().join("examples/openapi/payments.yaml"),
        dir.path().join("openapi/payments.yaml"),
    )
    .unwrap();
    let model = std::fs::read_to_string(repo().join("examples/payments.yaml")).unwrap();
    let rules = &documented_rule_files()[1];
    let with_rules = format!("{model}\n{rules}");
    let path = dir.path().join("payments.yaml");
    std::fs::write(&path, &with_rules).unwrap();
    let path_arg = path.display().to_string();
    let report = analyze(&["--select", "X-", &path_arg]);
    let admin = threats_of(&report, "X-API001");
    assert_eq!(admin.len(), 1);
    let id = admin[0]["id"].as_str().unwrap().to_owned();
    // A decision recorded against the custom threat's id attaches to it on the next run.
    assert!(with_rules.contains("\nthreats:\n"));
    std::fs::write(
        &path,
        with_rules.replacen(
            "\nthreats:\n",
            &format!("\nthreats:\n  - id: {id}\n    status: mitigated\n    owner: platform-team\n"),
            1,
        ),
    )
    .unwrap();
    let again = analyze(&["--select", "X-", &path_arg]);
    let admin = threats_of(&again, "X-API001");
    assert_eq!(admin[0]["id"], id.as_str());
    assert_eq!(admin[0]["decision"]["status"], "mitigated");
}

#[test]
fn mistakes_in_rules_are_reported_where_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad-rules.yaml");
    std::fs::write(
        &path,
        "custom_rules:\n  - code: PCI1\n    title: Bad code\n    match: { target: flow, protocol: [http] }\n  - code: X-B\n    title: Wrong condition\n    owasp_api_2023: [API11]\n    match:\n      target: flow\n      method: [get]\n  - code: X-B\n    title: Duplicate\n    match: { target: element }\n",
    )
    .unwrap();
    let out = palisade()
        .args(["analyze", "--rules"])
        .arg(&path)
        .arg("examples/payments.yaml")
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("error[PAL-E0112]"), "{stderr}");
    assert!(stderr.contains("bad-rules.yaml:2:11"), "{stderr}");
    assert!(
        stderr.contains("error[PAL-E0114]: `API11` is not an OWASP"),
        "{stderr}"
    );
    assert!(stderr.contains("error[PAL-E0113]: `method` is a condition on operations, but this rule's target is `flow`"), "{stderr}");
    assert!(stderr.contains("bad-rules.yaml:10:7"), "{stderr}");
    assert!(stderr.contains("error[PAL-E0105]"), "{stderr}");
    // The same mistakes inside a model are found by `palisade validate`.
    let model = dir.path().join("palisade.yaml");
    std::fs::write(
        &model,
        "palisade: 1\nsystem: { name: X }\ncustom_rules:\n  - code: X-A\n    title: T\n    match: { target: element, path: /admin }\n",
    )
    .unwrap();
    palisade()
        .arg("validate")
        .arg(&model)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error[PAL-E0113]: `path` is a condition on operations",
        ));
}
