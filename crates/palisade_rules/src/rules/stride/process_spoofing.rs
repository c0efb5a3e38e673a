//! ST010: Spoofing of a process: an attacker poses as it toward the services and stores it calls.

use crate::context::{Finding, ModelCx};
use crate::declare_rule;
use crate::rules::ElementRule;

declare_rule! {
    /// ## What it detects
    /// Spoofing of a process: an attacker poses as it toward the services and stores it calls.
    /// This is a STRIDE-per-element baseline: it is reported only when no more specific rule
    /// already covers this category on the same target, so that every element is considered
    /// for every category that applies to its kind. Its text names what the model says about
    /// the target; its severity follows how exposed the target is and what data it touches.
    ///
    /// ## Why it matters
    /// A process proves who it is with credentials; if those are shared secrets that leak, anything can act as the process.
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
    /// CWE-290 · CAPEC-151
    pub(crate) ProcessSpoofing {
        code: "ST010",
        applies_to: [Process],
        stride: [Spoofing],
        owasp_2023: [],
        owasp_2019: [],
        cwe: [290],
        capec: [151],
        severity: Low,
    }
}

impl ElementRule for ProcessSpoofing {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, element: &palisade_model::Element, out: &mut Vec<Finding>) {
        crate::rules::element_baseline(cx, element, &Self::META, out);
    }
}
