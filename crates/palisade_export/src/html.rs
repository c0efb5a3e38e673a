//! The report as one self-contained HTML file: inline CSS and SVG, no external request (a
//! Content-Security-Policy with the hashes of its own style and script forbids any), semantic
//! headings and tables, readable and complete without JavaScript; a small inline script adds
//! sorting and filtering to the threat tables. A print stylesheet gives a paper copy for an
//! auditor (sections on new pages, table headers repeated, link targets written out).
//!
//! Model text is untrusted: every piece of it goes through [`esc`].

use std::fmt::Write as _;

use base64::Engine as _;
use palisade_model::{Severity, Status, Stride, StringEnum};
use palisade_rules::Band;
use sha2::{Digest, Sha256};

use crate::report::{
    ElementGroup, Report, ThreatLink, ThreatRow, is_web_url, status_words, ticket_text, words,
};

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Escapes text for HTML content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes a threat's title or description, showing its `backticked` names as code, as the
/// engine writes them (an odd backtick is shown as it is).
pub fn rich(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len() < 3 || parts.len().is_multiple_of(2) {
        return esc(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&esc(part));
            out.push_str("</code>");
        } else {
            out.push_str(&esc(part));
        }
    }
    out
}

/// `'sha256-…'` of a text, for the Content-Security-Policy.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The `<style>` blocks of an SVG document, for the policy.
fn svg_styles(svg: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<style>") {
        let body = &rest[start + "<style>".len()..];
        let Some(end) = body.find("</style>") else {
            break;
        };
        out.push(&body[..end]);
        rest = &body[end..];
    }
    out
}

/// An id fragment safe in an attribute and a URL: letters, digits, `-` and `_`; others as `-`.
fn anchor(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

fn class_word(s: &str) -> String {
    s.replace('_', "-")
}

/// The HTML report.
pub fn render(report: &Report) -> String {
    let svg = diagram_svg(report);
    let mut styles = vec![csp_hash(STYLE)];
    styles.extend(svg_styles(&svg).into_iter().map(csp_hash));
    let policy = format!(
        "default-src 'none'; img-src data:; style-src {}; script-src {}; base-uri 'none'; form-action 'none'",
        styles.join(" "),
        csp_hash(SCRIPT)
    );
    let c = &report.cover;
    let mut out = String::with_capacity(64 * 1024);
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<meta name=\"generator\" content=\"Palisade {}\">\n<title>Threat model: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        esc(&policy),
        esc(&c.palisade_version),
        esc(&c.system)
    );
    cover(&mut out, report);
    toc(&mut out);
    out.push_str("<main>\n");
    summary(&mut out, report);
    let _ = writeln!(
        out,
        "<section id=\"diagram\">\n<h2>Data-flow diagram</h2>\n<p>{} elements, {} data flows ({} crossing a trust boundary), {} trust boundaries. Elements and flows with unresolved threats carry a badge with their count, coloured by the highest severity; flows that cross a trust boundary are red, plaintext flows dashed.</p>",
        report.diagram.elements,
        report.diagram.flows,
        report.diagram.crossing_flows,
        report.diagram.boundaries
    );
    if report.diagram.elements == 0 {
        out.push_str("<p class=\"empty\">The model has no elements to draw.</p>\n");
    } else {
        let _ = writeln!(
            out,
            "<figure class=\"diagram fit\">\n{svg}\n<figcaption>Data-flow diagram of {}. <span class=\"js-only\">Click the diagram to switch between fitting the page and full size.</span></figcaption>\n</figure>",
            esc(&c.system)
        );
    }
    out.push_str("</section>\n");
    by_element(&mut out, report);
    by_type(&mut out, report);
    by_discovery(&mut out, report);
    mitigations(&mut out, report);
    completeness(&mut out, report);
    assumptions(&mut out, report);
    notes(&mut out, report);
    inventory(&mut out, report);
    appendix(&mut out, report);
    let _ = writeln!(
        out,
        "</main>\n<footer><p>Made by Palisade {} on {} from <code>{}</code>.</p></footer>\n<script>{SCRIPT}</script>\n</body>\n</html>",
        esc(&c.palisade_version),
        c.date,
        esc(&c.model.file)
    );
    out
}

/// The diagram SVG without an XML prolog, ready to inline.
fn diagram_svg(report: &Report) -> String {
    let svg = report.diagram_svg.trim();
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(svg, |(_, body)| body.trim_start()),
        None => svg,
    };
    svg.to_owned()
}

fn cover(out: &mut String, r: &Report) {
    let c = &r.cover;
    let _ = writeln!(
        out,
        "<header class=\"cover\">\n<p class=\"kicker\">Threat model report</p>\n<h1>{}</h1>",
        esc(&c.system)
    );
    if let Some(d) = &c.description {
        let _ = writeln!(out, "<p class=\"lead\">{}</p>", esc(d));
    }
    out.push_str("<dl class=\"facts\">\n");
    if let Some(o) = &c.owner {
        let _ = writeln!(out, "<dt>Owner</dt><dd>{}</dd>", esc(o));
    }
    let _ = writeln!(out, "<dt>Report date</dt><dd>{}</dd>", c.date);
    let _ = writeln!(
        out,
        "<dt>Model</dt><dd><code>{}</code>{}</dd>",
        esc(&c.model.file),
        hash(c.model.hash.as_deref())
    );
    for s in &c.specs {
        let _ = writeln!(
            out,
            "<dt>OpenAPI document of <code>{}</code></dt><dd><code>{}</code>{}</dd>",
            esc(&s.api),
            esc(&s.file.file),
            s.file.hash.as_deref().map_or_else(
                || " <span class=\"warn\">(missing)</span>".to_owned(),
                |h| hash(Some(h))
            )
        );
    }
    if let Some(rv) = &c.reviewed {
        let _ = writeln!(
            out,
            "<dt>Last review</dt><dd>{}{}</dd>",
            rv.date.map_or_else(|| "—".to_owned(), |d| d.to_string()),
            rv.by
                .as_deref()
                .map(|b| format!(" by {}", esc(b)))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "<dt>Made by</dt><dd>Palisade {}</dd>\n</dl>",
        esc(&c.palisade_version)
    );
    if !c.scope_in.is_empty() || !c.scope_out.is_empty() {
        out.push_str("<div class=\"scope\">\n");
        list(out, "In scope", &c.scope_in);
        list(out, "Out of scope", &c.scope_out);
        out.push_str("</div>\n");
    }
    if !c.objectives.is_empty() {
        out.push_str("<h2 class=\"cover-h\">Security objectives</h2>\n<table class=\"objectives\">\n<thead><tr><th scope=\"col\">Objective</th><th scope=\"col\">Kind</th><th scope=\"col\">Standard</th><th scope=\"col\">Data protected</th></tr></thead>\n<tbody>\n");
        for o in &c.objectives {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&o.description),
                opt(o.kind.as_deref()),
                opt(o.standard.as_deref()),
                dash(&o.data.iter().map(|d| esc(d)).collect::<Vec<_>>().join(", "))
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</header>\n");
}

fn hash(h: Option<&str>) -> String {
    h.map(|h| format!(" <code class=\"hash\">{}</code>", esc(h)))
        .unwrap_or_default()
}

fn list(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "<div>\n<h3>{}</h3>\n<ul>", esc(title));
    for i in items {
        let _ = writeln!(out, "<li>{}</li>", esc(i));
    }
    out.push_str("</ul>\n</div>\n");
}

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "—".to_owned(), |s| esc(&words(s)))
}

fn dash(s: &str) -> String {
    if s.is_empty() {
        "—".to_owned()
    } else {
        s.to_owned()
    }
}

const SECTIONS: [(&str, &str); 12] = [
    ("summary", "Summary"),
    ("diagram", "Data-flow diagram"),
    ("by-element", "Threats by diagram element"),
    ("by-type", "Threats by threat type"),
    ("by-discovery", "Threats by order of discovery"),
    ("mitigations", "Mitigations"),
    ("completeness", "Completeness"),
    ("assumptions", "Assumptions"),
    ("notes", "External security notes"),
    ("inventory", "API inventory"),
    ("appendix", "Appendix: rules"),
    ("", ""),
];

fn toc(out: &mut String) {
    out.push_str("<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
    for (id, title) in SECTIONS.iter().filter(|(id, _)| !id.is_empty()) {
        let _ = writeln!(out, "<li><a href=\"#{id}\">{title}</a></li>");
    }
    out.push_str("</ol>\n</nav>\n");
}

fn severity_badge(s: Severity) -> String {
    format!("<span class=\"sev sev-{s}\">{s}</span>")
}

fn status_badge(s: Status) -> String {
    let class = if s.is_unresolved() {
        "unresolved"
    } else {
        "resolved"
    };
    format!(
        "<span class=\"status st-{} {class}\">{}</span>",
        class_word(s.as_str()),
        esc(&status_words(s))
    )
}

fn summary(out: &mut String, r: &Report) {
    let s = &r.summary;
    let _ = writeln!(
        out,
        "<section id=\"summary\">\n<h2>Summary</h2>\n<p class=\"figures\"><strong>{}</strong> threats, <strong>{}</strong> unresolved, {} second-order. Risks rated with {}.</p>\n<div class=\"summary-grid\">",
        s.threats,
        s.unresolved,
        s.second_order,
        r.rating_title()
    );
    // Counts by severity, with bars.
    let max = s
        .by_severity
        .iter()
        .map(|c| c.total)
        .max()
        .unwrap_or(0)
        .max(1);
    out.push_str("<figure class=\"chart\">\n<table class=\"counts\">\n<caption>Threats by severity</caption>\n<thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Threats</th><th scope=\"col\">Unresolved</th><th scope=\"col\"><span class=\"sr\">Bar</span></th></tr></thead>\n<tbody>\n");
    for c in &s.by_severity {
        #[allow(clippy::cast_precision_loss)]
        let w = |n: usize| (n as f64 / max as f64 * 160.0).round();
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td><svg class=\"bar\" width=\"160\" height=\"12\" role=\"img\" aria-label=\"{} of {} unresolved\"><rect class=\"total\" width=\"{}\" height=\"12\"/><rect class=\"sevbar-{}\" width=\"{}\" height=\"12\"/></svg></td></tr>",
            severity_badge(c.severity),
            c.total,
            c.unresolved,
            c.unresolved,
            c.total,
            w(c.total),
            c.severity,
            w(c.unresolved)
        );
    }
    out.push_str("</tbody>\n</table>\n</figure>\n");
    // Counts by status.
    out.push_str("<figure class=\"chart\">\n<table class=\"counts\">\n<caption>Threats by status</caption>\n<thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Threats</th></tr></thead>\n<tbody>\n");
    if s.by_status.is_empty() {
        out.push_str("<tr><td colspan=\"2\" class=\"empty\">No threats.</td></tr>\n");
    }
    for c in &s.by_status {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td></tr>",
            status_badge(c.status),
            c.count
        );
    }
    out.push_str("</tbody>\n</table>\n</figure>\n");
    // The risk matrix.
    let _ = write!(
        out,
        "<figure class=\"chart\">\n<table class=\"matrix\">\n<caption>Risk matrix of the {} unresolved threats</caption>\n<thead><tr><td></td><th scope=\"col\" colspan=\"3\">Impact</th></tr><tr><th scope=\"col\">Likelihood</th>",
        s.unresolved
    );
    for impact in Band::ALL {
        let _ = write!(out, "<th scope=\"col\">{}</th>", impact.as_str());
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for likelihood in Band::ALL.into_iter().rev() {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", likelihood.as_str());
        for impact in Band::ALL {
            let level = palisade_rules::matrix_level(likelihood, impact);
            let n = s.risk_matrix.count(likelihood, impact);
            let _ = write!(
                out,
                "<td class=\"cell lvl-{level}{}\" title=\"likelihood {}, impact {}: {level}\"><span class=\"n\">{n}</span><span class=\"lvl\">{level}</span></td>",
                if n == 0 { " zero" } else { "" },
                likelihood.as_str(),
                impact.as_str()
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</figure>\n</div>\n");
    // The policy check.
    let c = &s.check;
    let _ = writeln!(
        out,
        "<h3>Policy check: <span class=\"{}\">{}</span></h3>\n<p>Policy: {}.</p>",
        if c.passed { "pass" } else { "fail" },
        if c.passed { "passed" } else { "failed" },
        esc(&c.policy)
    );
    if c.failing_threats > 0 {
        let _ = writeln!(
            out,
            "<p><span class=\"fail\">{} unresolved threat{}</span> at or above the policy's level fail the check (see the tables below).</p>",
            c.failing_threats,
            if c.failing_threats == 1 { "" } else { "s" }
        );
    }
    if !c.items.is_empty() {
        out.push_str("<table class=\"check\">\n<thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Code</th><th scope=\"col\">Category</th><th scope=\"col\">Finding</th><th scope=\"col\">Where</th></tr></thead>\n<tbody>\n");
        for i in &c.items {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                if i.fails {
                    "<span class=\"fail\">fails</span>"
                } else {
                    "warning"
                },
                esc(&i.code),
                esc(&i.category),
                esc(&i.message),
                if i.help.is_empty() {
                    String::new()
                } else {
                    format!("<div class=\"meta\">{}</div>", esc(&i.help.join(" ")))
                },
                i.location.as_ref().map_or_else(
                    || "—".to_owned(),
                    |l| format!("<code>{}:{}:{}</code>", esc(&l.file), l.line, l.column)
                )
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

fn filters(out: &mut String, table: &str) {
    let _ = write!(
        out,
        "<div class=\"filters\" data-table=\"{table}\" hidden>\n<label>Filter <input type=\"search\" class=\"q\" placeholder=\"text in any column\"></label>\n<label>Severity <select class=\"sev-filter\"><option value=\"\">any</option>"
    );
    for s in crate::report::SEVERITIES {
        let _ = write!(out, "<option value=\"{s}\">{s}</option>");
    }
    out.push_str("</select></label>\n<label>Status <select class=\"status-filter\"><option value=\"\">any</option><option value=\"unresolved\">unresolved</option><option value=\"resolved\">resolved</option>");
    for s in crate::report::STATUSES {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            s.as_str(),
            esc(&status_words(s))
        );
    }
    out.push_str("</select></label>\n<output class=\"shown\"></output>\n</div>\n");
}

fn threat_cell(r: &Report, t: &ThreatRow) -> String {
    let rule = if r.has_rule_doc(&t.rule) {
        format!(
            "<a href=\"#rule-{}\"><code>{}</code></a>",
            anchor(&t.rule),
            esc(&t.rule)
        )
    } else {
        format!("<code>{}</code>", esc(&t.rule))
    };
    let place = t
        .location
        .as_ref()
        .map(|l| format!(" · <code>{}:{}:{}</code>", esc(&l.file), l.line, l.column))
        .unwrap_or_default();
    format!(
        "<a href=\"#threat-{}\" class=\"title\">{}</a><div class=\"meta\"><code>{}</code> · {rule}{place}</div>",
        anchor(t.id.as_str()),
        rich(&t.title),
        esc(t.id.as_str())
    )
}

fn ticket(t: Option<&palisade_model::Ticket>) -> String {
    let Some(t) = t else {
        return "—".to_owned();
    };
    let label =
        t.id.clone()
            .or_else(|| t.title.clone())
            .unwrap_or_else(|| ticket_text(t));
    let mut s = match &t.url {
        Some(url) if is_web_url(url) => format!(
            "<a href=\"{}\" rel=\"noreferrer noopener\">{}</a>",
            esc(url.trim()),
            esc(&label)
        ),
        Some(url) => format!("{} <code>{}</code>", esc(&label), esc(url)),
        None => esc(&label),
    };
    if t.id.is_some()
        && let Some(title) = &t.title
    {
        let _ = write!(s, " “{}”", esc(title));
    }
    s
}

fn threat_row_attrs(t: &ThreatRow) -> String {
    format!(
        "data-severity=\"{}\" data-status=\"{}\" data-resolved=\"{}\"",
        t.severity,
        t.status.as_str(),
        if t.status.is_unresolved() {
            "unresolved"
        } else {
            "resolved"
        }
    )
}

fn sev_cell(t: &ThreatRow) -> String {
    format!(
        "<td data-sort=\"{}\">{}</td><td data-sort=\"{}\">{}</td>",
        severity_rank(t.severity),
        severity_badge(t.severity),
        crate::report::STATUSES
            .iter()
            .position(|s| *s == t.status)
            .unwrap_or(0),
        status_badge(t.status)
    )
}

fn empty_threats(out: &mut String, r: &Report) -> bool {
    if r.threats.is_empty() {
        out.push_str("<p class=\"empty\">No threats were found.</p>\n</section>\n");
        true
    } else {
        false
    }
}

fn by_element(out: &mut String, r: &Report) {
    out.push_str("<section id=\"by-element\">\n<h2>Threats by diagram element</h2>\n<p>Each element and data flow of the diagram, then each API operation, with its threats (Table 7.3 of <cite>Threat Modeling: Designing for Security</cite>). Every element should have at least one threat; under STRIDE per element, a process about six, a data flow three, an external entity two, a data store three or four.</p>\n");
    if empty_threats(out, r) {
        return;
    }
    let index: std::collections::HashMap<&str, &palisade_rules::Threat> =
        r.threats.iter().map(|t| (t.id.as_str(), t)).collect();
    filters(out, "t-element");
    out.push_str("<table id=\"t-element\" class=\"threats sortable\">\n<thead><tr><th scope=\"col\">Diagram element</th><th scope=\"col\">Threat type</th><th scope=\"col\">Threat</th><th scope=\"col\">Severity</th><th scope=\"col\">Status</th><th scope=\"col\">Ticket</th></tr></thead>\n<tbody>\n");
    for ElementGroup { subject, threats } in &r.by_element {
        for (i, t) in threats.iter().enumerate() {
            let _ = writeln!(
                out,
                "<tr {}{}><td{}>{}</td><td>{}</td><td>{}</td>{}<td>{}</td></tr>",
                threat_row_attrs(t),
                if i == 0 {
                    format!(
                        " class=\"group-start\" id=\"threat-{}\"",
                        anchor(t.id.as_str())
                    )
                } else {
                    format!(" id=\"threat-{}\"", anchor(t.id.as_str()))
                },
                if i == 0 { "" } else { " class=\"same\"" },
                esc(&subject.label),
                esc(&t.threat_type),
                threat_detail_cell(r, index.get(t.id.as_str()).copied(), t),
                sev_cell(t),
                ticket(t.ticket.as_ref())
            );
        }
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// In Table 7.3 (where each threat's anchor lives): the title, its description and its details.
fn threat_detail_cell(r: &Report, full: Option<&palisade_rules::Threat>, t: &ThreatRow) -> String {
    let mut cell = threat_cell(r, t);
    if let Some(full) = full {
        if !full.description.trim().is_empty() {
            let _ = write!(
                cell,
                "<p class=\"desc\">{}</p>",
                rich(full.description.trim())
            );
        }
        let mut facts = Vec::new();
        if !full.owasp_api_2023.is_empty() {
            facts.push(format!(
                "OWASP {}",
                full.owasp_api_2023
                    .iter()
                    .map(|o| o.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !full.cwe.is_empty() {
            facts.push(
                full.cwe
                    .iter()
                    .map(|c| format!("CWE-{c}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        facts.push(format!("risk {:.1}", full.risk.score));
        if let Some(p) = &full.parent {
            facts.push(format!(
                "bypasses <a href=\"#threat-{}\"><code>{}</code></a>",
                anchor(p.as_str()),
                esc(p.as_str())
            ));
        }
        if let Some(d) = &full.decision {
            if let Some(s) = d.strategy {
                facts.push(format!("strategy {}", esc(s.as_str())));
            }
            if let Some(o) = &d.owner {
                facts.push(format!("owner {}", esc(o)));
            }
            if let Some(j) = &d.justification {
                facts.push(format!("justification: {}", esc(j)));
            }
        }
        let _ = write!(cell, "<div class=\"meta\">{}</div>", facts.join(" · "));
    }
    cell
}

fn by_type(out: &mut String, r: &Report) {
    out.push_str("<section id=\"by-type\">\n<h2>Threats by threat type</h2>\n<p>The same threats organized by STRIDE category (Table 7.4); a threat of several categories is listed under each.</p>\n");
    if empty_threats(out, r) {
        return;
    }
    filters(out, "t-type");
    out.push_str("<table id=\"t-type\" class=\"threats sortable\">\n<thead><tr><th scope=\"col\">Threat type</th><th scope=\"col\">Diagram element</th><th scope=\"col\">Threat</th><th scope=\"col\">Severity</th><th scope=\"col\">Status</th><th scope=\"col\">Ticket</th></tr></thead>\n<tbody>\n");
    for g in &r.by_type {
        for (i, t) in g.threats.iter().enumerate() {
            let _ = writeln!(
                out,
                "<tr {}{}><td{}>{}</td><td>{}</td><td>{}</td>{}<td>{}</td></tr>",
                threat_row_attrs(t),
                if i == 0 { " class=\"group-start\"" } else { "" },
                if i == 0 { "" } else { " class=\"same\"" },
                esc(&g.title),
                esc(&t.subject.label),
                threat_cell(r, t),
                sev_cell(t),
                ticket(t.ticket.as_ref())
            );
        }
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn by_discovery(out: &mut String, r: &Report) {
    out.push_str("<section id=\"by-discovery\">\n<h2>Threats by order of discovery</h2>\n<p>In the order the analysis meets them, walking the model and then its OpenAPI documents from top to bottom (Table 7.5).</p>\n");
    if empty_threats(out, r) {
        return;
    }
    filters(out, "t-discovery");
    out.push_str("<table id=\"t-discovery\" class=\"threats sortable\">\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Diagram element</th><th scope=\"col\">Threat</th><th scope=\"col\">Severity</th><th scope=\"col\">Status</th><th scope=\"col\">Ticket</th></tr></thead>\n<tbody>\n");
    for (i, t) in r.by_discovery.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr {}><td class=\"num\" data-sort=\"{}\">{}</td><td>{}</td><td>{}</td>{}<td>{}</td></tr>",
            threat_row_attrs(t),
            i + 1,
            i + 1,
            esc(&t.subject.label),
            threat_cell(r, t),
            sev_cell(t),
            ticket(t.ticket.as_ref())
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn links(v: &[ThreatLink]) -> String {
    if v.is_empty() {
        return "—".to_owned();
    }
    let mut s = String::from("<ul class=\"plain\">");
    for l in v {
        let _ = write!(
            s,
            "<li><a href=\"#threat-{}\">{}</a> {} {}</li>",
            anchor(l.id.as_str()),
            rich(&l.title),
            severity_badge(l.severity),
            status_badge(l.status)
        );
    }
    s.push_str("</ul>");
    s
}

fn mitigations(out: &mut String, r: &Report) {
    out.push_str("<section id=\"mitigations\">\n<h2>Mitigations</h2>\n");
    if r.mitigations.is_empty() {
        out.push_str("<p class=\"empty\">The model names no mitigations.</p>\n</section>\n");
        return;
    }
    out.push_str("<p>The controls in the model, the threats whose decisions name them, and the second-order threats: how an attacker gets around each control.</p>\n<table class=\"sortable\">\n<thead><tr><th scope=\"col\">Mitigation</th><th scope=\"col\">Kind</th><th scope=\"col\">Status</th><th scope=\"col\">In place at</th><th scope=\"col\">Addresses</th><th scope=\"col\">Ways around it</th></tr></thead>\n<tbody>\n");
    for m in &r.mitigations {
        let _ = writeln!(
            out,
            "<tr><td><strong>{}</strong><div class=\"meta\"><code>{}</code></div>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&m.name),
            esc(&m.id),
            m.description
                .as_deref()
                .map(|d| format!("<p class=\"desc\">{}</p>", esc(d)))
                .unwrap_or_default(),
            opt(m.kind.as_deref()),
            opt(m.status.as_deref()),
            dash(
                &m.elements
                    .iter()
                    .map(|e| esc(e))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            links(&m.addresses),
            links(&m.bypasses)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn completeness(out: &mut String, r: &Report) {
    let c = &r.completeness;
    let _ = writeln!(
        out,
        "<section id=\"completeness\">\n<h2>Completeness</h2>\n<p>STRIDE per element: every element for the categories that apply to its kind, every flow that crosses a trust boundary for tampering, information disclosure and denial of service. <strong>{} of {} cells covered</strong>; {:.1} threats per diagram element (about five is the rule of thumb).</p>",
        c.covered, c.cells, c.threats_per_element
    );
    if c.rows.is_empty() {
        out.push_str("<p class=\"empty\">The model has no elements.</p>\n</section>\n");
        return;
    }
    out.push_str("<table class=\"coverage sortable\">\n<thead><tr><th scope=\"col\">Element or crossing flow</th>");
    for s in Stride::ALL_CATEGORIES {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"c\"><abbr title=\"{}\">{}</abbr></th>",
            s.title(),
            s.letter()
        );
    }
    out.push_str("<th scope=\"col\">Threats</th></tr></thead>\n<tbody>\n");
    for row in &c.rows {
        let _ = write!(out, "<tr><td>{}</td>", esc(&row.subject.label));
        for (cell, s) in row.cells.iter().zip(Stride::ALL_CATEGORIES) {
            match cell {
                None => out.push_str("<td class=\"c na-kind\" title=\"does not apply\">·</td>"),
                Some(cell) => {
                    let title = match cell.state.as_str() {
                        "threat" => format!("{}: {} threat(s)", s.title(), cell.threats),
                        "baseline" => format!(
                            "{}: only a STRIDE baseline nobody has decided on",
                            s.title()
                        ),
                        "not_applicable" => format!(
                            "{}: not applicable — {}",
                            s.title(),
                            cell.reason.as_deref().unwrap_or("")
                        ),
                        _ => format!("{}: missing", s.title()),
                    };
                    let _ = write!(
                        out,
                        "<td class=\"c cov-{}\" title=\"{}\">{}</td>",
                        class_word(&cell.state),
                        esc(&title),
                        crate::markdown::cell_mark(&cell.state)
                    );
                }
            }
        }
        let _ = writeln!(out, "<td class=\"num\">{}</td></tr>", row.threats);
    }
    out.push_str("</tbody>\n</table>\n<p class=\"legend\"><span class=\"cov-threat\">✓</span> a threat · <span class=\"cov-baseline\">b</span> only a STRIDE baseline nobody decided · <span class=\"cov-not-applicable\">n/a</span> not applicable, with a reason · <span class=\"cov-missing\">✗</span> missing · · does not apply to this kind</p>\n</section>\n");
}

fn assumptions(out: &mut String, r: &Report) {
    out.push_str("<section id=\"assumptions\">\n<h2>Assumptions</h2>\n");
    if r.assumptions.is_empty() {
        out.push_str("<p class=\"empty\">The model records no assumptions.</p>\n</section>\n");
        return;
    }
    out.push_str("<p>What the model takes for granted, and who makes sure it still holds (Table 7.6).</p>\n<table class=\"sortable\">\n<thead><tr><th scope=\"col\">Assumption</th><th scope=\"col\">Impact if wrong</th><th scope=\"col\">Who to talk to</th><th scope=\"col\">Who's following up</th><th scope=\"col\">Follow-up by</th><th scope=\"col\">Bug #</th><th scope=\"col\">State</th></tr></thead>\n<tbody>\n");
    for a in &r.assumptions {
        let o = |s: &Option<String>| s.as_deref().map_or_else(|| "—".to_owned(), esc);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><span class=\"state st-{}\">{}</span></td></tr>",
            esc(&a.assumption),
            o(&a.impact),
            o(&a.contact),
            o(&a.owner),
            a.due.map_or_else(|| "—".to_owned(), |d| d.to_string()),
            ticket(a.ticket.as_ref()),
            esc(&a.state),
            esc(&a.state)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn notes(out: &mut String, r: &Report) {
    let n = &r.notes;
    out.push_str(
        "<section id=\"notes\">\n<h2>External security notes</h2>\n<h3>For customers</h3>\n",
    );
    if n.non_requirements.is_empty() && n.customer_notes.is_empty() {
        out.push_str("<p class=\"empty\">The model records no notes for customers.</p>\n");
    } else {
        if !n.non_requirements.is_empty() {
            out.push_str("<p>What this system does not defend against:</p>\n");
            ul(out, &n.non_requirements);
        }
        if !n.customer_notes.is_empty() {
            out.push_str("<p>Notes:</p>\n");
            ul(out, &n.customer_notes);
        }
    }
    out.push_str("<h3>For API callers</h3>\n");
    if n.threat_model.is_none() && n.accepted_input.is_empty() && n.common_mistakes.is_empty() {
        out.push_str("<p class=\"empty\">The model records no notes for API callers.</p>\n");
    } else {
        if let Some(tm) = &n.threat_model {
            let _ = writeln!(out, "<p><strong>Our threat model.</strong> {}</p>", esc(tm));
        }
        if !n.accepted_input.is_empty() {
            out.push_str("<p><strong>We accept only input that looks like:</strong></p>\n");
            ul(out, &n.accepted_input);
        }
        if !n.common_mistakes.is_empty() {
            out.push_str("<p><strong>Common mistakes in calling us:</strong></p>\n");
            ul(out, &n.common_mistakes);
        }
    }
    out.push_str("<h3>Security considerations</h3>\n<p>In the shape of an RFC's Security Considerations section. Lines marked <span class=\"derived\">from the model</span> are derived from its scope, threats, decisions and assumptions.</p>\n<dl class=\"considerations\">\n");
    for part in &n.considerations {
        let _ = write!(out, "<dt>{}</dt>\n<dd>", esc(&part.title));
        if part.items.is_empty() {
            out.push_str("<span class=\"empty\">None recorded.</span>");
        } else {
            out.push_str("<ul>");
            for i in &part.items {
                let _ = write!(
                    out,
                    "<li>{}{}</li>",
                    esc(&i.text),
                    if i.derived {
                        " <span class=\"derived\">from the model</span>"
                    } else {
                        ""
                    }
                );
            }
            out.push_str("</ul>");
        }
        out.push_str("</dd>\n");
    }
    out.push_str("</dl>\n</section>\n");
}

fn ul(out: &mut String, items: &[String]) {
    out.push_str("<ul>\n");
    for i in items {
        let _ = writeln!(out, "<li>{}</li>", esc(i));
    }
    out.push_str("</ul>\n");
}

fn inventory(out: &mut String, r: &Report) {
    out.push_str("<section id=\"inventory\">\n<h2>API inventory</h2>\n");
    if r.inventory.is_empty() {
        out.push_str("<p class=\"empty\">The model lists no APIs.</p>\n</section>\n");
        return;
    }
    out.push_str("<table class=\"sortable\">\n<thead><tr><th scope=\"col\">API</th><th scope=\"col\">Exposure</th><th scope=\"col\">Version</th><th scope=\"col\">Lifecycle</th><th scope=\"col\">Served by</th><th scope=\"col\">Consumed by</th><th scope=\"col\">Operations</th></tr></thead>\n<tbody>\n");
    for a in &r.inventory {
        let _ = writeln!(
            out,
            "<tr><td><strong>{}</strong><div class=\"meta\"><code>{}</code>{}</div></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&a.name),
            esc(&a.id),
            a.spec
                .as_deref()
                .map(|s| format!(" · <code>{}</code>", esc(s)))
                .unwrap_or_default(),
            opt(a.exposure.as_deref()),
            a.version.as_deref().map_or_else(|| "—".to_owned(), esc),
            opt(a.lifecycle.as_deref()),
            a.served_by.as_deref().map_or_else(|| "—".to_owned(), esc),
            dash(
                &a.consumed_by
                    .iter()
                    .map(|e| esc(e))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            a.document
                .as_ref()
                .map_or_else(|| "—".to_owned(), |d| d.operation_count.to_string())
        );
    }
    out.push_str("</tbody>\n</table>\n");
    for a in &r.inventory {
        let Some(d) = &a.document else { continue };
        let _ = writeln!(
            out,
            "<h3>{}</h3>\n<p>{}{}, OpenAPI/Swagger {}: {} operations, {} secured, {} with optional authentication, {} unsecured.</p>",
            esc(&a.name),
            esc(d.title.as_deref().unwrap_or("(untitled)")),
            d.api_version
                .as_deref()
                .map(|v| format!(" {}", esc(v)))
                .unwrap_or_default(),
            esc(&d.spec_version),
            d.operation_count,
            d.secured,
            d.optional_auth,
            d.unsecured
        );
        if !d.servers.is_empty() || !d.security_schemes.is_empty() {
            out.push_str("<dl class=\"facts\">");
            if !d.servers.is_empty() {
                let _ = write!(
                    out,
                    "<dt>Servers</dt><dd>{}</dd>",
                    d.servers
                        .iter()
                        .map(|s| format!("<code>{}</code>", esc(s)))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if !d.security_schemes.is_empty() {
                let _ = write!(
                    out,
                    "<dt>Security schemes</dt><dd>{}</dd>",
                    d.security_schemes
                        .iter()
                        .map(|s| esc(s))
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
            out.push_str("</dl>\n");
        }
        if d.operations.is_empty() {
            continue;
        }
        out.push_str("<table class=\"sortable ops\">\n<thead><tr><th scope=\"col\">Operation</th><th scope=\"col\">Authentication</th><th scope=\"col\">Schemes</th><th scope=\"col\">Deprecated</th><th scope=\"col\">Threats</th><th scope=\"col\">Where</th></tr></thead>\n<tbody>\n");
        for o in &d.operations {
            let _ = writeln!(
                out,
                "<tr><td><code>{} {}</code></td><td class=\"auth-{}\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td><code>{}</code></td></tr>",
                esc(&o.method),
                esc(&o.path),
                esc(&o.auth),
                esc(&o.auth),
                dash(
                    &o.security
                        .iter()
                        .map(|s| esc(s))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                if o.deprecated { "deprecated" } else { "" },
                o.threats,
                esc(&o.location)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

fn appendix(out: &mut String, r: &Report) {
    out.push_str(
        "<section id=\"appendix\">\n<h2>Appendix: the rules that found these threats</h2>\n",
    );
    if r.appendix.is_empty() {
        out.push_str("<p class=\"empty\">No rule fired.</p>\n</section>\n");
        return;
    }
    for doc in &r.appendix {
        let _ = writeln!(
            out,
            "<article class=\"rule\" id=\"rule-{}\">\n{}<p class=\"meta\">Found {} threat{} in this model.</p>\n</article>",
            anchor(&doc.code),
            markdown_html(&doc.markdown),
            doc.threats,
            if doc.threats == 1 { "" } else { "s" }
        );
    }
    out.push_str("</section>\n");
}

/// Markdown → HTML for rule pages: headings demoted below the appendix's, raw HTML shown as
/// text, links only to the web or within the page.
pub fn markdown_html(md: &str) -> String {
    use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    let demote = |l: HeadingLevel| match l {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    };
    let events = Parser::new_ext(md, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = is_web_url(&dest_url) || dest_url.starts_with('#');
            Event::Start(Tag::Link {
                link_type,
                dest_url: if safe { dest_url } else { CowStr::from("#") },
                title,
                id,
            })
        }
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}
