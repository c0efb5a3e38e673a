//! SO010: a second-order threat on `oauth2`, `oidc` controls.

use palisade_model::{Mitigation, MitigationKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::second_order::{SecondOrderRule, bypass};
use crate::threat::{Location, Threat};

declare_rule! {
    /// ## What it detects
    /// A threat mitigated by an `oauth2` or `oidc` control: tokens or codes are stolen on their
    /// way — open or loosely matched redirect URIs, codes without PKCE, tokens in URLs and logs,
    /// mix-up between identity providers — and the thief is the user as far as the API knows.
    ///
    /// ## Why it matters
    /// OAuth moves the secret from a password to a bearer token. Whoever holds the token is the
    /// user; most real OAuth breaches are token theft through redirects, not broken crypto.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// elements:
    ///   - { id: api, kind: process }
    /// mitigations:
    ///   - { id: control, kind: oauth2, elements: [api] }
    /// threats:
    ///   - id: first-order
    ///     title: Callers act as other users
    ///     target: { element: api }
    ///     stride: [spoofing]
    ///     severity: high
    ///     status: mitigated
    ///     mitigations: [control]
    /// ```
    ///
    /// ## Use instead
    /// Exact redirect URI matching, PKCE for every client, short-lived and sender-constrained
    /// tokens (DPoP or mTLS), and no tokens in URLs; then record the decision on the second-order
    /// threat.
    ///
    /// ## Mitigation
    /// Exact redirect URI matching, PKCE, the `iss` parameter against mix-up, short-lived
    /// sender-constrained tokens.
    ///
    /// ## References
    /// CWE-601 · CAPEC-593
    pub(crate) OAuthTokenTheft {
        code: "SO010",
        applies_to: [Mitigation],
        stride: [Spoofing, InformationDisclosure],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [601],
        capec: [593],
        severity: Medium,
    }
}

impl SecondOrderRule for OAuthTokenTheft {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn kinds(&self) -> &'static [MitigationKind] {
        &[MitigationKind::Oauth2, MitigationKind::Oidc]
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
            format!("Tokens issued under `{}` could be stolen through redirects or logs", m.label()),
            "tokens or authorization codes can be stolen through loosely matched redirect URIs, missing PKCE, or URLs and logs",
            "Exact redirect URIs, PKCE, short-lived sender-constrained tokens, no tokens in URLs",
        ));
    }
}
