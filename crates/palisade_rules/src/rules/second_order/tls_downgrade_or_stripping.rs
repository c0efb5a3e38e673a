//! SO013: a second-order threat on `tls` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by a `tls` control: the connection is downgraded to an old protocol or
    /// weak cipher, stripped to plain HTTP by a redirect, or made with certificate checks turned
    /// off by a client.
    ///
    /// ## Why it matters
    /// TLS protects only connections that use it properly. Plain-HTTP listeners kept for
    /// redirects, clients with `verify=False`, and servers offering TLS 1.0 undo it.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
    /// mitigations:
    ///   - { id: control, kind: tls, elements: [api] }
    /// threats:
    ///   - id: first-order
    ///     title: Traffic read on the network
    ///     target: { element: api }
    ///     stride: [information_disclosure]
    ///     severity: high
    ///     status: mitigated
    ///     mitigations: [control]
    /// ```
    ///
    /// ## Use instead
    /// Offer only TLS 1.2+, no plain-HTTP listener (or HSTS with preload), and test that
    /// clients verify certificates; then record the decision on the second-order threat.
    ///
    /// ## Mitigation
    /// TLS 1.2+ only, HSTS, no plain listeners, certificate verification in every client (tested).
    ///
    /// ## References
    /// CWE-757 · CAPEC-620
    pub(crate) TlsDowngradeOrStripping {
        code: "SO013",
        applies_to: [Mitigation],
        stride: [InformationDisclosure, Tampering],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [757],
        capec: [620],
        severity: Medium,
    }
}

impl SecondOrderRule for TlsDowngradeOrStripping {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn kinds(&self) -> &'static [MitigationKind] {
        &[MitigationKind::Tls]
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
            format!("TLS `{}` could be downgraded, stripped or left unverified", m.label()),
            "connections can be downgraded, stripped to plain HTTP, or made by clients that do not verify certificates",
            "TLS 1.2+ only, HSTS and no plain listener, certificate verification tested in clients",
        ));
    }
}
