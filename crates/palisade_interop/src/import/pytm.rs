//! pytm models, as `tm.py --json` writes them: boundaries (nested with `inBoundary`), elements
//! by class (actors, servers, processes, lambdas, data stores), data flows with their data,
//! controls (as implemented mitigations on the element), assumptions, and findings (as threats
//! with their severity and CAPEC and CWE references). pytm draws with Graphviz at run time, so
//! there are no positions to keep.

use std::collections::HashMap;

use palisade_diagnostics::Diagnostic;
use palisade_model::{
    Assumption, AssumptionId, Boundary, BoundaryId, Classification, DataAsset, DataCategory,
    DataId, Element, ElementKind, Encryption, Layout, Mitigation, MitigationId, MitigationKind,
    MitigationStatus, Model, Status, StoreKind,
};
use palisade_syntax::{Node, Value};

use crate::Imported;
use crate::cx::{Cx, at, flag, list, number, require_map, strings, text};
use crate::mapping::{self, append};
use crate::slug::Ids;

fn kind_of(class: &str) -> Option<ElementKind> {
    Some(match class {
        "Actor" | "ExternalEntity" => ElementKind::ExternalEntity,
        "Datastore" => ElementKind::DataStore,
        "Process" | "Server" | "Lambda" | "SetOfProcesses" | "Asset" | "Element" => {
            ElementKind::Process
        }
        _ => return None,
    })
}

fn control_kind(control: &str) -> MitigationKind {
    match control {
        "sanitizesInput"
        | "validatesInput"
        | "checksInputBounds"
        | "usesParameterizedInput"
        | "implementsServerSideValidation"
        | "validatesContentType"
        | "validatesHeaders"
        | "implementsStrictHTTPValidation"
        | "disablesDTD" => MitigationKind::InputValidation,
        "encodesOutput" | "encodesHeaders" | "invokesScriptFilters" => {
            MitigationKind::OutputEncoding
        }
        "hasAccessControl" | "authorizesSource" | "implementsPOLP" => MitigationKind::AccessControl,
        "isEncrypted" => MitigationKind::Tls,
        "isEncryptedAtRest" | "encryptsSessionData" | "encryptsCookies" => {
            MitigationKind::EncryptionAtRest
        }
        "handlesResourceConsumption" => MitigationKind::RateLimiting,
        "tracksExecutionFlow" => MitigationKind::Monitoring,
        _ => MitigationKind::Other,
    }
}

/// `isEncryptedAtRest` → "Is encrypted at rest".
fn words(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else if i == 0 {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// CAPEC and CWE numbers in pytm's comma-separated references.
fn references(refs: &str) -> (Vec<u32>, Vec<u32>) {
    let mut capec = Vec::new();
    let mut cwe = Vec::new();
    for r in refs.split(',') {
        let r = r.trim().to_ascii_lowercase();
        let number = |r: &str| -> Option<u32> {
            let tail = r.rsplit('/').next()?;
            tail.trim_end_matches(".html").parse().ok()
        };
        if r.contains("capec.mitre.org") {
            capec.extend(number(&r));
        } else if r.contains("cwe.mitre.org") {
            cwe.extend(number(&r));
        }
    }
    capec.dedup();
    cwe.dedup();
    (capec, cwe)
}

pub(crate) fn import(mut cx: Cx, root: &Node) -> Result<Imported, Vec<Diagnostic>> {
    if !require_map(&mut cx, root, "a pytm model") {
        return Err(cx.into_errors());
    }
    let mut model = Model::new(text(root, "name").unwrap_or_else(|| "pytm model".to_owned()));
    model.system.description = text(root, "description");
    let mut nodes = Ids::default();
    // Boundaries, then their nesting.
    let boundaries = list(&mut cx, root, "boundaries");
    for b in boundaries {
        let Some(name) = text(b, "name") else {
            continue;
        };
        let id = nodes.assign(&format!("boundary:{name}"), &name, "boundary");
        model.boundaries.push(Boundary {
            id: BoundaryId::new(id),
            name: Some(name),
            description: text(b, "description"),
            ..Boundary::default()
        });
    }
    for b in boundaries {
        let (Some(name), Some(parent)) = (text(b, "name"), text(b, "inBoundary")) else {
            continue;
        };
        let own = nodes.get(&format!("boundary:{name}")).map(str::to_owned);
        let parent = nodes.get(&format!("boundary:{parent}")).map(str::to_owned);
        if let (Some(own), Some(parent)) = (own, parent)
            && own != parent
            && let Some(x) = model.boundaries.iter_mut().find(|x| x.id.as_str() == own)
        {
            x.parent = Some(BoundaryId::new(parent));
        }
    }
    // Data.
    let mut data_ids = Ids::default();
    for d in list(&mut cx, root, "data") {
        let Some(name) = text(d, "name") else {
            continue;
        };
        let id = data_ids.assign(&name, &name, "data");
        let classification =
            text(d, "classification").and_then(|c| match c.trim_start_matches("Classification.") {
                "PUBLIC" => Some(Classification::Public),
                "RESTRICTED" => Some(Classification::Internal),
                "SENSITIVE" => Some(Classification::Confidential),
                "SECRET" | "TOP_SECRET" => Some(Classification::Restricted),
                _ => None,
            });
        let description = text(d, "description");
        let mut categories = mapping::data_categories(&format!(
            "{name} {}",
            description.as_deref().unwrap_or_default()
        ));
        for (key, category) in [
            ("isCredentials", DataCategory::Credentials),
            ("isPII", DataCategory::Pii),
        ] {
            if flag(d, key) == Some(true) && !categories.contains(&category) {
                categories.push(category);
            }
        }
        model.data.push(DataAsset {
            id: DataId::new(id),
            name: Some(name),
            description,
            classification,
            categories,
            ..DataAsset::default()
        });
    }
    // Elements: `elements` lists them all (actors and assets too).
    let mut elements: Vec<&Node> = list(&mut cx, root, "elements").iter().collect();
    if elements.is_empty() {
        elements.extend(list(&mut cx, root, "actors"));
        elements.extend(list(&mut cx, root, "assets"));
    }
    let mut controls: HashMap<String, Vec<String>> = HashMap::new();
    for e in elements {
        let Some(name) = text(e, "name") else {
            continue;
        };
        let class = text(e, "__class__").unwrap_or_else(|| "Element".to_owned());
        let Some(kind) = kind_of(&class) else {
            cx.unmapped(
                at(e),
                format!("elements of class `{class}`"),
                "Palisade maps actors, processes, servers, lambdas and data stores",
            );
            continue;
        };
        if nodes.get(&name).is_some() {
            cx.approximate(
                at(e),
                format!("two elements are named `{name}`: flows and findings go to the first"),
                "pytm names elements by name; give them distinct names",
            );
        }
        let id = nodes.fresh(&name, "element");
        if nodes.get(&name).is_none() {
            nodes.remember(&name, &id);
        }
        let mut el = Element::new(&id, kind);
        el.name = Some(name.clone());
        el.description = text(e, "description");
        el.boundary = text(e, "inBoundary")
            .and_then(|b| nodes.get(&format!("boundary:{b}")).map(BoundaryId::new));
        if class == "Lambda" {
            el.technology = Some("serverless function".to_owned());
        }
        if let Some(os) = text(e, "OS") {
            append(&mut el.description, &format!("Operating system: {os}"));
        }
        if kind == ElementKind::DataStore {
            if flag(e, "storesLogData") == Some(true) {
                el.store = Some(StoreKind::Log);
            } else if flag(e, "isSQL") == Some(true) {
                el.store = Some(StoreKind::Database);
            } else {
                el.store = text(e, "type").and_then(|t| mapping::store_kind(&t));
            }
            if let Some(c) = e.get("controls") {
                el.encrypted_at_rest = flag(c, "isEncryptedAtRest");
            }
        }
        if flag(e, "inScope") == Some(false) {
            model.system.scope.out_of_scope.push(name.clone());
        }
        if let Some(Value::Map(map)) = e.get("controls").map(|c| &c.value) {
            for (k, v) in map.iter() {
                if v.as_bool() == Some(true) {
                    controls.entry(k.text.clone()).or_default().push(id.clone());
                }
            }
        }
        model.elements.push(el);
    }
    // Controls in place become implemented mitigations on their elements.
    let mut names: Vec<&String> = controls.keys().collect();
    names.sort();
    for control in names {
        let mut ids = Ids::default();
        let id = ids.fresh(control, "control");
        model.mitigations.push(Mitigation {
            id: MitigationId::new(id),
            name: Some(words(control)),
            kind: Some(control_kind(control)),
            description: Some(format!("pytm control `{control}`.")),
            status: Some(MitigationStatus::Implemented),
            elements: controls[control]
                .iter()
                .map(palisade_model::ElementId::new)
                .collect(),
            ..Mitigation::default()
        });
    }
    // Flows.
    for f in list(&mut cx, root, "flows") {
        let name = text(f, "name");
        let from = text(f, "source").and_then(|s| nodes.get(&s).map(str::to_owned));
        let to = text(f, "sink").and_then(|s| nodes.get(&s).map(str::to_owned));
        let (Some(from), Some(to)) = (from, to) else {
            cx.unmapped(
                at(f),
                "data flows whose source or sink is not an element",
                "a Palisade flow joins two elements",
            );
            continue;
        };
        if from == to {
            cx.unmapped(
                at(f),
                "data flows from an element to itself",
                "a Palisade flow joins two different elements",
            );
            continue;
        }
        let label = name.clone().unwrap_or_else(|| format!("{from} to {to}"));
        let id = nodes.fresh(&label, "flow");
        if let Some(n) = &name
            && nodes.get(&format!("flow:{n}")).is_none()
        {
            nodes.remember(&format!("flow:{n}"), &id);
        }
        let mut flow = palisade_model::Flow::new(id.as_str(), from.as_str(), to.as_str());
        flow.name = name;
        flow.description = text(f, "description");
        if let Some(note) = text(f, "note") {
            append(&mut flow.description, &note);
        }
        flow.protocol = text(f, "protocol").and_then(|p| mapping::protocol(&p));
        flow.port = number(f, "dstPort")
            .filter(|p| (1.0..=65535.0).contains(p))
            .and_then(|p| u16::try_from(p as i64).ok());
        if f.get("controls").and_then(|c| flag(c, "isEncrypted")) == Some(true) {
            flow.encryption = Some(Encryption::Tls);
        }
        for d in strings(f, "data") {
            if let Some(id) = data_ids.get(&d) {
                flow.data.push(DataId::new(id));
            }
        }
        model.flows.push(flow);
    }
    // Assumptions: pytm writes their names.
    let mut assumption_ids = Ids::default();
    for a in list(&mut cx, root, "assumptions") {
        let (name, description) = match &a.value {
            Value::Str(s) => (s.trim().to_owned(), None),
            _ => (text(a, "name").unwrap_or_default(), text(a, "description")),
        };
        if name.is_empty() {
            continue;
        }
        let id = assumption_ids.fresh(&name, "assumption");
        let mut assumption = name;
        if let Some(d) = description {
            assumption.push_str(": ");
            assumption.push_str(&d);
        }
        model.assumptions.push(Assumption {
            id: AssumptionId::new(id),
            assumption,
            ..Assumption::default()
        });
    }
    // Findings.
    let mut threat_ids = Ids::default();
    for (key, status) in [
        ("findings", Status::Open),
        ("excluded_findings", Status::NotApplicable),
    ] {
        for f in list(&mut cx, root, key) {
            let title = text(f, "description").unwrap_or_else(|| "pytm finding".to_owned());
            let sid = text(f, "threat_id").unwrap_or_default();
            let target = text(f, "target").unwrap_or_default();
            let id = threat_ids.fresh(&format!("{sid} {target}"), "finding");
            let mut t = mapping::threat(&id, &title);
            t.description = text(f, "details");
            for (k, label) in [
                ("example", "Example"),
                ("response", "Response"),
                ("cvss", "CVSS"),
            ] {
                if let Some(v) = text(f, k) {
                    append(&mut t.description, &format!("{label}: {v}"));
                }
            }
            if let Some(m) = text(f, "mitigations") {
                append(&mut t.description, &format!("Mitigations: {m}"));
            }
            t.severity = text(f, "severity").and_then(|s| mapping::severity(&s));
            let (capec, cwe) = references(&text(f, "references").unwrap_or_default());
            t.capec = capec;
            t.cwe = cwe;
            t.target = if let Some(e) = nodes.get(&target).filter(|e| model.element(e).is_some()) {
                mapping::on_element(e)
            } else if let Some(fl) = nodes.get(&format!("flow:{target}")) {
                mapping::on_flow(fl)
            } else {
                cx.unmapped(
                    at(f),
                    "the targets of findings that name no element or flow",
                    "such findings are imported without a target",
                );
                None
            };
            t.status = Some(status);
            if status == Status::NotApplicable {
                append(&mut t.description, "Excluded in the pytm model.");
            }
            model.threats.push(t);
        }
    }
    for key in ["threatsFile", "threatsExcluded"] {
        if let Some(n) = root.get(key).filter(|n| {
            n.as_str().is_some_and(|s| !s.is_empty()) || n.as_seq().is_some_and(|s| !s.is_empty())
        }) {
            cx.unmapped(
                at(n),
                format!("`{key}`"),
                "Palisade has its own rules; pytm's threat library is not imported",
            );
        }
    }
    cx.finish(model, Layout::default())
}
