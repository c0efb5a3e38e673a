//! ST032: Denial of service of a data flow: messages are blocked, delayed or flooded.

use crate::context::{Finding, ModelCx};
use crate::declare_rule;
use crate::rules::FlowRule;

declare_rule! {
    /// ## What it detects
    /// Denial of service of a data flow: messages are blocked, delayed or flooded.
    /// This is a STRIDE-per-element baseline: it is reported only when no more specific rule
    /// already covers this category on the same target, so that every element is considered
    /// for every category that applies to its kind. Its text names what the model says about
    /// the target; its severity follows how exposed the target is and what data it touches.
    ///
    /// ## Why it matters
    /// A flow that is interrupted or saturated stops the work that depends on it.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
    ///   - { id: db, kind: data_store }
    /// flows:
    ///   - { id: api-to-db, from: api, to: db, protocol: postgres, encryption: tls }
    /// ```
    ///
    /// ## Use instead
    /// Nothing in the model removes a baseline threat except a more specific finding: record
    /// a decision about it under `threats:` (status, strategy, mitigations), or mark it
    /// `not_applicable` with a justification.
    ///
    /// ## Mitigation
    /// See the suggested mitigations on each threat.
    ///
    /// ## References
    /// CWE-400 · CAPEC-125
    pub(crate) FlowDenialOfService {
        code: "ST032",
        applies_to: [Flow],
        stride: [DenialOfService],
        owasp_2023: [],
        owasp_2019: [],
        cwe: [400],
        capec: [125],
        severity: Low,
    }
}

impl FlowRule for FlowDenialOfService {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, flow: &palisade_model::Flow, out: &mut Vec<Finding>) {
        crate::rules::flow_baseline(cx, flow, &Self::META, out);
    }
}
