//! `palisade check` and `palisade threat set` as a user runs them: exit codes, output, and the
//! model file before and after.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A copy of the payments example (model and spec) in a temporary folder; commands run there.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn payments() -> Self {
        let dir = tempfile::tempdir().expect("test setup works");
        std::fs::create_dir_all(dir.path().join("openapi")).expect("test setup works");
        for f in ["payments.yaml", "openapi/payments.yaml"] {
            std::fs::copy(repo().join("examples").join(f), dir.path().join(f))
                .expect("test setup works");
        }
        Self { dir }
    }

    fn empty() -> Self {
        Self {
            dir: tempfile::tempdir().expect("test setup works"),
        }
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("palisade").expect("test setup works");
        cmd.current_dir(self.dir.path()).env("NO_COLOR", "1");
        cmd
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(rel)).expect("test setup works")
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.dir.path().join(rel), text).expect("test setup works");
    }

    /// `palisade check payments.yaml --format json`: (exit code, failing CK001 threat ids).
    fn failing_threats(&self) -> (i32, Vec<String>) {
        let out = self
            .cmd()
            .args([
                "check",
                "payments.yaml",
                "--today",
                "2026-11-24",
                "--format",
                "json",
            ])
            .output()
            .expect("test setup works");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let ids = json["reports"][0]["items"]
            .as_array()
            .expect("test setup works")
            .iter()
            .filter(|i| i["code"] == "CK001")
            .map(|i| i["threat"].as_str().expect("test setup works").to_owned())
            .collect();
        (out.status.code().expect("test setup works"), ids)
    }
}

/// The lines `after` adds to `before`, when it only adds lines (else `None`).
fn added_lines(before: &str, after: &str) -> Option<Vec<String>> {
    let mut added = Vec::new();
    let mut old = before.lines().peekable();
    for line in after.lines() {
        if old.peek() == Some(&line) {
            old.next();
        } else {
            added.push(line.to_owned());
        }
    }
    old.peek().is_none().then_some(added)
}

#[test]
fn payments_fails_then_passes_once_every_high_threat_is_decided() {
    let p = Project::payments();
    let original = p.read("payments.yaml");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(p.dir.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let tracked = git(&["init", "-q"]).is_some()
        && git(&["add", "."]).is_some()
        && git(&["commit", "-q", "-m", "model"]).is_some();

    // 1. It fails, listing what is open, each with its location and what to do.
    let out = p
        .cmd()
        .args(["check", "payments.yaml", "--today", "2026-11-24"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let human = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("payments_check_fails", human);
    let (code, open) = p.failing_threats();
    assert_eq!(code, 1);
    assert_eq!(open.len(), 6, "{open:?}");

    // 2. Decide every one: mitigate the two backends reachable around the gateway with the JWT
    //    verification they already do; accept, transfer or mitigate the rest.
    let decide = |ids: &[&str], extra: &[&str]| {
        let mut args = vec!["threat", "set", "-m", "payments.yaml"];
        args.extend_from_slice(ids);
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--date", "2026-11-24"]);
        p.cmd().args(&args).assert().success();
    };
    let by_rule = |rule: &str| -> Vec<String> {
        let out = p
            .cmd()
            .args([
                "analyze",
                "payments.yaml",
                "--format",
                "json",
                "--exit-zero",
            ])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["threats"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["rule"] == rule && open.iter().any(|o| o == t["id"].as_str().unwrap()))
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let pr002 = by_rule("PR002");
    assert_eq!(pr002.len(), 2);
    decide(
        &[&pr002[0], &pr002[1]],
        &[
            "--status",
            "mitigated",
            "--strategy",
            "reduce",
            "--mitigation",
            "jwt-verification",
            "--checked-by",
            "security-team",
        ],
    );
    decide(
        &[&by_rule("DS001")[0]],
        &[
            "--status",
            "accepted",
            "--strategy",
            "accept",
            "--justification",
            "Only password hashes and contact data; disks are encrypted by the cloud provider: PAY-1999",
            "--owner",
            "payments-team",
        ],
    );
    decide(
        &[&by_rule("DF001")[0]],
        &[
            "--status",
            "transferred",
            "--strategy",
            "transfer",
            "--justification",
            "The platform team's service mesh adds mTLS between the DMZ and the cluster",
            "--ticket",
            "https://tracker.example/PLAT-77",
        ],
    );
    decide(
        &[&by_rule("OP008")[0], &by_rule("OP011")[0]],
        &[
            "--status",
            "mitigated",
            "--strategy",
            "reduce",
            "--ticket",
            "PAY-2001",
        ],
    );

    // 3. The JWT verification brings its second-order threats, linked to their parents: two are
    //    high (an unsigned `alg: none` token, algorithm confusion), so the check still fails on
    //    them, and says where they come from.
    let (code, second) = p.failing_threats();
    assert_eq!(code, 1);
    assert_eq!(second.len(), 4, "{second:?}");
    p.cmd()
        .args(["check", "payments.yaml", "--today", "2026-11-24"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "could accept unsigned `alg: none` tokens",
        ))
        .stdout(predicate::str::contains("(second-order, from TH-"));
    let ids: Vec<&str> = second.iter().map(String::as_str).collect();
    decide(
        &ids,
        &[
            "--status",
            "mitigated",
            "--strategy",
            "reduce",
            "--justification",
            "The verifier pins RS256 and rejects `none`; tested in CI",
        ],
    );

    // 4. It passes.
    let out = p
        .cmd()
        .args(["check", "payments.yaml", "--today", "2026-11-24"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let human = String::from_utf8(out.stdout).unwrap();
    let mut summary: Vec<&str> = human.lines().rev().take(2).collect();
    summary.reverse();
    insta::assert_snapshot!("payments_check_passes", summary.join("\n"));

    // 5. The model only gained decisions, inside `threats:`; every other line is as it was.
    let after = p.read("payments.yaml");
    let added = added_lines(&original, &after).expect("lines were only added");
    assert!(
        added.iter().all(|l| {
            let key = l.trim_start().trim_start_matches("- ");
            [
                "id:",
                "rule:",
                "subject:",
                "status:",
                "strategy:",
                "justification:",
                "owner:",
                "ticket:",
                "date:",
                "checked_by:",
                "mitigations:",
            ]
            .iter()
            .any(|k| key.starts_with(k))
        }),
        "{added:#?}"
    );
    let threats_at = after.find("\nthreats:").unwrap();
    let assumptions_at = after.find("\nassumptions:").unwrap();
    let block = &after[threats_at..assumptions_at];
    assert!(added.iter().all(|l| block.contains(l.as_str())));
    insta::assert_snapshot!("payments_added_decisions", added.join("\n"));
    // And as git sees it: additions only, to the model alone.
    if tracked {
        let numstat = git(&["diff", "--numstat"]).expect("git diff");
        assert_eq!(numstat, format!("{}\t0\tpayments.yaml\n", added.len()));
    } else {
        eprintln!("skipped the git diff: git is not available");
    }
}

#[test]
fn an_accepted_threat_without_justification_is_an_error_at_its_line() {
    let p = Project::payments();
    let text = p.read("payments.yaml").replace(
        "    severity: medium\n    status: open\n",
        "    severity: medium\n    status: accepted\n",
    );
    p.write("payments.yaml", &text);
    p.cmd()
        .args(["check", "payments.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error[PAL-E0111]: threat `refund-abuse` is accepted or transferred without a justification",
        ))
        .stderr(predicate::str::contains("--> payments.yaml:315:13"));
    // `threat set` refuses to write one, and leaves the file alone.
    let p = Project::payments();
    let before = p.read("payments.yaml");
    p.cmd()
        .args([
            "threat",
            "set",
            "-m",
            "payments.yaml",
            "refund-abuse",
            "--status",
            "accepted",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a justification"));
    assert_eq!(p.read("payments.yaml"), before);
}

#[test]
fn an_assumption_past_its_date_fails_the_policy() {
    let p = Project::empty();
    p.write(
        "palisade.yaml",
        "palisade: 1\nsystem: { name: Ledger }\nassumptions:\n  - id: vpn-only\n    assumption: Only the VPN reaches the admin port.\n    owner: platform-team\n    due: 2027-01-15\n",
    );
    p.cmd()
        .args(["check", "--today", "2027-01-15"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("check passed"));
    let out = p
        .cmd()
        .args(["check", "--today", "2027-02-01"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
    // A policy file can turn it off; its keys win over the model's.
    p.write("policy.yaml", "fail_on_overdue_assumptions: false\n");
    p.cmd()
        .args(["check", "--today", "2027-02-01", "--policy", "policy.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning[CK012]"));
}

#[test]
fn a_bad_policy_file_is_an_input_error() {
    let p = Project::payments();
    p.write("policy.yaml", "fail_on: hihg\n");
    p.cmd()
        .args(["check", "payments.yaml", "--policy", "policy.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy.yaml:1:10"))
        .stderr(predicate::str::contains("did you mean `high`?"));
    p.cmd()
        .args(["check", "payments.yaml", "--policy", "nope.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read `nope.yaml`"));
    p.write("policy.yaml", "fail_on: critical\n");
    p.cmd()
        .args(["check", "payments.yaml", "--policy", "policy.yaml"])
        .assert()
        .code(0);
}

#[test]
fn a_spec_that_no_longer_exists_is_drift_not_an_input_error() {
    let p = Project::payments();
    std::fs::remove_file(p.dir.path().join("openapi/payments.yaml")).unwrap();
    p.cmd()
        .args(["check", "payments.yaml", "--fail-on", "critical"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "error[CK007]: API `payments-api` names the OpenAPI document `openapi/payments.yaml`, which no longer exists",
        ));
}

#[test]
fn threat_set_refuses_unknown_ids_and_mitigations() {
    let p = Project::payments();
    let before = p.read("payments.yaml");
    p.cmd()
        .args([
            "threat",
            "set",
            "-m",
            "payments.yaml",
            "TH-f6ad13bb5ec",
            "--status",
            "mitigated",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `TH-f6ad13bb5ece`?"));
    p.cmd()
        .args([
            "threat",
            "set",
            "-m",
            "payments.yaml",
            "TH-f6ad13bb5ece",
            "--mitigation",
            "jwt-verificaton",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `jwt-verification`?"));
    p.cmd()
        .args(["threat", "set", "-m", "payments.yaml", "TH-f6ad13bb5ece"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to record"));
    assert_eq!(p.read("payments.yaml"), before);
}

#[test]
fn threat_set_edits_a_json_model_too() {
    let p = Project::empty();
    p.write(
        "model.json",
        "{\n    \"palisade\": 1,\n    \"system\": { \"name\": \"X\" },\n    \"elements\": [ { \"id\": \"db\", \"kind\": \"data_store\" } ]\n}\n",
    );
    let out = p
        .cmd()
        .args(["analyze", "model.json", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = json["threats"][0]["id"].as_str().unwrap().to_owned();
    p.cmd()
        .args([
            "threat",
            "set",
            "-m",
            "model.json",
            &id,
            "--status",
            "mitigated",
            "--date",
            "2026-11-24",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "recorded {id} in model.json: status mitigated, date 2026-11-24"
        )));
    let text = p.read("model.json");
    assert!(text.starts_with("{\n    \"palisade\": 1,"), "{text}");
    assert!(text.contains("\"status\": \"mitigated\""), "{text}");
}

#[test]
fn sarif_and_junit_describe_every_model() {
    let p = Project::payments();
    std::fs::copy(
        repo().join("examples/shop.yaml"),
        p.dir.path().join("shop.yaml"),
    )
    .unwrap();
    std::fs::copy(
        repo().join("examples/openapi/shop.yaml"),
        p.dir.path().join("openapi/shop.yaml"),
    )
    .unwrap();
    p.cmd()
        .args([
            "check",
            "payments.yaml",
            "shop.yaml",
            "--today",
            "2026-11-24",
            "--format",
            "sarif",
            "--output",
            "out.sarif",
        ])
        .assert()
        .code(1)
        .stdout("");
    let sarif: serde_json::Value = serde_json::from_str(&p.read("out.sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        for key in ["shortDescription", "fullDescription", "help", "helpUri"] {
            assert!(!rule[key].is_null(), "{} lacks {key}", rule["id"]);
        }
    }
    for code in ["DS001", "SO003", "MANUAL", "CK001", "CK015"] {
        assert!(rules.iter().any(|r| r["id"] == code), "{code} is declared");
    }
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 100);
    let first = &results[0];
    assert_eq!(first["level"], "error");
    let uri = first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(!uri.starts_with('/') && !uri.starts_with("file:"), "{uri}");
    assert!(first["partialFingerprints"]["palisade/v1"].is_string());
    assert!(results.iter().any(|r| r["ruleId"] == "CK010"));
    assert!(
        results.iter().any(|r| !r["suppressions"].is_null()),
        "decided threats are suppressed"
    );

    let out = p
        .cmd()
        .args([
            "check",
            "payments.yaml",
            "shop.yaml",
            "--today",
            "2026-11-24",
            "--format",
            "junit",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let xml = String::from_utf8(out.stdout).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 2, "one suite per model");
    assert!(xml.contains("<testsuite name=\"payments.yaml\""));
    assert!(xml.contains("<testsuite name=\"shop.yaml\""));
    assert!(xml.contains("<testcase name=\"policy: unresolved threats\""));
}

#[test]
fn review_records_spec_hashes_and_check_then_sees_a_changed_spec() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("openapi")).unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    std::fs::copy(examples.join("payments.yaml"), root.join("payments.yaml")).unwrap();
    std::fs::copy(
        examples.join("openapi/payments.yaml"),
        root.join("openapi/payments.yaml"),
    )
    .unwrap();
    let before = std::fs::read_to_string(root.join("payments.yaml")).unwrap();
    let check = |root: &Path| {
        let out = Command::cargo_bin("palisade")
            .unwrap()
            .current_dir(root)
            .args([
                "--color",
                "never",
                "check",
                "payments.yaml",
                "--today",
                "2026-11-25",
            ])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap()
    };
    assert!(check(root).contains("CK010"), "no review hash yet");
    Command::cargo_bin("palisade")
        .unwrap()
        .current_dir(root)
        .args([
            "review",
            "payments.yaml",
            "--by",
            "alice",
            "--date",
            "2026-11-20",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "reviewed 2026-11-20 by alice — 1 OpenAPI document hashed",
        ));
    let after = std::fs::read_to_string(root.join("payments.yaml")).unwrap();
    // Only the `reviewed:` block changed; every other line (comments included) is as it was.
    let kept = |text: &str| -> Vec<String> {
        text.lines()
            .take_while(|l| !l.starts_with("reviewed:"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(kept(&before), kept(&after));
    assert!(after.contains("  by: alice\n  specs:\n    openapi/payments.yaml: \"sha256:"));
    let report = check(root);
    assert!(
        !report.contains("CK010") && !report.contains("CK009"),
        "{report}"
    );
    // The spec changes after the review: drift.
    let mut spec = std::fs::read_to_string(root.join("openapi/payments.yaml")).unwrap();
    spec.push_str("x-changed: true\n");
    std::fs::write(root.join("openapi/payments.yaml"), spec).unwrap();
    assert!(check(root).contains("error[CK009]"));
}
