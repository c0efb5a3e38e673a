//! `palisade import` and `palisade export` as a user runs them: exit codes, what is written, and
//! the warnings on stderr.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(path: &str) -> String {
    repo()
        .join("crates/palisade_interop/tests/fixtures")
        .join(path)
        .display()
        .to_string()
}

fn palisade(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("palisade").expect("binary is built");
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

#[test]
fn import_writes_a_valid_model_and_its_layout_and_lists_what_was_not_imported() {
    let dir = tempfile::tempdir().unwrap();
    let out = palisade(dir.path())
        .args([
            "import",
            "threat-dragon",
            &fixture("threat-dragon/demo-v2.json"),
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning[PAL-W0851]: not imported: the list of contributors"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("warning[PAL-W0852]: the source of data flow `Web Request` is not attached"),
        "{stderr}"
    );
    assert!(
        stderr.contains("7 elements, 10 flows, 3 trust boundaries, 14 threats"),
        "{stderr}"
    );
    assert!(dir.path().join("palisade.layout.yaml").exists());
    palisade(dir.path()).args(["validate"]).assert().success();
    // The layout file is read back when exporting (a broken one would exit 2).
    palisade(dir.path())
        .args(["export", "threat-dragon", "-o", "again.json"])
        .assert()
        .success();
    // The model is analysed: Palisade's own threats come beside the 14 imported ones.
    palisade(dir.path())
        .args(["analyze", "--format", "json", "--exit-zero"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"rule\": \"ST"));
    // A second import does not overwrite without --force.
    palisade(dir.path())
        .args(["import", &fixture("threat-dragon/demo-v2.json")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --force"));
}

#[test]
fn import_without_a_format_recognises_the_file() {
    let dir = tempfile::tempdir().unwrap();
    palisade(dir.path())
        .args([
            "import",
            &fixture("tm7/checkout.tm7"),
            "-o",
            "checkout.yaml",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "imported Microsoft Threat Modeling Tool",
        ));
    palisade(dir.path())
        .args(["validate", "checkout.yaml"])
        .assert()
        .success();
}

#[test]
fn imported_model_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = palisade(dir.path())
        .args(["import", "tm7", &fixture("tm7/checkout.tm7"), "-o", "-"])
        .assert()
        .success()
        .get_output()
        .clone();
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn malformed_files_get_located_diagnostics_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for (args, expect) in [
        (
            vec!["threat-dragon", "malformed/truncated-td.json"],
            "truncated-td.json:6:1",
        ),
        (
            vec!["otm", "malformed/otm-wrong-type.yaml"],
            "otm-wrong-type.yaml:5:13",
        ),
        (
            vec!["malformed/unknown.json"],
            "error[PAL-E0802]: cannot tell which tool wrote",
        ),
        (
            vec!["threagile", "malformed/threagile-alias-bomb.yaml"],
            "error[PAL-E0004]",
        ),
        (vec!["tm7", "tm7/doctype.tm7"], "doctype.tm7:2:1"),
    ] {
        let mut full: Vec<String> = vec!["import".into()];
        let n = args.len();
        for (i, a) in args.iter().enumerate() {
            full.push(if i + 1 == n {
                fixture(a)
            } else {
                (*a).to_owned()
            });
        }
        let out = palisade(dir.path())
            .args(&full)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(expect), "{full:?}: {stderr}");
        assert!(
            !dir.path().join("palisade.yaml").exists(),
            "nothing is written"
        );
    }
    palisade(dir.path())
        .args(["import", "visio", "x.vsdx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown format `visio`"));
}

#[test]
fn export_writes_threat_dragon_otm_and_tracker_files() {
    let dir = tempfile::tempdir().unwrap();
    let payments = repo().join("examples/payments.yaml").display().to_string();
    palisade(dir.path())
        .args([
            "export",
            "threat-dragon",
            &payments,
            "-o",
            "payments.td.json",
        ])
        .assert()
        .success();
    let td: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("payments.td.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(td["version"], "2.3.0");
    palisade(dir.path())
        .args(["export", "otm", &payments])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"otmVersion\": \"0.2.0\""));
    palisade(dir.path())
        .args(["export", "jira-csv", &payments, "--min-severity", "high"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Summary,Description,Issue Type,Priority,Labels",
        ))
        .stderr(predicate::str::contains(
            "open threats without a ticket exported",
        ));
    let out = palisade(dir.path())
        .args(["export", "github-issues", &payments])
        .assert()
        .success()
        .get_output()
        .clone();
    let issues: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(issues.as_array().is_some_and(|a| !a.is_empty()));
    palisade(dir.path())
        .args(["export", "otm", "missing.yaml"])
        .assert()
        .code(2);
}

#[test]
fn export_reports_a_broken_layout_file_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("examples/payments.yaml"),
        dir.path().join("payments.yaml"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("openapi")).unwrap();
    for f in std::fs::read_dir(repo().join("examples/openapi")).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), dir.path().join("openapi").join(f.file_name())).unwrap();
    }
    std::fs::write(
        dir.path().join("payments.layout.yaml"),
        "elements:\n  gateway: { x: 1 }\n",
    )
    .unwrap();
    palisade(dir.path())
        .args(["export", "threat-dragon", "payments.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("payments.layout.yaml:2:"));
}
