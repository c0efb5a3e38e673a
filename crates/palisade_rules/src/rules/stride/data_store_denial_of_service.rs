//! ST022: Denial of service of a data store: it is filled, locked or made too slow.

use crate::context::{Finding, ModelCx};
use crate::declare_rule;
use crate::rules::ElementRule;

declare_rule! {
    /// ## What it detects
    /// Denial of service of a data store: it is filled, locked or made too slow.
    /// This is a STRIDE-per-element baseline: it is reported only when no more specific rule
    /// already covers this category on the same target, so that every element is considered
    /// for every category that applies to its kind. Its text names what the model says about
    /// the target; its severity follows how exposed the target is and what data it touches.
    ///
    /// ## Why it matters
    /// A store that fills up or slows down takes every process that depends on it with it.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: db, kind: data_store, store: log }
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
    /// CWE-400 · CAPEC-130
    pub(crate) DataStoreDenialOfService {
        code: "ST022",
        applies_to: [DataStore],
        stride: [DenialOfService],
        owasp_2023: [],
        owasp_2019: [],
        cwe: [400],
        capec: [130],
        severity: Low,
    }
}

impl ElementRule for DataStoreDenialOfService {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, element: &palisade_model::Element, out: &mut Vec<Finding>) {
        crate::rules::element_baseline(cx, element, &Self::META, out);
    }
}
