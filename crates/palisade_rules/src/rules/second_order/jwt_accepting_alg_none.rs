//! SO003: a second-order threat on `jwt_verification` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by a `jwt_verification` control: a verifier that honours the token's own
    /// `alg` header accepts `alg: none`, an unsigned token anyone can write.
    ///
    /// ## Why it matters
    /// Several JWT libraries once accepted `none` by default, and hand-rolled verification still
    /// does. The signature check is then skipped entirely: any claims, any user, any role.
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
    /// Pin the accepted algorithms in the verifier (never read them from the token), reject
    /// `none`, and test that an unsigned token is refused; then record the decision on the
    /// second-order threat.
    ///
    /// ## Mitigation
    /// Configure the verifier with an explicit allow-list of algorithms; reject `none`; add a test that
    /// sends an unsigned token and expects 401.
    ///
    /// ## References
    /// CWE-347 · CAPEC-196
    pub(crate) JwtAcceptingAlgNone {
        code: "SO003",
        applies_to: [Mitigation],
        stride: [Spoofing, ElevationOfPrivilege],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [347],
        capec: [196],
        severity: High,
    }
}

impl SecondOrderRule for JwtAcceptingAlgNone {
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
            format!("JWT verification `{}` could accept unsigned `alg: none` tokens", m.label()),
            "a verifier that trusts the token's `alg` header accepts `alg: none`, an unsigned token",
            "Pin the accepted algorithms in the verifier; reject `none`; test that unsigned tokens get 401",
        ));
    }
}
