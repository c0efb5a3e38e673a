//! SO012: a second-order threat on `secrets_management` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by a `secrets_management` control: the identity that reads secrets from
    /// the store (a token, a role, an instance credential) is itself stolen or too broad, and
    /// with it every secret the store releases to it.
    ///
    /// ## Why it matters
    /// A vault moves the problem to its access policy. A service role allowed to read every path,
    /// or a vault token in an environment variable, is one theft from all the keys.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
    /// mitigations:
    ///   - { id: control, kind: secrets_management, elements: [api] }
    /// threats:
    ///   - id: first-order
    ///     title: Database password leaks
    ///     target: { element: api }
    ///     stride: [information_disclosure]
    ///     severity: high
    ///     status: mitigated
    ///     mitigations: [control]
    /// ```
    ///
    /// ## Use instead
    /// Give each workload its own identity with read access to its own secrets only, use
    /// short-lived dynamic credentials, and audit reads; then record the decision on the
    /// second-order threat.
    ///
    /// ## Mitigation
    /// Per-workload identities, least-privilege read policies, dynamic short-lived credentials, audit
    /// of secret reads.
    ///
    /// ## References
    /// CWE-522
    pub(crate) SecretsStoreIdentityAbuse {
        code: "SO012",
        applies_to: [Mitigation],
        stride: [InformationDisclosure, ElevationOfPrivilege],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [522],
        capec: [],
        severity: Medium,
    }
}

impl SecondOrderRule for SecretsStoreIdentityAbuse {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn kinds(&self) -> &'static [MitigationKind] {
        &[MitigationKind::SecretsManagement]
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
            format!("The identity that reads secrets from `{}` could be stolen or too broad", m.label()),
            "the identity that reads from the store can be stolen or allowed too much, and every secret it can read goes with it",
            "Per-workload identities with least privilege; short-lived dynamic credentials; audited reads",
        ));
    }
}
