//! The report as GitHub-flavoured Markdown, for a repository or a pull request: the sections of
//! [`Report`] in order, tables in the seeds' columns, the diagram as a Mermaid flowchart (which
//! GitHub draws). Model text is untrusted: every piece of it is escaped so that it shows literally
//! (no emphasis, links, HTML or broken tables from a name).

use std::fmt::Write as _;

use palisade_model::Model;

use crate::report::{ElementGroup, Report, ThreatRow, is_web_url, status_words, ticket_text};

/// The Markdown report. `model` gives the Mermaid diagram.
pub fn render(report: &Report, model: &Model) -> String {
    let mut out = String::new();
    cover(&mut out, report);
    summary(&mut out, report);
    diagram(&mut out, report, model);
    by_element(&mut out, report);
    by_type(&mut out, report);
    by_discovery(&mut out, report);
    mitigations(&mut out, report);
    completeness(&mut out, report);
    assumptions(&mut out, report);
    notes(&mut out, report);
    inventory(&mut out, report);
    appendix(&mut out, report);
    out
}

/// Text shown literally: Markdown's inline syntax and HTML are backslash-escaped, line breaks
/// become spaces, and what would start a block (a heading, a list, a quote) is escaped.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    let lead = out.len() - out.trim_start().len();
    let rest = &out[lead..];
    if rest.starts_with(['#', '-', '+', '=', '!']) {
        out.insert(lead, '\\');
    } else {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(['.', ')']) {
            // `1\.`: what follows the number would make an ordered list.
            out.insert(lead + digits, '\\');
        }
    }
    out
}

/// A code span that shows `s` literally, safe inside a table cell.
pub fn code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let s = s.replace('|', "\\|");
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn link(label: &str, url: &str) -> String {
    if is_web_url(url) {
        let mut safe = String::new();
        for c in url.trim().chars() {
            match c {
                '(' | ')' | '<' | '>' | '|' | '[' | ']' | '`' | '"' | '\'' | '\\' => {
                    let _ = write!(safe, "%{:02X}", u32::from(c));
                }
                _ => safe.push(c),
            }
        }
        format!("[{}]({safe})", text(label))
    } else {
        text(label)
    }
}

fn ticket(t: Option<&palisade_model::Ticket>) -> String {
    match t {
        None => "—".to_owned(),
        Some(t) => match (&t.id, &t.url) {
            (Some(id), Some(url)) => {
                let mut s = link(id, url);
                if let Some(title) = &t.title {
                    let _ = write!(s, " “{}”", text(title));
                }
                s
            }
            (None, Some(url)) => link(t.title.as_deref().unwrap_or(url), url),
            _ => text(&ticket_text(t)),
        },
    }
}

fn threat_cell(r: &ThreatRow) -> String {
    format!(
        "{} — {}, {}, {}",
        text(&r.title),
        r.severity,
        status_words(r.status),
        code(r.id.as_str())
    )
}

fn cover(out: &mut String, r: &Report) {
    let c = &r.cover;
    let _ = writeln!(out, "# Threat model: {}\n", text(&c.system));
    if let Some(d) = &c.description {
        let _ = writeln!(out, "{}\n", text(d));
    }
    out.push_str("| | |\n|---|---|\n");
    if let Some(o) = &c.owner {
        let _ = writeln!(out, "| Owner | {} |", text(o));
    }
    let _ = writeln!(out, "| Report date | {} |", c.date);
    let _ = writeln!(
        out,
        "| Model | {} {} |",
        code(&c.model.file),
        c.model.hash.as_deref().map(code).unwrap_or_default()
    );
    for s in &c.specs {
        let _ = writeln!(
            out,
            "| OpenAPI document of {} | {} {} |",
            code(&s.api),
            code(&s.file.file),
            s.file
                .hash
                .as_deref()
                .map_or_else(|| "(missing)".to_owned(), code)
        );
    }
    if let Some(rv) = &c.reviewed {
        let _ = writeln!(
            out,
            "| Last review | {}{} |",
            rv.date.map_or_else(|| "—".to_owned(), |d| d.to_string()),
            rv.by
                .as_deref()
                .map(|b| format!(" by {}", text(b)))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "| Made by | Palisade {} |\n",
        text(&c.palisade_version)
    );
    list_section(out, "**In scope**", &c.scope_in);
    list_section(out, "**Out of scope**", &c.scope_out);
    if !c.objectives.is_empty() {
        out.push_str("**Security objectives**\n\n| Objective | Kind | Standard | Data protected |\n|---|---|---|---|\n");
        for o in &c.objectives {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                text(&o.description),
                o.kind.as_deref().map_or_else(|| "—".to_owned(), text),
                o.standard.as_deref().map_or_else(|| "—".to_owned(), text),
                dash(
                    &o.data
                        .iter()
                        .map(|d| text(d))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            );
        }
        out.push('\n');
    }
}

fn list_section(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}\n");
    for i in items {
        let _ = writeln!(out, "- {}", text(i));
    }
    out.push('\n');
}

fn dash(s: &str) -> String {
    if s.is_empty() {
        "—".to_owned()
    } else {
        s.to_owned()
    }
}

fn summary(out: &mut String, r: &Report) {
    let s = &r.summary;
    out.push_str("## Summary\n\n");
    let _ = writeln!(
        out,
        "{} threats, {} unresolved ({} second-order). Risks rated with {}.\n",
        s.threats,
        s.unresolved,
        s.second_order,
        r.rating_title()
    );
    out.push_str("| Severity | Threats | Unresolved |\n|---|--:|--:|\n");
    for c in &s.by_severity {
        let _ = writeln!(out, "| {} | {} | {} |", c.severity, c.total, c.unresolved);
    }
    out.push('\n');
    if !s.by_status.is_empty() {
        out.push_str("| Status | Threats |\n|---|--:|\n");
        for c in &s.by_status {
            let _ = writeln!(out, "| {} | {} |", status_words(c.status), c.count);
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "**Risk matrix** of the {} unresolved threats (likelihood down, impact across; each cell's level in brackets):\n",
        s.unresolved
    );
    out.push_str("| Likelihood \\\\ Impact | Low | Medium | High |\n|---|--:|--:|--:|\n");
    for band in palisade_rules::Band::ALL.into_iter().rev() {
        let _ = write!(out, "| **{}** |", band.as_str());
        for impact in palisade_rules::Band::ALL {
            let _ = write!(
                out,
                " {} ({}) |",
                s.risk_matrix.count(band, impact),
                palisade_rules::matrix_level(band, impact)
            );
        }
        out.push('\n');
    }
    out.push('\n');
    let c = &s.check;
    let _ = writeln!(
        out,
        "**Policy check: {}** ({}).\n",
        if c.passed { "passed" } else { "failed" },
        text(&c.policy)
    );
    if c.failing_threats > 0 {
        let _ = writeln!(
            out,
            "- **fails** {} unresolved threat{} at or above the policy's level\n",
            c.failing_threats,
            if c.failing_threats == 1 { "" } else { "s" }
        );
    }
    if !c.items.is_empty() {
        for i in &c.items {
            let _ = writeln!(
                out,
                "- {} {} {}{}",
                if i.fails { "**fails**" } else { "warning" },
                code(&i.code),
                text(&i.message),
                i.location
                    .as_ref()
                    .map(|l| format!(
                        " ({})",
                        code(&format!("{}:{}:{}", l.file, l.line, l.column))
                    ))
                    .unwrap_or_default()
            );
        }
        out.push('\n');
    }
}

fn diagram(out: &mut String, r: &Report, model: &Model) {
    out.push_str("## Data-flow diagram\n\n");
    let d = &r.diagram;
    let _ = writeln!(
        out,
        "{} elements, {} data flows ({} crossing a trust boundary), {} trust boundaries.\n",
        d.elements, d.flows, d.crossing_flows, d.boundaries
    );
    if d.elements == 0 {
        out.push_str("The model has no elements to draw.\n\n");
        return;
    }
    let mermaid = palisade_diagram::mermaid(model, &palisade_diagram::Options::default());
    let _ = writeln!(out, "```mermaid\n{}\n```\n", mermaid.trim_end());
}

fn none_yet(out: &mut String, r: &Report) -> bool {
    if r.threats.is_empty() {
        out.push_str("No threats were found.\n\n");
        true
    } else {
        false
    }
}

fn by_element(out: &mut String, r: &Report) {
    out.push_str("## Threats by diagram element\n\n");
    if none_yet(out, r) {
        return;
    }
    out.push_str("| Diagram element | Threat type | Threat | Ticket |\n|---|---|---|---|\n");
    for ElementGroup { subject, threats } in &r.by_element {
        for (i, t) in threats.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                if i == 0 {
                    text(&subject.label)
                } else {
                    String::new()
                },
                text(&t.threat_type),
                threat_cell(t),
                ticket(t.ticket.as_ref())
            );
        }
    }
    out.push('\n');
}

fn by_type(out: &mut String, r: &Report) {
    out.push_str("## Threats by threat type\n\n");
    if none_yet(out, r) {
        return;
    }
    out.push_str("| Threat type | Diagram element | Threat | Ticket |\n|---|---|---|---|\n");
    for g in &r.by_type {
        for (i, t) in g.threats.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                if i == 0 {
                    text(&g.title)
                } else {
                    String::new()
                },
                text(&t.subject.label),
                threat_cell(t),
                ticket(t.ticket.as_ref())
            );
        }
    }
    out.push('\n');
}

fn by_discovery(out: &mut String, r: &Report) {
    out.push_str("## Threats by order of discovery\n\n");
    if none_yet(out, r) {
        return;
    }
    out.push_str("| # | Diagram element | Threat | Ticket |\n|--:|---|---|---|\n");
    for (i, t) in r.by_discovery.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            i + 1,
            text(&t.subject.label),
            threat_cell(t),
            ticket(t.ticket.as_ref())
        );
    }
    out.push('\n');
}

fn mitigations(out: &mut String, r: &Report) {
    out.push_str("## Mitigations\n\n");
    if r.mitigations.is_empty() {
        out.push_str("The model names no mitigations.\n\n");
        return;
    }
    out.push_str("| Mitigation | Kind | Status | In place at | Addresses | Ways around it (second-order threats) |\n|---|---|---|---|---|---|\n");
    for m in &r.mitigations {
        let links = |v: &[crate::report::ThreatLink]| {
            dash(
                &v.iter()
                    .map(|l| format!("{} ({})", text(&l.title), code(l.id.as_str())))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        };
        let _ = writeln!(
            out,
            "| {} {} | {} | {} | {} | {} | {} |",
            text(&m.name),
            code(&m.id),
            m.kind.as_deref().map_or_else(|| "—".to_owned(), text),
            m.status.as_deref().map_or_else(|| "—".to_owned(), text),
            dash(
                &m.elements
                    .iter()
                    .map(|e| text(e))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            links(&m.addresses),
            links(&m.bypasses)
        );
    }
    out.push('\n');
}

fn completeness(out: &mut String, r: &Report) {
    let c = &r.completeness;
    out.push_str("## Completeness\n\n");
    let _ = writeln!(
        out,
        "STRIDE per element: each element for the categories that apply to its kind, each flow that crosses a trust boundary for tampering, information disclosure and denial of service. {} of {} cells covered; {:.1} threats per diagram element (about five is the rule of thumb).\n",
        c.covered, c.cells, c.threats_per_element
    );
    if c.rows.is_empty() {
        out.push_str("The model has no elements.\n\n");
        return;
    }
    out.push_str(
        "| Element | S | T | R | I | D | E | Threats |\n|---|:-:|:-:|:-:|:-:|:-:|:-:|--:|\n",
    );
    for row in &c.rows {
        let _ = write!(out, "| {} |", text(&row.subject.label));
        for cell in &row.cells {
            let mark = match cell {
                None => "·",
                Some(cell) => cell_mark(&cell.state),
            };
            let _ = write!(out, " {mark} |");
        }
        let _ = writeln!(out, " {} |", row.threats);
    }
    out.push_str("\n✓ a threat · b only a STRIDE baseline nobody decided · n/a not applicable, with a reason · ✗ missing · `·` does not apply to this kind\n\n");
}

pub(crate) fn cell_mark(state: &str) -> &'static str {
    match state {
        "threat" => "✓",
        "baseline" => "b",
        "not_applicable" => "n/a",
        _ => "✗",
    }
}

fn assumptions(out: &mut String, r: &Report) {
    out.push_str("## Assumptions\n\n");
    if r.assumptions.is_empty() {
        out.push_str("The model records no assumptions.\n\n");
        return;
    }
    out.push_str("| Assumption | Impact if wrong | Who to talk to | Who's following up | Follow-up by | Bug # | State |\n|---|---|---|---|---|---|---|\n");
    for a in &r.assumptions {
        let opt = |o: &Option<String>| o.as_deref().map_or_else(|| "—".to_owned(), text);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            text(&a.assumption),
            opt(&a.impact),
            opt(&a.contact),
            opt(&a.owner),
            a.due.map_or_else(|| "—".to_owned(), |d| d.to_string()),
            ticket(a.ticket.as_ref()),
            a.state
        );
    }
    out.push('\n');
}

fn notes(out: &mut String, r: &Report) {
    let n = &r.notes;
    out.push_str("## External security notes\n\n### For customers\n\n");
    if n.non_requirements.is_empty() && n.customer_notes.is_empty() {
        out.push_str("The model records no notes for customers.\n\n");
    } else {
        list_section(
            out,
            "What this system does not defend against:",
            &n.non_requirements,
        );
        list_section(out, "Notes:", &n.customer_notes);
    }
    out.push_str("### For API callers\n\n");
    if n.threat_model.is_none() && n.accepted_input.is_empty() && n.common_mistakes.is_empty() {
        out.push_str("The model records no notes for API callers.\n\n");
    } else {
        if let Some(tm) = &n.threat_model {
            let _ = writeln!(out, "**Our threat model.** {}\n", text(tm));
        }
        list_section(
            out,
            "**We accept only input that looks like:**",
            &n.accepted_input,
        );
        list_section(
            out,
            "**Common mistakes in calling us:**",
            &n.common_mistakes,
        );
    }
    out.push_str("### Security considerations\n\n");
    for part in &n.considerations {
        let _ = writeln!(out, "**{}**\n", part.title);
        if part.items.is_empty() {
            out.push_str("None recorded.\n\n");
            continue;
        }
        for i in &part.items {
            let _ = writeln!(
                out,
                "- {}{}",
                text(&i.text),
                if i.derived { " *(from the model)*" } else { "" }
            );
        }
        out.push('\n');
    }
}

fn inventory(out: &mut String, r: &Report) {
    out.push_str("## API inventory\n\n");
    if r.inventory.is_empty() {
        out.push_str("The model lists no APIs.\n\n");
        return;
    }
    out.push_str("| API | Exposure | Version | Lifecycle | Served by | Consumed by | Operations |\n|---|---|---|---|---|---|--:|\n");
    for a in &r.inventory {
        let opt = |o: &Option<String>| o.as_deref().map_or_else(|| "—".to_owned(), text);
        let _ = writeln!(
            out,
            "| {} {} | {} | {} | {} | {} | {} | {} |",
            text(&a.name),
            code(&a.id),
            opt(&a.exposure),
            opt(&a.version),
            opt(&a.lifecycle),
            opt(&a.served_by),
            dash(
                &a.consumed_by
                    .iter()
                    .map(|e| text(e))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            a.document
                .as_ref()
                .map_or_else(|| "—".to_owned(), |d| d.operation_count.to_string())
        );
    }
    out.push('\n');
    for a in &r.inventory {
        let Some(d) = &a.document else { continue };
        let _ = writeln!(
            out,
            "### {}\n\n{} {}, OpenAPI/Swagger {}; {} operations: {} secured, {} with optional authentication, {} unsecured.\n",
            text(&a.name),
            text(d.title.as_deref().unwrap_or("(untitled)")),
            text(d.api_version.as_deref().unwrap_or("")),
            text(&d.spec_version),
            d.operation_count,
            d.secured,
            d.optional_auth,
            d.unsecured
        );
        if !d.servers.is_empty() {
            let _ = writeln!(
                out,
                "Servers: {}\n",
                d.servers
                    .iter()
                    .map(|s| code(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if !d.security_schemes.is_empty() {
            let _ = writeln!(
                out,
                "Security schemes: {}\n",
                d.security_schemes
                    .iter()
                    .map(|s| text(s))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
        if d.operations.is_empty() {
            continue;
        }
        out.push_str("| Operation | Authentication | Schemes | Deprecated | Threats | Where |\n|---|---|---|---|--:|---|\n");
        for o in &d.operations {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                code(&format!("{} {}", o.method, o.path)),
                o.auth,
                dash(
                    &o.security
                        .iter()
                        .map(|s| text(s))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                if o.deprecated { "yes" } else { "" },
                o.threats,
                code(&o.location)
            );
        }
        out.push('\n');
    }
}

fn appendix(out: &mut String, r: &Report) {
    out.push_str("## Appendix: the rules that found these threats\n\n");
    if r.appendix.is_empty() {
        out.push_str("No rule fired.\n");
        return;
    }
    for doc in &r.appendix {
        // Rule pages start at `#`: demote their headings below the appendix heading (not the
        // `#` comments inside their YAML examples).
        let mut fenced = false;
        for line in doc.markdown.trim_end().lines() {
            if line.starts_with("```") || line.starts_with("~~~") {
                fenced = !fenced;
            }
            if !fenced && line.starts_with('#') {
                let _ = writeln!(out, "##{line}");
            } else {
                let _ = writeln!(out, "{line}");
            }
        }
        let _ = writeln!(
            out,
            "\n*Found {} threat{} in this model.*\n",
            doc.threats,
            if doc.threats == 1 { "" } else { "s" }
        );
    }
}
