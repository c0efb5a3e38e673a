//! OP027: the TRACE method is part of the API.

use palisade_openapi::Method;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation with the `TRACE` method.
    ///
    /// ## Why it matters
    /// `TRACE` echoes the request back, headers included: cookies and `Authorization` headers
    /// that a proxy added, or that script could not read, are reflected to whoever sent it
    /// (cross-site tracing). No API needs it; its presence says the server's method handling was
    /// not locked down.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /echo:
    ///     trace:
    ///       responses: { "200": { description: The request, echoed } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /echo:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { text: { type: string, maxLength: 200 } } }
    ///       responses: { "200": { description: The text, echoed } }
    /// ```
    ///
    /// ## Mitigation
    /// Disable `TRACE` (and every method the API does not use) at the server and the gateway.
    ///
    /// ## References
    /// CWE-693 · CAPEC-107
    pub(crate) TraceMethodExposed {
        code: "OP027",
        applies_to: [Operation],
        stride: [InformationDisclosure],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [693],
        capec: [107],
        severity: Medium,
    }
}

impl OperationRule for TraceMethodExposed {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if cx.op.method != Method::Trace {
            return;
        }
        out.push(
            Finding::new(
                &Self::META,
                cx.target(),
                format!("{} exposes the TRACE method", cx.op.address()),
            )
            .description(format!(
                "{} echoes requests back, headers included: cookies and authorization headers can be read cross-site.",
                cx.op.address()
            ))
            .evidence("method TRACE")
            .at(cx.location())
            .mitigation("Disable TRACE at the server and the gateway"),
        );
    }
}
