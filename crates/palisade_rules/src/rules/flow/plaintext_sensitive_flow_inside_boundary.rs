//! DF004: secrets or restricted data sent in plaintext inside a trust zone.

use palisade_model::{Classification, Encryption, Flow, Severity};

use crate::context::{Finding, ModelCx, carries_secrets, data_list, max_classification};
use crate::declare_rule;
use crate::rules::FlowRule;

declare_rule! {
    /// ## What it detects
    /// A data flow inside one trust zone that carries credentials, tokens, secrets or restricted
    /// data over a plaintext protocol.
    ///
    /// ## Why it matters
    /// "Inside the network" is not a control: one compromised host, a mirrored port or a
    /// misconfigured service mesh exposes everything sent in the clear, and zero-trust designs
    /// assume the internal network is hostile.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// data: [{ id: cards, classification: restricted, categories: [payment] }]
    /// elements:
    ///   - { id: gateway, kind: process }
    ///   - { id: payments, kind: process }
    /// flows:
    ///   - { id: gw-to-payments, from: gateway, to: payments, protocol: http, data: [cards] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// data: [{ id: cards, classification: restricted, categories: [payment] }]
    /// elements:
    ///   - { id: gateway, kind: process }
    ///   - { id: payments, kind: process }
    /// flows:
    ///   - { id: gw-to-payments, from: gateway, to: payments, protocol: http, encryption: mtls, data: [cards] }
    /// ```
    ///
    /// ## Mitigation
    /// Encrypt service-to-service traffic (mTLS through a service mesh, or TLS per connection).
    ///
    /// ## References
    /// CWE-319 · CAPEC-157
    pub(crate) PlaintextSensitiveFlowInsideBoundary {
        code: "DF004",
        applies_to: [Flow],
        stride: [InformationDisclosure],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [319],
        capec: [157],
        severity: Medium,
    }
}

impl FlowRule for PlaintextSensitiveFlowInsideBoundary {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, flow: &Flow, out: &mut Vec<Finding>) {
        if flow.effective_encryption() != Some(Encryption::None) || cx.crosses(flow) {
            return;
        }
        let data = cx.flow_data(flow);
        let restricted = max_classification(&data) == Classification::Restricted;
        if !restricted && !carries_secrets(&data) {
            return;
        }
        let protocol = flow.protocol.as_deref().unwrap_or("plaintext");
        out.push(
            Finding::new(
                &Self::META,
                crate::rules::flow_target(flow),
                format!("{} sends sensitive data in plaintext", cx.flow_name(flow)),
            )
            .description(format!(
                "The flow {} carries {} over `{protocol}` inside one trust zone; anyone with a foothold in that zone can read it.",
                cx.flow_name(flow),
                data_list(&data),
            ))
            .evidence(format!("protocol: {protocol}"))
            .severity(if restricted { Severity::Medium } else { Severity::Low })
            .at(cx.location(flow.span))
            .mitigation("Encrypt the flow (mTLS or TLS)"),
        );
    }
}
