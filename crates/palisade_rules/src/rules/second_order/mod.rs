//! Second-order threats (family `SO`): attacks on the controls themselves. When a threat's
//! decision names a mitigation of a kind with known bypasses, each bypass becomes a threat linked
//! to its parent, with a stable id derived from the parent's id and the rule, so decisions recorded
//! on it survive re-runs.

mod credential_stuffing_under_rate_limits;
mod gateway_bypassed_to_backend;
mod jwt_accepting_alg_none;
mod jwt_algorithm_confusion;
mod jwt_signing_key_leak;
mod logs_flooded_or_forged;
mod oauth_token_theft;
mod rate_limit_spread_over_many_addresses;
mod rogue_client_certificate;
mod secrets_store_identity_abuse;
mod tls_downgrade_or_stripping;
mod validation_parser_differential;
mod waf_encoding_bypass;

pub(crate) use credential_stuffing_under_rate_limits::CredentialStuffingUnderRateLimits;
pub(crate) use gateway_bypassed_to_backend::GatewayBypassedToBackend;
pub(crate) use jwt_accepting_alg_none::JwtAcceptingAlgNone;
pub(crate) use jwt_algorithm_confusion::JwtAlgorithmConfusion;
pub(crate) use jwt_signing_key_leak::JwtSigningKeyLeak;
pub(crate) use logs_flooded_or_forged::LogsFloodedOrForged;
pub(crate) use oauth_token_theft::OAuthTokenTheft;
pub(crate) use rate_limit_spread_over_many_addresses::RateLimitSpreadOverManyAddresses;
pub(crate) use rogue_client_certificate::RogueClientCertificate;
pub(crate) use secrets_store_identity_abuse::SecretsStoreIdentityAbuse;
pub(crate) use tls_downgrade_or_stripping::TlsDowngradeOrStripping;
pub(crate) use validation_parser_differential::ValidationParserDifferential;
pub(crate) use waf_encoding_bypass::WafEncodingBypass;

use palisade_model::{Mitigation, MitigationKind, StringEnum};

use crate::RuleMeta;
use crate::context::Finding;
use crate::threat::{Location, Threat};

/// A rule that describes a bypass of controls of some kinds.
pub(crate) trait SecondOrderRule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// The kinds of control this bypass defeats.
    fn kinds(&self) -> &'static [MitigationKind];
    /// Adds the bypass of `mitigation`, which mitigates `parent`, when it applies.
    fn check(
        &self,
        parent: &Threat,
        mitigation: &Mitigation,
        location: Option<Location>,
        out: &mut Vec<Finding>,
    );
}

/// The finding of a bypass: on the parent's target, at the mitigation's definition.
pub(crate) fn bypass(
    meta: &'static RuleMeta,
    parent: &Threat,
    mitigation: &Mitigation,
    location: Option<Location>,
    title: String,
    how: &str,
    fix: &str,
) -> Finding {
    let kind = mitigation.kind.map_or("control", StringEnum::as_str);
    Finding::new(meta, parent.target.clone(), title)
        .description(format!(
            "`{}` ({kind}) mitigates {} ({}); but {how}.",
            mitigation.label(),
            parent.title,
            parent.id,
        ))
        .evidence(format!(
            "threat {} names mitigation `{}`",
            parent.id, mitigation.id
        ))
        .at(location)
        .mitigation(fix)
}
