//! OP008: an administrative operation protected exactly like ordinary user operations.
use palisade_openapi::AuthState;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation whose path, operationId or tags say it is administrative (`admin`, `internal`,
    /// `backoffice` …) that requires the same credentials and scopes as the API's ordinary
    /// operations, or none at all.
    ///
    /// ## Why it matters
    /// Broken Function Level Authorization: when an admin function is guarded like a user
    /// function, any signed-in user who finds the URL can call it. Nothing in the contract
    /// distinguishes the admin from the user.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// security: [{ token: [] }]
    /// paths:
    ///   /me:
    ///     get: { responses: { "200": { description: Me } } }
    ///   /admin/users:
    ///     get: { responses: { "200": { description: All users } } }
    /// components:
    ///   securitySchemes:
    ///     token: { type: apiKey, in: header, name: X-Token }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// security: [{ oauth: [profile] }]
    /// paths:
    ///   /me:
    ///     get: { responses: { "200": { description: Me } } }
    ///   /admin/users:
    ///     get:
    ///       security: [{ oauth: [admin] }]
    ///       responses: { "200": { description: All users } }
    /// components:
    ///   securitySchemes:
    ///     oauth:
    ///       type: oauth2
    ///       flows:
    ///         clientCredentials: { tokenUrl: "https://auth.example/token", scopes: { profile: Own profile, admin: Administration } }
    /// ```
    ///
    /// ## Mitigation
    /// Require an admin-only scope or role for administrative operations (and check it server-side),
    /// or serve them from a separate, internal API.
    ///
    /// ## References
    /// CWE-285 · CAPEC-1
    pub(crate) AdminOperationGuardedLikeUserOperations {
        code: "OP008",
        applies_to: [Operation],
        stride: [ElevationOfPrivilege],
        owasp_2023: [Api5],
        owasp_2019: [Api5],
        cwe: [285],
        capec: [1],
        severity: High,
    }
}

impl OperationRule for AdminOperationGuardedLikeUserOperations {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if !crate::spec_context::is_admin_operation(cx.op) {
            return;
        }
        let guard = cx.guard();
        let unauthenticated = cx.auth_state() == AuthState::None;
        if !unauthenticated && !cx.spec.users_have_guard(&guard) {
            return;
        }
        let how = if unauthenticated {
            "requires no credentials at all".to_owned()
        } else {
            let mut parts: Vec<String> = guard
                .schemes
                .iter()
                .map(|(name, scopes)| {
                    if scopes.is_empty() {
                        format!("`{name}`")
                    } else {
                        format!("`{name}` ({})", scopes.join(", "))
                    }
                })
                .collect();
            parts.extend(guard.parameters.iter().map(|p| format!("parameter `{p}`")));
            format!(
                "requires only {}, like ordinary user operations",
                parts.join(" or ")
            )
        };
        out.push(
            Finding::new(&Self::META, cx.target(), format!("Admin operation {} is guarded like a user operation", cx.op.address()))
                .description(format!(
                    "{} is administrative but {how}: any user who finds the URL can call it (broken function level authorization).",
                    cx.op.address()
                ))
                .evidence(how)
                .at(cx.location())
                .mitigation("Require an admin-only scope or role, checked server-side"),
        );
    }
}
