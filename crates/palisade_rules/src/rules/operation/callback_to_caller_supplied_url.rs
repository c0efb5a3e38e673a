//! OP028: a callback sent to an address the caller supplies.

use palisade_model::Severity;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An OpenAPI 3 `callbacks` entry whose URL expression comes from the request
    /// (`{$request.body#/callbackUrl}`, `{$request.query.url}`, `{$request.header.X-Callback}`):
    /// the server will later call whatever address the caller gave.
    ///
    /// ## Why it matters
    /// Server-side request forgery, deferred: the server makes requests from inside the network
    /// to an address chosen by the caller, possibly repeatedly, and may send data with them.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /subscriptions:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { plan: { type: string, enum: [basic, pro] } } }
    ///       responses: { "201": { description: Subscribed } }
    ///       callbacks:
    ///         onEvent:
    ///           "{$request.body#/callbackUrl}":
    ///             post:
    ///               responses: { "200": { description: Received } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /subscriptions:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { plan: { type: string, enum: [basic, pro] } } }
    ///       responses: { "201": { description: Subscribed } }
    ///       callbacks:
    ///         onEvent:
    ///           "https://hooks.example.com/events":
    ///             post:
    ///               responses: { "200": { description: Received } }
    /// ```
    ///
    /// ## Mitigation
    /// Accept callback URLs only for registered, verified endpoints (a challenge request),
    /// refuse private and link-local addresses after DNS resolution, send callbacks from an
    /// egress proxy with no route inside, and sign them.
    ///
    /// ## References
    /// CWE-918 · CAPEC-664
    pub(crate) CallbackToCallerSuppliedUrl {
        code: "OP028",
        applies_to: [Operation],
        stride: [InformationDisclosure, ElevationOfPrivilege],
        owasp_2023: [Api7],
        owasp_2019: [Api8],
        cwe: [918],
        capec: [664],
        severity: Medium,
    }
}

impl OperationRule for CallbackToCallerSuppliedUrl {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let supplied: Vec<_> = cx
            .op
            .callbacks
            .iter()
            .filter(|c| c.expression.contains("$request."))
            .collect();
        let Some(first) = supplied.first() else {
            return;
        };
        let expressions: Vec<String> = supplied
            .iter()
            .map(|c| format!("`{}` ({})", c.expression, c.name))
            .collect();
        let unauthenticated = cx.left_open();
        let mut f = Finding::new(
            &Self::META,
            cx.target(),
            format!("{} calls back an address the caller chooses", cx.op.address()),
        )
        .description(format!(
            "{} registers callbacks to {}: the server will send requests from inside its network to wherever the caller pointed it.",
            cx.op.address(),
            super::list(&expressions)
        ))
        .severity(if unauthenticated {
            Severity::High
        } else {
            Severity::Medium
        })
        .at(cx.spec.location(&first.location))
        .mitigation("Verify callback endpoints before use, refuse private addresses, send through an egress proxy");
        for e in &expressions {
            f = f.evidence(format!("callback URL {e}"));
        }
        out.push(f);
    }
}
