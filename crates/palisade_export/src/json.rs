//! The report as JSON: the whole [`Report`] (model summary, threats with their decisions, the
//! threat tables, coverage, the policy check with drift, the risk matrix, the inventory), in the
//! shape of the published JSON Schema `schema/report.schema.json` ([`crate::report::schema_json`]).

use crate::report::Report;

/// Pretty JSON with a final newline.
pub fn render(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}
