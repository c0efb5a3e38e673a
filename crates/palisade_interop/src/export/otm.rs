//! Open Threat Model 0.2 JSON: the project, trust zones (boundaries), components (elements),
//! data flows, assets (data), and the hand-written threats and their mitigations, instanced on
//! the components and flows they target. Positions go to one diagram representation.

use palisade_model::{
    Boundary, BoundaryKind, Element, Layout, Level, MitigationStatus, Model, Placement, Severity,
    Status, ThreatEntry,
};
use serde_json::{Value, json};

use super::{Exported, cell_of, not_exported, unplaceable};
use crate::layout::complete;
use crate::slug::slug;

const DIAGRAM: &str = "palisade-diagram";
/// The zone of elements that sit in no boundary: OTM requires every component to have a parent.
const OUTSIDE: &str = "palisade-outside-any-boundary";

fn trust_rating(b: &Boundary) -> u32 {
    match b.kind {
        Some(BoundaryKind::Internet) => 0,
        Some(BoundaryKind::ThirdParty) => 20,
        Some(BoundaryKind::Dmz | BoundaryKind::Device) => 40,
        Some(BoundaryKind::Cloud | BoundaryKind::Other) | None => 60,
        Some(BoundaryKind::Internal | BoundaryKind::Cluster) => 80,
        Some(BoundaryKind::Host) => 90,
    }
}

fn level(l: Option<Level>) -> u32 {
    match l {
        Some(Level::Low) => 25,
        Some(Level::Medium) | None => 50,
        Some(Level::High) => 100,
    }
}

fn representation(id: &str, name: &str, p: Option<&Placement>) -> Vec<Value> {
    p.map(|p| {
        json!({
            "representation": DIAGRAM,
            "name": name,
            "id": format!("{id}-representation"),
            "position": { "x": p.x, "y": p.y },
            "size": { "width": p.width.unwrap_or(160.0), "height": p.height.unwrap_or(80.0) }
        })
    })
    .into_iter()
    .collect()
}

/// OTM leaves states free; these are the words OTM producers use.
fn state(t: &ThreatEntry) -> &'static str {
    match t.status.unwrap_or(Status::Open) {
        Status::Open => "EXPOSED",
        Status::NeedsInvestigation => "NEEDS_INVESTIGATION",
        Status::InProgress => "PARTLY_MITIGATED",
        Status::Mitigated | Status::Avoided => "MITIGATED",
        Status::Accepted | Status::Transferred => "ACCEPTED",
        Status::NotApplicable => "NOT_APPLICABLE",
        Status::FalsePositive => "FALSE_POSITIVE",
    }
}

fn instances(model: &Model, cell: &str, element: bool) -> Vec<Value> {
    model
        .threats
        .iter()
        .filter(|t| t.is_hand_written() && cell_of(model, t) == Some((cell, element)))
        .map(|t| {
            let mitigations: Vec<Value> = t
                .mitigations
                .iter()
                .filter_map(|m| model.mitigation(m.as_str()))
                .map(|m| {
                    let s = match m.status {
                        Some(MitigationStatus::Implemented | MitigationStatus::Verified) => {
                            "IMPLEMENTED"
                        }
                        Some(MitigationStatus::Planned) => "REQUIRED",
                        None => "RECOMMENDED",
                    };
                    json!({ "mitigation": m.id.as_str(), "state": s })
                })
                .collect();
            json!({ "threat": t.id.as_str(), "state": state(t), "mitigations": mitigations })
        })
        .collect()
}

fn component(model: &Model, e: &Element, layout: &Layout) -> Value {
    let parent = match (&e.parent, &e.boundary) {
        (Some(p), _) => json!({ "component": p.as_str() }),
        (None, Some(b)) => json!({ "trustZone": b.as_str() }),
        (None, None) => json!({ "trustZone": OUTSIDE }),
    };
    let ty = e.technology.clone().unwrap_or_else(|| e.kind.to_string());
    let mut c = json!({
        "id": e.id.as_str(),
        "name": e.label(),
        "type": ty,
        "description": e.description,
        "parent": parent,
        "representations": representation(e.id.as_str(), e.label(), layout.elements.get(e.id.as_str())),
        "threats": instances(model, e.id.as_str(), true),
        "tags": e.tags,
        "attributes": { "palisadeKind": e.kind.to_string() }
    });
    if !e.stores.is_empty()
        && let Some(o) = c.as_object_mut()
    {
        o.insert(
            "assets".to_owned(),
            json!({ "stored": e.stores.iter().map(palisade_model::DataId::as_str).collect::<Vec<_>>(), "processed": [] }),
        );
    }
    c
}

/// The model as an OTM 0.2 document.
pub fn export(model: &Model, file: &str, layout: &Layout) -> Exported {
    let layout = complete(model, layout);
    let mut warnings = Vec::new();
    unplaceable(model, file, &mut warnings);
    let mut zones: Vec<Value> = model
        .boundaries
        .iter()
        .map(|b| {
            let mut z = json!({
                "id": b.id.as_str(),
                "name": b.label(),
                "type": b.kind.map_or_else(|| "other".to_owned(), |k| k.to_string()),
                "description": b.description,
                "risk": { "trustRating": trust_rating(b) },
                "representations": representation(b.id.as_str(), b.label(), layout.boundaries.get(b.id.as_str()))
            });
            if let (Some(p), Some(o)) = (&b.parent, z.as_object_mut()) {
                o.insert("parent".to_owned(), json!({ "trustZone": p.as_str() }));
            }
            z
        })
        .collect();
    if model
        .elements
        .iter()
        .any(|e| e.parent.is_none() && e.boundary.is_none())
    {
        zones.push(json!({
            "id": OUTSIDE,
            "name": "Outside any trust boundary",
            "type": "other",
            "risk": { "trustRating": 50 }
        }));
    }
    let components: Vec<Value> = model
        .elements
        .iter()
        .map(|e| component(model, e, &layout))
        .collect();
    let dataflows: Vec<Value> = model
        .flows
        .iter()
        .map(|f| {
            json!({
                "id": f.id.as_str(),
                "name": f.label(),
                "description": f.description,
                "bidirectional": f.bidirectional,
                "source": f.from.as_str(),
                "destination": f.to.as_str(),
                "assets": f.data.iter().map(palisade_model::DataId::as_str).collect::<Vec<_>>(),
                "threats": instances(model, f.id.as_str(), false),
                "tags": f.tags
            })
        })
        .collect();
    let assets: Vec<Value> = model
        .data
        .iter()
        .map(|d| {
            json!({
                "id": d.id.as_str(),
                "name": d.label(),
                "description": d.description,
                "risk": {
                    "confidentiality": level(d.cia.confidentiality),
                    "integrity": level(d.cia.integrity),
                    "availability": level(d.cia.availability)
                }
            })
        })
        .collect();
    let threats: Vec<Value> = model
        .threats
        .iter()
        .filter(|t| t.is_hand_written())
        .map(|t| {
            let (likelihood, impact) = match t.severity {
                Some(Severity::Critical) => (100, 100),
                Some(Severity::High) => (80, 90),
                Some(Severity::Medium) | None => (60, 70),
                Some(Severity::Low) => (40, 40),
                Some(Severity::Info) => (10, 10),
            };
            json!({
                "id": t.id.as_str(),
                "name": t.title.clone().unwrap_or_default(),
                "description": t.description,
                "categories": t.stride.iter().map(|s| s.title()).collect::<Vec<_>>(),
                "cwes": t.cwe.iter().map(|c| format!("CWE-{c}")).collect::<Vec<_>>(),
                "risk": { "likelihood": likelihood, "impact": impact }
            })
        })
        .collect();
    for t in model
        .threats
        .iter()
        .filter(|t| t.is_hand_written() && cell_of(model, t).is_none())
    {
        warnings.push(not_exported(
            file,
            t.span,
            format!(
                "threat `{}` is on no element, flow or API served by an element: it is listed, but on no component",
                t.id
            ),
            "OTM links threats to components and data flows",
        ));
    }
    let mitigations: Vec<Value> = model
        .mitigations
        .iter()
        .map(|m| {
            json!({
                "id": m.id.as_str(),
                "name": m.label(),
                "description": m.description,
                "riskReduction": match m.status {
                    Some(MitigationStatus::Implemented | MitigationStatus::Verified) => 100,
                    _ => 50,
                }
            })
        })
        .collect();
    let doc = json!({
        "otmVersion": "0.2.0",
        "project": {
            "name": model.system.name,
            "id": slug(&model.system.name, "project"),
            "description": model.system.description,
            "owner": model.system.owner
        },
        "representations": [{ "name": "Palisade diagram", "id": DIAGRAM, "type": "diagram" }],
        "assets": assets,
        "trustZones": zones,
        "components": components,
        "dataflows": dataflows,
        "threats": threats,
        "mitigations": mitigations
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Exported { text, warnings }
}
