//! AS002: HTTP Basic authentication.
use palisade_openapi::SecuritySchemeKind;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

declare_rule! {
    /// ## What it detects
    /// A security scheme of type `http` with `scheme: basic`.
    ///
    /// ## Why it matters
    /// Basic authentication sends a long-lived secret with every request, offers no expiry,
    /// scoping or revocation short of changing the password, and invites credential stuffing.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components:
    ///   securitySchemes:
    ///     basic: { type: http, scheme: basic }
    /// paths: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components:
    ///   securitySchemes:
    ///     oauth:
    ///       type: oauth2
    ///       flows:
    ///         clientCredentials: { tokenUrl: "https://auth.example/token", scopes: { read: Read } }
    /// paths: {}
    /// ```
    ///
    /// ## Mitigation
    /// Prefer short-lived, scoped tokens (OAuth 2.0) or mTLS; if Basic stays, require TLS, strong
    /// generated secrets, and throttling.
    ///
    /// ## References
    /// CWE-522 · CAPEC-49
    pub(crate) HttpBasicAuthentication {
        code: "AS002",
        applies_to: [Api],
        stride: [Spoofing],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [522],
        capec: [49],
        severity: Low,
    }
}

impl ApiRule for HttpBasicAuthentication {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        for scheme in cx.spec.security_schemes.values() {
            if let SecuritySchemeKind::Http { scheme: kind, .. } = &scheme.kind
                && kind == "basic"
            {
                out.push(
                    Finding::new(&Self::META, cx.api_target(), format!("Security scheme `{}` uses HTTP Basic", scheme.name))
                        .description(format!(
                            "`{}` sends a long-lived username and password with every request, with no expiry or scope.",
                            scheme.name
                        ))
                        .evidence("type: http, scheme: basic")
                        .at(cx.location(&scheme.location))
                        .mitigation("Use short-lived scoped tokens (OAuth 2.0) or mTLS"),
                );
            }
        }
    }
}
