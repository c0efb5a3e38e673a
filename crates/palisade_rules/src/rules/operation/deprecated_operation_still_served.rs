//! OP015: an operation marked deprecated that the API still serves.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation with `deprecated: true`.
    ///
    /// ## Why it matters
    /// A deprecated operation is one nobody means to maintain, yet it still answers: it tends to
    /// miss new checks and fixes, and it is easy to forget in reviews and inventories.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /orders/{id}/export:
    ///     get:
    ///       deprecated: true
    ///       parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
    ///       responses: { "200": { description: Export }, "403": { description: No }, "404": { description: No } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths: {}
    /// ```
    ///
    /// ## Mitigation
    /// Remove deprecated operations once their sunset date passes; until then, keep them under the
    /// same controls as current ones and monitor who still calls them.
    ///
    /// ## References
    /// CWE-1059
    pub(crate) DeprecatedOperationStillServed {
        code: "OP015",
        applies_to: [Operation],
        stride: [ElevationOfPrivilege],
        owasp_2023: [Api9],
        owasp_2019: [Api9],
        cwe: [1059],
        capec: [],
        severity: Low,
    }
}

impl OperationRule for DeprecatedOperationStillServed {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if !cx.op.deprecated {
            return;
        }
        out.push(
            Finding::new(&Self::META, cx.target(), format!("{} is deprecated but still served", cx.op.address()))
                .description(format!(
                    "{} is marked deprecated and still part of the API: it must keep every control current operations have until it is removed.",
                    cx.op.address()
                ))
                .evidence("deprecated: true")
                .at(cx.location())
                .mitigation("Remove it after its sunset date; monitor remaining callers"),
        );
    }
}
