//! OP001: an object identifier in the path, the classic BOLA candidate.
use palisade_model::Severity;
use palisade_openapi::ParameterLocation;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation whose path names an object by an identifier (`/orders/{orderId}`), where the
    /// identifier is guessable (an integer, or free text) or the operation documents no 403/404
    /// answer for objects the caller may not touch.
    ///
    /// ## Why it matters
    /// Broken Object Level Authorization is the most common API flaw: the server checks that the
    /// caller is signed in, not that the object is theirs. Changing the id in the URL then reads or
    /// changes someone else's data. Writes and deletes, enumerable integer ids, and ids that other
    /// responses reveal make it worse.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /orders/{orderId}:
    ///     delete:
    ///       parameters:
    ///         - { name: orderId, in: path, required: true, schema: { type: integer } }
    ///       responses: { "204": { description: Deleted } }
    /// ```
    ///
    /// ## Use instead
    /// A non-guessable identifier, and the refusals documented (the server checks ownership):
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /orders/{orderId}:
    ///     delete:
    ///       parameters:
    ///         - { name: orderId, in: path, required: true, schema: { type: string, format: uuid } }
    ///       responses:
    ///         "204": { description: Deleted }
    ///         "403": { description: Not your order }
    ///         "404": { description: No such order }
    /// ```
    ///
    /// ## Mitigation
    /// Check on every request that the caller may act on this object (ownership or a policy
    /// decision), with random identifiers and 403/404 answers that do not reveal which ids exist.
    ///
    /// ## References
    /// CWE-639 · CAPEC-122
    pub(crate) ObjectIdInPath {
        code: "OP001",
        applies_to: [Operation],
        stride: [ElevationOfPrivilege, InformationDisclosure],
        owasp_2023: [Api1],
        owasp_2019: [Api1],
        cwe: [639],
        capec: [122],
        severity: Medium,
    }
}

impl OperationRule for ObjectIdInPath {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let ids: Vec<_> = cx
            .op
            .parameters_in(ParameterLocation::Path)
            .filter(|p| !super::is_non_object_parameter(&p.name))
            .collect();
        let Some(first) = ids.first() else {
            return;
        };
        let schemas: Vec<_> = ids
            .iter()
            .filter_map(|p| p.schema.and_then(|s| cx.spec.schema(s)))
            .collect();
        let integer = schemas
            .iter()
            .any(|s| s.has_type("integer") || s.has_type("number"));
        let opaque = !schemas.is_empty()
            && schemas.iter().all(|s| {
                s.format.as_deref() == Some("uuid")
                    || s.pattern.is_some()
                    || !s.enum_values.is_empty()
            });
        let refusals = cx.has_response("403") && cx.has_response("404");
        if opaque && refusals {
            return;
        }
        let leaked = ids.iter().any(|p| cx.spec.responses_reveal(&p.name));
        let severity = if cx.is_write() || integer || (leaked && !refusals) {
            Severity::Medium
        } else {
            Severity::Low
        };
        let names: Vec<String> = ids.iter().map(|p| format!("`{}`", p.name)).collect();
        let mut evidence = vec![format!("path parameter {}", names.join(", "))];
        if integer {
            evidence.push("integer identifier (enumerable)".to_owned());
        }
        if !refusals {
            evidence.push("no 403/404 response documented".to_owned());
        }
        if leaked {
            evidence.push("other responses reveal this identifier".to_owned());
        }
        let action = if cx.is_write() {
            "change or delete"
        } else {
            "read"
        };
        let mut f = Finding::new(&Self::META, cx.target(), format!("{} names an object by {} — check ownership", cx.op.address(), names.join(", ")))
            .description(format!(
                "{} lets a caller {action} the object named by {} in the path. Unless the server checks that the object belongs to the caller, changing the id reaches someone else's data (BOLA).",
                cx.op.address(),
                names.join(", ")
            ))
            .severity(severity)
            .at(cx.spec.location(&first.location))
            .mitigation("Authorize access to each object on every request; use random ids; answer 403/404 without revealing existence");
        for e in evidence {
            f = f.evidence(e);
        }
        out.push(f);
    }
}
