//! AS009: no operation of the API documents a rate limit.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::{SpecCx, documents_rate_limit};

declare_rule! {
    /// ## What it detects
    /// A document in which no operation declares a `429` response, a rate-limit header
    /// (`RateLimit-*`, `X-RateLimit-*`, `Retry-After`) or a rate-limit extension.
    ///
    /// ## Why it matters
    /// Unrestricted resource consumption: without limits one client can exhaust the service or
    /// its budget, and callers cannot back off gracefully. A limit that is not in the contract is
    /// rarely tested, and often missing.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /search:
    ///     get:
    ///       parameters:
    ///         - { name: q, in: query, schema: { type: string, maxLength: 100 } }
    ///       responses: { "200": { description: Results } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /search:
    ///     get:
    ///       parameters:
    ///         - { name: q, in: query, schema: { type: string, maxLength: 100 } }
    ///       responses:
    ///         "200": { description: Results }
    ///         "429":
    ///           description: Too many requests
    ///           headers: { Retry-After: { schema: { type: integer } } }
    /// ```
    ///
    /// ## Mitigation
    /// Rate-limit every client (per token and per address) at the gateway, answer `429` with
    /// `Retry-After`, and declare it in the contract.
    ///
    /// ## References
    /// CWE-770 · CAPEC-125
    pub(crate) NoRateLimitDocumented {
        code: "AS009",
        applies_to: [Api],
        stride: [DenialOfService],
        owasp_2023: [Api4],
        owasp_2019: [Api4],
        cwe: [770],
        capec: [125],
        severity: Low,
    }
}

impl ApiRule for NoRateLimitDocumented {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        if cx.spec.operations.is_empty() || cx.spec.operations.iter().any(documents_rate_limit) {
            return;
        }
        out.push(
            Finding::new(
                &Self::META,
                cx.api_target(),
                "No operation documents a rate limit",
            )
            .description(format!(
                "None of the {} operations declares a 429 response or rate-limit headers: nothing in the contract says a client will be slowed down.",
                cx.spec.operations.len()
            ))
            .evidence("no 429 response, rate-limit header or extension anywhere")
            .at(cx.location(&cx.spec.location))
            .mitigation("Rate-limit at the gateway, answer 429 with Retry-After, and declare it"),
        );
    }
}
