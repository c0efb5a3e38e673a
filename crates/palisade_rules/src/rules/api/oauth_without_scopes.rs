//! AS010: OAuth with no scopes: every token can do everything.

use palisade_openapi::SecuritySchemeKind;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

declare_rule! {
    /// ## What it detects
    /// An OAuth 2 security scheme that defines no scopes in any of its flows, in a document with
    /// write operations.
    ///
    /// ## Why it matters
    /// Broken function-level authorization: without scopes, a token granted to read a profile can
    /// also delete accounts, and a leaked token from a low-privilege integration can do what an
    /// administrator can. Scopes are how OAuth limits what each client and token may do.
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
    ///         clientCredentials: { tokenUrl: "https://auth.example.com/token", scopes: {} }
    /// security: [{ oauth: [] }]
    /// paths:
    ///   /accounts/{id}:
    ///     delete:
    ///       parameters:
    ///         - { name: id, in: path, required: true, schema: { type: string, format: uuid } }
    ///       responses: { "204": { description: Deleted } }
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
    ///         clientCredentials:
    ///           tokenUrl: "https://auth.example.com/token"
    ///           scopes: { "accounts:read": Read accounts, "accounts:delete": Delete accounts }
    /// security: [{ oauth: ["accounts:read"] }]
    /// paths:
    ///   /accounts/{id}:
    ///     delete:
    ///       security: [{ oauth: ["accounts:delete"] }]
    ///       parameters:
    ///         - { name: id, in: path, required: true, schema: { type: string, format: uuid } }
    ///       responses: { "204": { description: Deleted } }
    /// ```
    ///
    /// ## Mitigation
    /// Define scopes by resource and action, require the narrowest one on each operation, and
    /// check them in the service, not only at the gateway.
    ///
    /// ## References
    /// CWE-285 · CAPEC-122
    pub(crate) OAuthWithoutScopes {
        code: "AS010",
        applies_to: [Api],
        stride: [ElevationOfPrivilege],
        owasp_2023: [Api5],
        owasp_2019: [Api5],
        cwe: [285],
        capec: [122],
        severity: Low,
    }
}

impl ApiRule for OAuthWithoutScopes {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        let writes = cx.spec.operations.iter().any(|op| {
            matches!(
                op.method,
                palisade_openapi::Method::Post
                    | palisade_openapi::Method::Put
                    | palisade_openapi::Method::Patch
                    | palisade_openapi::Method::Delete
            )
        });
        if !writes {
            return;
        }
        let scopeless: Vec<_> = cx
            .spec
            .security_schemes
            .values()
            .filter(|s| match &s.kind {
                SecuritySchemeKind::OAuth2 { flows } => {
                    !flows.is_empty() && flows.iter().all(|f| f.scopes.is_empty())
                }
                _ => false,
            })
            .collect();
        let Some(first) = scopeless.first() else {
            return;
        };
        let names: Vec<String> = scopeless.iter().map(|s| format!("`{}`", s.name)).collect();
        out.push(
            Finding::new(
                &Self::META,
                cx.api_target(),
                format!("OAuth scheme {} defines no scopes", names.join(", ")),
            )
            .description(format!(
                "{} defines no scopes: every token can call every operation, reads and writes alike.",
                names.join(", ")
            ))
            .evidence("OAuth 2 flows with empty `scopes`")
            .at(cx.location(&first.location))
            .mitigation("Define scopes per resource and action and require the narrowest on each operation"),
        );
    }
}
