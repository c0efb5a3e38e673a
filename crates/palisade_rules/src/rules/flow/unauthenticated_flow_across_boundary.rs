//! DF002: a flow that enters a process or data store from another trust zone without
//! authentication.

use palisade_model::{Authentication, ElementKind, Flow, Severity};

use crate::context::{Finding, ModelCx, data_list, max_classification, severity_for};
use crate::declare_rule;
use crate::rules::FlowRule;

declare_rule! {
    /// ## What it detects
    /// A data flow that crosses a trust boundary into a process or data store with
    /// `authentication: none`, or with no authentication stated at all.
    ///
    /// ## Why it matters
    /// The receiver cannot tell who is calling: anyone who can reach it across the boundary
    /// can pose as a legitimate caller and use whatever the receiver grants.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// boundaries: [{ id: internet, kind: internet }, { id: dc, kind: internal }]
    /// elements:
    ///   - { id: partner, kind: external_entity, boundary: internet }
    ///   - { id: api, kind: process, boundary: dc }
    /// flows:
    ///   - { id: partner-to-api, from: partner, to: api, protocol: https, authentication: none }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// boundaries: [{ id: internet, kind: internet }, { id: dc, kind: internal }]
    /// elements:
    ///   - { id: partner, kind: external_entity, boundary: internet }
    ///   - { id: api, kind: process, boundary: dc }
    /// flows:
    ///   - { id: partner-to-api, from: partner, to: api, protocol: https, authentication: oauth2 }
    /// ```
    ///
    /// ## Mitigation
    /// Authenticate every call that crosses a boundary: OAuth 2.0 / OIDC for users, mTLS or
    /// signed tokens between services.
    ///
    /// ## References
    /// CWE-306 · CAPEC-115
    pub(crate) UnauthenticatedFlowAcrossBoundary {
        code: "DF002",
        applies_to: [Flow],
        stride: [Spoofing, ElevationOfPrivilege],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [306],
        capec: [115],
        severity: High,
    }
}

impl FlowRule for UnauthenticatedFlowAcrossBoundary {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, flow: &Flow, out: &mut Vec<Finding>) {
        let Some(to) = cx.element(flow.to.as_str()) else {
            return;
        };
        if to.kind == ElementKind::ExternalEntity || !cx.crosses(flow) {
            return;
        }
        let (stated, severity_if_sensitive) = match flow.authentication {
            Some(Authentication::None) => ("`authentication: none`", Severity::High),
            None => ("no `authentication` stated", Severity::Medium),
            Some(_) => return,
        };
        let data = cx.flow_data(flow);
        let severity = severity_for(
            max_classification(&data),
            severity_if_sensitive,
            Severity::Medium,
        );
        let carried = if data.is_empty() {
            String::new()
        } else {
            format!(" and carries {}", data_list(&data))
        };
        out.push(
            Finding::new(
                &Self::META,
                crate::rules::flow_target(flow),
                format!(
                    "Unauthenticated flow {} crosses a trust boundary",
                    cx.flow_name(flow)
                ),
            )
            .description(format!(
                "The flow {} goes {} with {stated}{carried}: {} cannot tell who is calling.",
                cx.flow_name(flow),
                cx.crossing_label(flow),
                cx.name(flow.to.as_str()),
            ))
            .evidence(stated.replace('`', ""))
            .severity(severity)
            .at(cx.location(flow.span))
            .mitigation(
                "Require authentication on this flow (OAuth 2.0 / OIDC, mTLS, signed requests)",
            ),
        );
    }
}
