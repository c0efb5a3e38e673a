//! The scene to lay out: trust boundaries and elements as one tree (boundaries nest by
//! `parent`; an element sits in its effective boundary, or inside its parent element when both
//! share that boundary), the flows between tree nodes, and the text each box and label shows.

use std::collections::HashMap;
use std::sync::Arc;

use palisade_model::{Element, ElementKind, Flow, Model, StringEnum};
use palisade_rules::ModelCx;

use crate::Options;
use crate::text::{self, width};

pub(crate) const NAME_SIZE: f64 = 13.0;
pub(crate) const SMALL_SIZE: f64 = 11.0;
pub(crate) const CLUSTER_SIZE: f64 = 12.0;
pub(crate) const LINE_HEIGHT: f64 = 1.3;
/// Widest text inside an element box.
pub(crate) const BOX_TEXT_MAX: f64 = 168.0;
pub(crate) const BOX_MIN_W: f64 = 116.0;
pub(crate) const BOX_PAD_X: f64 = 12.0;
pub(crate) const BOX_PAD_Y: f64 = 9.0;
/// Room kept for a threat badge in the top-right corner of a box.
pub(crate) const BADGE_ROOM: f64 = 22.0;
/// Widest flow label.
pub(crate) const LABEL_MAX: f64 = 196.0;

/// What a tree node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    Root,
    Boundary(usize),
    Element(usize),
}

/// One node of the containment tree.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub item: Item,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub depth: usize,
}

/// A flow between two tree nodes.
#[derive(Debug, Clone)]
pub(crate) struct Edge {
    /// Index into `model.flows`.
    pub flow: usize,
    pub from: usize,
    pub to: usize,
    pub crossing: bool,
    pub plaintext: bool,
    pub label: Vec<LabelLine>,
    pub label_w: f64,
    pub label_h: f64,
}

/// One line of a flow label.
#[derive(Debug, Clone)]
pub(crate) struct LabelLine {
    pub text: String,
    pub class: &'static str,
}

/// The text of an element box (or a cluster header).
#[derive(Debug, Clone, Default)]
pub(crate) struct BoxText {
    pub name: Vec<String>,
    pub detail: Option<String>,
    pub w: f64,
    pub h: f64,
}

pub(crate) struct Scene<'m> {
    pub model: &'m Model,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Text of each element node (indexed like `nodes`; empty for others).
    pub text: Vec<BoxText>,
}

impl<'m> Scene<'m> {
    pub(crate) fn new(model: &'m Model, options: &Options) -> Self {
        let cx = ModelCx::new(model, Arc::from(""));
        let mut nodes = vec![Node {
            item: Item::Root,
            parent: None,
            children: Vec::new(),
            depth: 0,
        }];
        let mut boundary_index: HashMap<&str, usize> = HashMap::new();
        for (i, b) in model.boundaries.iter().enumerate() {
            boundary_index.entry(b.id.as_str()).or_insert(i);
        }
        let mut element_index: HashMap<&str, usize> = HashMap::new();
        for (i, e) in model.elements.iter().enumerate() {
            element_index.entry(e.id.as_str()).or_insert(i);
        }
        let boundary_node: Vec<usize> = (0..model.boundaries.len())
            .map(|i| {
                nodes.push(Node {
                    item: Item::Boundary(i),
                    parent: None,
                    children: Vec::new(),
                    depth: 0,
                });
                nodes.len() - 1
            })
            .collect();
        let element_node: Vec<usize> = (0..model.elements.len())
            .map(|i| {
                nodes.push(Node {
                    item: Item::Element(i),
                    parent: None,
                    children: Vec::new(),
                    depth: 0,
                });
                nodes.len() - 1
            })
            .collect();

        // Boundaries: under their parent when the chain of parents ends (no cycle).
        for (i, b) in model.boundaries.iter().enumerate() {
            let parent = b
                .parent
                .as_ref()
                .and_then(|p| boundary_index.get(p.as_str()).copied())
                .filter(|&p| p != i && boundary_rooted(model, &boundary_index, p));
            nodes[boundary_node[i]].parent = Some(parent.map_or(0, |p| boundary_node[p]));
        }
        // Elements: inside their parent element when it shares their zone, else in their zone.
        let zone: Vec<Option<&str>> = model
            .elements
            .iter()
            .map(|e| cx.boundary_of(e.id.as_str()))
            .collect();
        for (i, e) in model.elements.iter().enumerate() {
            let parent_element = e
                .parent
                .as_ref()
                .and_then(|p| element_index.get(p.as_str()).copied())
                .filter(|&p| {
                    p != i && zone[p] == zone[i] && element_rooted(model, &element_index, p, i)
                });
            let parent = match parent_element {
                Some(p) => element_node[p],
                None => zone[i]
                    .and_then(|z| boundary_index.get(z).copied())
                    .map_or(0, |b| boundary_node[b]),
            };
            nodes[element_node[i]].parent = Some(parent);
        }
        for n in 1..nodes.len() {
            if let Some(p) = nodes[n].parent {
                nodes[p].children.push(n);
            }
        }
        // Depths, from the root down (every node is reachable: parents never form cycles).
        let mut stack = vec![0usize];
        while let Some(n) = stack.pop() {
            let depth = nodes[n].depth;
            for c in nodes[n].children.clone() {
                nodes[c].depth = depth + 1;
                stack.push(c);
            }
        }

        let mut text = vec![BoxText::default(); nodes.len()];
        for (i, e) in model.elements.iter().enumerate() {
            let badge = options.badges.contains_key(e.id.as_str());
            text[element_node[i]] = element_text(e, badge);
        }
        for (i, b) in model.boundaries.iter().enumerate() {
            let name = text::clean(b.label());
            text[boundary_node[i]] = BoxText {
                w: width(&name, CLUSTER_SIZE, true),
                name: vec![name],
                detail: None,
                h: 0.0,
            };
        }

        let mut edges = Vec::new();
        for (fi, f) in model.flows.iter().enumerate() {
            let (Some(&a), Some(&b)) = (
                element_index.get(f.from.as_str()),
                element_index.get(f.to.as_str()),
            ) else {
                continue;
            };
            if a == b {
                continue;
            }
            let badge = options.badges.get(f.id.as_str()).map(|b| b.count);
            let (label, label_w, label_h) = flow_label(f, badge);
            edges.push(Edge {
                flow: fi,
                from: element_node[a],
                to: element_node[b],
                crossing: cx.crosses(f),
                plaintext: f.effective_encryption() == Some(palisade_model::Encryption::None),
                label,
                label_w,
                label_h,
            });
        }
        Self {
            model,
            nodes,
            edges,
            text,
        }
    }

    /// The model element a tree node stands for.
    pub(crate) fn element(&self, node: usize) -> Option<&'m Element> {
        match self.nodes[node].item {
            Item::Element(i) => self.model.elements.get(i),
            _ => None,
        }
    }

    pub(crate) fn flow(&self, edge: &Edge) -> &'m Flow {
        &self.model.flows[edge.flow]
    }
}

/// Whether walking up from boundary `start` ends (rather than looping).
fn boundary_rooted(model: &Model, index: &HashMap<&str, usize>, start: usize) -> bool {
    let mut current = start;
    for _ in 0..=model.boundaries.len() {
        match model.boundaries[current]
            .parent
            .as_ref()
            .and_then(|p| index.get(p.as_str()))
        {
            Some(&p) => current = p,
            None => return true,
        }
    }
    false
}

/// Whether walking up the parents of element `start` ends without meeting `child` or a loop.
fn element_rooted(model: &Model, index: &HashMap<&str, usize>, start: usize, child: usize) -> bool {
    let mut current = start;
    for _ in 0..=model.elements.len() {
        if current == child {
            return false;
        }
        match model.elements[current]
            .parent
            .as_ref()
            .and_then(|p| index.get(p.as_str()))
        {
            Some(&p) => current = p,
            None => return true,
        }
    }
    false
}

/// The lines of an element box and its size.
fn element_text(e: &Element, badge: bool) -> BoxText {
    let name = wrap_name(e.label());
    let detail = e
        .technology
        .as_deref()
        .map(text::clean)
        .filter(|t| !t.is_empty())
        .or_else(|| e.store.map(|s| s.as_str().replace('_', " ")))
        .map(|t| text::truncate(&t, BOX_TEXT_MAX, SMALL_SIZE, false));
    let text_w = name
        .iter()
        .map(|l| width(l, NAME_SIZE, true))
        .chain(detail.iter().map(|d| width(d, SMALL_SIZE, false)))
        .fold(0.0, f64::max);
    let badge_room = if badge { BADGE_ROOM } else { 0.0 };
    let w = (text_w + 2.0 * BOX_PAD_X + badge_room)
        .max(BOX_MIN_W)
        .ceil();
    let lines = name.len() as f64 * NAME_SIZE * LINE_HEIGHT
        + detail
            .as_ref()
            .map_or(0.0, |_| SMALL_SIZE * LINE_HEIGHT + 2.0);
    let min_h = if e.kind == ElementKind::DataStore {
        44.0
    } else {
        48.0
    };
    BoxText {
        name,
        detail,
        w,
        h: (lines + 2.0 * BOX_PAD_Y).max(min_h).ceil(),
    }
}

pub(crate) fn wrap_name(name: &str) -> Vec<String> {
    text::wrap(name, BOX_TEXT_MAX, NAME_SIZE, true, 3)
}

/// A flow's label: its name, `protocol:port · authentication`, and the data it carries.
fn flow_label(f: &Flow, badge: Option<u32>) -> (Vec<LabelLine>, f64, f64) {
    let mut lines = Vec::new();
    if let Some(name) = f.name.as_deref().map(text::clean).filter(|n| !n.is_empty()) {
        lines.push(LabelLine {
            text: text::truncate(&name, LABEL_MAX, SMALL_SIZE, true),
            class: "label-name",
        });
    }
    let mut how = Vec::new();
    if let Some(p) = f
        .protocol
        .as_deref()
        .map(text::clean)
        .filter(|p| !p.is_empty())
    {
        how.push(match f.port {
            Some(port) => format!("{p}:{port}"),
            None => p,
        });
    } else if let Some(port) = f.port {
        how.push(format!("port {port}"));
    }
    if let Some(a) = f.authentication {
        how.push(match a {
            palisade_model::Authentication::None => "no auth".to_owned(),
            other => other.as_str().replace('_', " "),
        });
    }
    if let Some(e) = f.encryption
        && f.protocol.is_none()
    {
        how.push(e.as_str().replace('_', "-"));
    }
    if !how.is_empty() {
        lines.push(LabelLine {
            text: text::truncate(&how.join(" · "), LABEL_MAX, SMALL_SIZE, false),
            class: "label-how",
        });
    }
    if !f.data.is_empty() {
        // Data asset ids: short, stable and readable; names are in the tooltip.
        let data: Vec<String> = f.data.iter().map(|d| text::clean(d.as_str())).collect();
        for line in text::wrap(&data.join(", "), LABEL_MAX, SMALL_SIZE, false, 2) {
            lines.push(LabelLine {
                text: line,
                class: "label-data",
            });
        }
    }
    if lines.is_empty() {
        lines.push(LabelLine {
            text: text::truncate(&text::clean(f.id.as_str()), LABEL_MAX, SMALL_SIZE, false),
            class: "label-how",
        });
    }
    let badge_w = badge.map_or(0.0, |n| badge_width(n) + 4.0);
    let w = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            width(&l.text, SMALL_SIZE, l.class == "label-name") + if i == 0 { badge_w } else { 0.0 }
        })
        .fold(0.0, f64::max)
        .ceil()
        + 6.0;
    let h = (lines.len() as f64 * SMALL_SIZE * LINE_HEIGHT).ceil() + 4.0;
    (lines, w, h)
}

/// The width of a count badge.
pub(crate) fn badge_width(count: u32) -> f64 {
    (width(&count.to_string(), 10.0, true) + 8.0).max(16.0)
}
