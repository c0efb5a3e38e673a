//! The rule registry: sorted, unique codes; every rule documented; every doc example triggers its
//! rule and every "Use instead" does not.

use palisade_rules::{Settings, all_rules, analyze_model};

const SECTIONS: &[&str] = &[
    "What it detects",
    "Why it matters",
    "Example",
    "Use instead",
    "Mitigation",
    "References",
];

#[test]
fn codes_are_sorted_unique_and_well_formed() {
    let rules = all_rules();
    assert!(rules.len() >= 20);
    for pair in rules.windows(2) {
        assert!(
            pair[0].code < pair[1].code,
            "{} / {}",
            pair[0].code,
            pair[1].code
        );
    }
    for m in &rules {
        let (family, number) = m.code.split_at(m.code.len() - 3);
        assert!(
            family.len() == 2 && family.chars().all(|c| c.is_ascii_uppercase()),
            "{}",
            m.code
        );
        assert!(number.chars().all(|c| c.is_ascii_digit()), "{}", m.code);
        assert!(!m.applies_to.is_empty(), "{}", m.code);
        assert!(
            !palisade_rules::REMOVED.iter().any(|(c, _)| *c == m.code),
            "{} was removed",
            m.code
        );
    }
}

#[test]
fn every_rule_has_every_doc_section() {
    for m in all_rules() {
        for section in SECTIONS {
            let text = m
                .section(section)
                .unwrap_or_else(|| panic!("{} lacks `## {section}`", m.code));
            assert!(!text.is_empty(), "{}: empty `## {section}`", m.code);
        }
        assert!(m.summary().ends_with('.'), "{}: {}", m.code, m.summary());
    }
}

/// The first fenced `yaml` block of a section.
fn yaml_block(text: &str) -> Option<String> {
    let start = text.find("```yaml")? + "```yaml".len();
    let rest = &text[start..];
    let end = rest.find("```")?;
    Some(rest[..end].trim().to_owned())
}

fn fires(code: &str, yaml: &str) -> bool {
    if yaml.starts_with("openapi:") || yaml.starts_with("swagger:") {
        let loaded = palisade_openapi::load_from_str(
            "example.yaml",
            yaml,
            &palisade_openapi::LoadOptions::default(),
        )
        .unwrap_or_else(|f| panic!("{code}: example does not load: {:?}", f.diagnostics));
        return palisade_rules::analyze_spec(&loaded.spec, "example", &[], &Settings::default())
            .iter()
            .any(|t| t.rule == code);
    }
    let loaded = palisade_loader::load_str("example.yaml", yaml)
        .unwrap_or_else(|f| panic!("{code}: example does not load: {:?}", f.diagnostics));
    analyze_model(&loaded.model, "example.yaml", &Settings::default())
        .iter()
        .any(|t| t.rule == code)
}

#[test]
fn doc_examples_trigger_and_use_instead_does_not() {
    for m in all_rules() {
        let example = yaml_block(&m.section("Example").unwrap_or_default())
            .unwrap_or_else(|| panic!("{}: the example has no yaml block", m.code));
        assert!(
            fires(m.code, &example),
            "{}: its example does not trigger it",
            m.code
        );
        if let Some(instead) = yaml_block(&m.section("Use instead").unwrap_or_default()) {
            assert!(
                !fires(m.code, &instead),
                "{}: its \"use instead\" still triggers it",
                m.code
            );
        } else {
            assert!(
                m.code.starts_with("ST") || m.code.starts_with("SO"),
                "{}: only baselines and second-order rules may lack a \"use instead\" model",
                m.code
            );
        }
    }
}
