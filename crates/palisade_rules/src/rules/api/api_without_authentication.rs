//! AS006: an API document that declares no authentication at all.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

declare_rule! {
    /// ## What it detects
    /// A document with operations but no security scheme, no security requirement and no
    /// credential parameter anywhere.
    ///
    /// ## Why it matters
    /// Either the API is open to anyone, or its authentication happens somewhere the contract does
    /// not say (a gateway, a mesh, a cluster). Both need saying: clients, reviewers and tools cannot
    /// check what is not written, and an API that relies on a perimeter is open to everything inside
    /// it.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /orders:
    ///     get: { responses: { "200": { description: Orders } } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// security: [{ bearer: [] }]
    /// paths:
    ///   /orders:
    ///     get: { responses: { "200": { description: Orders } } }
    /// components:
    ///   securitySchemes:
    ///     bearer: { type: http, scheme: bearer, bearerFormat: JWT }
    /// ```
    ///
    /// ## Mitigation
    /// Declare the security schemes and requirements the API actually enforces; if a gateway
    /// authenticates callers, say so in the contract it publishes.
    ///
    /// ## References
    /// CWE-306 · CAPEC-115
    pub(crate) ApiWithoutAuthentication {
        code: "AS006",
        applies_to: [Api],
        stride: [Spoofing, ElevationOfPrivilege],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [306],
        capec: [115],
        severity: High,
    }
}

impl ApiRule for ApiWithoutAuthentication {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        if cx.declares_auth || cx.spec.operations.is_empty() {
            return;
        }
        out.push(
            Finding::new(&Self::META, cx.api_target(), format!("The API declares no authentication for its {} operations", cx.spec.operations.len()))
                .description(format!(
                    "No security scheme, requirement or credential parameter appears in the document: per its contract all {} operations are open to anyone.",
                    cx.spec.operations.len()
                ))
                .evidence("no securitySchemes / securityDefinitions, no security")
                .at(cx.location(&cx.spec.location))
                .mitigation("Declare the authentication the API enforces"),
        );
    }
}
