//! OP007: numeric inputs with no minimum or maximum.
use palisade_model::Severity;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// Numeric parameters or request-body properties (`integer`, `number`) missing a `minimum` or a
    /// `maximum`. Amounts, balances, quantities and sizes are reported as medium.
    ///
    /// ## Why it matters
    /// Negative quantities refund money, huge page sizes exhaust the database, and overflowing
    /// amounts raise exceptions that leak internals. Business logic relies on ranges the API never
    /// states.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /transfers:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { amount: { type: number } } }
    ///       responses: { "201": { description: Created } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /transfers:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { amount: { type: number, minimum: 0.01, maximum: 10000 } } }
    ///       responses: { "201": { description: Created } }
    /// ```
    ///
    /// ## Mitigation
    /// State `minimum` and `maximum` for every number, and validate them server-side.
    ///
    /// ## References
    /// CWE-1284 · CAPEC-128
    pub(crate) UnboundedNumericInput {
        code: "OP007",
        applies_to: [Operation],
        stride: [Tampering, DenialOfService],
        owasp_2023: [Api4],
        owasp_2019: [Api4],
        cwe: [1284],
        capec: [128],
        severity: Low,
    }
}

impl OperationRule for UnboundedNumericInput {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let unbounded: Vec<_> = cx
            .inputs()
            .into_iter()
            .filter(|i| {
                (i.schema.has_type("integer") || i.schema.has_type("number"))
                    && (i.schema.minimum.is_none() || i.schema.maximum.is_none())
                    && i.schema.enum_values.is_empty()
                    && i.schema.const_value.is_none()
            })
            .collect();
        let Some(first) = unbounded.first() else {
            return;
        };
        let money = unbounded.iter().any(|i| {
            crate::spec_context::words(i.name).iter().any(|w| {
                matches!(
                    w.as_str(),
                    "amount"
                        | "balance"
                        | "price"
                        | "quantity"
                        | "qty"
                        | "credit"
                        | "credits"
                        | "total"
                        | "limit"
                        | "size"
                        | "count"
                )
            })
        });
        let names: Vec<String> = unbounded
            .iter()
            .map(crate::spec_context::Input::describe)
            .collect();
        let mut f = Finding::new(&Self::META, cx.target(), format!("{} accepts numbers without a range", cx.op.address()))
            .description(format!(
                "{} takes {} without both a minimum and a maximum: negative or huge values reach the business logic.",
                cx.op.address(),
                super::list(&names)
            ))
            .severity(if money { Severity::Medium } else { Severity::Low })
            .at(cx.spec.location(first.location))
            .mitigation("Add minimum and maximum to every numeric input");
        for n in names.iter().take(20) {
            f = f.evidence(format!("{n} has no full range"));
        }
        out.push(f);
    }
}
