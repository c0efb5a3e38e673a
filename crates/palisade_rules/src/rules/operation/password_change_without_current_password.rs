//! OP024: a password change that does not ask for the current password.

use palisade_openapi::Method;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::rules::operation::Sensitive;
use crate::spec_context::{InputKind, OpCx};

declare_rule! {
    /// ## What it detects
    /// A `PUT`, `PATCH` or `POST` on a password resource (`/users/{id}/password`,
    /// `/me/password`, `changePassword`) whose body sets a new password but carries neither the
    /// current password nor a reset token or code.
    ///
    /// ## Why it matters
    /// Whoever holds a session — a stolen token, a shared computer, a cross-site request — can
    /// lock the owner out for good. Combined with a user id in the path, anyone can change
    /// anyone's password.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /me/password:
    ///     put:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { password: { type: string, minLength: 12 } } }
    ///       responses: { "204": { description: Changed } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /me/password:
    ///     put:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { current_password: { type: string }, new_password: { type: string, minLength: 12 } } }
    ///       responses: { "204": { description: Changed } }
    /// ```
    ///
    /// ## Mitigation
    /// Require the current password (or a fresh re-authentication, or a single-use reset token),
    /// change only the caller's own password, end the other sessions, and notify the owner.
    ///
    /// ## References
    /// CWE-620 · CAPEC-50
    pub(crate) PasswordChangeWithoutCurrentPassword {
        code: "OP024",
        applies_to: [Operation],
        stride: [Spoofing, ElevationOfPrivilege],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [620],
        capec: [50],
        severity: Medium,
    }
}

impl OperationRule for PasswordChangeWithoutCurrentPassword {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if !matches!(cx.op.method, Method::Put | Method::Patch | Method::Post) {
            return;
        }
        let about_password = cx
            .words()
            .iter()
            .any(|w| matches!(w.as_str(), "password" | "passwd" | "passphrase"));
        let reset = cx
            .words()
            .iter()
            .any(|w| matches!(w.as_str(), "reset" | "forgot" | "recover" | "recovery"));
        if !about_password || reset {
            return;
        }
        let body: Vec<_> = cx
            .inputs()
            .into_iter()
            .filter(|i| i.kind == InputKind::Body)
            .collect();
        let is_password = |name: &str, schema| {
            super::secret_kind(
                name,
                palisade_openapi::sensitive::classify(name, Some(schema)),
            ) == Some(Sensitive::Password)
        };
        let proves = body.iter().any(|i| {
            let w = crate::spec_context::words(i.name);
            let has = |x: &str| w.iter().any(|y| y == x);
            (is_password(i.name, i.schema)
                && (has("old") || has("current") || has("existing") || has("previous")))
                || has("token")
                || has("code")
                || has("otp")
        });
        let new_password = body.iter().find(|i| is_password(i.name, i.schema));
        let (Some(new_password), false) = (new_password, proves) else {
            return;
        };
        out.push(
            Finding::new(
                &Self::META,
                cx.target(),
                format!("{} changes a password without the current one", cx.op.address()),
            )
            .description(format!(
                "{} sets {} but asks for neither the current password nor a reset token: a stolen session is enough to take the account for good.",
                cx.op.address(),
                new_password.describe()
            ))
            .evidence(format!("{}; no current password, token or code", new_password.describe()))
            .at(cx.spec.location(new_password.location))
            .mitigation("Require the current password or a fresh re-authentication; end other sessions"),
        );
    }
}
