//! AS004: a bearer-token scheme that does not say what the token is.
use palisade_openapi::SecuritySchemeKind;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

declare_rule! {
    /// ## What it detects
    /// A security scheme of type `http`, `scheme: bearer`, without a `bearerFormat`.
    ///
    /// ## Why it matters
    /// Clients and reviewers cannot tell whether the token is an opaque reference or a
    /// self-contained JWT, and so cannot tell how it must be validated, stored and revoked.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components:
    ///   securitySchemes:
    ///     bearer: { type: http, scheme: bearer }
    /// paths: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components:
    ///   securitySchemes:
    ///     bearer: { type: http, scheme: bearer, bearerFormat: opaque }
    /// paths: {}
    /// ```
    ///
    /// ## Mitigation
    /// State the token format (`bearerFormat: JWT` or `opaque`) and document how it is validated.
    ///
    /// ## References
    /// CWE-287
    pub(crate) BearerTokenWithoutFormat {
        code: "AS004",
        applies_to: [Api],
        stride: [Spoofing],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [287],
        capec: [],
        severity: Low,
    }
}

impl ApiRule for BearerTokenWithoutFormat {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        for scheme in cx.spec.security_schemes.values() {
            if let SecuritySchemeKind::Http {
                scheme: kind,
                bearer_format: None,
            } = &scheme.kind
                && kind == "bearer"
            {
                out.push(
                    Finding::new(&Self::META, cx.api_target(), format!("Bearer scheme `{}` does not state its token format", scheme.name))
                        .description(format!("`{}` takes bearer tokens without saying what they are, so how they are validated is unstated.", scheme.name))
                        .evidence("no bearerFormat")
                        .at(cx.location(&scheme.location))
                        .mitigation("Add bearerFormat and document validation"),
                );
            }
        }
    }
}
