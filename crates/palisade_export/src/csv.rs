//! The threats as CSV, one row per threat, for spreadsheets and issue trackers (Jira's CSV
//! import): id, element, operation, rule, title, STRIDE, OWASP, CWE, severity, risk, status,
//! strategy, ticket. Quoting is the `csv` crate's (RFC 4180); cells that a spreadsheet would run
//! as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) are prefixed with
//! `'` so that a hostile name in a model can never become one.

use palisade_model::StringEnum;
use palisade_rules::Target;

use crate::report::{Report, ticket_text};

/// Why the CSV could not be written (only an internal buffer is written to, so in practice never).
#[derive(Debug, thiserror::Error)]
#[error("cannot write CSV: {0}")]
pub struct Error(String);

/// The column headers.
pub const HEADERS: [&str; 13] = [
    "id",
    "element",
    "operation",
    "rule",
    "title",
    "stride",
    "owasp_api_2023",
    "cwe",
    "severity",
    "risk",
    "status",
    "strategy",
    "ticket",
];

/// A cell a spreadsheet will show as text, never run as a formula.
pub fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// One row per threat, most severe first.
pub fn render(report: &Report) -> Result<String, Error> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(HEADERS).map_err(|e| Error(e.to_string()))?;
    for t in &report.threats {
        let (element, operation) = match &t.target {
            Target::Element { element } => (element.clone(), String::new()),
            Target::Flow { flow } => (flow.clone(), String::new()),
            Target::Operation { api, operation } => (api.clone(), operation.clone()),
            Target::Api { api } => (api.clone(), String::new()),
        };
        let decision = t.decision.as_ref();
        let record = [
            t.id.to_string(),
            element,
            operation,
            t.rule.clone(),
            t.title.clone(),
            t.stride
                .iter()
                .map(|s| s.letter().to_string())
                .collect::<String>(),
            t.owasp_api_2023
                .iter()
                .map(|o| o.code())
                .collect::<Vec<_>>()
                .join(" "),
            t.cwe
                .iter()
                .map(|c| format!("CWE-{c}"))
                .collect::<Vec<_>>()
                .join(" "),
            t.severity.to_string(),
            format!("{:.1}", t.risk.score),
            t.status().as_str().to_owned(),
            decision
                .and_then(|d| d.strategy)
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            decision
                .and_then(|d| d.ticket.as_ref())
                .map(ticket_text)
                .unwrap_or_default(),
        ];
        w.write_record(record.iter().map(|c| cell(c)))
            .map_err(|e| Error(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| Error(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_become_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell(""), "");
    }
}
