//! Microsoft Threat Modeling Tool `.tm7` files: the .NET DataContract XML that TMT 2016 and later
//! save. No real export was at hand; this follows the format's structure as documented by the
//! tool's schema (`ThreatModel` → `DrawingSurfaceList` → `DrawingSurfaceModel` with `Borders`
//! (stencils and border boundaries) and `Lines` (connectors and line boundaries), each a
//! `KeyValueOfguidanyType` whose value carries `GenericTypeId`, `Guid`, `Properties` and
//! geometry; `MetaInformation`; `ThreatInstances` with state, priority and properties) and is
//! defensive: elements are found by local name wherever they sit, anything unknown is reported.
//!
//! The XML is read with `roxmltree` with DTDs refused (so no entity can expand) and a node
//! limit; a file that is not UTF-8 or UTF-16 is refused.

use std::collections::HashMap;

use palisade_diagnostics::{Diagnostic, Pos, Span};
use palisade_model::{
    Assumption, AssumptionId, Boundary, BoundaryId, Element, ElementKind, Layout, Model, Placement,
    Reviewed, Status,
};
use roxmltree::{Document, Node as X, ParsingOptions};

use super::zones::{self, Shapes};
use crate::cx::{Cx, headline};
use crate::geometry::{Point, Rect};
use crate::mapping::{self, append};
use crate::slug::Ids;
use crate::{Imported, codes};

const MAX_BYTES: usize = 32 * 1024 * 1024;
const MAX_NODES: u32 = 2_000_000;
const MAX_DEPTH: usize = 128;

/// The text of `bytes`: UTF-8 (with or without a byte-order mark) or UTF-16 with one.
fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(bytes).map(str::to_owned).map_err(|e| {
        format!(
            "the file is not valid UTF-8 (first invalid byte at offset {})",
            e.valid_up_to()
        )
    })
}

fn utf16(bytes: &[u8], read: fn([u8; 2]) -> u16) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err("the UTF-16 file has an odd number of bytes".to_owned());
    }
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| read([c[0], c[1]])).collect();
    String::from_utf16(&units).map_err(|_| "the file is not valid UTF-16".to_owned())
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn xml_error(cx: &Cx, message: String, pos: Pos) -> Diagnostic {
    Diagnostic::error(codes::XML, message)
        .in_file(cx.label.clone())
        .with_primary(Span::point(pos), "here")
}

/// The first child element with this local name.
fn child<'a, 'i>(node: X<'a, 'i>, name: &str) -> Option<X<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i>(node: X<'a, 'i>, name: &'a str) -> impl Iterator<Item = X<'a, 'i>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The trimmed text of the child `name`, unless nil or blank.
fn child_text(node: X<'_, '_>, name: &str) -> Option<String> {
    let c = child(node, name)?;
    if is_nil(c) {
        return None;
    }
    let t = c.text()?.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn is_nil(node: X<'_, '_>) -> bool {
    node.attributes()
        .any(|a| a.name() == "nil" && a.value() == "true")
}

fn xsi_type(node: X<'_, '_>) -> Option<String> {
    node.attributes()
        .find(|a| a.name() == "type")
        .map(|a| a.value().rsplit(':').next().unwrap_or_default().to_owned())
}

fn num(node: X<'_, '_>, name: &str) -> Option<f64> {
    child_text(node, name)?
        .parse()
        .ok()
        .filter(|f: &f64| f.is_finite())
}

/// `Properties` → (display name, value) pairs; nil values are skipped.
fn properties(node: X<'_, '_>) -> Vec<(String, String)> {
    let Some(props) = child(node, "Properties") else {
        return Vec::new();
    };
    props
        .children()
        .filter(X::is_element)
        .filter_map(|p| {
            let name = child_text(p, "DisplayName")?;
            let value = child_text(p, "Value").unwrap_or_default();
            Some((name, value))
        })
        .collect()
}

/// `KeyValueOfstringstring` pairs of a threat's `Properties`.
fn string_pairs(node: X<'_, '_>) -> HashMap<String, String> {
    let Some(props) = child(node, "Properties") else {
        return HashMap::new();
    };
    props
        .children()
        .filter(X::is_element)
        .filter_map(|p| {
            Some((
                child_text(p, "Key")?,
                child_text(p, "Value").unwrap_or_default(),
            ))
        })
        .collect()
}

struct Importer<'d> {
    cx: Cx,
    doc: &'d Document<'d>,
    model: Model,
    layout: Layout,
    nodes: Ids,
    shapes: Shapes,
    offset_y: f64,
}

pub(crate) fn import(mut cx: Cx, bytes: &[u8]) -> Result<Imported, Vec<Diagnostic>> {
    let top = Pos::new(1, 1);
    if bytes.len() > MAX_BYTES {
        let d = xml_error(
            &cx,
            format!(
                "the file is {} bytes, more than the limit of {MAX_BYTES} bytes",
                bytes.len()
            ),
            top,
        );
        return Err(vec![d]);
    }
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(why) => return Err(vec![xml_error(&cx, why, top)]),
    };
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = match Document::parse_with_options(&text, options) {
        Ok(doc) => doc,
        Err(e) => {
            let pos_of = |at: usize| {
                let before = &text[..at];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                Pos::new(to_u32(line), to_u32(col))
            };
            if matches!(e, roxmltree::Error::DtdDetected) {
                let at = text.find("<!DOCTYPE").unwrap_or(0);
                let d = xml_error(
                    &cx,
                    "the file declares a DTD, which is refused".to_owned(),
                    pos_of(at),
                )
                .with_help("TMT files have no DTD; a DTD can expand entities without bound");
                return Err(vec![d]);
            }
            let pos = if matches!(e, roxmltree::Error::UnexpectedEndOfStream) {
                pos_of(text.trim_end().len())
            } else {
                Pos::new(e.pos().row, e.pos().col)
            };
            return Err(vec![xml_error(&cx, format!("malformed XML: {e}"), pos)]);
        }
    };
    let too_deep = doc
        .descendants()
        .find(|n| n.ancestors().nth(MAX_DEPTH).is_some());
    if let Some(n) = too_deep {
        let pos = doc.text_pos_at(n.range().start);
        return Err(vec![xml_error(
            &cx,
            format!("nesting is deeper than the limit of {MAX_DEPTH} levels"),
            Pos::new(pos.row, pos.col),
        )]);
    }
    let root = doc.root_element();
    if root.tag_name().name() != "ThreatModel" {
        let pos = doc.text_pos_at(root.range().start);
        cx.error(
            Span::point(Pos::new(pos.row, pos.col)),
            format!(
                "a TMT file starts with `<ThreatModel>`, not `<{}>`",
                root.tag_name().name()
            ),
            "not a Threat Modeling Tool model",
        );
        return Err(cx.into_errors());
    }
    let meta = child(root, "MetaInformation");
    let mut model = Model::new(
        meta.and_then(|m| child_text(m, "ThreatModelName"))
            .unwrap_or_else(|| "Threat Modeling Tool model".to_owned()),
    );
    let mut imp = Importer {
        cx,
        doc: &doc,
        model: Model::default(),
        layout: Layout::default(),
        nodes: Ids::default(),
        shapes: Shapes::default(),
        offset_y: 0.0,
    };
    if let Some(meta) = meta {
        model.system.owner = child_text(meta, "Owner");
        model.system.description = child_text(meta, "HighLevelSystemDescription");
        if let Some(r) = child_text(meta, "Reviewer") {
            model.reviewed = Some(Reviewed {
                by: Some(r),
                ..Reviewed::default()
            });
        }
        if let Some(deps) = child_text(meta, "ExternalDependencies") {
            append(
                &mut model.system.description,
                &format!("External dependencies: {deps}"),
            );
        }
        if let Some(a) = child_text(meta, "Assumptions") {
            model.assumptions.push(Assumption {
                id: AssumptionId::new("tmt-assumptions"),
                assumption: a,
                ..Assumption::default()
            });
        }
        if child_text(meta, "Contributors").is_some() {
            let span = imp.span(child(meta, "Contributors").unwrap_or(meta));
            imp.cx.unmapped(
                span,
                "the list of contributors",
                "a Palisade model names an owner and a reviewer, not contributors",
            );
        }
    }
    imp.model = model;
    let surfaces: Vec<X<'_, '_>> = root
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "DrawingSurfaceModel")
        .collect();
    if surfaces.len() > 1 {
        let span = imp.span(surfaces[1]);
        imp.cx.approximate(
            span,
            format!("the {} diagrams are merged into one model", surfaces.len()),
            "the layout places each diagram below the previous one",
        );
    }
    for s in surfaces {
        imp.surface(s);
    }
    let threats: Vec<X<'_, '_>> = root
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "ThreatInstances")
        .flat_map(|t| t.children().filter(X::is_element))
        .filter_map(|kv| child(kv, "Value"))
        .collect();
    let mut threat_ids = Ids::default();
    for t in threats {
        imp.threat(t, &mut threat_ids);
    }
    zones::assign(&mut imp.cx, &imp.shapes, &mut imp.model);
    imp.cx.finish(imp.model, imp.layout)
}

impl Importer<'_> {
    fn span(&self, node: X<'_, '_>) -> Span {
        let pos = self.doc.text_pos_at(node.range().start);
        Span::point(Pos::new(pos.row, to_u32(pos.col as usize)))
    }

    fn surface(&mut self, surface: X<'_, '_>) {
        let mut bottom = self.offset_y;
        let mut lines = Vec::new();
        for section in ["Borders", "Lines"] {
            for list in children(surface, section) {
                for kv in list.children().filter(X::is_element) {
                    let Some(value) = child(kv, "Value") else {
                        continue;
                    };
                    let generic = child_text(value, "GenericTypeId").unwrap_or_default();
                    let class = xsi_type(value).unwrap_or_default();
                    match (generic.as_str(), class.as_str()) {
                        ("GE.EI", _) | (_, "StencilRectangle") => {
                            self.stencil(value, ElementKind::ExternalEntity, &mut bottom);
                        }
                        ("GE.P", _) | (_, "StencilEllipse") => {
                            self.stencil(value, ElementKind::Process, &mut bottom);
                        }
                        ("GE.DS", _) | (_, "StencilParallelLines") => {
                            self.stencil(value, ElementKind::DataStore, &mut bottom);
                        }
                        ("GE.TB.B", _) | (_, "BorderBoundary") => self.border(value),
                        ("GE.DF" | "GE.TB.L", _) | (_, "Connector" | "LineBoundary") => {
                            lines.push(value);
                        }
                        _ => {
                            let span = self.span(value);
                            let what = if generic.is_empty() { class } else { generic };
                            self.cx.unmapped(span, format!("diagram shapes of type `{what}`"), "Palisade maps external interactors, processes, data stores, data flows and trust boundaries");
                        }
                    }
                }
            }
        }
        for value in lines {
            let generic = child_text(value, "GenericTypeId").unwrap_or_default();
            if generic == "GE.TB.L" || xsi_type(value).as_deref() == Some("LineBoundary") {
                self.line(value);
            } else {
                self.connector(value);
            }
        }
        self.offset_y = bottom + 100.0;
    }

    fn name_and_props(
        &mut self,
        value: X<'_, '_>,
        what: &str,
    ) -> (Option<String>, bool, Option<String>) {
        let mut name = None;
        let mut out_of_scope = false;
        let mut reason = None;
        for (key, v) in properties(value) {
            match key.as_str() {
                "Name" => name = mapping::non_empty(&v),
                "Out Of Scope" => out_of_scope = v.eq_ignore_ascii_case("true"),
                "Reason For Out Of Scope" => reason = mapping::non_empty(&v),
                _ if v.is_empty() || v == "Select" => {}
                _ => {
                    let span = self.span(value);
                    self.cx.unmapped(
                        span,
                        format!("the TMT property `{key}` of {what}"),
                        "TMT template properties have no place in a Palisade model",
                    );
                }
            }
        }
        (name, out_of_scope, reason)
    }

    fn rect(&self, value: X<'_, '_>) -> Option<Rect> {
        Some(Rect {
            x: num(value, "Left")?,
            y: num(value, "Top")? + self.offset_y,
            w: num(value, "Width")?.max(1.0),
            h: num(value, "Height")?.max(1.0),
        })
    }

    fn stencil(&mut self, value: X<'_, '_>, kind: ElementKind, bottom: &mut f64) {
        let guid = child_text(value, "Guid").unwrap_or_default();
        let (name, out, reason) = self.name_and_props(value, "elements");
        let fallback = match kind {
            ElementKind::ExternalEntity => "external-interactor",
            ElementKind::DataStore => "data-store",
            ElementKind::Process => "process",
        };
        let id = self
            .nodes
            .assign(&guid, name.as_deref().unwrap_or_default(), fallback);
        let mut e = Element::new(&id, kind);
        e.name.clone_from(&name);
        if let Some(ty) = child_text(value, "TypeId") {
            if kind == ElementKind::DataStore {
                e.store =
                    mapping::store_kind(&format!("{ty} {}", name.as_deref().unwrap_or_default()));
            }
            e.tags.push(format!("tmt:{ty}"));
        }
        if out {
            let label = e.label().to_owned();
            self.model.system.scope.out_of_scope.push(match reason {
                Some(r) => format!("{label}: {r}"),
                None => label,
            });
        }
        if let Some(r) = self.rect(value) {
            *bottom = bottom.max(r.y + r.h);
            self.layout.elements.insert(
                id.clone(),
                Placement {
                    x: r.x,
                    y: r.y,
                    width: Some(r.w),
                    height: Some(r.h),
                },
            );
            self.shapes.elements.push((id.clone(), r));
        }
        self.model.elements.push(e);
    }

    fn border(&mut self, value: X<'_, '_>) {
        let guid = child_text(value, "Guid").unwrap_or_default();
        let (name, _, _) = self.name_and_props(value, "trust boundaries");
        let id = self
            .nodes
            .assign(&guid, name.as_deref().unwrap_or_default(), "trust-boundary");
        self.model.boundaries.push(Boundary {
            id: BoundaryId::new(&id),
            name,
            ..Boundary::default()
        });
        if let Some(r) = self.rect(value) {
            self.layout.boundaries.insert(
                id.clone(),
                Placement {
                    x: r.x,
                    y: r.y,
                    width: Some(r.w),
                    height: Some(r.h),
                },
            );
            self.shapes.boxes.push((id, r));
        }
    }

    fn path(&self, value: X<'_, '_>) -> Vec<Point> {
        let mut out = Vec::new();
        for (x, y) in [
            ("SourceX", "SourceY"),
            ("HandleX", "HandleY"),
            ("TargetX", "TargetY"),
        ] {
            if let (Some(x), Some(y)) = (num(value, x), num(value, y)) {
                out.push(Point {
                    x,
                    y: y + self.offset_y,
                });
            }
        }
        out
    }

    fn line(&mut self, value: X<'_, '_>) {
        let guid = child_text(value, "Guid").unwrap_or_default();
        let (name, _, _) = self.name_and_props(value, "trust boundaries");
        let id = self
            .nodes
            .assign(&guid, name.as_deref().unwrap_or_default(), "trust-boundary");
        self.model.boundaries.push(Boundary {
            id: BoundaryId::new(&id),
            name,
            ..Boundary::default()
        });
        let path = self.path(value);
        let span = self.span(value);
        if path.len() >= 2 {
            self.shapes.lines.push((id, path, span));
        } else {
            self.cx.unmapped(
                span,
                "line boundaries without their end points",
                "without them Palisade cannot tell which side elements are on",
            );
        }
    }

    fn connector(&mut self, value: X<'_, '_>) {
        let span = self.span(value);
        let guid = child_text(value, "Guid").unwrap_or_default();
        let (name, out, reason) = self.name_and_props(value, "data flows");
        let from =
            child_text(value, "SourceGuid").and_then(|g| self.nodes.get(&g).map(str::to_owned));
        let to =
            child_text(value, "TargetGuid").and_then(|g| self.nodes.get(&g).map(str::to_owned));
        let (Some(from), Some(to)) = (from, to) else {
            self.cx.unmapped(
                span,
                "data flows not attached to two elements",
                "a Palisade flow joins two elements",
            );
            return;
        };
        if from == to || self.model.element(&from).is_none() || self.model.element(&to).is_none() {
            self.cx.unmapped(
                span,
                "data flows that do not join two different elements",
                "a Palisade flow joins two different elements",
            );
            return;
        }
        let id = self.nodes.assign(
            &guid,
            name.as_deref().unwrap_or(&format!("{from} to {to}")),
            "flow",
        );
        let mut f = palisade_model::Flow::new(id.as_str(), from.as_str(), to.as_str());
        f.name = name;
        if let Some(ty) = child_text(value, "TypeId") {
            let lower = ty.to_ascii_lowercase();
            for p in [
                "https", "http", "sql", "grpc", "amqp", "ldaps", "ldap", "smb", "ssh",
            ] {
                if lower.ends_with(&format!(".{p}")) {
                    f.protocol = Some(p.to_owned());
                    break;
                }
            }
            f.tags.push(format!("tmt:{ty}"));
        }
        if out {
            let label = f.label();
            self.model.system.scope.out_of_scope.push(match reason {
                Some(r) => format!("{label}: {r}"),
                None => label,
            });
        }
        let path = self.path(value);
        self.model.flows.push(f);
        self.shapes.flows.push((id, path, span));
    }

    fn threat(&mut self, value: X<'_, '_>, ids: &mut Ids) {
        let span = self.span(value);
        let props = string_pairs(value);
        let prop = |k: &str| props.get(k).and_then(|v| mapping::non_empty(v));
        let number = child_text(value, "Id");
        let flow = child_text(value, "FlowGuid")
            .and_then(|g| self.nodes.get(&g).map(str::to_owned))
            .filter(|f| self.model.flow(f).is_some());
        let target_el = child_text(value, "TargetGuid")
            .and_then(|g| self.nodes.get(&g).map(str::to_owned))
            .filter(|e| self.model.element(e).is_some());
        let title = prop("Title")
            .or_else(|| child_text(value, "Title"))
            .or_else(|| prop("UserThreatShortDescription").map(|s| headline(&s)))
            .unwrap_or_else(|| {
                let ty = child_text(value, "TypeId").unwrap_or_else(|| "threat".to_owned());
                let on = flow
                    .clone()
                    .or_else(|| target_el.clone())
                    .unwrap_or_default();
                format!("TMT threat {ty} on {on}")
            });
        let id = ids.fresh(
            &number.map_or_else(|| title.clone(), |n| format!("tmt-{n}")),
            "tmt-threat",
        );
        let mut t = mapping::threat(&id, &title);
        for key in ["UserThreatShortDescription", "UserThreatDescription"] {
            if let Some(v) = prop(key).filter(|v| *v != title) {
                append(&mut t.description, &v);
            }
        }
        if let Some(v) = prop("InteractionString") {
            append(&mut t.description, &format!("Interaction: {v}"));
        }
        if let Some(m) = prop("PossibleMitigations") {
            append(&mut t.description, &format!("Possible mitigations: {m}"));
        }
        if let Some(c) = prop("UserThreatCategory") {
            match mapping::stride(&c) {
                Some(s) => t.stride.push(s),
                None => append(&mut t.description, &format!("Category: {c}")),
            }
        }
        let priority = child_text(value, "Priority").or_else(|| prop("Priority"));
        t.severity = priority.as_deref().and_then(mapping::severity);
        let state = child_text(value, "State").unwrap_or_default();
        let status = match state.as_str() {
            "" | "NotStarted" | "AutoGenerated" => Some(Status::Open),
            "NeedsInvestigation" => Some(Status::NeedsInvestigation),
            "NotApplicable" => Some(Status::NotApplicable),
            "Mitigated" => Some(Status::Mitigated),
            _ => None,
        };
        if status.is_none() {
            self.cx.unmapped(
                span,
                format!("the threat state `{state}`"),
                "such threats are imported as open",
            );
        }
        t.status = Some(status.unwrap_or(Status::Open));
        t.justification = child_text(value, "StateInformation");
        t.target = match (&flow, &target_el) {
            (Some(f), _) => mapping::on_flow(f),
            (None, Some(e)) => mapping::on_element(e),
            (None, None) => {
                self.cx.unmapped(
                    span,
                    "the targets of threats on flows or elements not in the diagram",
                    "such threats are imported without a target",
                );
                None
            }
        };
        self.model.threats.push(t);
    }
}
