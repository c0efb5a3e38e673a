//! SO011: a second-order threat on `logging`, `monitoring` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by a `logging` or `monitoring` control: an attacker writes forged entries
    /// (newlines or control characters in logged input), floods the log or the alerts to hide the
    /// real events, or reaches the log store and edits it.
    ///
    /// ## Why it matters
    /// Detection is a control attackers aim at first. Forged lines mislead investigators; a flood
    /// of noise buries the one alert that mattered; an editable log proves nothing.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
    /// mitigations:
    ///   - { id: control, kind: logging, elements: [api] }
    /// threats:
    ///   - id: first-order
    ///     title: Actions cannot be attributed
    ///     target: { element: api }
    ///     stride: [repudiation]
    ///     severity: high
    ///     status: mitigated
    ///     mitigations: [control]
    /// ```
    ///
    /// ## Use instead
    /// Log structured records (JSON) that encode input, ship them to an append-only store the
    /// service cannot rewrite, and rate-limit and deduplicate alerts; then record the decision on
    /// the second-order threat.
    ///
    /// ## Mitigation
    /// Structured logging with encoded input, append-only storage outside the service's reach, alert
    /// deduplication and rate limits.
    ///
    /// ## References
    /// CWE-117 · CAPEC-93
    pub(crate) LogsFloodedOrForged {
        code: "SO011",
        applies_to: [Mitigation],
        stride: [Repudiation, Tampering],
        owasp_2023: [Api8],
        owasp_2019: [Api10],
        cwe: [117],
        capec: [93],
        severity: Low,
    }
}

impl SecondOrderRule for LogsFloodedOrForged {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn kinds(&self) -> &'static [MitigationKind] {
        &[MitigationKind::Logging, MitigationKind::Monitoring]
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
            format!("Logging `{}` could be flooded or fed forged entries", m.label()),
            "an attacker can forge entries through logged input, or flood the log and its alerts to hide real events",
            "Structured logs with encoded input, an append-only store out of the service's reach, deduplicated alerts",
        ));
    }
}
