//! SO009: a second-order threat on `mtls` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by an `mtls` control: a certificate that passes is issued to the wrong
    /// party — a CA that signs for anyone in the organisation, a shared or public CA trusted for
    /// client certificates, a stolen private key, no check of the subject or SAN.
    ///
    /// ## Why it matters
    /// mTLS proves that the peer holds a key a trusted CA certified — nothing more. Trusting a broad
    /// CA, or not checking which identity the certificate names, lets any certified party in.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
    /// mitigations:
    ///   - { id: control, kind: mtls, elements: [api] }
    /// threats:
    ///   - id: first-order
    ///     title: Another service impersonates the payments service
    ///     target: { element: api }
    ///     stride: [spoofing]
    ///     severity: high
    ///     status: mitigated
    ///     mitigations: [control]
    /// ```
    ///
    /// ## Use instead
    /// Trust a dedicated CA for this purpose, check the certificate's identity (SAN) against an
    /// allow-list, keep keys short-lived and in hardware or a workload identity system; then
    /// record the decision on the second-order threat.
    ///
    /// ## Mitigation
    /// A dedicated issuing CA with tight issuance, identity (SAN) allow-lists on the server, short-lived
    /// certificates, revocation.
    ///
    /// ## References
    /// CWE-295 · CAPEC-459
    pub(crate) RogueClientCertificate {
        code: "SO009",
        applies_to: [Mitigation],
        stride: [Spoofing],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [295],
        capec: [459],
        severity: Medium,
    }
}

impl SecondOrderRule for RogueClientCertificate {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn kinds(&self) -> &'static [MitigationKind] {
        &[MitigationKind::Mtls]
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
            format!("Certificates accepted by mTLS `{}` could be issued to the wrong party", m.label()),
            "a certificate issued to the wrong party (a broad or shared CA, a stolen key, no identity check) still passes",
            "A dedicated CA, identity (SAN) allow-lists, short-lived certificates",
        ));
    }
}
