//! SO007: a second-order threat on `waf` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by a `waf` control: payloads encoded in a way the WAF does not decode
    /// (double URL encoding, Unicode escapes, JSON string escapes, multipart or chunked bodies,
    /// oversized bodies the WAF skips) reach the application intact.
    ///
    /// ## Why it matters
    /// A WAF matches patterns on what it can see. The application decodes more than the WAF does,
    /// and most WAFs inspect only the first kilobytes of a body.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
    /// mitigations:
    ///   - { id: control, kind: waf, elements: [api] }
    /// threats:
    ///   - id: first-order
    ///     title: Injection through request fields
    ///     target: { element: api }
    ///     stride: [tampering]
    ///     severity: high
    ///     status: mitigated
    ///     mitigations: [control]
    /// ```
    ///
    /// ## Use instead
    /// Treat the WAF as a second line: fix the flaw in the application (parameterized queries,
    /// output encoding), and configure the WAF to inspect whole bodies and decoded content; then
    /// record the decision on the second-order threat.
    ///
    /// ## Mitigation
    /// Fix the underlying weakness in the code; make the WAF decode and inspect whole bodies; block
    /// bodies it cannot inspect.
    ///
    /// ## References
    /// CWE-693 · CAPEC-267
    pub(crate) WafEncodingBypass {
        code: "SO007",
        applies_to: [Mitigation],
        stride: [Tampering],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [693],
        capec: [267],
        severity: Medium,
    }
}

impl SecondOrderRule for WafEncodingBypass {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn kinds(&self) -> &'static [MitigationKind] {
        &[MitigationKind::Waf]
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
            format!("WAF `{}` could be bypassed by encoding the payload", m.label()),
            "payloads encoded in ways the WAF does not decode (double encoding, Unicode or JSON escapes, large or chunked bodies) reach the application",
            "Fix the weakness in the application; make the WAF decode and inspect whole bodies",
        ));
    }
}
