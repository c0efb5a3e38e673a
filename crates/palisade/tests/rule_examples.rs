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
        let out = Command::cargo_bin("palisade")
            .expect("the binary is built")
            .current_dir(dir.path())
            .args([
                "--color",
                "never",
                "analyze",
                "--exit-zero",
                "--select",
                rule.code,
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
