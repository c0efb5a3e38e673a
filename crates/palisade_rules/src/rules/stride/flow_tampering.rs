//! ST030: Tampering with a data flow: messages are altered in transit.

use crate::context::{Finding, ModelCx};
use crate::declare_rule;
use crate::rules::FlowRule;

declare_rule! {
    /// ## What it detects
    /// Tampering with a data flow: messages are altered in transit.
    /// This is a STRIDE-per-element baseline: it is reported only when no more specific rule
    /// already covers this category on the same target, so that every element is considered
    /// for every category that applies to its kind. Its text names what the model says about
    /// the target; its severity follows how exposed the target is and what data it touches.
    ///
    /// ## Why it matters
    /// Anything on the path between sender and receiver can change messages unless they are integrity-protected (TLS, signatures).
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
    /// CWE-345 · CAPEC-94
    pub(crate) FlowTampering {
        code: "ST030",
        applies_to: [Flow],
        stride: [Tampering],
        owasp_2023: [],
        owasp_2019: [],
        cwe: [345],
        capec: [94],
        severity: Low,
    }
}

impl FlowRule for FlowTampering {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, flow: &palisade_model::Flow, out: &mut Vec<Finding>) {
        crate::rules::flow_baseline(cx, flow, &Self::META, out);
    }
}
