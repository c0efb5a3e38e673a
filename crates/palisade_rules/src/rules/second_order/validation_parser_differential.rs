//! SO006: a second-order threat on `input_validation` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by an `input_validation` control: the validator and the code behind it
    /// parse the same request differently (duplicate JSON keys, duplicate query parameters,
    /// Unicode normalization, number precision, content-type confusion), so what was validated is
    /// not what is used.
    ///
    /// ## Why it matters
    /// A gateway that validates the first `role` key while the service reads the last one lets
    /// `{"role": "user", "role": "admin"}` through. Validation in one parser protects another
    /// parser only if they agree.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
    /// mitigations:
    ///   - { id: control, kind: input_validation, elements: [api] }
    /// threats:
    ///   - id: first-order
    ///     title: Clients send malicious input
    ///     target: { element: api }
    ///     stride: [tampering]
    ///     severity: high
    ///     status: mitigated
    ///     mitigations: [control]
    /// ```
    ///
    /// ## Use instead
    /// Validate with the same parser that consumes the request, or re-serialize the validated
    /// value and forward that; reject duplicate keys and ambiguous encodings; then record the
    /// decision on the second-order threat.
    ///
    /// ## Mitigation
    /// Reject duplicate keys and parameters, forward the validated (re-serialized) body rather than the
    /// raw one, and pin content types.
    ///
    /// ## References
    /// CWE-436 · CAPEC-460
    pub(crate) ValidationParserDifferential {
        code: "SO006",
        applies_to: [Mitigation],
        stride: [Tampering],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [436],
        capec: [460],
        severity: Medium,
    }
}

impl SecondOrderRule for ValidationParserDifferential {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn kinds(&self) -> &'static [MitigationKind] {
        &[MitigationKind::InputValidation]
    }

    fn check(
        &self,
        parent: &Threat,
        m: &Mitigation,
        location: Option<Location>,
        out: &mut Vec<Finding>,
    ) {
        out.push(bypass(
            &Self::META,
            parent,
            m,
            location,
            format!("Input validation `{}` could be bypassed by a parser differential", m.label()),
            "the validator and the code behind it can parse the same request differently (duplicate keys or parameters, encodings)",
            "Reject duplicate keys and parameters; forward the validated, re-serialized body",
        ));
    }
}
