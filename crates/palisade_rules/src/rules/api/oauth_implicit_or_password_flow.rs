//! AS003: OAuth 2.0 implicit or password grants.
use palisade_openapi::{OAuthFlowKind, SecuritySchemeKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

declare_rule! {
    /// ## What it detects
    /// An OAuth 2.0 security scheme offering the `implicit` or `password` (resource owner password
    /// credentials) flow.
    ///
    /// ## Why it matters
    /// The OAuth 2.0 Security Best Current Practice (RFC 9700) forbids both: implicit returns tokens
    /// in URLs where they leak and cannot be sender-constrained; the password grant hands the user's
    /// password to the client and defeats MFA and phishing protection.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components:
    ///   securitySchemes:
    ///     oauth:
    ///       type: oauth2
    ///       flows:
    ///         implicit: { authorizationUrl: "https://auth.example/authorize", scopes: { read: Read } }
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
    ///         authorizationCode: { authorizationUrl: "https://auth.example/authorize", tokenUrl: "https://auth.example/token", scopes: { read: Read } }
    /// paths: {}
    /// ```
    ///
    /// ## Mitigation
    /// Use the authorization code flow with PKCE for users and client credentials for services.
    ///
    /// ## References
    /// CWE-287 · CAPEC-593
    pub(crate) OAuthImplicitOrPasswordFlow {
        code: "AS003",
        applies_to: [Api],
        stride: [Spoofing, InformationDisclosure],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [287],
        capec: [593],
        severity: Medium,
    }
}

impl ApiRule for OAuthImplicitOrPasswordFlow {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        for scheme in cx.spec.security_schemes.values() {
            let SecuritySchemeKind::OAuth2 { flows } = &scheme.kind else {
                continue;
            };
            let bad: Vec<&str> = flows
                .iter()
                .filter_map(|f| match f.kind {
                    OAuthFlowKind::Implicit => Some("implicit"),
                    OAuthFlowKind::Password => Some("password"),
                    _ => None,
                })
                .collect();
            if bad.is_empty() {
                continue;
            }
            out.push(
                Finding::new(&Self::META, cx.api_target(), format!("OAuth scheme `{}` offers the {} flow", scheme.name, bad.join(" and ")))
                    .description(format!(
                        "`{}` allows the {} grant, which current OAuth security practice (RFC 9700) forbids: tokens leak through URLs, or clients handle users' passwords.",
                        scheme.name,
                        bad.join(" and ")
                    ))
                    .evidence(format!("flows: {}", bad.join(", ")))
                    .at(cx.location(&scheme.location))
                    .mitigation("Use authorization code with PKCE, or client credentials"),
            );
        }
    }
}
