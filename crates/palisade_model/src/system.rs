//! The system under study: its name, owner, scope and security objectives.

use palisade_diagnostics::Span;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DataId, ObjectiveId, string_enum};

/// What the model describes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// The system's name, shown on every report.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The team or person that owns the system and this model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Scope::is_empty")]
    pub scope: Scope,
}

/// What this threat model covers and what it deliberately leaves out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    #[serde(rename = "in", default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope: Vec<String>,
    #[serde(rename = "out", default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_scope: Vec<String>,
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        self.in_scope.is_empty() && self.out_of_scope.is_empty()
    }
}

string_enum! {
    /// What kind of goal a security objective is.
    pub enum ObjectiveKind {
        Confidentiality = "confidentiality",
        Integrity = "integrity",
        Availability = "availability",
        Privacy = "privacy",
        Compliance = "compliance",
        Accountability = "accountability",
    }
}

/// Something the system must achieve: confidentiality of X, compliance with PCI DSS, an
/// availability target.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub id: ObjectiveId,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ObjectiveKind>,
    /// A standard or regulation, such as `PCI DSS`, `GDPR`, `HIPAA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    /// The data assets this objective protects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<DataId>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}
