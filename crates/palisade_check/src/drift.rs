//! Drift: the model against its OpenAPI documents. Operations a document has and the model does
//! not account for (shadow APIs), operations or documents the model names that are gone (zombie
//! APIs), deprecated or retired APIs still in use, and documents changed since the last review.

use std::collections::{BTreeSet, HashMap};

use palisade_model::{Api, Lifecycle, Severity};
use palisade_openapi::Spec;
use palisade_rules::{Location, Target};

use crate::codes;
use crate::{Category, EffectivePolicy, Input, Item, at};

/// `get /a/{id}` and `GET /a/{petId}` address the same operation: the method in capitals, path
/// parameters without their names, no trailing slash.
pub fn normalize_operation(text: &str) -> String {
    let mut parts = text.split_whitespace();
    let method = parts.next().unwrap_or_default().to_ascii_uppercase();
    let path = parts.next().unwrap_or_default();
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    out.push_str("{}");
                }
            }
            '}' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    if out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    format!("{method} {out}")
}

fn spec_operations(spec: &Spec) -> HashMap<String, &palisade_openapi::Operation> {
    spec.operations
        .iter()
        .map(|op| (normalize_operation(&op.address()), op))
        .collect()
}

pub(crate) fn items(input: &Input, policy: &EffectivePolicy, items: &mut Vec<Item>) {
    let fails = policy.fail_on_drift;
    let push = |items: &mut Vec<Item>,
                code: &'static str,
                key: String,
                message: String,
                location: Option<Location>,
                label: &str,
                help: String| {
        items.push(Item {
            key,
            code,
            category: Category::Drift,
            fails: fails && code != codes::SPEC_NOT_HASHED,
            message,
            location,
            label: label.to_owned(),
            help: vec![help],
            threat: None,
            severity: Severity::Medium,
        });
    };
    let specs: HashMap<&str, &crate::SpecInput> = input.specs.iter().map(|s| (s.api, s)).collect();
    for api in &input.model.apis {
        let here = at(input, api.span);
        if input.missing_specs.contains(&api.id.as_str()) {
            push(
                items,
                codes::MISSING_SPEC,
                format!("api:{}:spec", api.id),
                format!(
                    "API `{}` names the OpenAPI document `{}`, which no longer exists",
                    api.id,
                    api.spec.as_deref().unwrap_or_default()
                ),
                here.clone(),
                "its `spec` is gone",
                "point `spec` at the document's new place, or mark the API `lifecycle: retired` and remove `spec`".to_owned(),
            );
        }
        let spec = specs.get(api.id.as_str());
        if let Some(spec) = spec {
            operations(api, spec.spec, here.as_ref(), &push, items);
            review_hash(input, api, spec, here.as_ref(), &push, items);
        }
        lifecycle(
            input,
            api,
            spec.map(|s| s.spec),
            here.as_ref(),
            &push,
            items,
        );
    }
    targeted_operations(input, &specs, &push, items);
}

type Push<'a> =
    dyn Fn(&mut Vec<Item>, &'static str, String, String, Option<Location>, &str, String) + 'a;

/// CK005 and CK006 for an API that lists its operations.
fn operations(api: &Api, spec: &Spec, here: Option<&Location>, push: &Push, items: &mut Vec<Item>) {
    if api.operations.is_empty() {
        return;
    }
    let listed: BTreeSet<String> = api
        .operations
        .iter()
        .map(|o| normalize_operation(o))
        .collect();
    let present = spec_operations(spec);
    for op in &spec.operations {
        if listed.contains(&normalize_operation(&op.address())) {
            continue;
        }
        push(
            items,
            codes::SHADOW_OPERATION,
            format!(
                "operation:{}:{}",
                api.id,
                normalize_operation(&op.address())
            ),
            format!(
                "{} is in the OpenAPI document of API `{}` but not in the model (a shadow API)",
                op.address(),
                api.id
            ),
            Some(Location::new(op.location.file.clone(), op.location.span)),
            "not accounted for by the model",
            format!(
                "threat-model it, then add `{}` to `operations` of API `{}`",
                op.address(),
                api.id
            ),
        );
    }
    for listed in &api.operations {
        if present.contains_key(&normalize_operation(listed)) {
            continue;
        }
        push(
            items,
            codes::ZOMBIE_OPERATION,
            format!("operation:{}:{}", api.id, normalize_operation(listed)),
            format!(
                "API `{}` lists {listed}, which its OpenAPI document no longer has (a zombie API)",
                api.id
            ),
            here.cloned(),
            "listed here",
            format!(
                "remove `{listed}` from `operations`, or restore it in `{}` if it is still served",
                api.spec.as_deref().unwrap_or("the document")
            ),
        );
    }
}

/// CK009 and CK010: the document's hash against `reviewed.specs`.
fn review_hash(
    input: &Input,
    api: &Api,
    spec: &crate::SpecInput,
    here: Option<&Location>,
    push: &Push,
    items: &mut Vec<Item>,
) {
    let (Some(path), Some(hash)) = (&api.spec, &spec.hash) else {
        return;
    };
    let reviewed = input.model.reviewed.as_ref();
    let recorded = reviewed.and_then(|r| r.specs.get(path));
    let when = reviewed
        .and_then(|r| r.date)
        .map(|d| format!(" on {d}"))
        .unwrap_or_default();
    match recorded {
        Some(old) if old.eq_ignore_ascii_case(hash) => {}
        Some(old) => push(
            items,
            codes::SPEC_CHANGED,
            format!("api:{}:hash", api.id),
            format!(
                "the OpenAPI document `{path}` of API `{}` changed since the model was reviewed{when}",
                api.id
            ),
            here.cloned(),
            "its document changed",
            format!(
                "review the change against the model, then set `reviewed.specs.\"{path}\": {hash}` (was {old}) and `reviewed.date`"
            ),
        ),
        None => push(
            items,
            codes::SPEC_NOT_HASHED,
            format!("api:{}:hash", api.id),
            format!(
                "the model records no review hash for `{path}` (API `{}`): changes to it go unnoticed",
                api.id
            ),
            here.cloned(),
            "no review hash",
            format!("once reviewed, record it under `reviewed.specs`: `\"{path}\": {hash}`"),
        ),
    }
}

/// CK008: a deprecated or retired API that is still served or consumed.
fn lifecycle(
    input: &Input,
    api: &Api,
    spec: Option<&Spec>,
    here: Option<&Location>,
    push: &Push,
    items: &mut Vec<Item>,
) {
    let Some(stage @ (Lifecycle::Deprecated | Lifecycle::Retired)) = api.lifecycle else {
        return;
    };
    let flows: Vec<&str> = input
        .model
        .flows
        .iter()
        .filter(|f| f.api.as_ref() == Some(&api.id))
        .map(|f| f.id.as_str())
        .collect();
    let mut uses = Vec::new();
    if !flows.is_empty() {
        uses.push(format!(
            "flows {}",
            flows
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !api.consumed_by.is_empty() {
        uses.push(format!(
            "consumers {}",
            api.consumed_by
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if stage == Lifecycle::Retired
        && let Some(spec) = spec
        && !spec.operations.is_empty()
    {
        uses.push(format!(
            "a document with {} operations",
            spec.operations.len()
        ));
    }
    if uses.is_empty() {
        return;
    }
    push(
        items,
        codes::DEPRECATED_API_EXPOSED,
        format!("api:{}:lifecycle", api.id),
        format!(
            "API `{}` is {stage} but still has {}",
            api.id,
            uses.join(" and ")
        ),
        here.cloned(),
        &format!("{stage} API still in use"),
        "move its consumers to the current version and stop serving it, or correct `lifecycle`"
            .to_owned(),
    );
}

/// CK006 for threats written by hand about an operation that no document has.
fn targeted_operations(
    input: &Input,
    specs: &HashMap<&str, &crate::SpecInput>,
    push: &Push,
    items: &mut Vec<Item>,
) {
    if specs.is_empty() {
        return;
    }
    let present: HashMap<&str, HashMap<String, &palisade_openapi::Operation>> = specs
        .iter()
        .map(|(api, s)| (*api, spec_operations(s.spec)))
        .collect();
    for t in input
        .threats
        .iter()
        .filter(|t| t.rule == palisade_rules::MANUAL)
    {
        let Target::Operation { api, operation } = &t.target else {
            continue;
        };
        let key = normalize_operation(operation);
        let found = match present.get(api.as_str()) {
            Some(ops) => ops.contains_key(&key),
            // An API without a loaded document: look in every document.
            None => present.values().any(|ops| ops.contains_key(&key)),
        };
        // An API the model describes without a document: nothing to compare with.
        let undocumented = !present.contains_key(api.as_str())
            && input.model.api(api).is_some_and(|a| a.spec.is_none());
        if found || undocumented {
            continue;
        }
        push(
            items,
            codes::ZOMBIE_OPERATION,
            format!("threat:{}", t.id),
            format!(
                "threat `{}` is about {operation}, which no OpenAPI document of the model has (a zombie API)",
                t.id
            ),
            t.location.clone(),
            "this operation is gone",
            "retarget or close the threat, or restore the operation if it is still served"
                .to_owned(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_operation;

    #[test]
    fn operations_compare_without_parameter_names() {
        assert_eq!(normalize_operation("get /a/{id}/"), "GET /a/{}");
        assert_eq!(normalize_operation("GET  /a/{petId}"), "GET /a/{}");
        assert_eq!(normalize_operation("POST /"), "POST /");
        assert_ne!(normalize_operation("GET /a"), normalize_operation("GET /b"));
    }
}
