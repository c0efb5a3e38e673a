//! Mermaid `flowchart LR` for Markdown: a `subgraph` per trust boundary (nested), DFD-like shapes
//! (rectangle, rounded, cylinder), labelled flows, thick red links for flows that cross a
//! boundary and dotted links for unencrypted ones. Node ids are generated (`e0`, `b0` …) so that
//! no element id can break the syntax; every label is quoted and entity-escaped.

use std::fmt::Write as _;

use palisade_model::ElementKind;

use crate::Options;
use crate::scene::{Item, Scene};
use crate::text;

/// Text for a quoted Mermaid label: characters with a meaning become entity codes.
pub(crate) fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text::clean(text).chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            ';' => out.push_str("#59;"),
            '%' => out.push_str("#37;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '(' => out.push_str("#40;"),
            ')' => out.push_str("#41;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn render(scene: &Scene, options: &Options) -> String {
    let mut out = String::from("flowchart LR\n");
    for &c in &scene.nodes[0].children {
        node(&mut out, scene, c, options, 1);
    }
    let mut crossing = Vec::new();
    for (i, edge) in scene.edges.iter().enumerate() {
        let f = scene.flow(edge);
        let arrow = match (edge.plaintext, edge.crossing, f.bidirectional) {
            (true, _, false) => "-.->",
            (true, _, true) => "<-.->",
            (false, true, false) => "==>",
            (false, true, true) => "<==>",
            (false, false, false) => "-->",
            (false, false, true) => "<-->",
        };
        let mut lines: Vec<String> = edge.label.iter().map(|l| label(&l.text)).collect();
        if let Some(b) = options.badges.get(f.id.as_str()) {
            lines.push(format!(
                "{} threat{}",
                b.count,
                if b.count == 1 { "" } else { "s" }
            ));
        }
        let _ = writeln!(
            out,
            "  n{} {arrow}|\"{}\"| n{}",
            edge.from,
            lines.join("<br/>"),
            edge.to
        );
        if edge.crossing {
            crossing.push(i.to_string());
        }
    }
    let mut classes: [(&str, Vec<String>); 4] = [
        ("external", Vec::new()),
        ("process", Vec::new()),
        ("store", Vec::new()),
        ("threats", Vec::new()),
    ];
    for (v, n) in scene.nodes.iter().enumerate() {
        if let Item::Element(i) = n.item {
            let e = &scene.model.elements[i];
            let slot = match e.kind {
                ElementKind::ExternalEntity => 0,
                ElementKind::Process => 1,
                ElementKind::DataStore => 2,
            };
            classes[slot].1.push(format!("n{v}"));
            if options.badges.contains_key(e.id.as_str()) {
                classes[3].1.push(format!("n{v}"));
            }
        }
    }
    out.push_str("  classDef external fill:#eef1f5,stroke:#1f2328,stroke-width:2px\n");
    out.push_str("  classDef process fill:#ffffff,stroke:#1f2328\n");
    out.push_str("  classDef store fill:#ffffff,stroke:#1f2328\n");
    out.push_str("  classDef threats stroke:#bc4c00,stroke-width:3px\n");
    out.push_str("  classDef boundary fill:#f6f8fa,stroke:#57606a,stroke-dasharray:6 4\n");
    for (name, members) in &classes {
        if !members.is_empty() {
            let _ = writeln!(out, "  class {} {name}", members.join(","));
        }
    }
    let boundaries: Vec<String> = scene
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.item, Item::Boundary(_)))
        .map(|(v, _)| format!("n{v}"))
        .collect();
    if !boundaries.is_empty() {
        let _ = writeln!(out, "  class {} boundary", boundaries.join(","));
    }
    if !crossing.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:#cf222e,stroke-width:2.5px,color:#a40e26",
            crossing.join(",")
        );
    }
    out
}

fn node(out: &mut String, scene: &Scene, v: usize, options: &Options, depth: usize) {
    let indent = "  ".repeat(depth);
    match scene.nodes[v].item {
        Item::Boundary(i) => {
            let b = &scene.model.boundaries[i];
            let _ = writeln!(out, "{indent}subgraph n{v}[\"{}\"]", label(b.label()));
            for &c in &scene.nodes[v].children {
                node(out, scene, c, options, depth + 1);
            }
            let _ = writeln!(out, "{indent}end");
        }
        Item::Element(i) => {
            let e = &scene.model.elements[i];
            let children = &scene.nodes[v].children;
            let mut text = label(e.label());
            let detail = e.technology.clone().or_else(|| {
                e.store
                    .map(|s| palisade_model::StringEnum::as_str(s).replace('_', " "))
            });
            if let Some(d) = detail.filter(|d| !text::clean(d).is_empty()) {
                let _ = write!(text, "<br/><small>{}</small>", label(&d));
            }
            if let Some(b) = options.badges.get(e.id.as_str()) {
                let _ = write!(
                    text,
                    "<br/>{} threat{}",
                    b.count,
                    if b.count == 1 { "" } else { "s" }
                );
            }
            let shape = match e.kind {
                ElementKind::ExternalEntity => format!("[\"{text}\"]"),
                ElementKind::Process => format!("(\"{text}\")"),
                ElementKind::DataStore => format!("[(\"{text}\")]"),
            };
            if children.is_empty() {
                let _ = writeln!(out, "{indent}n{v}{shape}");
            } else {
                // A container: its own subgraph, holding itself and what runs inside it.
                let _ = writeln!(out, "{indent}subgraph g{v}[\"{}\"]", label(e.label()));
                let _ = writeln!(out, "{indent}  n{v}{shape}");
                for &c in children {
                    node(out, scene, c, options, depth + 1);
                }
                let _ = writeln!(out, "{indent}end");
            }
        }
        Item::Root => {}
    }
}
