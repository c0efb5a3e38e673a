//! OP019: a business flow worth automating with no documented throttling.

use palisade_model::Severity;
use palisade_openapi::Method;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

/// Words naming flows that bots abuse at scale: buying out stock, moving money, creating
/// accounts, posting content, booking, voting, redeeming.
const BUSINESS_FLOWS: &[&str] = &[
    "purchase",
    "purchases",
    "buy",
    "checkout",
    "order",
    "orders",
    "transfer",
    "transfers",
    "withdraw",
    "withdrawal",
    "withdrawals",
    "payout",
    "payouts",
    "register",
    "registration",
    "signup",
    "comment",
    "comments",
    "review",
    "reviews",
    "ticket",
    "tickets",
    "booking",
    "bookings",
    "reservation",
    "reservations",
    "reserve",
    "vote",
    "votes",
    "invite",
    "invites",
    "invitation",
    "invitations",
    "redeem",
    "coupon",
    "coupons",
    "voucher",
    "vouchers",
    "giftcard",
    "referral",
    "referrals",
];

declare_rule! {
    /// ## What it detects
    /// A `POST` or `PUT` on a flow that is valuable to automate — buying, ordering, moving money,
    /// creating accounts, posting comments or reviews, booking, voting, inviting, redeeming —
    /// that documents no throttling (no `429` response, no rate-limit headers or extension).
    /// Medium when the operation is left open in an API that otherwise requires authentication,
    /// low otherwise.
    ///
    /// ## Why it matters
    /// Unrestricted access to sensitive business flows: every request is valid on its own, the
    /// harm is in the volume. Scalpers buy out stock, bots create fake accounts, spam reviews or
    /// drain referral credits, and nothing in the contract says the API will stop them.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /reviews:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { text: { type: string, maxLength: 2000 } } }
    ///       responses: { "201": { description: Posted } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /reviews:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { text: { type: string, maxLength: 2000 } } }
    ///       responses:
    ///         "201": { description: Posted }
    ///         "429": { description: Too many reviews; try later }
    /// ```
    ///
    /// ## Mitigation
    /// Rate-limit per account, device and address; add friction where the flow allows it
    /// (CAPTCHA, proof of work, verified accounts); detect non-human patterns; document the `429`.
    ///
    /// ## References
    /// CWE-799 · CAPEC-21
    pub(crate) SensitiveBusinessFlowWithoutAntiAutomation {
        code: "OP019",
        applies_to: [Operation],
        stride: [DenialOfService, Tampering],
        owasp_2023: [Api6],
        owasp_2019: [Api4],
        cwe: [799],
        capec: [21],
        severity: Low,
    }
}

impl OperationRule for SensitiveBusinessFlowWithoutAntiAutomation {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if !matches!(cx.op.method, Method::Post | Method::Put) || cx.documents_rate_limit() {
            return;
        }
        // The flow is what the path's last literal segment names.
        let path_words = crate::spec_context::words(&cx.op.path);
        let last_literal = cx
            .op
            .path
            .rsplit('/')
            .find(|s| !s.is_empty() && !s.starts_with('{'))
            .map(crate::spec_context::words)
            .unwrap_or_default();
        let Some(flow) = last_literal
            .iter()
            .find(|w| BUSINESS_FLOWS.contains(&w.as_str()))
        else {
            return;
        };
        if path_words.iter().any(|w| w == "admin") {
            return;
        }
        let unauthenticated = cx.left_open();
        out.push(
            Finding::new(
                &Self::META,
                cx.target(),
                format!("{}: `{flow}` can be automated at scale", cx.op.address()),
            )
            .description(format!(
                "{} is a `{flow}` flow with no documented throttling{}: bots can repeat it as fast as the server answers.",
                cx.op.address(),
                if unauthenticated {
                    ", open to anyone without signing in"
                } else {
                    ""
                }
            ))
            .evidence(format!("`{flow}` flow; no 429 response or rate-limit header"))
            .severity(if unauthenticated {
                Severity::Medium
            } else {
                Severity::Low
            })
            .at(cx.location())
            .mitigation("Throttle per account, device and address; add friction; document 429"),
        );
    }
}
