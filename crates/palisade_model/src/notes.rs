//! External security notes, for customers and for API callers, and RFC-style security considerations.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Notes for people outside the team.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notes {
    #[serde(default, skip_serializing_if = "CustomerNotes::is_empty")]
    pub customers: CustomerNotes,
    #[serde(default, skip_serializing_if = "CallerNotes::is_empty")]
    pub callers: CallerNotes,
    #[serde(default, skip_serializing_if = "SecurityConsiderations::is_empty")]
    pub security_considerations: SecurityConsiderations,
}

impl Notes {
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
            && self.callers.is_empty()
            && self.security_considerations.is_empty()
    }
}

/// What customers should know: above all, what the system does not defend against.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerNotes {
    /// What the system does not defend against.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub non_requirements: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl CustomerNotes {
    pub fn is_empty(&self) -> bool {
        self.non_requirements.is_empty() && self.notes.is_empty()
    }
}

/// What callers of the API should know.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallerNotes {
    /// "Our threat model is …"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat_model: Option<String>,
    /// "We accept only input that looks like …"
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted_input: Vec<String>,
    /// "Common mistakes in calling us are …"
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub common_mistakes: Vec<String>,
}

impl CallerNotes {
    pub fn is_empty(&self) -> bool {
        self.threat_model.is_none()
            && self.accepted_input.is_empty()
            && self.common_mistakes.is_empty()
    }
}

/// A Security Considerations section in the shape of an RFC's.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityConsiderations {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_scope: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreseeable_threats: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub residual_risk: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protected_against: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
}

impl SecurityConsiderations {
    pub fn is_empty(&self) -> bool {
        self.in_scope.is_empty()
            && self.out_of_scope.is_empty()
            && self.foreseeable_threats.is_empty()
            && self.residual_risk.is_empty()
            && self.protected_against.is_empty()
            && self.assumptions.is_empty()
    }
}
