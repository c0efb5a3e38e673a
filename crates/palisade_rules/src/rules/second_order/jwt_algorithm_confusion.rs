//! SO004: a second-order threat on `jwt_verification` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by a `jwt_verification` control: algorithm confusion, where a token signed
    /// with HMAC using the server's public RSA or EC key as the secret passes a verifier that lets
    /// the token choose the algorithm.
    ///
    /// ## Why it matters
    /// The public key is public. If the verifier uses it as an HMAC secret because the token says
    /// `HS256`, anyone can mint valid tokens.
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
    /// Bind each key to one algorithm (a JWK's `alg`), never let the token choose, and test with
    /// an HS256 token signed with the public key; then record the decision on the second-order
    /// threat.
    ///
    /// ## Mitigation
    /// Bind keys to algorithms, verify with the algorithm the key dictates, and keep asymmetric and
    /// symmetric keys apart.
    ///
    /// ## References
    /// CWE-347 · CAPEC-196
    pub(crate) JwtAlgorithmConfusion {
        code: "SO004",
        applies_to: [Mitigation],
        stride: [Spoofing, ElevationOfPrivilege],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [347],
        capec: [196],
        severity: High,
    }
}

impl SecondOrderRule for JwtAlgorithmConfusion {
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
            format!("JWT verification `{}` could be fooled by algorithm confusion", m.label()),
            "a token signed with HMAC using the public key as secret passes a verifier that lets the token choose the algorithm",
            "Bind each key to one algorithm; never let the token's header choose it",
        ));
    }
}
