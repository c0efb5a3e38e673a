//! AWS Threat Composer exports (`.tc.json`, schema 1): threats (grammar fields and the rendered
//! statement, priority, STRIDE, status), mitigations, assumptions and the links between them.
//! Threat Composer draws no data-flow diagram of its own: the architecture and data flow are
//! markdown (kept in the system description) and images (dropped, with a note).

use std::collections::HashMap;

use palisade_diagnostics::Diagnostic;
use palisade_model::{
    Assumption, AssumptionId, Layout, Mitigation, MitigationId, MitigationStatus, Model, Status,
};
use palisade_syntax::Node;

use crate::Imported;
use crate::cx::{Cx, at, headline, list, require_map, strings, text};
use crate::mapping::{self, append};
use crate::slug::Ids;

/// `metadata: [{key, value}]` → the value of `key` (a string or a list of strings).
fn metadata(node: &Node, key: &str) -> Vec<String> {
    node.get("metadata")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter(|m| text(m, "key").as_deref() == Some(key))
        .flat_map(|m| match m.get("value") {
            Some(v) if v.as_seq().is_some() => v
                .as_seq()
                .unwrap_or_default()
                .iter()
                .filter_map(Node::scalar_text)
                .collect(),
            Some(v) => v.scalar_text().into_iter().collect(),
            None => Vec::new(),
        })
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// `T-22`, `M-19`, `A-5`: the ids Threat Composer shows.
fn short_id(ids: &mut Ids, node: &Node, prefix: &str) -> String {
    let wanted = node
        .get("numericId")
        .and_then(Node::as_i64)
        .map_or_else(|| prefix.to_owned(), |n| format!("{prefix}-{n}"));
    let id = if ids.reserve(&wanted) {
        wanted
    } else {
        ids.fresh(&wanted, prefix)
    };
    if let Some(tc) = text(node, "id") {
        ids.remember(&tc, &id);
    }
    id
}

pub(crate) fn import(mut cx: Cx, root: &Node) -> Result<Imported, Vec<Diagnostic>> {
    if !require_map(&mut cx, root, "a Threat Composer export") {
        return Err(cx.into_errors());
    }
    if let Some(schema) = root.get("schema")
        && schema.as_i64() != Some(1)
    {
        cx.approximate(
            schema.span,
            "this Threat Composer schema version is read as version 1",
            "Palisade reads Threat Composer's schema 1",
        );
    }
    let info = root.get("applicationInfo");
    let mut model = Model::new(
        info.and_then(|i| text(i, "name"))
            .unwrap_or_else(|| "Threat Composer workspace".to_owned()),
    );
    let mut description = info.and_then(|i| text(i, "description"));
    for (key, heading) in [("architecture", "Architecture"), ("dataflow", "Data flow")] {
        let Some(section) = root.get(key) else {
            continue;
        };
        if let Some(d) = text(section, "description") {
            append(&mut description, &format!("## {heading}\n\n{d}"));
        }
        if let Some(image) = section
            .get("image")
            .filter(|i| i.as_str().is_some_and(|s| !s.is_empty()))
        {
            cx.unmapped(
                at(image),
                format!("the {} diagram image", heading.to_ascii_lowercase()),
                "images are not kept in a Palisade model; its description is kept in the system description",
            );
        }
    }
    model.system.description = description;

    let mut assumption_ids = Ids::default();
    for a in list(&mut cx, root, "assumptions") {
        let id = short_id(&mut assumption_ids, a, "A");
        let mut textual = text(a, "content");
        for c in metadata(a, "Comments") {
            append(&mut textual, &format!("Comments: {c}"));
        }
        let Some(assumption) = textual else {
            cx.unmapped(
                at(a),
                "assumptions without content",
                "an assumption needs its text",
            );
            continue;
        };
        if !strings(a, "tags").is_empty() {
            cx.unmapped(
                at(a),
                "the tags of assumptions",
                "a Palisade assumption has no tags",
            );
        }
        model.assumptions.push(Assumption {
            id: AssumptionId::new(id),
            assumption,
            ..Assumption::default()
        });
    }

    let mut mitigation_ids = Ids::default();
    for m in list(&mut cx, root, "mitigations") {
        let id = short_id(&mut mitigation_ids, m, "M");
        let content = text(m, "content").unwrap_or_else(|| id.clone());
        let mut description = Some(content.clone());
        for c in metadata(m, "Comments") {
            append(&mut description, &format!("Comments: {c}"));
        }
        let status = match text(m, "status").as_deref() {
            Some("mitigationInProgress" | "mitigationIdentified") => {
                Some(MitigationStatus::Planned)
            }
            Some("mitigationResolved") => Some(MitigationStatus::Implemented),
            None => None,
            Some(other) => {
                cx.unmapped(
                    m.get("status").map_or_else(|| at(m), at),
                    format!("the mitigation status `{other}`"),
                    "Palisade mitigation statuses are planned, implemented and verified",
                );
                None
            }
        };
        if !strings(m, "tags").is_empty() {
            cx.unmapped(
                at(m),
                "the tags of mitigations",
                "a Palisade mitigation has no tags",
            );
        }
        model.mitigations.push(Mitigation {
            id: MitigationId::new(id),
            name: Some(headline(&content)),
            description,
            status,
            ..Mitigation::default()
        });
    }

    // Links, by Threat Composer id of the threat.
    let mut mitigations_of: HashMap<String, Vec<MitigationId>> = HashMap::new();
    for link in list(&mut cx, root, "mitigationLinks") {
        let (Some(m), Some(linked)) = (text(link, "mitigationId"), text(link, "linkedId")) else {
            continue;
        };
        match mitigation_ids.get(&m) {
            Some(mid) => mitigations_of
                .entry(linked)
                .or_default()
                .push(MitigationId::new(mid)),
            None => cx.unmapped(
                at(link),
                "mitigation links to mitigations that are not in the file",
                "the link names no mitigation of the export",
            ),
        }
    }
    let mut assumptions_of: HashMap<String, Vec<AssumptionId>> = HashMap::new();
    for link in list(&mut cx, root, "assumptionLinks") {
        let (Some(a), Some(linked)) = (text(link, "assumptionId"), text(link, "linkedId")) else {
            continue;
        };
        let kind = text(link, "type").unwrap_or_else(|| "Threat".to_owned());
        match assumption_ids.get(&a) {
            Some(aid) if kind == "Threat" => assumptions_of
                .entry(linked)
                .or_default()
                .push(AssumptionId::new(aid)),
            Some(_) => cx.unmapped(
                at(link),
                format!("assumption links to a {kind}"),
                "a Palisade threat names the assumptions it relies on; mitigations do not",
            ),
            None => cx.unmapped(
                at(link),
                "assumption links to assumptions that are not in the file",
                "the link names no assumption of the export",
            ),
        }
    }

    let mut threat_ids = Ids::default();
    for t in list(&mut cx, root, "threats") {
        let id = short_id(&mut threat_ids, t, "T");
        let tc_id = text(t, "id").unwrap_or_default();
        let title = text(t, "statement").unwrap_or_else(|| {
            [
                text(t, "threatSource"),
                text(t, "prerequisites"),
                text(t, "threatAction"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
        });
        let title = if title.is_empty() { id.clone() } else { title };
        let mut entry = mapping::threat(&id, &title);
        let mut description = None;
        for (key, label) in [
            ("threatSource", "Threat source"),
            ("prerequisites", "Prerequisites"),
            ("threatAction", "Threat action"),
            ("threatImpact", "Threat impact"),
        ] {
            if let Some(v) = text(t, key) {
                append(&mut description, &format!("{label}: {v}"));
            }
        }
        for (key, label) in [
            ("impactedGoal", "Impacted goal"),
            ("impactedAssets", "Impacted assets"),
            ("tags", "Tags"),
        ] {
            let values = strings(t, key);
            if !values.is_empty() {
                append(&mut description, &format!("{label}: {}", values.join(", ")));
            }
        }
        for c in metadata(t, "Comments") {
            append(&mut description, &format!("Comments: {c}"));
        }
        entry.description = description;
        for letter in metadata(t, "STRIDE") {
            if let Some(s) = mapping::stride(&letter)
                && !entry.stride.contains(&s)
            {
                entry.stride.push(s);
            }
        }
        if let Some(p) = metadata(t, "Priority").first() {
            entry.severity = mapping::severity(p);
        }
        entry.status = Some(match text(t, "status").as_deref() {
            Some("threatResolved") => Status::Mitigated,
            Some("threatResolvedNotUseful") => Status::NotApplicable,
            Some("threatIdentified") | None => Status::Open,
            Some(other) => {
                cx.unmapped(
                    t.get("status").map_or_else(|| at(t), at),
                    format!("the threat status `{other}`"),
                    "such threats are imported as open",
                );
                Status::Open
            }
        });
        entry.mitigations = mitigations_of.remove(&tc_id).unwrap_or_default();
        entry.mitigations.dedup();
        entry.assumptions = assumptions_of.remove(&tc_id).unwrap_or_default();
        entry.assumptions.dedup();
        model.threats.push(entry);
    }
    let dangling = mitigations_of.values().map(Vec::len).sum::<usize>()
        + assumptions_of.values().map(Vec::len).sum::<usize>();
    if dangling > 0 {
        let span = root.get("mitigationLinks").map_or_else(crate::cx::top, at);
        for _ in 0..dangling {
            cx.unmapped(
                span,
                "links to threats or mitigations that are not in the file",
                "the link's `linkedId` names no threat of the export",
            );
        }
    }
    cx.finish(model, Layout::default())
}
