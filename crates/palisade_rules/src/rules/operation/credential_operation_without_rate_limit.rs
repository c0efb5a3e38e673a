//! OP004: a sign-in, token, one-time-code or password-reset operation with no documented rate limit.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation that checks or issues credentials (login, sign-in, token, OTP, MFA, password
    /// reset, verification) that documents neither a `429` response nor rate-limit headers.
    ///
    /// ## Why it matters
    /// Credential endpoints are where brute force, credential stuffing and OTP guessing happen.
    /// Without throttling, an attacker tries passwords or codes as fast as the server answers.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /login:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { username: { type: string, maxLength: 64 }, password: { type: string, maxLength: 128 } } }
    ///       responses: { "200": { description: Signed in } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /login:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { username: { type: string, maxLength: 64 }, password: { type: string, maxLength: 128 } } }
    ///       responses:
    ///         "200": { description: Signed in }
    ///         "429":
    ///           description: Too many attempts
    ///           headers: { Retry-After: { schema: { type: integer } } }
    /// ```
    ///
    /// ## Mitigation
    /// Throttle per account and per source, lock out or add delays after failures, and document
    /// the `429` answer with `Retry-After`.
    ///
    /// ## References
    /// CWE-307 · CAPEC-49
    pub(crate) CredentialOperationWithoutRateLimit {
        code: "OP004",
        applies_to: [Operation],
        stride: [Spoofing, DenialOfService],
        owasp_2023: [Api2, Api4],
        owasp_2019: [Api2, Api4],
        cwe: [307],
        capec: [49],
        severity: Medium,
    }
}

impl OperationRule for CredentialOperationWithoutRateLimit {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if !super::is_credential_operation(cx) || cx.documents_rate_limit() {
            return;
        }
        out.push(
            Finding::new(&Self::META, cx.target(), format!("{} can be brute-forced: no rate limit documented", cx.op.address()))
                .description(format!(
                    "{} handles credentials but documents no 429 response or rate-limit headers: passwords, tokens or one-time codes can be guessed at full speed.",
                    cx.op.address()
                ))
                .evidence("no 429 response, no RateLimit or Retry-After header")
                .at(cx.location())
                .mitigation("Throttle per account and per address; document 429 with Retry-After"),
        );
    }
}
