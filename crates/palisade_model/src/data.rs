//! Data assets: what must be protected, how sensitive it is, and what it needs.

use palisade_diagnostics::Span;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DataId, string_enum};

string_enum! {
    /// How sensitive a data asset is, from least to most.
    pub enum Classification {
        Public = "public",
        Internal = "internal",
        Confidential = "confidential",
        Restricted = "restricted",
    }
}

string_enum! {
    /// What kind of data an asset is; rules use it to judge what a flow or store carries.
    pub enum DataCategory {
        Credentials = "credentials",
        Token = "token",
        Secret = "secret",
        Pii = "pii",
        Payment = "payment",
        Health = "health",
        Business = "business",
        Telemetry = "telemetry",
    }
}

string_enum! {
    /// A need, from low to high.
    pub enum Level {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

/// Confidentiality, integrity and availability needs of a data asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cia {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidentiality: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Level>,
}

impl Cia {
    pub fn is_empty(&self) -> bool {
        self.confidentiality.is_none() && self.integrity.is_none() && self.availability.is_none()
    }
}

/// Something that must be protected: credentials, tokens, personal data, card data, secrets.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataAsset {
    pub id: DataId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<DataCategory>,
    #[serde(default, skip_serializing_if = "Cia::is_empty")]
    pub cia: Cia,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

impl DataAsset {
    /// A data asset with only an id.
    pub fn with_id(id: impl Into<String>) -> Self {
        Self {
            id: DataId::new(id),
            ..Self::default()
        }
    }

    /// The name to show: the name, or else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.id.as_str())
    }

    /// The classification, `internal` when none is written.
    pub fn effective_classification(&self) -> Classification {
        self.classification.unwrap_or(Classification::Internal)
    }
}
