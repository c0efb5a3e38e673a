//! OP023: a password set by the caller with no declared minimum length.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::rules::operation::Sensitive;
use crate::spec_context::{InputKind, OpCx};

declare_rule! {
    /// ## What it detects
    /// An operation that sets a person's password — a write on a user, account, member,
    /// credential or password resource, or a sign-up (judged by the last literal segment of the
    /// path) whose request body has a password property — where the property declares no
    /// `minLength`, or one below 8. Passwords for integrations (webhook basic auth, device
    /// settings) are left out.
    ///
    /// ## Why it matters
    /// Broken authentication: short passwords fall to guessing and credential stuffing. An
    /// undeclared policy is usually an unenforced one, and clients cannot tell users the rule.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /signup:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { email: { type: string, format: email }, password: { type: string } } }
    ///       responses: { "201": { description: Created } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /signup:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { email: { type: string, format: email }, password: { type: string, minLength: 12, maxLength: 128 } } }
    ///       responses: { "201": { description: Created } }
    /// ```
    ///
    /// ## Mitigation
    /// Require at least 8 characters (NIST SP 800-63B; 12 or more is better), allow long
    /// passphrases, check new passwords against known-breached lists, and declare the rule.
    ///
    /// ## References
    /// CWE-521 · CAPEC-49
    pub(crate) WeakPasswordPolicy {
        code: "OP023",
        applies_to: [Operation],
        stride: [Spoofing],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [521],
        capec: [49],
        severity: Medium,
    }
}

impl OperationRule for WeakPasswordPolicy {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if !cx.is_write()
            || cx.op.method == palisade_openapi::Method::Delete
            || !sets_account_password(cx)
        {
            return;
        }
        let weak: Vec<_> = cx
            .inputs()
            .into_iter()
            .filter(|i| i.kind == InputKind::Body && i.schema.has_type("string"))
            .filter(|i| {
                let w = crate::spec_context::words(i.name);
                // The password being set, not the one proving who the caller is.
                let current = w
                    .iter()
                    .any(|x| matches!(x.as_str(), "old" | "current" | "existing" | "previous"));
                !current
                    && !i.name.to_ascii_lowercase().contains("hash")
                    && super::secret_kind(
                        i.name,
                        palisade_openapi::sensitive::classify(i.name, Some(i.schema)),
                    ) == Some(Sensitive::Password)
            })
            .filter(|i| i.schema.min_length.is_none_or(|n| n < 8))
            .collect();
        // Signing in proves a password; it does not set one.
        let sign_in = cx.words().iter().any(|w| {
            matches!(
                w.as_str(),
                "login" | "signin" | "logon" | "authenticate" | "token" | "session"
            )
        });
        let Some(first) = weak.first().filter(|_| !sign_in) else {
            return;
        };
        let names: Vec<String> = weak
            .iter()
            .map(|i| match i.schema.min_length {
                Some(n) => format!("{} (minLength {n})", i.describe()),
                None => format!("{} (no minLength)", i.describe()),
            })
            .collect();
        let mut f = Finding::new(
            &Self::META,
            cx.target(),
            format!("{} sets passwords with no length rule", cx.op.address()),
        )
        .description(format!(
            "{} accepts {}: nothing in the contract stops one-character passwords.",
            cx.op.address(),
            super::list(&names)
        ))
        .at(cx.spec.location(first.location))
        .mitigation("Require at least 8 characters (better 12), check breached-password lists, declare minLength");
        for n in &names {
            f = f.evidence(n.clone());
        }
        out.push(f);
    }
}

/// Whether the operation's resource is a person's account or password: the last literal
/// segment of its path names one.
fn sets_account_password(cx: &OpCx) -> bool {
    let last = cx
        .op
        .path
        .rsplit('/')
        .find(|s| !s.is_empty() && !s.starts_with('{'))
        .map(crate::spec_context::words)
        .unwrap_or_default();
    last.iter().any(|w| {
        matches!(
            w.as_str(),
            "user"
                | "users"
                | "account"
                | "accounts"
                | "member"
                | "members"
                | "me"
                | "profile"
                | "password"
                | "passwords"
                | "register"
                | "registration"
                | "signup"
                | "credential"
                | "credentials"
                | "reset"
        )
    })
}
