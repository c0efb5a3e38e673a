//! The SVG drawing: self-contained (no external references, no embedded font), with stable ids,
//! CSS classes a page can style or script, and a tooltip `<title>` on everything drawn.

use std::fmt::Write as _;

use palisade_model::{ElementKind, Severity, StringEnum};

use crate::layout::{Geometry, MARGIN, Rect, Route};
use crate::scene::{BoxText, Edge, Item, LINE_HEIGHT, NAME_SIZE, SMALL_SIZE, Scene, badge_width};
use crate::text::{self, FONT_FAMILY, width};
use crate::{Badge, Options};

/// The drawing's stylesheet, written into every SVG in a `<style>` element; a page that inlines
/// the SVG under a strict Content-Security-Policy serves it as a file instead.
pub const STYLE: &str = "
.palisade-dfd text { fill: #1f2328; }
.palisade-dfd .diagram-title { font-size: 16px; font-weight: 700; }
.palisade-dfd .boundary > rect { fill: #0969da; fill-opacity: 0.035; stroke: #57606a; stroke-width: 1.2; stroke-dasharray: 7 4; }
.palisade-dfd .boundary.kind-internet > rect, .palisade-dfd .boundary.kind-third_party > rect { fill: #bf8700; fill-opacity: 0.05; }
.palisade-dfd .boundary > text { font-size: 12px; font-weight: 700; fill: #57606a; }
.palisade-dfd .element .box { fill: #ffffff; stroke: #1f2328; stroke-width: 1.5; }
.palisade-dfd .external-entity .box { fill: #eef1f5; stroke-width: 2; }
.palisade-dfd .data-store .box { stroke: none; }
.palisade-dfd .data-store line { stroke: #1f2328; stroke-width: 2; }
.palisade-dfd .element.container .box { fill: #ffffff; fill-opacity: 0.6; }
.palisade-dfd .element .name { font-size: 13px; font-weight: 600; }
.palisade-dfd .element .detail { font-size: 11px; fill: #57606a; }
.palisade-dfd .element.has-threats .box { stroke: #bc4c00; }
.palisade-dfd .flow path { fill: none; stroke: #6e7781; stroke-width: 1.4; }
.palisade-dfd .flow.crossing path { stroke: #cf222e; stroke-width: 2.2; }
.palisade-dfd .flow.plaintext path { stroke-dasharray: 6 3; }
.palisade-dfd .flow .label-bg { fill: #ffffff; fill-opacity: 0.9; }
.palisade-dfd .flow text { font-size: 11px; }
.palisade-dfd .flow .label-name { font-weight: 600; }
.palisade-dfd .flow .label-how { fill: #0a3069; }
.palisade-dfd .flow.crossing .label-how { fill: #a40e26; }
.palisade-dfd .flow .label-data { fill: #57606a; font-style: italic; }
.palisade-dfd .badge rect { fill: #6e7781; }
.palisade-dfd .badge.severity-low rect { fill: #1a7f37; }
.palisade-dfd .badge.severity-medium rect { fill: #9a6700; }
.palisade-dfd .badge.severity-high rect { fill: #cf222e; }
.palisade-dfd .badge.severity-critical rect { fill: #82071e; }
.palisade-dfd .badge text { fill: #ffffff; font-size: 10px; font-weight: 700; }
.palisade-dfd .legend > rect { fill: #ffffff; stroke: #d0d7de; }
.palisade-dfd .legend text { font-size: 11px; }
";

/// Numbers with at most one decimal. Written from whole tenths with integer formatting: exact
/// float formatting (`{:.1}`) was an eighth of the time of drawing a 10,000-element model.
fn num(v: f64) -> String {
    // Coordinates are far below where `i64` tenths would lose precision.
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    if t.is_multiple_of(10) {
        format!("{sign}{}", t / 10)
    } else {
        format!("{sign}{}.{}", t / 10, t % 10)
    }
}

/// Text escaped for XML content and attribute values; characters XML forbids are dropped.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A class name made of safe characters.
fn class_word(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

pub(crate) fn render(scene: &Scene, g: &Geometry, options: &Options) -> String {
    let model = scene.model;
    let title_text = format!("Data-flow diagram: {}", text::clean(&model.system.name));
    let legend = options.legend.then(|| legend_items(options));
    let legend_w = legend.as_ref().map_or(0.0, |(w, _)| *w);
    let content_right = g.right.max(MARGIN + 200.0);
    let shown_title = text::truncate(
        &title_text,
        (content_right - MARGIN).max(legend_w).max(300.0),
        16.0,
        true,
    );
    let title_w = width(&shown_title, 16.0, true);
    let canvas_w = (content_right + MARGIN)
        .max(legend_w + 2.0 * MARGIN)
        .max(if options.title {
            title_w + 2.0 * MARGIN
        } else {
            0.0
        })
        .ceil();
    let legend_y = g.bottom + 28.0;
    let canvas_h = (legend_y + legend.as_ref().map_or(0.0, |(_, h)| *h) + MARGIN).ceil();

    let crossing = scene.edges.iter().filter(|e| e.crossing).count();
    let mut out = String::with_capacity(4096 + scene.nodes.len() * 600);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="palisade-dfd-title palisade-dfd-desc" class="palisade-dfd" font-family="{font}">
<title id="palisade-dfd-title">{title}</title>
<desc id="palisade-dfd-desc">{desc}</desc>
<style>{STYLE}</style>
<defs>
<marker id="palisade-arrow" viewBox="0 0 10 10" refX="9.5" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0.5 L10,5 L0,9.5 z" fill="#6e7781"/></marker>
<marker id="palisade-arrow-crossing" viewBox="0 0 10 10" refX="9.5" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0.5 L10,5 L0,9.5 z" fill="#cf222e"/></marker>
</defs>
<rect class="background" x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>
"##,
        w = num(canvas_w),
        h = num(canvas_h),
        font = esc(FONT_FAMILY),
        title = esc(&title_text),
        desc = esc(&format!(
            "{} elements, {} data flows ({crossing} crossing a trust boundary), {} trust boundaries.",
            model.elements.len(),
            scene.edges.len(),
            model.boundaries.len()
        )),
    );
    if options.title {
        let _ = writeln!(
            out,
            r#"<text class="diagram-title" x="{}" y="{}">{}</text>"#,
            num(MARGIN),
            num(MARGIN + 18.0),
            esc(&shown_title)
        );
    }

    // Boundaries, outermost first.
    let preorder = preorder(scene);
    out.push_str("<g class=\"boundaries\">\n");
    for &v in &preorder {
        if let Item::Boundary(i) = scene.nodes[v].item {
            boundary(&mut out, scene, v, i, g.boxes[v]);
        }
    }
    out.push_str("</g>\n<g class=\"containers\">\n");
    for &v in &preorder {
        if matches!(scene.nodes[v].item, Item::Element(_)) && !scene.nodes[v].children.is_empty() {
            element(&mut out, scene, v, g.boxes[v], options);
        }
    }
    out.push_str("</g>\n<g class=\"flows\">\n");
    for (edge, route) in scene.edges.iter().zip(&g.routes) {
        flow(
            &mut out,
            scene,
            edge,
            route,
            options.badges.get(scene.flow(edge).id.as_str()),
        );
    }
    out.push_str("</g>\n<g class=\"elements\">\n");
    for &v in &preorder {
        if matches!(scene.nodes[v].item, Item::Element(_)) && scene.nodes[v].children.is_empty() {
            element(&mut out, scene, v, g.boxes[v], options);
        }
    }
    out.push_str("</g>\n");
    if let Some((lw, _)) = legend {
        draw_legend(&mut out, options, MARGIN, legend_y, lw);
    }
    out.push_str("</svg>\n");
    out
}

fn preorder(scene: &Scene) -> Vec<usize> {
    let mut order = Vec::with_capacity(scene.nodes.len());
    let mut stack = vec![0usize];
    while let Some(v) = stack.pop() {
        order.push(v);
        stack.extend(scene.nodes[v].children.iter().rev().copied());
    }
    order
}

fn boundary(out: &mut String, scene: &Scene, v: usize, i: usize, r: Rect) {
    let b = &scene.model.boundaries[i];
    let kind = b.kind.map_or("other", StringEnum::as_str);
    let name = text::truncate(&scene.text[v].name[0], (r.w - 16.0).max(20.0), 12.0, true);
    let mut tip = format!(
        "{} — trust boundary ({})",
        text::clean(b.label()),
        kind.replace('_', " ")
    );
    if let Some(d) = &b.description {
        let _ = write!(tip, "\n{}", text::clean(d));
    }
    let _ = writeln!(
        out,
        r#"<g id="boundary-{id}" class="boundary kind-{kind}" data-id="{id}"><title>{tip}</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6"/><text x="{tx}" y="{ty}">{name}</text></g>"#,
        id = esc(b.id.as_str()),
        kind = class_word(kind),
        tip = esc(&tip),
        x = num(r.x),
        y = num(r.y),
        w = num(r.w),
        h = num(r.h),
        tx = num(r.x + 10.0),
        ty = num(r.y + 17.0),
        name = esc(&name),
    );
}

fn kind_class(kind: ElementKind) -> &'static str {
    match kind {
        ElementKind::ExternalEntity => "external-entity",
        ElementKind::Process => "process",
        ElementKind::DataStore => "data-store",
    }
}

fn severity_class(badge: Badge) -> String {
    badge.severity.map_or_else(String::new, |s: Severity| {
        format!(" severity-{}", s.as_str())
    })
}

fn element(out: &mut String, scene: &Scene, v: usize, r: Rect, options: &Options) {
    let Some(e) = scene.element(v) else {
        return;
    };
    let container = !scene.nodes[v].children.is_empty();
    let badge = options.badges.get(e.id.as_str());
    let mut classes = format!("element {}", kind_class(e.kind));
    if container {
        classes.push_str(" container");
    }
    if e.is_log() {
        classes.push_str(" log");
    }
    if let Some(b) = badge {
        let _ = write!(classes, " has-threats{}", severity_class(*b));
    }
    let mut tip = format!(
        "{} — {}",
        text::clean(e.label()),
        e.kind.as_str().replace('_', " ")
    );
    if let Some(s) = e.store {
        let _ = write!(tip, " ({})", s.as_str().replace('_', " "));
    }
    if let Some(t) = &e.technology {
        let _ = write!(tip, "\nTechnology: {}", text::clean(t));
    }
    let zone_chain = zone_names(scene, v);
    if !zone_chain.is_empty() {
        let _ = write!(tip, "\nTrust boundary: {zone_chain}");
    }
    if let Some(d) = &e.description {
        let _ = write!(tip, "\n{}", text::clean(d));
    }
    if let Some(b) = badge {
        let _ = write!(tip, "\nThreats: {}", b.count);
        if let Some(s) = b.severity {
            let _ = write!(tip, " (highest: {})", s.as_str());
        }
    }
    let _ = write!(
        out,
        r#"<g id="el-{id}" class="{classes}" data-id="{id}"><title>{tip}</title>"#,
        id = esc(e.id.as_str()),
        tip = esc(&tip),
    );
    let rx = match e.kind {
        ElementKind::Process => 12.0_f64.min(r.h / 3.0),
        _ => 0.0,
    };
    let _ = write!(
        out,
        r#"<rect class="box" x="{}" y="{}" width="{}" height="{}" rx="{}"/>"#,
        num(r.x),
        num(r.y),
        num(r.w),
        num(r.h),
        num(rx)
    );
    if e.kind == ElementKind::DataStore {
        for y in [r.y + 1.0, r.y + r.h - 1.0] {
            let _ = write!(
                out,
                r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#,
                num(r.x),
                num(r.x + r.w),
                y = num(y)
            );
        }
    }
    let t: &BoxText = &scene.text[v];
    let badge_room = if badge.is_some() {
        crate::scene::BADGE_ROOM
    } else {
        0.0
    };
    if container {
        let name = text::truncate(
            &text::clean(e.label()),
            (r.w - 20.0 - badge_room).max(20.0),
            NAME_SIZE,
            true,
        );
        let _ = write!(
            out,
            r#"<text class="name" x="{}" y="{}">{}</text>"#,
            num(r.x + 10.0),
            num(r.y + 18.0),
            esc(&name)
        );
    } else {
        let lines = t.name.len() as f64 * NAME_SIZE * LINE_HEIGHT
            + t.detail
                .as_ref()
                .map_or(0.0, |_| SMALL_SIZE * LINE_HEIGHT + 2.0);
        let cx = r.x + (r.w - badge_room) / 2.0;
        let mut y = r.y + (r.h - lines) / 2.0;
        for line in &t.name {
            y += NAME_SIZE * LINE_HEIGHT;
            let _ = write!(
                out,
                r#"<text class="name" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                num(cx),
                num(y - NAME_SIZE * 0.3),
                esc(line)
            );
        }
        if let Some(d) = &t.detail {
            y += SMALL_SIZE * LINE_HEIGHT + 2.0;
            let _ = write!(
                out,
                r#"<text class="detail" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                num(cx),
                num(y - SMALL_SIZE * 0.3),
                esc(d)
            );
        }
    }
    if let Some(b) = badge {
        let bw = badge_width(b.count);
        draw_badge(out, *b, r.x + r.w - bw - 4.0, r.y + 4.0);
    }
    out.push_str("</g>\n");
}

fn draw_badge(out: &mut String, b: Badge, x: f64, y: f64) {
    let bw = badge_width(b.count);
    let _ = write!(
        out,
        r#"<g class="badge{}"><rect x="{}" y="{}" width="{}" height="16" rx="8"/><text x="{}" y="{}" text-anchor="middle">{}</text></g>"#,
        severity_class(b),
        num(x),
        num(y),
        num(bw),
        num(x + bw / 2.0),
        num(y + 11.5),
        b.count
    );
}

/// `Internal network › Payments cluster` for an element's tooltip.
fn zone_names(scene: &Scene, v: usize) -> String {
    let mut names = Vec::new();
    let mut current = scene.nodes[v].parent;
    while let Some(p) = current {
        if let Item::Boundary(i) = scene.nodes[p].item {
            names.push(text::clean(scene.model.boundaries[i].label()));
        }
        current = scene.nodes[p].parent;
    }
    names.reverse();
    names.join(" › ")
}

fn flow(out: &mut String, scene: &Scene, edge: &Edge, route: &Route, badge: Option<&Badge>) {
    let f = scene.flow(edge);
    let model = scene.model;
    let name_of = |node: usize, id: &str| {
        scene
            .element(node)
            .map_or_else(|| id.to_owned(), |e| text::clean(e.label()))
    };
    let mut classes = String::from("flow");
    if edge.crossing {
        classes.push_str(" crossing");
    }
    if edge.plaintext {
        classes.push_str(" plaintext");
    }
    if f.bidirectional {
        classes.push_str(" bidirectional");
    }
    if let Some(b) = badge {
        let _ = write!(classes, " has-threats{}", severity_class(*b));
    }
    let arrow = if f.bidirectional { "↔" } else { "→" };
    let mut tip = format!(
        "{}: {} {arrow} {}",
        text::clean(f.name.as_deref().unwrap_or(f.id.as_str())),
        name_of(edge.from, f.from.as_str()),
        name_of(edge.to, f.to.as_str())
    );
    let mut facts = Vec::new();
    if let Some(p) = &f.protocol {
        facts.push(format!("protocol {}", text::clean(p)));
    }
    if let Some(p) = f.port {
        facts.push(format!("port {p}"));
    }
    if let Some(a) = f.authentication {
        facts.push(format!("authentication {}", a.as_str()));
    }
    if let Some(a) = f.authorization {
        facts.push(format!("authorization {}", a.as_str()));
    }
    if let Some(e) = f.effective_encryption() {
        facts.push(format!("encryption {}", e.as_str()));
    }
    if !facts.is_empty() {
        let _ = write!(tip, "\n{}", facts.join(", "));
    }
    if !f.data.is_empty() {
        let data: Vec<String> = f
            .data
            .iter()
            .map(|d| {
                model
                    .data_asset(d.as_str())
                    .map_or_else(|| d.to_string(), |a| text::clean(a.label()))
            })
            .collect();
        let _ = write!(tip, "\nData: {}", data.join("; "));
    }
    if edge.crossing {
        tip.push_str("\nCrosses a trust boundary");
    }
    if let Some(b) = badge {
        let _ = write!(tip, "\nThreats: {}", b.count);
    }
    let _ = write!(
        out,
        r#"<g id="flow-{id}" class="{classes}" data-id="{id}" data-from="{from}" data-to="{to}"><title>{tip}</title>"#,
        id = esc(f.id.as_str()),
        from = esc(f.from.as_str()),
        to = esc(f.to.as_str()),
        tip = esc(&tip),
    );
    let marker = if edge.crossing {
        "url(#palisade-arrow-crossing)"
    } else {
        "url(#palisade-arrow)"
    };
    let _ = write!(
        out,
        r#"<path d="{}" marker-end="{marker}""#,
        path_data(route)
    );
    if f.bidirectional {
        let _ = write!(out, r#" marker-start="{marker}""#);
    }
    out.push_str("/>");
    let l = route.label;
    let badge_w = badge.map_or(0.0, |b| badge_width(b.count) + 4.0);
    let _ = write!(
        out,
        r#"<g class="label"><rect class="label-bg" x="{}" y="{}" width="{}" height="{}" rx="3"/>"#,
        num(l.x),
        num(l.y),
        num(l.w),
        num(l.h)
    );
    let mut y = l.y + 2.0;
    for (i, line) in edge.label.iter().enumerate() {
        y += SMALL_SIZE * LINE_HEIGHT;
        let room = if i == 0 { l.w - badge_w } else { l.w };
        let _ = write!(
            out,
            r#"<text class="{}" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            line.class,
            num(l.x + room / 2.0),
            num(y - SMALL_SIZE * 0.3),
            esc(&line.text)
        );
    }
    if let Some(b) = badge {
        draw_badge(out, *b, l.x + l.w - badge_width(b.count), l.y + 1.0);
    }
    out.push_str("</g></g>\n");
}

/// Runs joined by horizontal-tangent curves across the gaps between columns.
fn path_data(route: &Route) -> String {
    let mut d = String::new();
    for (i, r) in route.runs.iter().enumerate() {
        if i == 0 {
            let _ = write!(d, "M{},{}", num(r.xa), num(r.y));
        } else {
            let prev = route.runs[i - 1];
            let mid = f64::midpoint(prev.xb, r.xa);
            if (prev.y - r.y).abs() < 0.05 {
                let _ = write!(d, " H{}", num(r.xa));
            } else {
                let _ = write!(
                    d,
                    " C{},{} {},{} {},{}",
                    num(mid),
                    num(prev.y),
                    num(mid),
                    num(r.y),
                    num(r.xa),
                    num(r.y)
                );
            }
        }
        if (r.xb - r.xa).abs() > 0.05 {
            let _ = write!(d, " H{}", num(r.xb));
        }
    }
    d
}

/// The legend's entries and its size.
fn legend_items(options: &Options) -> (f64, f64) {
    let count = legend_entries(options).len();
    let rows = count.div_ceil(LEGEND_PER_ROW);
    (
        LEGEND_PER_ROW as f64 * legend_cell(options) + 24.0,
        rows as f64 * 34.0 + 30.0,
    )
}

const LEGEND_PER_ROW: usize = 4;

/// The width of one legend entry: its sample and its text.
fn legend_cell(options: &Options) -> f64 {
    legend_entries(options)
        .iter()
        .map(|(_, label)| 54.0 + width(label, 11.0, false) + 24.0)
        .fold(0.0, f64::max)
        .ceil()
}

fn legend_entries(options: &Options) -> Vec<(&'static str, &'static str)> {
    let mut entries = vec![
        ("external-entity", "External entity"),
        ("process", "Process"),
        ("data-store", "Data store"),
        ("boundary", "Trust boundary"),
        ("flow", "Data flow"),
        ("crossing", "Flow crossing a trust boundary"),
        ("plaintext", "Flow without encryption"),
    ];
    if !options.badges.is_empty() {
        entries.push(("badge", "Number of threats"));
    }
    entries
}

fn draw_legend(out: &mut String, options: &Options, x: f64, y: f64, w: f64) {
    let entries = legend_entries(options);
    let (_, h) = legend_items(options);
    let _ = write!(
        out,
        r#"<g class="legend"><rect x="{}" y="{}" width="{}" height="{}" rx="4"/><text x="{}" y="{}" font-weight="700">Legend</text>"#,
        num(x),
        num(y),
        num(w),
        num(h),
        num(x + 12.0),
        num(y + 18.0)
    );
    let cell = legend_cell(options);
    for (i, (kind, label)) in entries.iter().enumerate() {
        let cx = x + 12.0 + (i % LEGEND_PER_ROW) as f64 * cell;
        let cy = y + 28.0 + (i / LEGEND_PER_ROW) as f64 * 34.0;
        let shape = match *kind {
            "external-entity" => format!(
                r#"<g class="element external-entity"><rect class="box" x="{}" y="{}" width="44" height="24"/></g>"#,
                num(cx),
                num(cy)
            ),
            "process" => format!(
                r#"<g class="element process"><rect class="box" x="{}" y="{}" width="44" height="24" rx="8"/></g>"#,
                num(cx),
                num(cy)
            ),
            "data-store" => format!(
                r#"<g class="element data-store"><line x1="{x}" y1="{y1}" x2="{x2}" y2="{y1}"/><line x1="{x}" y1="{y2}" x2="{x2}" y2="{y2}"/></g>"#,
                x = num(cx),
                x2 = num(cx + 44.0),
                y1 = num(cy + 1.0),
                y2 = num(cy + 23.0)
            ),
            "boundary" => format!(
                r#"<g class="boundary"><rect x="{}" y="{}" width="44" height="24" rx="4"/></g>"#,
                num(cx),
                num(cy)
            ),
            "badge" => {
                let mut s = String::new();
                draw_badge(
                    &mut s,
                    Badge {
                        count: 3,
                        severity: Some(Severity::High),
                    },
                    cx + 14.0,
                    cy + 4.0,
                );
                s
            }
            other => {
                let (class, marker) = match other {
                    "crossing" => ("flow crossing", "url(#palisade-arrow-crossing)"),
                    "plaintext" => ("flow plaintext", "url(#palisade-arrow)"),
                    _ => ("flow", "url(#palisade-arrow)"),
                };
                format!(
                    r#"<g class="{class}"><path d="M{},{} H{}" marker-end="{marker}"/></g>"#,
                    num(cx),
                    num(cy + 12.0),
                    num(cx + 44.0)
                )
            }
        };
        out.push_str(&shape);
        let _ = write!(
            out,
            r#"<text x="{}" y="{}">{}</text>"#,
            num(cx + 54.0),
            num(cy + 16.0),
            esc(label)
        );
    }
    out.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_have_at_most_one_decimal() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(12.05), "12.1");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(-0.5), "-0.5");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(-13.25), "-13.3");
        assert_eq!(num(103_144.0), "103144");
    }
}
