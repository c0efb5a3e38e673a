//! Graphviz DOT with the SVG's semantics: boundaries as nested `cluster_` subgraphs, DFD shapes
//! (a box, a rounded box, a table open at both ends), labelled flows, crossing flows in red,
//! unencrypted flows dashed, and a legend. Every name goes through an HTML-like label, escaped.

use std::fmt::Write as _;

use palisade_model::{ElementKind, StringEnum};

use crate::scene::{Item, Scene};
use crate::text::{self, FONT_FAMILY};
use crate::{Badge, Options};

/// Text for a double-quoted DOT string: backslashes and quotes escaped, no line breaks.
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text::clean(text).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for an HTML-like label.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text::clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            ']' => out.push_str("&#93;"),
            c => out.push(c),
        }
    }
    out
}

fn badge_line(badge: Option<&Badge>) -> String {
    badge.map_or_else(String::new, |b| {
        format!(
            "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"#cf222e\"><B>{} threat{}</B></FONT>",
            b.count,
            if b.count == 1 { "" } else { "s" }
        )
    })
}

pub(crate) fn render(scene: &Scene, options: &Options) -> String {
    let model = scene.model;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "digraph {} {{",
        quoted(&format!("Data-flow diagram: {}", model.system.name))
    );
    let font = quoted(FONT_FAMILY);
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, compound=true, newrank=true, nodesep=0.4, ranksep=0.9, fontname={font}, fontsize=11, label=<<B>{}</B>>, labelloc=t];",
        html(&format!("Data-flow diagram: {}", model.system.name))
    );
    let _ = writeln!(
        out,
        "  node [fontname={font}, fontsize=11, margin=\"0.15,0.08\"];"
    );
    let _ = writeln!(
        out,
        "  edge [fontname={font}, fontsize=9, color=\"#6e7781\", arrowsize=0.7];"
    );
    for &c in &scene.nodes[0].children {
        node(&mut out, scene, c, options, 1);
    }
    for edge in &scene.edges {
        let f = scene.flow(edge);
        let (Some(from), Some(to)) = (scene.element(edge.from), scene.element(edge.to)) else {
            continue;
        };
        let label: Vec<String> = edge
            .label
            .iter()
            .map(|l| match l.class {
                "label-name" => format!("<B>{}</B>", html(&l.text)),
                "label-data" => format!("<I>{}</I>", html(&l.text)),
                _ => html(&l.text),
            })
            .collect();
        let mut attrs = vec![
            format!("id={}", quoted(&format!("flow-{}", f.id))),
            format!(
                "label=<{}{}>",
                label.join("<BR/>"),
                badge_line(options.badges.get(f.id.as_str()))
            ),
            format!(
                "tooltip={}",
                quoted(&format!("{} → {}", from.label(), to.label()))
            ),
        ];
        if edge.crossing {
            attrs.push("color=\"#cf222e\", fontcolor=\"#a40e26\", penwidth=2".to_owned());
        }
        if edge.plaintext {
            attrs.push("style=dashed".to_owned());
        }
        if f.bidirectional {
            attrs.push("dir=both".to_owned());
        }
        let _ = writeln!(
            out,
            "  {} -> {} [{}];",
            quoted(&format!("el-{}", from.id)),
            quoted(&format!("el-{}", to.id)),
            attrs.join(", ")
        );
    }
    if options.legend {
        legend(&mut out);
    }
    out.push_str("}\n");
    out
}

fn node(out: &mut String, scene: &Scene, v: usize, options: &Options, depth: usize) {
    let indent = "  ".repeat(depth);
    match scene.nodes[v].item {
        Item::Boundary(i) => {
            let b = &scene.model.boundaries[i];
            let _ = writeln!(
                out,
                "{indent}subgraph {} {{",
                quoted(&format!("cluster_boundary_{}", b.id))
            );
            let _ = writeln!(
                out,
                "{indent}  id={}; label=<<B>{}</B>>; labeljust=l; style=\"dashed,rounded\"; color=\"#57606a\"; fontcolor=\"#57606a\"; tooltip={};",
                quoted(&format!("boundary-{}", b.id)),
                html(b.label()),
                quoted(&format!(
                    "{} (trust boundary, {})",
                    b.label(),
                    b.kind.map_or("other", StringEnum::as_str)
                ))
            );
            for &c in &scene.nodes[v].children {
                node(out, scene, c, options, depth + 1);
            }
            let _ = writeln!(out, "{indent}}}");
        }
        Item::Element(i) => {
            let e = &scene.model.elements[i];
            let children = &scene.nodes[v].children;
            if !children.is_empty() {
                let _ = writeln!(
                    out,
                    "{indent}subgraph {} {{",
                    quoted(&format!("cluster_element_{}", e.id))
                );
                let _ = writeln!(
                    out,
                    "{indent}  label=<{}>; labeljust=l; style=rounded; color=\"#1f2328\";",
                    html(e.label())
                );
            }
            let badge = options.badges.get(e.id.as_str());
            let name: Vec<String> = crate::scene::wrap_name(e.label())
                .iter()
                .map(|l| format!("<B>{}</B>", html(l)))
                .collect();
            let detail = scene.text[v]
                .detail
                .as_deref()
                .map_or_else(String::new, |d| {
                    format!(
                        "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"#57606a\">{}</FONT>",
                        html(d)
                    )
                });
            let body = format!("{}{detail}{}", name.join("<BR/>"), badge_line(badge));
            let (shape, label) = match e.kind {
                ElementKind::ExternalEntity => (
                    "shape=box, style=filled, fillcolor=\"#eef1f5\", penwidth=2".to_owned(),
                    format!("<{body}>"),
                ),
                ElementKind::Process => {
                    ("shape=box, style=rounded".to_owned(), format!("<{body}>"))
                }
                ElementKind::DataStore => (
                    "shape=plain".to_owned(),
                    format!(
                        "<<TABLE BORDER=\"0\" CELLBORDER=\"2\" SIDES=\"TB\" CELLSPACING=\"0\" CELLPADDING=\"8\"><TR><TD SIDES=\"TB\">{body}</TD></TR></TABLE>>"
                    ),
                ),
            };
            let color = if badge.is_some() {
                ", color=\"#bc4c00\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{indent}{} [id={}, {shape}{color}, label={label}, tooltip={}];",
                quoted(&format!("el-{}", e.id)),
                quoted(&format!("el-{}", e.id)),
                quoted(&format!(
                    "{} ({})",
                    e.label(),
                    e.kind.as_str().replace('_', " ")
                ))
            );
            for &c in children {
                node(out, scene, c, options, depth + 1);
            }
            if !children.is_empty() {
                let _ = writeln!(out, "{indent}}}");
            }
        }
        Item::Root => {}
    }
}

fn legend(out: &mut String) {
    out.push_str(
        "  subgraph \"cluster_legend\" {\n    label=<<B>Legend</B>>; labeljust=l; color=\"#d0d7de\";\n    \"legend-entity\" [label=\"External entity\", shape=box, style=filled, fillcolor=\"#eef1f5\", penwidth=2];\n    \"legend-process\" [label=\"Process\", shape=box, style=rounded];\n    \"legend-store\" [shape=plain, label=<<TABLE BORDER=\"0\" CELLBORDER=\"2\" SIDES=\"TB\" CELLSPACING=\"0\" CELLPADDING=\"6\"><TR><TD SIDES=\"TB\">Data store</TD></TR></TABLE>>];\n    \"legend-entity\" -> \"legend-process\" [label=\"crosses a trust boundary\", color=\"#cf222e\", fontcolor=\"#a40e26\", penwidth=2];\n    \"legend-process\" -> \"legend-store\" [label=\"not encrypted\", style=dashed];\n  }\n",
    );
}
