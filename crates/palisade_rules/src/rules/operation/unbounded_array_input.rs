//! OP006: array inputs with no maximum number of items.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// Parameters or request-body properties of type array with no `maxItems`. One threat per
    /// operation lists the fields.
    ///
    /// ## Why it matters
    /// A client can send a million items in one request; each item costs validation, database
    /// work or downstream calls, so one request can tie up a server (and batch endpoints amplify
    /// brute force).
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /orders:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema:
    ///               type: object
    ///               properties:
    ///                 lines: { type: array, items: { type: integer, minimum: 1, maximum: 99 } }
    ///       responses: { "201": { description: Created } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /orders:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema:
    ///               type: object
    ///               properties:
    ///                 lines: { type: array, maxItems: 100, items: { type: integer, minimum: 1, maximum: 99 } }
    ///       responses: { "201": { description: Created } }
    /// ```
    ///
    /// ## Mitigation
    /// Give every array a `maxItems` and enforce it before processing the items.
    ///
    /// ## References
    /// CWE-770 · CAPEC-130
    pub(crate) UnboundedArrayInput {
        code: "OP006",
        applies_to: [Operation],
        stride: [DenialOfService],
        owasp_2023: [Api4],
        owasp_2019: [Api4],
        cwe: [770],
        capec: [130],
        severity: Low,
    }
}

impl OperationRule for UnboundedArrayInput {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let unbounded: Vec<_> = cx
            .inputs()
            .into_iter()
            .filter(|i| i.schema.has_type("array") && i.schema.max_items.is_none())
            .collect();
        let unbounded_root: Vec<_> = cx
            .request_schemas()
            .into_iter()
            .filter(|(_, s)| s.has_type("array") && s.max_items.is_none())
            .collect();
        let mut names: Vec<String> = unbounded
            .iter()
            .map(crate::spec_context::Input::describe)
            .collect();
        let mut location = unbounded.first().map(|i| i.location);
        if let Some((media, s)) = unbounded_root.first() {
            names.insert(0, format!("the `{media}` body itself"));
            location = Some(&s.location);
        }
        let Some(location) = location else {
            return;
        };
        let mut f = Finding::new(&Self::META, cx.target(), format!("{} accepts arrays of any size", cx.op.address()))
            .description(format!(
                "{} takes {} without maxItems: one request can carry enough items to tie up the server.",
                cx.op.address(),
                super::list(&names)
            ))
            .at(cx.spec.location(location))
            .mitigation("Add maxItems to every array input");
        for n in names.iter().take(20) {
            f = f.evidence(format!("{n} has no maxItems"));
        }
        out.push(f);
    }
}
