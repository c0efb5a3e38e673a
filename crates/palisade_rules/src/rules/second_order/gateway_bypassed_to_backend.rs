//! SO008: a second-order threat on `api_gateway` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by an `api_gateway` control: the backend behind the gateway is reachable
    /// directly (a public address, a forgotten load balancer, another route inside the network),
    /// and requests that skip the gateway skip its authentication, limits and validation.
    ///
    /// ## Why it matters
    /// Controls placed at the gateway exist only on paths through it. Backends often trust any
    /// request because "the gateway already checked".
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
    /// mitigations:
    ///   - { id: control, kind: api_gateway, elements: [api] }
    /// threats:
    ///   - id: first-order
    ///     title: Unauthenticated calls to the orders API
    ///     target: { element: api }
    ///     stride: [spoofing]
    ///     severity: high
    ///     status: mitigated
    ///     mitigations: [control]
    /// ```
    ///
    /// ## Use instead
    /// Let only the gateway reach backends (network policy, private addresses, mTLS or a signed
    /// header only the gateway can produce) and verify it from outside; then record the decision
    /// on the second-order threat.
    ///
    /// ## Mitigation
    /// Network policy and private addresses for backends; mTLS or a gateway-signed token the backend
    /// verifies; a scan from outside that expects backends to be unreachable.
    ///
    /// ## References
    /// CWE-288 · CAPEC-115
    pub(crate) GatewayBypassedToBackend {
        code: "SO008",
        applies_to: [Mitigation],
        stride: [Spoofing, ElevationOfPrivilege],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [288],
        capec: [115],
        severity: High,
    }
}

impl SecondOrderRule for GatewayBypassedToBackend {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn kinds(&self) -> &'static [MitigationKind] {
        &[MitigationKind::ApiGateway]
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
            format!("Backends behind gateway `{}` could be reached directly", m.label()),
            "a backend reachable without going through the gateway skips its authentication, limits and validation",
            "Only the gateway may reach backends: network policy, private addresses, mTLS or a gateway-signed token",
        ));
    }
}
