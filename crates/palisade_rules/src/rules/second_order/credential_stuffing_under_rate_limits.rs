//! SO002: a second-order threat on `rate_limiting` controls.

use palisade_model::{Mitigation, MitigationKind, Stride};

use crate::Owasp2023;
use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A spoofing or broken-authentication threat mitigated by a `rate_limiting` control: credential
    /// stuffing tries each leaked username and password once, so no limit on attempts per account or
    /// per address is ever reached.
    ///
    /// Only threats of spoofing (or OWASP API2, broken authentication) bring it.
    ///
    /// ## Why it matters
    /// Billions of leaked credentials circulate; people reuse passwords. One try per account from a
    /// different address each time looks like ordinary sign-ins to a rate limiter, and some of them
    /// succeed.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
    /// mitigations:
    ///   - { id: control, kind: rate_limiting, elements: [api] }
    /// threats:
    ///   - id: first-order
    ///     title: Passwords guessed on sign-in
    ///     target: { element: api }
    ///     stride: [spoofing]
    ///     severity: high
    ///     status: mitigated
    ///     mitigations: [control]
    /// ```
    ///
    /// ## Use instead
    /// Keep the limit and add what stops stuffing: breached-password checks, multi-factor
    /// authentication, bot detection on the sign-in flow; then record the decision on the
    /// second-order threat.
    ///
    /// ## Mitigation
    /// Check passwords against breach corpora, offer or require MFA, detect automation on sign-in,
    /// and alert on many accounts failing from many addresses.
    ///
    /// ## References
    /// CWE-307 · CAPEC-600
    pub(crate) CredentialStuffingUnderRateLimits {
        code: "SO002",
        applies_to: [Mitigation],
        stride: [Spoofing],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [307],
        capec: [600],
        severity: Medium,
    }
}

impl SecondOrderRule for CredentialStuffingUnderRateLimits {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn kinds(&self) -> &'static [MitigationKind] {
        &[MitigationKind::RateLimiting]
    }

    fn check(
        &self,
        parent: &Threat,
        m: &Mitigation,
        location: Option<Location>,
        out: &mut Vec<Finding>,
    ) {
        if !(parent.stride.contains(&Stride::Spoofing)
            || parent.owasp_api_2023.contains(&Owasp2023::Api2))
        {
            return;
        }
        out.push(bypass(
            &Self::META,
            parent,
            m,
            location,
            format!("Credential stuffing stays under rate limiting `{}`", m.label()),
            "credential stuffing tries each leaked password once per account, from many addresses, never reaching the limit",
            "Breached-password checks, multi-factor authentication, bot detection on sign-in",
        ));
    }
}
