//! `palisade diff` as a user runs it: two files, or `REV:path` read from git.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn palisade(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("palisade").expect("the binary is built");
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

const VAMPI: &str = "tests/fixtures/openapi/vampi-openapi3.yml";

/// VAmPI with `security` removed from `DELETE /users/v1/{username}`.
fn vampi_without_security_on_delete() -> String {
    let text = std::fs::read_to_string(repo().join(VAMPI)).expect("fixture");
    let secured = "    delete:\n      security:\n        - bearerAuth: [ ]\n";
    assert!(text.contains(secured));
    text.replacen(secured, "    delete:\n", 1)
}

#[test]
fn removing_security_from_one_vampi_operation_reports_the_new_threat_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vampi-changed.yml"),
        vampi_without_security_on_delete(),
    )
    .unwrap();
    let fixture = repo().join(VAMPI);
    let out = palisade(dir.path())
        .args(["diff"])
        .arg(&fixture)
        .arg("vampi-changed.yml")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let markdown = String::from_utf8(out.stdout)
        .unwrap()
        .replace(&fixture.display().to_string(), VAMPI);
    insta::assert_snapshot!(markdown);
    // JSON for tools.
    let out = palisade(dir.path())
        .args(["diff", "--format", "json"])
        .arg(&fixture)
        .arg("vampi-changed.yml")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["new_unresolved"][0]["rule"], "OP002");
    assert_eq!(
        json["new_unresolved"][0]["target"],
        "DELETE /users/v1/{username}"
    );
    assert_eq!(json["operations"][0]["change"], "changed");
}

#[test]
fn a_file_against_itself_is_no_change_and_exits_0() {
    for file in [VAMPI, "examples/payments.yaml"] {
        palisade(&repo())
            .args(["diff", file, file])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("No change to the threat model."));
    }
}

#[test]
fn the_level_comes_from_the_flag_or_the_newer_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vampi-changed.yml"),
        vampi_without_security_on_delete(),
    )
    .unwrap();
    palisade(dir.path())
        .args(["diff", "--fail-on", "critical"])
        .arg(repo().join(VAMPI))
        .arg("vampi-changed.yml")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "No new unresolved threat at or above critical.",
        ));
}

#[test]
fn a_model_and_a_document_cannot_be_compared() {
    palisade(&repo())
        .args(["diff", "examples/payments.yaml", VAMPI])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not the same kind of file"));
}

fn git(dir: &Path, args: &[&str]) -> bool {
    std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn a_revision_is_read_from_git_with_its_documents() {
    let dir = tempfile::tempdir().unwrap();
    if !git(dir.path(), &["init", "-q"]) {
        eprintln!("skipped: git is not available");
        return;
    }
    let root = dir.path();
    std::fs::create_dir_all(root.join("api/openapi")).unwrap();
    for f in ["payments.yaml", "openapi/payments.yaml"] {
        std::fs::copy(repo().join("examples").join(f), root.join("api").join(f)).unwrap();
    }
    assert!(git(root, &["add", "."]));
    assert!(git(root, &["commit", "-q", "-m", "model"]));
    // Change the model (a flow goes plaintext) and its document (an operation loses `security`).
    let model = std::fs::read_to_string(root.join("api/payments.yaml")).unwrap();
    std::fs::write(
        root.join("api/payments.yaml"),
        model.replacen(
            "    to: accounts-service\n    protocol: grpc\n",
            "    to: accounts-service\n    protocol: http\n",
            1,
        ),
    )
    .unwrap();
    let spec = std::fs::read_to_string(root.join("api/openapi/payments.yaml")).unwrap();
    std::fs::write(
        root.join("api/openapi/payments.yaml"),
        spec.replacen(
            "      tags: [refunds]\n      security:\n        - merchantKey: []\n",
            "      tags: [refunds]\n",
            1,
        ),
    )
    .unwrap();
    let out = palisade(root)
        .args(["diff", "HEAD:api/payments.yaml", "api/payments.yaml"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let markdown = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!(markdown);
    // The same revision on both sides: no change.
    palisade(root)
        .args(["diff", "HEAD:api/payments.yaml", "HEAD:api/payments.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No change to the threat model."));
    // A path or revision git does not have is an input error.
    palisade(root)
        .args(["diff", "HEAD:api/nope.yaml", "api/payments.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "git cannot show `HEAD:api/nope.yaml`",
        ));
    palisade(root)
        .args(["diff", "no-such-rev:api/payments.yaml", "api/payments.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("git cannot show"));
}
