//! PR002: a backend that untrusted callers reach directly although the system has a gateway.

use palisade_model::{Element, Severity};

use crate::context::{Finding, ModelCx};
use crate::declare_rule;
use crate::rules::ElementRule;

declare_rule! {
    /// ## What it detects
    /// In a model with an API gateway (`gateway: true`), a process other than the gateway that
    /// receives a flow straight from an untrusted source (an external entity, the internet or a
    /// third-party zone).
    ///
    /// ## Why it matters
    /// The gateway is where authentication, rate limits and request validation happen. A
    /// backend reachable around it skips all of them: the controls exist, but not on this path.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// boundaries: [{ id: internet, kind: internet }, { id: dc, kind: internal }]
    /// elements:
    ///   - { id: app, kind: external_entity, boundary: internet }
    ///   - { id: gw, kind: process, gateway: true, boundary: dc }
    ///   - { id: orders, kind: process, boundary: dc }
    /// flows:
    ///   - { id: app-to-gw, from: app, to: gw, protocol: https, authentication: oauth2 }
    ///   - { id: gw-to-orders, from: gw, to: orders, protocol: https, authentication: jwt }
    ///   - { id: app-to-orders, from: app, to: orders, protocol: https, authentication: oauth2 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// boundaries: [{ id: internet, kind: internet }, { id: dc, kind: internal }]
    /// elements:
    ///   - { id: app, kind: external_entity, boundary: internet }
    ///   - { id: gw, kind: process, gateway: true, boundary: dc }
    ///   - { id: orders, kind: process, boundary: dc }
    /// flows:
    ///   - { id: app-to-gw, from: app, to: gw, protocol: https, authentication: oauth2 }
    ///   - { id: gw-to-orders, from: gw, to: orders, protocol: https, authentication: jwt }
    /// ```
    ///
    /// ## Mitigation
    /// Let only the gateway reach backends (network policy, private addresses, mTLS that only the
    /// gateway's certificate passes).
    ///
    /// ## References
    /// CWE-288 · CAPEC-115
    pub(crate) BackendReachableAroundGateway {
        code: "PR002",
        applies_to: [Process],
        stride: [Spoofing, ElevationOfPrivilege],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [288],
        capec: [115],
        severity: High,
    }
}

impl ElementRule for BackendReachableAroundGateway {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, element: &Element, out: &mut Vec<Finding>) {
        if !cx.has_gateway || element.gateway {
            return;
        }
        let id = element.id.as_str();
        let direct: Vec<_> = cx
            .inbound(id)
            .iter()
            .filter(|f| cx.crosses(f) && cx.is_untrusted_source(f.from.as_str()))
            .collect();
        let Some(first) = direct.first() else {
            return;
        };
        let callers: Vec<String> = direct.iter().map(|f| cx.name(f.from.as_str())).collect();
        out.push(
            Finding::new(
                &Self::META,
                crate::rules::element_target(element),
                format!("{} is reachable around the API gateway", cx.name(id)),
            )
            .description(format!(
                "{} is called directly by {} although the system routes traffic through a gateway: the gateway's authentication, limits and validation do not apply on this path.",
                cx.name(id),
                callers.join(", "),
            ))
            .evidence(format!("flow `{}` does not pass the gateway", first.id))
            .severity(Severity::High)
            .at(cx.location(element.span))
            .mitigation("Allow only the gateway to reach this process (network policy, mTLS)"),
        );
    }
}
