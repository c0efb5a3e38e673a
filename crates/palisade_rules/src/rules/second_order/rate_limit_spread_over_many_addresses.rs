//! SO001: a second-order threat on `rate_limiting` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by a `rate_limiting` control: limits counted per source address or per client can be
    /// spread over many addresses or many clients, each staying under the limit.
    ///
    /// ## Why it matters
    /// Botnets, residential proxies and cloud functions give an attacker thousands of addresses for
    /// cents. A per-address limit then caps nothing: the flood or the guessing the limit was meant to
    /// stop goes on, just spread out.
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
    ///     title: Clients flood the API
    ///     target: { element: api }
    ///     stride: [denial_of_service]
    ///     severity: high
    ///     status: mitigated
    ///     mitigations: [control]
    /// ```
    ///
    /// ## Use instead
    /// Keep the control and record how the bypass is closed: limits per account and per API
    /// key as well as per address, a global budget for expensive operations, and alerts on
    /// distributed spikes. Then decide the second-order threat like any other
    /// (`palisade threat set ID --status mitigated …`).
    ///
    /// ## Mitigation
    /// Limit per account, API key and tenant, not only per address; a global ceiling for expensive
    /// operations; anomaly alerts on many addresses doing the same thing.
    ///
    /// ## References
    /// CWE-799 · CAPEC-125
    pub(crate) RateLimitSpreadOverManyAddresses {
        code: "SO001",
        applies_to: [Mitigation],
        stride: [DenialOfService],
        owasp_2023: [Api4],
        owasp_2019: [Api4],
        cwe: [799],
        capec: [125],
        severity: Medium,
    }
}

impl SecondOrderRule for RateLimitSpreadOverManyAddresses {
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
        out.push(bypass(
            &Self::META,
            parent,
            m,
            location,
            format!("Rate limiting `{}` can be spread over many source addresses", m.label()),
            "an attacker spreads requests over many source addresses or clients, each under the limit",
            "Limit per account and API key as well as per address; add a global ceiling and alerts on distributed spikes",
        ));
    }
}
