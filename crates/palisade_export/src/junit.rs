//! JUnit XML, for CI systems that show test results: one test suite per model file. Each policy
//! gate is a test case (unresolved threats, coverage, drift, review age, assumptions, tickets,
//! decisions) that fails with the items that fail it; each threat at or above the policy's level
//! is a test case of its own, failing while it is unresolved. Warnings go to `system-out`.

use palisade_check::{Category, Report};
use palisade_rules::Threat;
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

/// Why a JUnit report could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write JUnit XML: {0}")]
pub struct Error(String);

/// One model's report and its threats.
pub struct Suite<'a> {
    pub report: &'a Report,
    pub threats: &'a [Threat],
}

/// The JUnit XML of every model's check.
pub fn render(suites: &[Suite]) -> Result<String, Error> {
    let mut report = quick_junit::Report::new("palisade check");
    for s in suites {
        report.add_test_suite(suite(s));
    }
    let mut text = report.to_string().map_err(|e| Error(e.to_string()))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

fn suite(s: &Suite) -> TestSuite {
    let r = s.report;
    let mut suite = TestSuite::new(r.file.as_str());
    suite.add_property(("policy", r.policy.summary().as_str()));
    for category in Category::ALL {
        let failing: Vec<_> = r
            .items
            .iter()
            .filter(|i| i.category == category && i.fails)
            .collect();
        let warnings: Vec<_> = r
            .items
            .iter()
            .filter(|i| i.category == category && !i.fails)
            .collect();
        let status = if failing.is_empty() {
            TestCaseStatus::success()
        } else {
            let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
            st.set_message(format!(
                "{} item{} fail{} the policy",
                failing.len(),
                if failing.len() == 1 { "" } else { "s" },
                if failing.len() == 1 { "s" } else { "" }
            ));
            st.set_type(category.title());
            st.set_description(
                failing
                    .iter()
                    .map(|i| line(i))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
            st
        };
        let mut case = TestCase::new(format!("policy: {}", category.title()), status);
        case.set_classname(format!("{}.policy", r.file));
        if !warnings.is_empty() {
            case.set_system_out(
                warnings
                    .iter()
                    .map(|i| line(i))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        suite.add_test_case(case);
    }
    for t in s.threats.iter().filter(|t| t.severity >= r.policy.fail_on) {
        let status = if t.status().is_unresolved() {
            let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
            st.set_message(format!("{} threat is {}", t.severity, t.status()));
            st.set_type(t.rule.as_str());
            let mut description = t.description.clone();
            if let Some(l) = &t.location {
                description = format!("{}:{}:{}: {description}", l.file, l.line, l.column);
            }
            st.set_description(description);
            st
        } else {
            TestCaseStatus::success()
        };
        let mut case = TestCase::new(
            format!("{} {} {}: {}", t.id, t.rule, t.target.label(), t.title),
            status,
        );
        case.set_classname(format!("{}.threats", r.file));
        suite.add_test_case(case);
    }
    suite
}

fn line(item: &palisade_check::Item) -> String {
    let at = item
        .location
        .as_ref()
        .map(|l| format!("{}:{}:{}: ", l.file, l.line, l.column))
        .unwrap_or_default();
    format!("{at}{} [{}]", item.message, item.code)
}
