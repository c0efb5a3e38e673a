//! DF001: a data flow that crosses a trust boundary without transport encryption.

use palisade_model::{Encryption, Flow, Severity};

use crate::context::{
    Finding, ModelCx, carries_secrets, data_list, max_classification, severity_for,
};
use crate::declare_rule;
use crate::rules::FlowRule;

declare_rule! {
    /// ## What it detects
    /// A data flow that crosses a trust boundary over a plaintext protocol (`http`, `ftp`,
    /// `amqp` …) or with `encryption: none`.
    ///
    /// ## Why it matters
    /// Anyone on the network path between the two zones can read the traffic and change it:
    /// credentials, tokens and personal data are exposed, and requests can be altered in flight.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// boundaries: [{ id: internet, kind: internet }, { id: dc, kind: internal }]
    /// elements:
    ///   - { id: browser, kind: external_entity, boundary: internet }
    ///   - { id: api, kind: process, boundary: dc }
    /// flows:
    ///   - { id: web-to-api, from: browser, to: api, protocol: http }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// boundaries: [{ id: internet, kind: internet }, { id: dc, kind: internal }]
    /// elements:
    ///   - { id: browser, kind: external_entity, boundary: internet }
    ///   - { id: api, kind: process, boundary: dc }
    /// flows:
    ///   - { id: web-to-api, from: browser, to: api, protocol: https }
    /// ```
    ///
    /// ## Mitigation
    /// TLS 1.2 or later on every flow that leaves a trust boundary (HSTS for browsers, mTLS
    /// between services).
    ///
    /// ## References
    /// CWE-319 · CAPEC-157
    pub(crate) PlaintextFlowAcrossBoundary {
        code: "DF001",
        applies_to: [Flow],
        stride: [Tampering, InformationDisclosure],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [319],
        capec: [157],
        severity: High,
    }
}

impl FlowRule for PlaintextFlowAcrossBoundary {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, flow: &Flow, out: &mut Vec<Finding>) {
        if flow.effective_encryption() != Some(Encryption::None) || !cx.crosses(flow) {
            return;
        }
        let data = cx.flow_data(flow);
        let sensitive = carries_secrets(&data);
        let severity = if sensitive {
            Severity::High
        } else {
            severity_for(max_classification(&data), Severity::High, Severity::Medium)
        };
        let protocol = flow.protocol.as_deref().unwrap_or("plaintext");
        let carried = if data.is_empty() {
            String::new()
        } else {
            format!(" carrying {}", data_list(&data))
        };
        out.push(
            Finding::new(
                &Self::META,
                crate::rules::flow_target(flow),
                format!("Plaintext flow {} crosses a trust boundary", cx.flow_name(flow)),
            )
            .description(format!(
                "The flow {}{carried} goes {} over `{protocol}` without encryption: anyone on the path can read and alter it.",
                cx.flow_name(flow),
                cx.crossing_label(flow),
            ))
            .evidence(format!("protocol: {protocol}"))
            .severity(severity)
            .at(cx.location(flow.span))
            .mitigation("Use TLS 1.2+ (https, amqps, grpcs …) or mTLS for this flow"),
        );
    }
}
