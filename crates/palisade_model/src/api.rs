//! The API inventory: every API the system exposes or consumes, with its OpenAPI document.

use palisade_diagnostics::Span;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ApiId, ElementId, Exposure, string_enum};

string_enum! {
    /// Where an API is in its life.
    pub enum Lifecycle {
        Current = "current",
        Deprecated = "deprecated",
        Retired = "retired",
    }
}

/// One API, described by an OpenAPI document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Api {
    pub id: ApiId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Path of the OpenAPI (or Swagger) document, relative to the model file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Exposure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
    /// The element that serves the API; an external entity here means a third-party API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_by: Option<ElementId>,
    /// The elements that call the API.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consumed_by: Vec<ElementId>,
    /// The operations the model accounts for (`METHOD /path`). When given, `palisade check`
    /// reports operations of the spec missing here (shadow APIs) and listed ones the spec no
    /// longer has (zombie APIs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

impl Api {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.id.as_str())
    }
}
