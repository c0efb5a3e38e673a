//! AS011: cookie authentication for state-changing operations with no CSRF token.

use palisade_openapi::{ApiKeyLocation, Method, ParameterLocation, SecuritySchemeKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

declare_rule! {
    /// ## What it detects
    /// An `apiKey` security scheme carried in a cookie that protects state-changing operations
    /// (`POST`, `PUT`, `PATCH`, `DELETE`), none of which takes a CSRF token header
    /// (`X-CSRF-Token`, `X-XSRF-TOKEN` …).
    ///
    /// ## Why it matters
    /// Browsers attach cookies to requests that other sites trigger. Unless every state-changing
    /// request also carries a token the other site cannot read (or the cookie is `SameSite`
    /// and the API checks `Origin`), a page the user visits can act on their account.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components: { securitySchemes: { session: { type: apiKey, in: cookie, name: SESSION } } }
    /// security: [{ session: [] }]
    /// paths:
    ///   /transfers:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { amount: { type: integer, maximum: 10000 } } }
    ///       responses: { "201": { description: Sent }, "429": { description: Slow down } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components: { securitySchemes: { session: { type: apiKey, in: cookie, name: SESSION } } }
    /// security: [{ session: [] }]
    /// paths:
    ///   /transfers:
    ///     post:
    ///       parameters:
    ///         - { name: X-CSRF-Token, in: header, required: true, schema: { type: string, maxLength: 64 } }
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { amount: { type: integer, maximum: 10000 } } }
    ///       responses: { "201": { description: Sent }, "429": { description: Slow down } }
    /// ```
    ///
    /// ## Mitigation
    /// Require a CSRF token header on state-changing requests (or use bearer tokens instead of
    /// cookies), set session cookies `SameSite=Strict` or `Lax`, `Secure` and `HttpOnly`, and
    /// check `Origin`.
    ///
    /// ## References
    /// CWE-352 · CAPEC-62
    pub(crate) CookieAuthenticationWithoutCsrfProtection {
        code: "AS011",
        applies_to: [Api],
        stride: [Spoofing, Tampering],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [352],
        capec: [62],
        severity: Medium,
    }
}

impl ApiRule for CookieAuthenticationWithoutCsrfProtection {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        let cookies: Vec<&str> = cx
            .spec
            .security_schemes
            .iter()
            .filter(|(_, s)| {
                matches!(
                    s.kind,
                    SecuritySchemeKind::ApiKey {
                        location: ApiKeyLocation::Cookie,
                        ..
                    }
                )
            })
            .map(|(name, _)| name.as_str())
            .collect();
        if cookies.is_empty() {
            return;
        }
        let writes: Vec<_> = cx
            .spec
            .operations
            .iter()
            .filter(|op| {
                matches!(
                    op.method,
                    Method::Post | Method::Put | Method::Patch | Method::Delete
                ) && op
                    .security
                    .scheme_names()
                    .iter()
                    .any(|n| cookies.contains(n))
            })
            .collect();
        if writes.is_empty() {
            return;
        }
        let csrf = writes.iter().any(|op| {
            op.parameters_in(ParameterLocation::Header).any(|p| {
                let lower = p.name.to_ascii_lowercase();
                lower.contains("csrf") || lower.contains("xsrf")
            })
        });
        if csrf {
            return;
        }
        let scheme = &cx.spec.security_schemes[cookies[0]];
        out.push(
            Finding::new(
                &Self::META,
                cx.api_target(),
                format!("Cookie authentication `{}` without CSRF protection", cookies[0]),
            )
            .description(format!(
                "{} state-changing operations (such as {}) accept the cookie `{}` alone: another site can make the user's browser send them.",
                writes.len(),
                writes[0].address(),
                cookies[0]
            ))
            .evidence(format!("cookie scheme `{}`; no CSRF header on any write", cookies[0]))
            .at(cx.location(&scheme.location))
            .mitigation("Require a CSRF token header on writes, or use bearer tokens; SameSite cookies; check Origin"),
        );
    }
}
