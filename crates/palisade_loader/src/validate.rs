//! Checks across the whole model once it is read: duplicate ids, references to unknown ids (with
//! "did you mean"), cycles in nesting, flows from an element to itself.

use std::collections::HashMap;

use palisade_diagnostics::{Span, did_you_mean};
use palisade_model::Model;

use crate::codes;
use crate::read::{Ctx, RefKind};

/// Runs every cross-reference check, adding diagnostics to `cx`.
pub(crate) fn check(cx: &mut Ctx, model: &Model) {
    let defined = definitions(cx, model);
    references(cx, &defined);
    self_flows(cx, model);
    boundary_cycles(cx, model);
    element_cycles(cx, model);
}

type Defined = HashMap<RefKind, HashMap<String, Span>>;

fn definitions(cx: &mut Ctx, model: &Model) -> Defined {
    let mut defined: Defined = HashMap::new();
    let groups: [(RefKind, Vec<(&str, Span)>); 7] = [
        (
            RefKind::Element,
            model
                .elements
                .iter()
                .map(|e| (e.id.as_str(), e.span))
                .collect(),
        ),
        (
            RefKind::Flow,
            model
                .flows
                .iter()
                .map(|e| (e.id.as_str(), e.span))
                .collect(),
        ),
        (
            RefKind::Boundary,
            model
                .boundaries
                .iter()
                .map(|e| (e.id.as_str(), e.span))
                .collect(),
        ),
        (
            RefKind::Data,
            model.data.iter().map(|e| (e.id.as_str(), e.span)).collect(),
        ),
        (
            RefKind::Api,
            model.apis.iter().map(|e| (e.id.as_str(), e.span)).collect(),
        ),
        (
            RefKind::Mitigation,
            model
                .mitigations
                .iter()
                .map(|e| (e.id.as_str(), e.span))
                .collect(),
        ),
        (
            RefKind::Assumption,
            model
                .assumptions
                .iter()
                .map(|a| (a.id.as_str(), a.span))
                .collect(),
        ),
    ];
    for (kind, items) in groups {
        let map = defined.entry(kind).or_default();
        duplicates(cx, kind.noun(), &items, map);
    }
    // Ids of other sections are not referenced by kind, but must be unique all the same.
    let mut seen = HashMap::new();
    let threats: Vec<_> = model
        .threats
        .iter()
        .map(|t| (t.id.as_str(), t.span))
        .collect();
    duplicates(cx, "threat", &threats, &mut seen);
    let mut seen = HashMap::new();
    let objectives: Vec<_> = model
        .objectives
        .iter()
        .map(|o| (o.id.as_str(), o.span))
        .collect();
    duplicates(cx, "objective", &objectives, &mut seen);
    let mut seen = HashMap::new();
    let rules: Vec<_> = model
        .custom_rules
        .iter()
        .map(|r| (r.code.as_str(), r.span))
        .collect();
    duplicates(cx, "custom rule", &rules, &mut seen);
    defined
}

/// Checks a rules file: custom rule codes are unique.
pub(crate) fn check_rules(cx: &mut Ctx, rules: &[palisade_model::CustomRule]) {
    let codes: Vec<_> = rules.iter().map(|r| (r.code.as_str(), r.span)).collect();
    duplicates(cx, "custom rule", &codes, &mut HashMap::new());
}

fn duplicates(cx: &mut Ctx, noun: &str, items: &[(&str, Span)], seen: &mut HashMap<String, Span>) {
    for &(id, span) in items {
        if let Some(first) = seen.get(id) {
            let first = *first;
            let file = cx.file.clone();
            cx.error(
                codes::DUPLICATE_ID,
                format!("duplicate {noun} id `{id}`"),
                span,
                "defined again here",
            )
            .notes
            .push(format!(
                "first defined at {file}:{}:{}",
                first.start.line, first.start.col
            ));
        } else {
            seen.insert(id.to_owned(), span);
        }
    }
}

fn references(cx: &mut Ctx, defined: &Defined) {
    let refs = std::mem::take(&mut cx.refs);
    let file = cx.file.clone();
    for site in &refs {
        let Some(ids) = defined.get(&site.kind) else {
            continue;
        };
        if ids.contains_key(&site.id) {
            continue;
        }
        let noun = site.kind.noun();
        let suggestion = did_you_mean(&site.id, ids.keys().map(String::as_str));
        let d = cx.error(
            codes::UNKNOWN_REF,
            format!(
                "{} refers to unknown {noun} `{}` in `{}`",
                site.owner, site.id, site.key
            ),
            site.span,
            &format!("no {noun} with this id"),
        );
        match suggestion {
            Some(s) => {
                let at = ids[s];
                d.help.push(format!(
                    "did you mean `{s}` (defined at {file}:{}:{})?",
                    at.start.line, at.start.col
                ));
            }
            None if ids.is_empty() => d
                .help
                .push(format!("define it under `{}:`", site.kind.section())),
            None => d.help.push(format!(
                "add a {noun} with this id under `{}:`, or use an existing one",
                site.kind.section()
            )),
        }
    }
    cx.refs = refs;
}

fn self_flows(cx: &mut Ctx, model: &Model) {
    for flow in &model.flows {
        if flow.from == flow.to {
            let span = cx
                .field_spans
                .get(&(format!("data flow `{}`", flow.id), "to"))
                .copied()
                .unwrap_or(flow.span);
            cx.error(
                codes::SELF_FLOW,
                format!(
                    "data flow `{}` goes from `{}` to itself",
                    flow.id, flow.from
                ),
                span,
                "same element as `from`",
            )
            .help
            .push(
                "a flow joins two different elements; model the inner parts as separate processes"
                    .to_owned(),
            );
        }
    }
}

/// Reports a cycle once, at the first member (in file order) that is part of it.
fn cycles<'a>(
    cx: &mut Ctx,
    noun: &str,
    items: impl Iterator<Item = (&'a str, Option<&'a str>, Span)>,
) {
    let items: Vec<_> = items.collect();
    let parent: HashMap<&str, &str> = items
        .iter()
        .filter_map(|(id, p, _)| p.map(|p| (*id, p)))
        .collect();
    let mut reported: Vec<&str> = Vec::new();
    for (id, _, span) in &items {
        if reported.contains(id) {
            continue;
        }
        let mut path = vec![*id];
        let mut current = *id;
        while let Some(&next) = parent.get(current) {
            if next == *id {
                reported.extend(path.iter().copied());
                let chain = path
                    .iter()
                    .chain(std::iter::once(id))
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(" → ");
                let owner = format!("{noun} `{id}`");
                let at = cx
                    .field_spans
                    .get(&(owner, "parent"))
                    .copied()
                    .unwrap_or(*span);
                cx.error(
                    codes::CYCLE,
                    format!("{noun} `{id}` is nested inside itself: {chain}"),
                    at,
                    "this parent leads back here",
                )
                .help
                .push("nesting must form a tree: remove one `parent` in the chain".to_owned());
                break;
            }
            if path.contains(&next) || path.len() > items.len() {
                break;
            }
            path.push(next);
            current = next;
        }
    }
}

fn boundary_cycles(cx: &mut Ctx, model: &Model) {
    cycles(
        cx,
        "trust boundary",
        model.boundaries.iter().map(|b| {
            (
                b.id.as_str(),
                b.parent.as_ref().map(palisade_model::BoundaryId::as_str),
                b.span,
            )
        }),
    );
}

fn element_cycles(cx: &mut Ctx, model: &Model) {
    cycles(
        cx,
        "element",
        model.elements.iter().map(|e| {
            (
                e.id.as_str(),
                e.parent.as_ref().map(palisade_model::ElementId::as_str),
                e.span,
            )
        }),
    );
}
