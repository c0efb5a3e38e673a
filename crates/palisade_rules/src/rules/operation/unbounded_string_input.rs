//! OP005: string inputs with no maximum length.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// Parameters or request-body properties of type string with no `maxLength`, `enum`, `pattern`
    /// or bounded `format`. One threat per operation lists the fields.
    ///
    /// ## Why it matters
    /// Unbounded text costs memory, storage and CPU: megabyte-long values, catastrophic
    /// backtracking in validation regexes (ReDoS), and oversized values stored for others to load.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users/{username}/email:
    ///     put:
    ///       parameters:
    ///         - { name: username, in: path, required: true, schema: { type: string, maxLength: 32 } }
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { email: { type: string } } }
    ///       responses: { "204": { description: Updated } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users/{username}/email:
    ///     put:
    ///       parameters:
    ///         - { name: username, in: path, required: true, schema: { type: string, maxLength: 32 } }
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { email: { type: string, format: email, maxLength: 254 } } }
    ///       responses: { "204": { description: Updated } }
    /// ```
    ///
    /// ## Mitigation
    /// Give every string a `maxLength` (and a `pattern` or `format` where the shape is known), and
    /// enforce it before parsing further.
    ///
    /// ## References
    /// CWE-770 · CAPEC-130
    pub(crate) UnboundedStringInput {
        code: "OP005",
        applies_to: [Operation],
        stride: [DenialOfService, Tampering],
        owasp_2023: [Api4],
        owasp_2019: [Api4],
        cwe: [770],
        capec: [130],
        severity: Low,
    }
}

impl OperationRule for UnboundedStringInput {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let unbounded: Vec<_> = cx
            .inputs()
            .into_iter()
            .filter(|i| {
                i.schema.has_type("string")
                    && !i.is_constrained_string()
                    && i.schema.format.as_deref() != Some("binary")
            })
            .collect();
        let title = format!("{} accepts strings of any length", cx.op.address());
        if let Some(f) = super::inputs_finding(
            &Self::META,
            cx,
            &unbounded,
            title,
            |list| {
                format!(
                    "{} takes {list} without a maximum length: oversized values cost memory and CPU and can trigger regex backtracking.",
                    cx.op.address()
                )
            },
            "has no maxLength",
            "Add maxLength (and a pattern or format) to every string input",
        ) {
            out.push(f);
        }
    }
}
