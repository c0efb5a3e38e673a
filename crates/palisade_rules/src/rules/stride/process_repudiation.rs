//! ST012: Repudiation through a process: actions it performs cannot be attributed afterwards.

use crate::context::{Finding, ModelCx};
use crate::declare_rule;
use crate::rules::ElementRule;

declare_rule! {
    /// ## What it detects
    /// Repudiation through a process: actions it performs cannot be attributed afterwards.
    /// This is a STRIDE-per-element baseline: it is reported only when no more specific rule
    /// already covers this category on the same target, so that every element is considered
    /// for every category that applies to its kind. Its text names what the model says about
    /// the target; its severity follows how exposed the target is and what data it touches.
    ///
    /// ## Why it matters
    /// Audit logs must name who did what, when and on which object, and must not be rewritable by the process itself.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
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
    /// CWE-778 · CAPEC-93
    pub(crate) ProcessRepudiation {
        code: "ST012",
        applies_to: [Process],
        stride: [Repudiation],
        owasp_2023: [],
        owasp_2019: [],
        cwe: [778],
        capec: [93],
        severity: Low,
    }
}

impl ElementRule for ProcessRepudiation {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, element: &palisade_model::Element, out: &mut Vec<Finding>) {
        crate::rules::element_baseline(cx, element, &Self::META, out);
    }
}
