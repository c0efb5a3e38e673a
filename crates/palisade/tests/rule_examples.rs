//! Every rule, as a user sees it: the rule's documented example (its fixture) analyzed by the
//! `palisade` binary with only that rule selected, pinned as one snapshot per rule. The example
//! must trigger the rule (the registry test in `palisade_rules` also checks that its "use
//! instead" does not).

use assert_cmd::Command;

/// The first fenced `yaml` block of a section.
fn yaml_block(text: &str) -> Option<String> {
    let start = text.find("```yaml")? + "```yaml".len();
    let rest = &text[start..];
    let end = rest.find("```")?;
    Some(rest[..end].trim().to_owned() + "\n")
}

#[test]
fn every_rule_example_renders_as_the_user_sees_it() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for rule in palisade_rules::all_rules() {
        let example = rule
            .section("Example")
            .and_then(|s| yaml_block(&s))
            .unwrap_or_else(|| panic!("{}: no yaml example", rule.code));
        let name = if example.starts_with("openapi:") || example.starts_with("swagger:") {
            "openapi.yaml"
        } else {
            "palisade.yaml"
        };
        std::fs::write(dir.path().join(name), &example).expect("write the example");
        // A second-order threat comes with the threat it is about: select that rule too.
        let mut select = rule.code.to_owned();
        if let Some(parent_rule) = parent_rule(dir.path(), name, rule.code) {
            select = format!("{select},{parent_rule}");
        }
        let out = Command::cargo_bin("palisade")
            .expect("the binary is built")
            .current_dir(dir.path())
            .args([
                "--color",
                "never",
                "analyze",
                "--exit-zero",
                "--select",
                &select,
                name,
            ])
            .output()
            .expect("palisade runs");
        let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
        assert!(
            out.status.success(),
            "{}: {}",
            rule.code,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains(&format!("[{}]", rule.code)),
            "{}: its example does not show the rule:\n{stdout}",
            rule.code
        );
        insta::assert_snapshot!(rule.code, stdout);
    }
}

/// The rule of the threat that `code`'s threat is a second-order threat of, if it is one.
fn parent_rule(dir: &std::path::Path, name: &str, code: &str) -> Option<String> {
    let out = Command::cargo_bin("palisade")
        .expect("the binary is built")
        .current_dir(dir)
        .args(["analyze", "--format", "json", "--exit-zero", name])
        .output()
        .expect("palisade runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let threats = report["threats"].as_array()?;
    let parent = threats
        .iter()
        .find(|t| t["rule"] == code)?
        .get("parent")?
        .as_str()?
        .to_owned();
    threats
        .iter()
        .find(|t| t["id"] == parent.as_str())
        .and_then(|t| t["rule"].as_str())
        .map(str::to_owned)
}
