//! OWASP Threat Dragon models (v2 JSON, and v1): actors, processes, stores, flows, trust
//! boundary boxes and curves, and the threats on each cell (at `cells[].data.threats`, where
//! Threat Dragon writes them, or `cells[].threats`, where its v2 schema puts them). Positions go
//! to the layout; AntV X6 drawing details (ports, attrs, markers) are ignored.

use std::collections::BTreeSet;

use palisade_model::{
    Boundary, BoundaryId, DataId, Element, ElementKind, Encryption, Layout, Mitigation,
    MitigationId, MitigationStatus, Model, Placement, Reviewed, Status, StoreKind,
};
use palisade_syntax::Node;

use super::zones::{self, Shapes};
use crate::cx::{Cx, at, flag, list, number, require_map, text};
use crate::geometry::{Point, Rect};
use crate::mapping::{self, append};
use crate::slug::Ids;
use crate::{Imported, mapping::credentials_asset};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Actor,
    Process,
    Store,
    Flow,
    BoundaryLine,
    BoundaryBox,
    Text,
}

fn kind(cell: &Node, props: &Node) -> Option<Kind> {
    let ty = text(props, "type").or_else(|| text(cell, "type"));
    let shape = text(cell, "shape");
    let word = ty.or(shape).unwrap_or_default().to_ascii_lowercase();
    Some(match word.trim_start_matches("tm.") {
        "actor" => Kind::Actor,
        "process" => Kind::Process,
        "store" => Kind::Store,
        "flow" => Kind::Flow,
        "boundary" | "trust-boundary-curve" | "trust-broundary-curve" => Kind::BoundaryLine,
        "boundarybox" | "trust-boundary-box" => Kind::BoundaryBox,
        "text" | "td-text-block" => Kind::Text,
        _ => return None,
    })
}

/// The cell's name: `data.name`, or the text drawn on it.
fn name(cell: &Node, props: &Node) -> Option<String> {
    text(props, "name")
        .or_else(|| cell.pointer("/attrs/text/text").and_then(Node::scalar_text))
        .or_else(|| {
            cell.pointer("/attrs/label/text")
                .and_then(Node::scalar_text)
        })
        .or_else(|| {
            cell.pointer("/labels/0/attrs/labelText/text")
                .and_then(Node::scalar_text)
        })
        .or_else(|| {
            cell.pointer("/labels/0/attrs/text/text")
                .and_then(Node::scalar_text)
        })
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn point(node: &Node) -> Option<Point> {
    Some(Point {
        x: number(node, "x")?,
        y: number(node, "y")?,
    })
}

fn rect(cell: &Node) -> Option<Rect> {
    let position = cell.get("position")?;
    let size = cell.get("size")?;
    Some(Rect {
        x: number(position, "x")?,
        y: number(position, "y")?,
        w: number(size, "width")?.max(1.0),
        h: number(size, "height")?.max(1.0),
    })
}

/// An end of a flow or curve: the cell it is attached to, or a loose point.
enum End {
    Cell(String),
    Point(Point),
    Missing,
}

fn end(cell: &Node, key: &str) -> End {
    let Some(node) = cell.get(key) else {
        return End::Missing;
    };
    if let Some(id) = text(node, "cell").or_else(|| text(node, "id")) {
        return End::Cell(id);
    }
    point(node).map_or(End::Missing, End::Point)
}

struct Importer {
    cx: Cx,
    model: Model,
    layout: Layout,
    nodes: Ids,
    threats: Ids,
    mitigations: Ids,
    shapes: Shapes,
    /// Where the current diagram starts: diagrams are laid out one below the other.
    offset_y: f64,
}

pub(crate) fn import(
    mut cx: Cx,
    root: &Node,
) -> Result<Imported, Vec<palisade_diagnostics::Diagnostic>> {
    if !require_map(&mut cx, root, "a Threat Dragon model") {
        return Err(cx.into_errors());
    }
    let Some(detail) = root.get("detail").filter(|d| d.as_map().is_some()) else {
        cx.error(
            at(root),
            "a Threat Dragon model needs a `detail` mapping",
            "no `detail` here",
        );
        return Err(cx.into_errors());
    };
    let summary = root.get("summary");
    let title = summary
        .and_then(|s| text(s, "title"))
        .unwrap_or_else(|| "Threat Dragon model".to_owned());
    let mut model = Model::new(title);
    model.system.owner = summary.and_then(|s| text(s, "owner"));
    model.system.description = summary.and_then(|s| text(s, "description"));
    if let Some(reviewer) = text(detail, "reviewer") {
        model.reviewed = Some(Reviewed {
            by: Some(reviewer),
            ..Reviewed::default()
        });
    }
    let mut imp = Importer {
        cx,
        model,
        layout: Layout::default(),
        nodes: Ids::default(),
        threats: Ids::default(),
        mitigations: Ids::default(),
        shapes: Shapes::default(),
        offset_y: 0.0,
    };
    let contributors = list(&mut imp.cx, detail, "contributors");
    if !contributors.is_empty() {
        imp.cx.unmapped(
            at(&contributors[0]),
            "the list of contributors",
            "a Palisade model names an owner and a reviewer, not contributors",
        );
    }
    let diagrams = list(&mut imp.cx, detail, "diagrams");
    if diagrams.len() > 1 {
        imp.cx.approximate(
            at(&diagrams[1]),
            format!("the {} diagrams are merged into one model", diagrams.len()),
            "the layout places each diagram below the previous one",
        );
    }
    for diagram in diagrams {
        imp.diagram(diagram);
    }
    imp.finish()
}

impl Importer {
    fn diagram(&mut self, diagram: &Node) {
        let cells_node = diagram
            .get("cells")
            .or_else(|| diagram.pointer("/diagramJson/cells"));
        let Some(cells) = cells_node.and_then(Node::as_seq) else {
            if let Some(n) = cells_node {
                self.cx
                    .error(n.span, "`cells` must be a list", "expected a list of cells");
            }
            return;
        };
        let mut bottom = self.offset_y;
        // Nodes first, so that flows can find their ends.
        let mut flows = Vec::new();
        for cell in cells {
            let props = cell
                .get("data")
                .filter(|d| d.as_map().is_some())
                .unwrap_or(cell);
            let Some(k) = kind(cell, props) else {
                let what = text(props, "type")
                    .or_else(|| text(cell, "shape"))
                    .unwrap_or_else(|| "(no type)".to_owned());
                self.cx.unmapped(
                    at(cell),
                    format!("cells of type `{what}`"),
                    "Palisade maps actors, processes, stores, flows and trust boundaries",
                );
                continue;
            };
            if let Some(r) = rect(cell) {
                bottom = bottom.max(r.y + r.h + self.offset_y);
            }
            match k {
                Kind::Actor | Kind::Process | Kind::Store => self.element(cell, props, k),
                Kind::BoundaryBox => self.boundary_box(cell, props),
                Kind::BoundaryLine | Kind::Flow => flows.push((cell, props, k)),
                Kind::Text => {
                    let what = name(cell, props).map_or_else(
                        || "a text annotation".to_owned(),
                        |t| {
                            format!(
                                "the text annotation \u{201c}{}\u{201d}",
                                crate::cx::headline(&t)
                            )
                        },
                    );
                    self.cx.unmapped(
                        at(cell),
                        what,
                        "a Palisade model has no free text on the diagram",
                    );
                }
            }
        }
        for (cell, props, k) in flows {
            if k == Kind::Flow {
                self.flow(cell, props);
            } else {
                self.boundary_line(cell, props);
            }
        }
        self.offset_y = bottom + 100.0;
    }

    fn shift(&self, r: Rect) -> Rect {
        Rect {
            y: r.y + self.offset_y,
            ..r
        }
    }

    fn element(&mut self, cell: &Node, props: &Node, k: Kind) {
        let td_id = text(cell, "id").unwrap_or_default();
        let label = name(cell, props);
        let (kind, fallback) = match k {
            Kind::Actor => (ElementKind::ExternalEntity, "actor"),
            Kind::Store => (ElementKind::DataStore, "store"),
            _ => (ElementKind::Process, "process"),
        };
        let id = self
            .nodes
            .assign(&td_id, label.as_deref().unwrap_or_default(), fallback);
        let mut e = Element::new(&id, kind);
        e.name = label.map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "));
        e.description = text(props, "description");
        if k == Kind::Store {
            if flag(props, "isALog") == Some(true) {
                e.store = Some(StoreKind::Log);
            }
            if flag(props, "isEncrypted") == Some(true) {
                e.encrypted_at_rest = Some(true);
            }
            if flag(props, "storesCredentials") == Some(true) {
                if self.model.data_asset("credentials").is_none() {
                    self.model.data.push(credentials_asset());
                }
                e.stores.push(DataId::new("credentials"));
            }
            if flag(props, "isSigned") == Some(true) {
                self.cx.unmapped(
                    at(cell),
                    "the `isSigned` flag of stores",
                    "a Palisade data store has no signature flag",
                );
            }
        }
        if k == Kind::Process {
            if flag(props, "isWebApplication") == Some(true) {
                e.technology = Some("web application".to_owned());
            }
            for key in ["handlesCardPayment", "handlesGoodsOrServices"] {
                if flag(props, key) == Some(true) {
                    self.cx.unmapped(
                        at(cell),
                        format!("the `{key}` flag of processes"),
                        "say which data a process handles with the data assets of its flows",
                    );
                }
            }
            if text(props, "privilegeLevel").is_some() {
                self.cx.unmapped(
                    at(cell),
                    "the privilege level of processes",
                    "a Palisade element has no privilege level",
                );
            }
        }
        if k == Kind::Actor && flag(props, "providesAuthentication") == Some(true) {
            self.cx.unmapped(
                at(cell),
                "the `providesAuthentication` flag of actors",
                "say how a flow authenticates with `authentication:` on the flow",
            );
        }
        self.out_of_scope(props, e.label().to_owned());
        if let Some(r) = rect(cell).map(|r| self.shift(r)) {
            self.layout.elements.insert(id.clone(), placement(r));
            self.shapes.elements.push((id.clone(), r));
        }
        self.model.elements.push(e);
        self.cell_threats(cell, props, &id, true);
    }

    fn out_of_scope(&mut self, props: &Node, label: String) {
        if flag(props, "outOfScope") == Some(true) {
            let entry = match text(props, "reasonOutOfScope") {
                Some(reason) => format!("{label}: {reason}"),
                None => label,
            };
            self.model.system.scope.out_of_scope.push(entry);
        }
    }

    fn boundary_box(&mut self, cell: &Node, props: &Node) {
        let td_id = text(cell, "id").unwrap_or_default();
        let label = name(cell, props);
        let id = self.nodes.assign(
            &td_id,
            label.as_deref().unwrap_or_default(),
            "trust-boundary",
        );
        self.model.boundaries.push(Boundary {
            id: BoundaryId::new(&id),
            name: label,
            description: text(props, "description"),
            ..Boundary::default()
        });
        match rect(cell).map(|r| self.shift(r)) {
            Some(r) => {
                self.layout.boundaries.insert(id.clone(), placement(r));
                self.shapes.boxes.push((id, r));
            }
            None => self.cx.unmapped(
                at(cell),
                "trust boundary boxes without a position and size",
                "without them Palisade cannot tell which elements the box encloses",
            ),
        }
    }

    fn boundary_line(&mut self, cell: &Node, props: &Node) {
        let td_id = text(cell, "id").unwrap_or_default();
        let n = self.model.boundaries.len() + 1;
        let label = name(cell, props).unwrap_or_else(|| format!("Trust boundary {n}"));
        let id = self.nodes.assign(&td_id, &label, "trust-boundary");
        self.model.boundaries.push(Boundary {
            id: BoundaryId::new(&id),
            name: Some(label),
            description: text(props, "description"),
            ..Boundary::default()
        });
        let path = self.path(cell);
        if path.len() >= 2 {
            self.shapes.lines.push((id, path, at(cell)));
        } else {
            self.cx.unmapped(
                at(cell),
                "trust boundary curves without a source and target point",
                "without them Palisade cannot tell which side elements are on",
            );
        }
    }

    /// The drawn path of a flow or curve: its ends and its vertices.
    fn path(&self, cell: &Node) -> Vec<Point> {
        let end_point = |e: End| match e {
            End::Point(p) => Some(Point {
                x: p.x,
                y: p.y + self.offset_y,
            }),
            End::Cell(id) => self
                .nodes
                .get(&id)
                .and_then(|pid| self.shapes.elements.iter().find(|(e, _)| e == pid))
                .map(|(_, r)| r.center()),
            End::Missing => None,
        };
        let mut out = Vec::new();
        out.extend(end_point(end(cell, "source")));
        for v in cell
            .get("vertices")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            if let Some(p) = point(v) {
                out.push(Point {
                    x: p.x,
                    y: p.y + self.offset_y,
                });
            }
        }
        out.extend(end_point(end(cell, "target")));
        out
    }

    /// The element a flow end is attached to, or the nearest one to a loose end (within 60px).
    fn attach(&mut self, cell: &Node, which: &str, flow_label: &str) -> Option<String> {
        match end(cell, which) {
            End::Cell(td) => {
                let found = self.nodes.get(&td).map(str::to_owned);
                if found.is_none() {
                    self.cx.unmapped(
                        at(cell),
                        format!("data flows whose {which} is not an actor, process or store"),
                        "a Palisade flow joins two elements",
                    );
                }
                found.filter(|id| self.model.element(id).is_some())
            }
            End::Point(p) => {
                let p = Point {
                    x: p.x,
                    y: p.y + self.offset_y,
                };
                let nearest = self
                    .shapes
                    .elements
                    .iter()
                    .map(|(id, r)| (id, r.distance(p)))
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                match nearest {
                    Some((id, d)) if d <= 60.0 => {
                        let id = id.clone();
                        self.cx.approximate(
                            at(cell),
                            format!(
                                "the {which} of data flow `{flow_label}` is not attached to any element in Threat Dragon; it is attached to the nearest, `{id}` ({d:.0}px away)"
                            ),
                            "check the flow's ends in the model",
                        );
                        Some(id)
                    }
                    _ => {
                        self.cx.unmapped(
                            at(cell),
                            format!("data flows whose {which} is attached to nothing"),
                            "a Palisade flow joins two elements; attach both ends in Threat Dragon",
                        );
                        None
                    }
                }
            }
            End::Missing => {
                self.cx.unmapped(
                    at(cell),
                    format!("data flows without a {which}"),
                    "a Palisade flow joins two elements",
                );
                None
            }
        }
    }

    fn flow(&mut self, cell: &Node, props: &Node) {
        let label = name(cell, props).map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "));
        let shown = label.clone().unwrap_or_else(|| "(unnamed)".to_owned());
        let from = self.attach(cell, "source", &shown);
        let to = self.attach(cell, "target", &shown);
        let (Some(from), Some(to)) = (from, to) else {
            self.drop_threats(cell, props);
            return;
        };
        if from == to {
            self.cx.unmapped(
                at(cell),
                "data flows from an element to itself",
                "a Palisade flow joins two different elements",
            );
            self.drop_threats(cell, props);
            return;
        }
        let td_id = text(cell, "id").unwrap_or_default();
        let id = self.nodes.assign(
            &td_id,
            label.as_deref().unwrap_or(&format!("{from} to {to}")),
            "flow",
        );
        let mut f = palisade_model::Flow::new(id.as_str(), from.as_str(), to.as_str());
        f.name = label;
        f.description = text(props, "description");
        f.protocol = text(props, "protocol").and_then(|p| mapping::protocol(&p));
        if flag(props, "isEncrypted") == Some(true) {
            f.encryption = Some(Encryption::Tls);
        }
        f.bidirectional = flag(props, "isBidirectional") == Some(true);
        if flag(props, "isPublicNetwork") == Some(true) {
            f.tags.push("public-network".to_owned());
        }
        self.out_of_scope(props, f.label());
        let path = self.path(cell);
        self.model.flows.push(f);
        self.shapes.flows.push((id.clone(), path, at(cell)));
        self.cell_threats(cell, props, &id, false);
    }

    fn drop_threats(&mut self, cell: &Node, props: &Node) {
        for t in threat_nodes(cell, props) {
            self.cx.unmapped(
                at(t),
                "threats on data flows that could not be imported",
                "the flow they sit on joins no two elements",
            );
        }
    }

    fn cell_threats(&mut self, cell: &Node, props: &Node, target: &str, element: bool) {
        for t in threat_nodes(cell, props) {
            self.threat(t, target, element);
        }
    }

    fn threat(&mut self, node: &Node, target: &str, element: bool) {
        let title = text(node, "title").unwrap_or_else(|| "Untitled threat".to_owned());
        let id = self.threats.fresh(&title, "threat");
        let mut t = mapping::threat(&id, &title);
        t.description = text(node, "description");
        t.target = if element {
            mapping::on_element(target)
        } else {
            mapping::on_flow(target)
        };
        if let Some(ty) = text(node, "type") {
            match mapping::stride(&ty) {
                Some(s) => t.stride.push(s),
                None => {
                    let model_type = text(node, "modelType").unwrap_or_else(|| "?".to_owned());
                    self.cx.unmapped(
                        at(node),
                        format!("the {model_type} threat type `{ty}`"),
                        "Palisade classifies threats by STRIDE; the type is kept in the description",
                    );
                    append(&mut t.description, &format!("{model_type} type: {ty}"));
                }
            }
        }
        if let Some(s) = text(node, "severity") {
            match mapping::severity(&s) {
                Some(sev) => t.severity = Some(sev),
                None => self.cx.unmapped(
                    at(node),
                    format!("the severity `{s}`"),
                    "Palisade severities are info, low, medium, high and critical",
                ),
            }
        }
        if text(node, "score").is_some() {
            self.cx.unmapped(
                at(node),
                "threat scores",
                "a Palisade risk rating is DREAD or OWASP factors, not one number",
            );
        }
        let status_text = text(node, "status").unwrap_or_else(|| "Open".to_owned());
        let status = status(&status_text);
        if status.is_none() {
            self.cx.unmapped(
                at(node),
                format!("the threat status `{status_text}`"),
                "such threats are imported as open",
            );
        }
        t.status = Some(status.unwrap_or(Status::Open));
        let mitigation = text(node, "mitigation");
        if let Some(m) = &mitigation {
            let mid = self
                .mitigations
                .fresh(&format!("{id} mitigation"), "mitigation");
            self.model.mitigations.push(Mitigation {
                id: MitigationId::new(&mid),
                name: Some(crate::cx::headline(m)),
                description: Some(m.clone()),
                status: (t.status == Some(Status::Mitigated))
                    .then_some(MitigationStatus::Implemented),
                ..Mitigation::default()
            });
            t.mitigations.push(MitigationId::new(mid));
        }
        if matches!(t.status, Some(Status::Accepted | Status::Transferred)) {
            t.justification = Some(mitigation.unwrap_or_else(|| {
                format!("{status_text} in Threat Dragon (no reason was recorded there)")
            }));
        }
        self.model.threats.push(t);
    }

    fn finish(mut self) -> Result<Imported, Vec<palisade_diagnostics::Diagnostic>> {
        zones::assign(&mut self.cx, &self.shapes, &mut self.model);
        dedupe_scope(&mut self.model);
        self.cx.finish(self.model, self.layout)
    }
}

/// Threat Dragon's statuses (v2 and v1 spellings).
fn status(text: &str) -> Option<Status> {
    Some(
        match text
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '_', '-', '/'], "")
            .as_str()
        {
            "open" | "" => Status::Open,
            "mitigated" => Status::Mitigated,
            "na" | "notapplicable" => Status::NotApplicable,
            "accepted" => Status::Accepted,
            "transferred" => Status::Transferred,
            "avoided" | "eliminated" => Status::Avoided,
            "inprogress" => Status::InProgress,
            _ => return None,
        },
    )
}

/// The threats of a cell: `data.threats`, else `threats` (the v2 schema's place).
fn threat_nodes<'n>(cell: &'n Node, props: &'n Node) -> Vec<&'n Node> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for holder in [props, cell] {
        for t in holder
            .get("threats")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            if t.as_map().is_none() {
                continue;
            }
            let key = text(t, "id")
                .or_else(|| text(t, "threatId"))
                .unwrap_or_else(|| {
                    format!(
                        "{}\u{0}{}",
                        text(t, "title").unwrap_or_default(),
                        text(t, "description").unwrap_or_default()
                    )
                });
            if seen.insert(key) {
                out.push(t);
            }
        }
        if std::ptr::eq(props, cell) {
            break;
        }
    }
    out
}

fn placement(r: Rect) -> Placement {
    Placement {
        x: r.x,
        y: r.y,
        width: Some(r.w),
        height: Some(r.h),
    }
}

fn dedupe_scope(model: &mut Model) {
    let mut seen = BTreeSet::new();
    model
        .system
        .scope
        .out_of_scope
        .retain(|s| seen.insert(s.clone()));
}
