//! DF006: a process that the internet can reach with no rate limiting in front of it.

use palisade_model::{ElementKind, Flow, MitigationKind};

use crate::context::{Finding, ModelCx};
use crate::declare_rule;
use crate::rules::FlowRule;

declare_rule! {
    /// ## What it detects
    /// A data flow from an untrusted source (an external entity, the internet or a third-party
    /// zone) into one of our processes, where no `rate_limiting` or `api_gateway` mitigation is
    /// recorded on that process.
    ///
    /// ## Why it matters
    /// Without limits, one client can exhaust the process — CPU, memory, connections, or money
    /// spent on downstream calls — and brute-force whatever it guards (OWASP API4:2023).
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// boundaries: [{ id: internet, kind: internet }, { id: dc, kind: internal }]
    /// elements:
    ///   - { id: client, kind: external_entity, boundary: internet }
    ///   - { id: api, kind: process, boundary: dc }
    /// flows:
    ///   - { id: client-to-api, from: client, to: api, protocol: https, authentication: oauth2 }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// boundaries: [{ id: internet, kind: internet }, { id: dc, kind: internal }]
    /// elements:
    ///   - { id: client, kind: external_entity, boundary: internet }
    ///   - { id: api, kind: process, boundary: dc }
    /// flows:
    ///   - { id: client-to-api, from: client, to: api, protocol: https, authentication: oauth2 }
    /// mitigations:
    ///   - { id: limits, kind: rate_limiting, elements: [api] }
    /// ```
    ///
    /// ## Mitigation
    /// Rate limits per client and per source address at the edge (gateway, load balancer),
    /// request size limits, and timeouts.
    ///
    /// ## References
    /// CWE-770 · CAPEC-125
    pub(crate) UnthrottledBoundaryCrossing {
        code: "DF006",
        applies_to: [Flow],
        stride: [DenialOfService],
        owasp_2023: [Api4],
        owasp_2019: [Api4],
        cwe: [770],
        capec: [125],
        severity: Medium,
    }
}

impl FlowRule for UnthrottledBoundaryCrossing {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, flow: &Flow, out: &mut Vec<Finding>) {
        let to = flow.to.as_str();
        let to_process = cx
            .element(to)
            .is_some_and(|e| e.kind == ElementKind::Process);
        if !to_process
            || !cx.crosses(flow)
            || !cx.is_untrusted_source(flow.from.as_str())
            || cx.has_control(to, MitigationKind::RateLimiting)
            || cx.has_control(to, MitigationKind::ApiGateway)
        {
            return;
        }
        out.push(
            Finding::new(
                &Self::META,
                crate::rules::flow_target(flow),
                format!("{} can be flooded through {}", cx.name(to), cx.flow_name(flow)),
            )
            .description(format!(
                "{} receives {} from an untrusted source and no rate limiting is recorded on it: one client can exhaust it or brute-force what it guards.",
                cx.name(to),
                cx.flow_name(flow),
            ))
            .evidence("no rate_limiting or api_gateway mitigation on the receiver")
            .at(cx.location(flow.span))
            .mitigation("Rate limits per client and per address at the edge; request size limits; timeouts"),
        );
    }
}
