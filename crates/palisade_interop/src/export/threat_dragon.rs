//! OWASP Threat Dragon v2 JSON: one STRIDE diagram with actors, processes, stores, flows and
//! trust boundary boxes, and the hand-written threats on the cells they target (at
//! `cells[].data.threats`, where Threat Dragon reads them). Positions come from the model's
//! layout, completed by [`crate::layout::complete`].

use palisade_diagnostics::Diagnostic;
use palisade_model::{
    ElementKind, Layout, Model, Placement, Severity, Status, StoreKind, ThreatEntry,
};
use serde_json::{Value, json};

use super::{Exported, cell_of, is_open, not_exported, unplaceable, uuid};
use crate::layout::complete;

const VERSION: &str = "2.3.0";

fn ports(id: &str) -> Value {
    let circle = json!({
        "r": 4, "magnet": true, "stroke": "#5F95FF", "strokeWidth": 1, "fill": "#fff",
        "style": { "visibility": "hidden" }
    });
    let groups: serde_json::Map<String, Value> = ["top", "right", "bottom", "left"]
        .iter()
        .map(|g| {
            (
                (*g).to_owned(),
                json!({ "position": g, "attrs": { "circle": circle } }),
            )
        })
        .collect();
    let items: Vec<Value> = ["top", "right", "bottom", "left"]
        .iter()
        .map(|g| json!({ "group": g, "id": uuid(&format!("port:{id}:{g}")) }))
        .collect();
    json!({ "groups": groups, "items": items })
}

fn status(t: &ThreatEntry) -> &'static str {
    match t.status.unwrap_or(Status::Open) {
        Status::Open | Status::NeedsInvestigation | Status::InProgress => "Open",
        Status::Mitigated => "Mitigated",
        Status::Accepted => "Accepted",
        Status::Transferred => "Transferred",
        Status::Avoided => "Avoided",
        Status::NotApplicable | Status::FalsePositive => "NA",
    }
}

fn severity(t: &ThreatEntry) -> &'static str {
    match t.severity {
        Some(Severity::Critical) => "Critical",
        Some(Severity::High) => "High",
        Some(Severity::Medium) | None => "Medium",
        Some(Severity::Low | Severity::Info) => "Low",
    }
}

fn threat(model: &Model, t: &ThreatEntry, number: usize) -> Value {
    let mut mitigation: Vec<String> = t
        .mitigations
        .iter()
        .filter_map(|id| model.mitigation(id.as_str()))
        .map(|m| {
            m.description
                .clone()
                .unwrap_or_else(|| m.label().to_owned())
        })
        .collect();
    if let Some(j) = &t.justification {
        mitigation.push(j.clone());
    }
    let mut description = t.description.clone().unwrap_or_default();
    if let Some(op) = t.target.as_ref().and_then(|x| x.operation.as_deref()) {
        description = if description.is_empty() {
            format!("Operation: {op}")
        } else {
            format!("Operation: {op}\n\n{description}")
        };
    }
    json!({
        "id": uuid(&format!("threat:{}", t.id)),
        "title": t.title.clone().unwrap_or_default(),
        "status": status(t),
        "severity": severity(t),
        "type": t.stride.first().map_or("Generic", |s| s.title()),
        "modelType": "STRIDE",
        "description": description,
        "mitigation": mitigation.join("\n\n"),
        "number": number,
        "score": ""
    })
}

fn position(p: &Placement) -> (Value, Value) {
    (
        json!({ "x": p.x, "y": p.y }),
        json!({ "width": p.width.unwrap_or(160.0).max(10.0), "height": p.height.unwrap_or(80.0).max(10.0) }),
    )
}

fn out_of_scope(model: &Model, label: &str) -> Option<String> {
    model.system.scope.out_of_scope.iter().find_map(|s| {
        if s == label {
            Some(String::new())
        } else {
            s.strip_prefix(label)
                .and_then(|rest| rest.strip_prefix(": "))
                .map(str::to_owned)
        }
    })
}

/// The model as a Threat Dragon v2 document.
pub fn export(model: &Model, file: &str, layout: &Layout) -> Exported {
    let layout = complete(model, layout);
    let mut warnings: Vec<Diagnostic> = Vec::new();
    unplaceable(model, file, &mut warnings);
    let mut number = 0;
    let mut threats_on = |cell: &str, element: bool| -> Vec<Value> {
        model
            .threats
            .iter()
            .filter(|t| t.is_hand_written() && cell_of(model, t) == Some((cell, element)))
            .map(|t| {
                number += 1;
                threat(model, t, number)
            })
            .collect()
    };
    let mut cells = Vec::new();
    for b in &model.boundaries {
        let Some(p) = layout.boundaries.get(b.id.as_str()) else {
            continue;
        };
        let (pos, size) = position(p);
        cells.push(json!({
            "position": pos,
            "size": size,
            "attrs": { "label": { "text": b.label() } },
            "visible": true,
            "shape": "trust-boundary-box",
            "id": uuid(&format!("boundary:{}", b.id)),
            "zIndex": -1,
            "data": {
                "type": "tm.BoundaryBox",
                "name": b.label(),
                "description": b.description.clone().unwrap_or_default(),
                "isTrustBoundary": true,
                "hasOpenThreats": false
            }
        }));
    }
    for (z, e) in model.elements.iter().enumerate() {
        let Some(p) = layout.elements.get(e.id.as_str()) else {
            continue;
        };
        let (pos, size) = position(p);
        let threats = threats_on(e.id.as_str(), true);
        let open = model.threats.iter().any(|t| {
            cell_of(model, t) == Some((e.id.as_str(), true)) && t.is_hand_written() && is_open(t)
        });
        let reason = out_of_scope(model, e.label());
        let (shape, ty) = match e.kind {
            ElementKind::ExternalEntity => ("actor", "tm.Actor"),
            ElementKind::Process => ("process", "tm.Process"),
            ElementKind::DataStore => ("store", "tm.Store"),
        };
        let mut data = json!({
            "type": ty,
            "name": e.label(),
            "description": e.description.clone().unwrap_or_default(),
            "outOfScope": reason.is_some(),
            "reasonOutOfScope": reason.unwrap_or_default(),
            "hasOpenThreats": open,
            "threats": threats
        });
        let extra = match e.kind {
            ElementKind::ExternalEntity => json!({ "providesAuthentication": false }),
            ElementKind::Process => json!({
                "handlesCardPayment": false,
                "handlesGoodsOrServices": false,
                "isWebApplication": e.technology.as_deref().is_some_and(|t| t.to_ascii_lowercase().contains("web")),
                "privilegeLevel": ""
            }),
            ElementKind::DataStore => json!({
                "isALog": e.store == Some(StoreKind::Log),
                "isEncrypted": e.encrypted_at_rest == Some(true),
                "isSigned": false,
                "storesCredentials": e.stores.iter().any(|d| model.data_asset(d.as_str()).is_some_and(|a| a.categories.contains(&palisade_model::DataCategory::Credentials))),
                "storesInventory": false
            }),
        };
        if let (Some(d), Some(x)) = (data.as_object_mut(), extra.as_object()) {
            d.extend(x.clone());
        }
        cells.push(json!({
            "position": pos,
            "size": size,
            "attrs": { "text": { "text": e.label() } },
            "visible": true,
            "shape": shape,
            "zIndex": z + 1,
            "ports": ports(e.id.as_str()),
            "id": uuid(&format!("element:{}", e.id)),
            "data": data
        }));
    }
    for (z, f) in model.flows.iter().enumerate() {
        let threats = threats_on(f.id.as_str(), false);
        let open = model.threats.iter().any(|t| {
            cell_of(model, t) == Some((f.id.as_str(), false)) && t.is_hand_written() && is_open(t)
        });
        let label = f.label();
        let reason = out_of_scope(model, &label);
        let encrypted = f
            .effective_encryption()
            .is_some_and(|e| e != palisade_model::Encryption::None);
        cells.push(json!({
            "shape": "flow",
            "attrs": {
                "line": {
                    "stroke": "#333333",
                    "targetMarker": { "name": "block" },
                    "sourceMarker": { "name": if f.bidirectional { "block" } else { "" } }
                }
            },
            "width": 200,
            "height": 100,
            "zIndex": model.elements.len() + z + 1,
            "labels": [{
                "markup": [
                    { "tagName": "ellipse", "selector": "labelBody" },
                    { "tagName": "text", "selector": "labelText" }
                ],
                "attrs": {
                    "labelText": { "text": label, "textAnchor": "middle", "textVerticalAnchor": "middle" },
                    "labelBody": { "ref": "labelText", "refRx": "50%", "refRy": "60%", "fill": "#fff", "strokeWidth": 0 }
                },
                "position": 0.5
            }],
            "connector": "smooth",
            "data": {
                "type": "tm.Flow",
                "name": label,
                "description": f.description.clone().unwrap_or_default(),
                "outOfScope": reason.is_some(),
                "reasonOutOfScope": reason.unwrap_or_default(),
                "hasOpenThreats": open,
                "isBidirectional": f.bidirectional,
                "isEncrypted": encrypted,
                "isPublicNetwork": f.tags.iter().any(|t| t == "public-network"),
                "protocol": f.protocol.clone().unwrap_or_default(),
                "threats": threats,
                "isTrustBoundary": false
            },
            "id": uuid(&format!("flow:{}", f.id)),
            "source": { "cell": uuid(&format!("element:{}", f.from)) },
            "target": { "cell": uuid(&format!("element:{}", f.to)) },
            "vertices": []
        }));
    }
    for t in model
        .threats
        .iter()
        .filter(|t| t.is_hand_written() && cell_of(model, t).is_none())
    {
        warnings.push(not_exported(
            file,
            t.span,
            format!(
                "threat `{}` is on no element, flow or API served by an element, so it is not exported",
                t.id
            ),
            "Threat Dragon keeps threats on the cells of a diagram; name the `api` of an operation to put it on the element that serves it",
        ));
    }
    let doc = json!({
        "version": VERSION,
        "summary": {
            "title": model.system.name,
            "owner": model.system.owner.clone().unwrap_or_default(),
            "description": model.system.description.clone().unwrap_or_default(),
            "id": 0
        },
        "detail": {
            "contributors": [],
            "diagrams": [{
                "id": 0,
                "title": model.system.name,
                "diagramType": "STRIDE",
                "placeholder": "New STRIDE diagram description",
                "thumbnail": "./public/content/images/thumbnail.stride.jpg",
                "version": VERSION,
                "description": "",
                "cells": cells
            }],
            "diagramTop": 1,
            "reviewer": model.reviewed.as_ref().and_then(|r| r.by.clone()).unwrap_or_default(),
            "threatTop": number
        }
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Exported { text, warnings }
}
