//! How threats look in a terminal: grouped by target, ranked by severity, each shown like a
//! compiler diagnostic with the source line it points at.

use std::collections::BTreeMap;

use palisade_diagnostics::{Diagnostic, Severity as DiagSeverity, SourceMap, Span, render};
use palisade_model::{Severity, StringEnum};
use palisade_rules::Threat;

/// The human form of `threats`, with a summary line.
pub fn human(threats: &[Threat], sources: &SourceMap, color: bool) -> String {
    // Groups in order of their most severe threat; the list is already sorted by severity.
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Vec<&Threat>> = BTreeMap::new();
    for t in threats {
        let key = t.target.label();
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(t);
    }
    let mut out = String::new();
    for key in order {
        out.push_str(&format!("── {key} ──\n\n"));
        for t in &groups[&key] {
            out.push_str(&render::human(&diagnostic(t), sources, color));
            out.push('\n');
        }
    }
    out.push_str(&summary(threats));
    out
}

fn diagnostic(t: &Threat) -> Diagnostic {
    let severity = match t.severity {
        Severity::Critical | Severity::High => DiagSeverity::Error,
        Severity::Medium => DiagSeverity::Warning,
        Severity::Low | Severity::Info => DiagSeverity::Note,
    };
    let mut d = Diagnostic::new(severity, t.rule.clone(), t.title.clone())
        .with_headline(t.severity.as_str());
    if let Some(loc) = &t.location {
        d = d.in_file(loc.file.clone());
        let span = if loc.span.start.line > 0 {
            loc.span
        } else {
            Span::point(palisade_diagnostics::Pos::new(loc.line, loc.column))
        };
        let label = t.evidence.first().cloned().unwrap_or_default();
        d = d.with_primary(span, label);
    }
    d = d.with_note(t.description.clone());
    let mut tags: Vec<String> = vec![format!("id {}", t.id)];
    if !t.stride.is_empty() {
        tags.push(format!(
            "STRIDE {}",
            t.stride
                .iter()
                .map(|s| s.letter().to_string())
                .collect::<String>()
        ));
    }
    if !t.owasp_api_2023.is_empty() {
        tags.push(format!(
            "OWASP {}",
            t.owasp_api_2023
                .iter()
                .map(|o| o.code())
                .collect::<Vec<_>>()
                .join(",")
        ));
    }
    if !t.cwe.is_empty() {
        tags.push(
            t.cwe
                .iter()
                .map(|c| format!("CWE-{c}"))
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    if let Some(status) = t.decision.as_ref().and_then(|d| d.status) {
        tags.push(format!("status {status}"));
    }
    if let Some(parent) = &t.parent {
        tags.push(format!("second-order of {parent}"));
    }
    d = d.with_note(tags.join(" · "));
    for m in &t.mitigations {
        d = d.with_help(m.clone());
    }
    d
}

/// `12 threats: 1 critical, 3 high, 5 medium, 3 low`.
pub fn summary(threats: &[Threat]) -> String {
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            let n = threats.iter().filter(|t| t.severity == *s).count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    let n = threats.len();
    if n == 0 {
        "no threats found\n".to_owned()
    } else {
        format!(
            "{n} threat{}: {}\n",
            if n == 1 { "" } else { "s" },
            counts.join(", ")
        )
    }
}
