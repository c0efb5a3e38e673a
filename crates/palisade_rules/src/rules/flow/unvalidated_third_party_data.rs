//! DF005: data from a third party consumed without validation.

use palisade_model::{ElementKind, Flow};

use crate::context::{Finding, ModelCx};
use crate::declare_rule;
use crate::rules::FlowRule;

declare_rule! {
    /// ## What it detects
    /// A data flow from an element in a third-party zone (or an external entity that serves an
    /// API we consume) into one of our processes, where the model does not say the data is
    /// validated (`validated: true`).
    ///
    /// ## Why it matters
    /// Developers tend to trust what partners send more than user input. A compromised or buggy
    /// third party then becomes a way in: injection, oversized payloads, redirects, or simply
    /// wrong data accepted as truth (OWASP API10:2023, Unsafe Consumption of APIs).
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// boundaries: [{ id: vendor, kind: third_party }, { id: dc, kind: internal }]
    /// elements:
    ///   - { id: processor, kind: external_entity, boundary: vendor }
    ///   - { id: payments, kind: process, boundary: dc }
    /// flows:
    ///   - { id: webhook, from: processor, to: payments, protocol: https, authentication: signature }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// boundaries: [{ id: vendor, kind: third_party }, { id: dc, kind: internal }]
    /// elements:
    ///   - { id: processor, kind: external_entity, boundary: vendor }
    ///   - { id: payments, kind: process, boundary: dc }
    /// flows:
    ///   - { id: webhook, from: processor, to: payments, protocol: https, authentication: signature, validated: true }
    /// ```
    ///
    /// ## Mitigation
    /// Validate third-party responses and callbacks against a schema, bound their size, and
    /// treat them as untrusted input; follow no redirects blindly.
    ///
    /// ## References
    /// CWE-20 · CAPEC-153
    pub(crate) UnvalidatedThirdPartyData {
        code: "DF005",
        applies_to: [Flow],
        stride: [Tampering],
        owasp_2023: [Api10],
        owasp_2019: [Api8],
        cwe: [20],
        capec: [153],
        severity: Medium,
    }
}

impl FlowRule for UnvalidatedThirdPartyData {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, flow: &Flow, out: &mut Vec<Finding>) {
        if flow.validated == Some(true) {
            return;
        }
        let Some(to) = cx.element(flow.to.as_str()) else {
            return;
        };
        if to.kind != ElementKind::Process {
            return;
        }
        let from = flow.from.as_str();
        let serves_consumed_api = cx.model.apis.iter().any(|api| {
            api.served_by.as_ref().is_some_and(|s| s.as_str() == from)
                && cx
                    .element(from)
                    .is_some_and(|e| e.kind == ElementKind::ExternalEntity)
                && api.consumed_by.iter().any(|c| c == &to.id)
        });
        if !cx.is_third_party(from) && !serves_consumed_api {
            return;
        }
        out.push(
            Finding::new(
                &Self::META,
                crate::rules::flow_target(flow),
                format!("{} trusts data from third party {}", cx.name(to.id.as_str()), cx.name(from)),
            )
            .description(format!(
                "{} consumes what {} sends on {} and the model does not say it is validated: a compromised or faulty third party becomes a way in.",
                cx.name(to.id.as_str()),
                cx.name(from),
                cx.flow_name(flow),
            ))
            .evidence("no `validated: true` on the flow")
            .at(cx.location(flow.span))
            .mitigation("Validate third-party data against a schema and bound its size; then set `validated: true`"),
        );
    }
}
