//! Data-flow diagrams of a Palisade model: trust boundaries as nested, labelled clusters,
//! external entities, processes and data stores in their DFD shapes, flows labelled with their
//! protocol, authentication and data, boundary-crossing flows highlighted, and a legend.
//!
//! Three outputs from one model: native SVG from a layout computed here ([`svg`]), Graphviz DOT
//! with the same semantics ([`dot`]) and a Mermaid `flowchart` for Markdown ([`mermaid`]). Pure:
//! no IO; the caller loads the model (and the optional [`Layout`] file) and writes the text.
//!
//! ```
//! let mut model = palisade_model::Model::new("Demo");
//! model.elements.push(palisade_model::Element::new(
//!     "api",
//!     palisade_model::ElementKind::Process,
//! ));
//! let mut options = palisade_diagram::Options::default();
//! options.badges.insert("api".into(), palisade_diagram::Badge { count: 3, severity: None });
//! let svg = palisade_diagram::svg(&model, &options);
//! assert!(svg.contains(r#"id="el-api""#));
//! ```

// Layout code names graph things as the literature does (`v`, `e`, `g`, `x`, `y`).
#![allow(clippy::many_single_char_names)]
// Counts of boxes and layers become coordinates: far below where `f64` or `i64` would lose them.
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

mod dot;
mod layered;
mod layout;
mod mermaid;
mod scene;
mod svg;
mod text;

use std::collections::BTreeMap;

use palisade_model::{Layout, Model, Severity};

pub use layout::{Rect, Route, Run};
pub use svg::STYLE as SVG_STYLE;
pub use text::FONT_FAMILY;

/// A threat count to show on an element or a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Badge {
    pub count: u32,
    /// The highest severity among the threats, which colours the badge.
    pub severity: Option<Severity>,
}

/// What to draw besides the model.
#[derive(Debug, Clone)]
pub struct Options {
    /// Positions from the model's layout file; where given they win over the computed layout.
    pub layout: Option<Layout>,
    /// Badges by element or flow id: those elements and flows are highlighted and annotated.
    pub badges: BTreeMap<String, Badge>,
    /// Draw the legend (SVG and DOT).
    pub legend: bool,
    /// Draw the system's name as a title (SVG).
    pub title: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            layout: None,
            badges: BTreeMap::new(),
            legend: true,
            title: true,
        }
    }
}

impl Options {
    /// Badges from `(element or flow id, severity)` pairs, one per threat.
    #[must_use]
    pub fn with_threat_counts<'a>(
        mut self,
        threats: impl IntoIterator<Item = (&'a str, Option<Severity>)>,
    ) -> Self {
        for (id, severity) in threats {
            let badge = self.badges.entry(id.to_owned()).or_insert(Badge {
                count: 0,
                severity: None,
            });
            badge.count += 1;
            badge.severity = badge.severity.max(severity);
        }
        self
    }

    /// Badges for the unresolved threats among `threats` that are about an element or a flow
    /// (what `palisade diagram --threats`, the report and the server draw).
    #[must_use]
    pub fn with_unresolved_threats(self, threats: &[palisade_rules::Threat]) -> Self {
        use palisade_rules::Target;
        self.with_threat_counts(
            threats
                .iter()
                .filter(|t| t.status().is_unresolved())
                .filter_map(|t| match &t.target {
                    Target::Element { element } if !element.is_empty() => {
                        Some((element.as_str(), Some(t.severity)))
                    }
                    Target::Flow { flow } => Some((flow.as_str(), Some(t.severity))),
                    _ => None,
                }),
        )
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Dot,
    Mermaid,
}

impl Format {
    pub const ALL: [Format; 3] = [Self::Svg, Self::Dot, Self::Mermaid];

    /// The name a user gives (`--format`, `?format=`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Svg => "svg",
            Self::Dot => "dot",
            Self::Mermaid => "mermaid",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Svg => "svg",
            Self::Dot => "dot",
            Self::Mermaid => "mmd",
        }
    }

    /// The media type of the text (Mermaid has none registered: plain text).
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Svg => "image/svg+xml",
            Self::Dot => "text/vnd.graphviz; charset=utf-8",
            Self::Mermaid => "text/plain; charset=utf-8",
        }
    }
}

/// The diagram in `format`.
pub fn render(model: &Model, format: Format, options: &Options) -> String {
    match format {
        Format::Svg => svg(model, options),
        Format::Dot => dot(model, options),
        Format::Mermaid => mermaid(model, options),
    }
}

/// A self-contained SVG document: stable ids (`el-<id>`, `flow-<id>`, `boundary-<id>`), CSS
/// classes, a `<title>` on every element, flow and boundary, `role="img"` with a title and a
/// description for the whole diagram.
pub fn svg(model: &Model, options: &Options) -> String {
    let scene = scene::Scene::new(model, options);
    let geometry = layout::compute(&scene, options.layout.as_ref());
    svg::render(&scene, &geometry, options)
}

/// A Graphviz `digraph`: boundaries as nested `cluster_` subgraphs, DFD shapes, labelled flows,
/// crossing flows in red, and a legend cluster.
pub fn dot(model: &Model, options: &Options) -> String {
    let scene = scene::Scene::new(model, options);
    dot::render(&scene, options)
}

/// A Mermaid `flowchart LR` with one `subgraph` per boundary, for Markdown.
pub fn mermaid(model: &Model, options: &Options) -> String {
    let scene = scene::Scene::new(model, options);
    mermaid::render(&scene, options)
}

/// The computed geometry of every element, boundary and flow, by id, for callers that draw or
/// hit-test the diagram themselves (the same numbers the SVG uses).
#[derive(Debug, Clone, Default)]
pub struct Geometry {
    pub elements: BTreeMap<String, Rect>,
    pub boundaries: BTreeMap<String, Rect>,
    pub flows: BTreeMap<String, Route>,
    pub width: f64,
    pub height: f64,
}

/// The layout alone (no drawing).
pub fn geometry(model: &Model, options: &Options) -> Geometry {
    let scene = scene::Scene::new(model, options);
    let g = layout::compute(&scene, options.layout.as_ref());
    let mut out = Geometry {
        width: g.right + layout::MARGIN,
        height: g.bottom + layout::MARGIN,
        ..Geometry::default()
    };
    for (v, node) in scene.nodes.iter().enumerate() {
        match node.item {
            scene::Item::Element(i) => {
                out.elements
                    .entry(model.elements[i].id.to_string())
                    .or_insert(g.boxes[v]);
            }
            scene::Item::Boundary(i) => {
                out.boundaries
                    .entry(model.boundaries[i].id.to_string())
                    .or_insert(g.boxes[v]);
            }
            scene::Item::Root => {}
        }
    }
    for (edge, route) in scene.edges.iter().zip(g.routes) {
        out.flows
            .entry(model.flows[edge.flow].id.to_string())
            .or_insert(route);
    }
    out
}
