//! Mitigations: controls that address threats, linked many-to-many with threats and elements.

use palisade_diagnostics::Span;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ElementId, MitigationId, string_enum};

string_enum! {
    /// The kind of control; each kind brings its known bypasses as second-order threats.
    pub enum MitigationKind {
        RateLimiting = "rate_limiting",
        ApiGateway = "api_gateway",
        Oauth2 = "oauth2",
        Oidc = "oidc",
        Mtls = "mtls",
        JwtVerification = "jwt_verification",
        InputValidation = "input_validation",
        OutputEncoding = "output_encoding",
        Waf = "waf",
        Logging = "logging",
        Monitoring = "monitoring",
        SecretsManagement = "secrets_management",
        EncryptionAtRest = "encryption_at_rest",
        Tls = "tls",
        AccessControl = "access_control",
        Other = "other",
    }
}

string_enum! {
    /// How far a mitigation has got.
    pub enum MitigationStatus {
        Planned = "planned",
        Implemented = "implemented",
        Verified = "verified",
    }
}

/// A control that addresses threats.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mitigation {
    pub id: MitigationId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MitigationKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MitigationStatus>,
    /// The elements where the control is in place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<ElementId>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

impl Mitigation {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.id.as_str())
    }
}
