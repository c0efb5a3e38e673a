//! Open threats for issue trackers: Jira's CSV import and a JSON array for `gh issue create`.
//! Only unresolved threats without a ticket are exported, each with its stable id in the title,
//! the body and a label, so that once the ticket is recorded in the model a second export does
//! not file it again.

use palisade_model::{Model, Severity, Status, StringEnum, ThreatEntry};
use palisade_rules::Threat;
use serde_json::json;

/// One issue to file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerItem {
    /// The stable threat id (`TH-…` for generated threats, the model's id for hand-written ones).
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// What the threat is about, for the body.
    pub target: String,
    /// `file:line:col` of what triggered it, when known.
    pub location: Option<String>,
    pub description: String,
    /// `RULE` code, or `MANUAL` for threats written in the model.
    pub rule: String,
    pub stride: Vec<String>,
    pub owasp: Vec<String>,
    pub cwe: Vec<u32>,
    pub capec: Vec<u32>,
    pub mitigations: Vec<String>,
}

impl TrackerItem {
    /// The labels both trackers get: `palisade`, `threat:<id>`, `severity:<level>`, and one
    /// `stride:<category>` per category.
    pub fn labels(&self) -> Vec<String> {
        let mut labels = vec![
            "palisade".to_owned(),
            format!("threat:{}", self.id),
            format!("severity:{}", self.severity),
        ];
        labels.extend(self.stride.iter().map(|s| format!("stride:{s}")));
        labels
    }

    /// The issue title, with the stable id first.
    pub fn issue_title(&self) -> String {
        format!("[{}] {}", self.id, self.title)
    }
}

fn target_label(t: &ThreatEntry) -> String {
    match &t.target {
        Some(target) => {
            if let Some(e) = &target.element {
                format!("element `{e}`")
            } else if let Some(f) = &target.flow {
                format!("flow `{f}`")
            } else if let Some(o) = &target.operation {
                o.clone()
            } else if let Some(a) = &target.api {
                format!("API `{a}`")
            } else {
                "the system".to_owned()
            }
        }
        None => "the system".to_owned(),
    }
}

/// The unresolved threats without a ticket: the analysis's and the model's hand-written ones,
/// most severe first, at or above `min_severity`.
pub fn tracker_items(
    model: &Model,
    file: &str,
    analysis: &[Threat],
    min_severity: Option<Severity>,
) -> Vec<TrackerItem> {
    let mut items: Vec<TrackerItem> = analysis
        .iter()
        .filter(|t| t.status().is_unresolved())
        .filter(|t| t.decision.as_ref().is_none_or(|d| d.ticket.is_none()))
        .map(|t| TrackerItem {
            id: t.id.to_string(),
            title: t.title.clone(),
            severity: t.severity,
            target: t.target.label(),
            location: t
                .location
                .as_ref()
                .map(|l| format!("{}:{}:{}", l.file, l.line, l.column)),
            description: t.description.clone(),
            rule: t.rule.clone(),
            stride: t.stride.iter().map(|s| s.as_str().to_owned()).collect(),
            owasp: t
                .owasp_api_2023
                .iter()
                .map(|o| format!("{} {}", o.code(), o.title()))
                .collect(),
            cwe: t.cwe.clone(),
            capec: t.capec.clone(),
            mitigations: t.mitigations.clone(),
        })
        .collect();
    // Hand-written threats the analysis left out (it includes them unless `MANUAL` was not
    // selected).
    let analyzed: std::collections::HashSet<&str> =
        analysis.iter().map(|t| t.id.as_str()).collect();
    for t in model.threats.iter().filter(|t| t.is_hand_written()) {
        if !t.status.unwrap_or(Status::Open).is_unresolved()
            || t.ticket.is_some()
            || analyzed.contains(t.id.as_str())
        {
            continue;
        }
        items.push(TrackerItem {
            id: t.id.to_string(),
            title: t.title.clone().unwrap_or_default(),
            severity: t.severity.unwrap_or(Severity::Medium),
            target: target_label(t),
            location: (t.span.start.line > 0)
                .then(|| format!("{file}:{}:{}", t.span.start.line, t.span.start.col)),
            description: t.description.clone().unwrap_or_default(),
            rule: "MANUAL".to_owned(),
            stride: t.stride.iter().map(|s| s.as_str().to_owned()).collect(),
            owasp: t.owasp_api_2023.clone(),
            cwe: t.cwe.clone(),
            capec: t.capec.clone(),
            mitigations: t
                .mitigations
                .iter()
                .map(|m| {
                    model
                        .mitigation(m.as_str())
                        .map_or_else(|| m.to_string(), |x| x.label().to_owned())
                })
                .collect(),
        });
    }
    items.retain(|i| min_severity.is_none_or(|min| i.severity >= min));
    items.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    items.dedup_by(|a, b| a.id == b.id);
    items
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Markup {
    Markdown,
    Jira,
}

fn body(item: &TrackerItem, markup: Markup) -> String {
    let (b, c) = match markup {
        Markup::Markdown => (("**", "**"), ("`", "`")),
        Markup::Jira => (("*", "*"), ("{{", "}}")),
    };
    let bold = |s: &str| format!("{}{s}{}", b.0, b.1);
    let code = |s: &str| format!("{}{s}{}", c.0, c.1);
    let mut out = format!(
        "{} {} · severity {} · rule {}\n\n",
        bold("Palisade threat"),
        code(&item.id),
        bold(item.severity.as_str()),
        code(&item.rule)
    );
    out.push_str(&format!(
        "{} {}",
        bold("Target:"),
        item.target.replace('`', "")
    ));
    if let Some(l) = &item.location {
        out.push_str(&format!(" ({})", code(l)));
    }
    out.push_str("\n\n");
    if !item.description.is_empty() {
        out.push_str(&item.description);
        out.push_str("\n\n");
    }
    let mut facts = Vec::new();
    if !item.stride.is_empty() {
        facts.push(format!("{} {}", bold("STRIDE:"), item.stride.join(", ")));
    }
    if !item.owasp.is_empty() {
        facts.push(format!(
            "{} {}",
            bold("OWASP API 2023:"),
            item.owasp.join(", ")
        ));
    }
    if !item.cwe.is_empty() {
        facts.push(format!(
            "{} {}",
            bold("CWE:"),
            item.cwe
                .iter()
                .map(|c| format!("CWE-{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !item.capec.is_empty() {
        facts.push(format!(
            "{} {}",
            bold("CAPEC:"),
            item.capec
                .iter()
                .map(|c| format!("CAPEC-{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !item.mitigations.is_empty() {
        facts.push(format!(
            "{} {}",
            bold("Mitigations:"),
            item.mitigations.join("; ")
        ));
    }
    if !facts.is_empty() {
        out.push_str(&facts.join("\n"));
        out.push_str("\n\n");
    }
    out.push_str("Once filed, record the ticket in the model so that the next export leaves this threat out:\n\n");
    let snippet = format!("threats:\n  - id: {}\n    ticket: ISSUE-ID-OR-URL", item.id);
    match markup {
        Markup::Markdown => out.push_str(&format!("```yaml\n{snippet}\n```\n")),
        Markup::Jira => out.push_str(&format!("{{code:yaml}}\n{snippet}\n{{code}}\n")),
    }
    out
}

fn jira_priority(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Highest",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Lowest",
    }
}

/// Jira's CSV import: `Summary, Description, Issue Type, Priority, Labels…` (one `Labels` column
/// per label, as Jira's importer expects for several labels).
pub fn jira_csv(items: &[TrackerItem]) -> Result<String, csv::Error> {
    let columns = items.iter().map(|i| i.labels().len()).max().unwrap_or(1);
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut header = vec!["Summary", "Description", "Issue Type", "Priority"];
    header.extend(std::iter::repeat_n("Labels", columns));
    w.write_record(&header)?;
    for item in items {
        let mut row = vec![
            item.issue_title(),
            body(item, Markup::Jira),
            "Bug".to_owned(),
            jira_priority(item.severity).to_owned(),
        ];
        let mut labels = item.labels();
        labels.resize(columns, String::new());
        row.extend(labels);
        w.write_record(&row)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A JSON array of `{title, body, labels}`, one per issue, for `gh issue create`.
pub fn github_issues(items: &[TrackerItem]) -> String {
    let issues: Vec<serde_json::Value> = items
        .iter()
        .map(|i| {
            json!({
                "title": i.issue_title(),
                "body": body(i, Markup::Markdown),
                "labels": i.labels()
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}
