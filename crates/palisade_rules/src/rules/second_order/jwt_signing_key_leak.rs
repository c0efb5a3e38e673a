//! SO005: a second-order threat on `jwt_verification` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by a `jwt_verification` control: the signing key (an HMAC secret or a
    /// private key) leaks — from a repository, an image, a log, a shared configuration — and every
    /// token it signs verifies.
    ///
    /// ## Why it matters
    /// Verification is only as strong as the key. Shared HMAC secrets copied into every service,
    /// keys baked into images, and keys that never rotate turn one leak into permanent forgery.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
    /// mitigations:
    ///   - { id: control, kind: jwt_verification, elements: [api] }
    /// threats:
    ///   - id: first-order
    ///     title: Callers forge their identity
    ///     target: { element: api }
    ///     stride: [spoofing]
    ///     severity: high
    ///     status: mitigated
    ///     mitigations: [control]
    /// ```
    ///
    /// ## Use instead
    /// Sign with an asymmetric key held in a KMS or HSM, verify with the public key only,
    /// rotate keys (`kid`), and scan for leaked secrets; then record the decision on the
    /// second-order threat.
    ///
    /// ## Mitigation
    /// Asymmetric signing with the private key in a KMS/HSM; verifiers hold only public keys; rotation
    /// with `kid`; secret scanning in CI.
    ///
    /// ## References
    /// CWE-522 · CAPEC-196
    pub(crate) JwtSigningKeyLeak {
        code: "SO005",
        applies_to: [Mitigation],
        stride: [Spoofing, ElevationOfPrivilege],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [522],
        capec: [196],
        severity: Medium,
    }
}

impl SecondOrderRule for JwtSigningKeyLeak {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn kinds(&self) -> &'static [MitigationKind] {
        &[MitigationKind::JwtVerification]
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
            format!("The signing key behind JWT verification `{}` could leak", m.label()),
            "a leaked signing key (from a repository, an image or a log) makes every forged token verify",
            "Keep the private key in a KMS or HSM, verify with public keys only, rotate keys",
        ));
    }
}
