//! Trust boundaries: named zones where trust changes hands, possibly nested.

use palisade_diagnostics::Span;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{BoundaryId, string_enum};

string_enum! {
    /// What kind of zone a trust boundary encloses.
    pub enum BoundaryKind {
        Internet = "internet",
        Dmz = "dmz",
        Internal = "internal",
        Cluster = "cluster",
        Cloud = "cloud",
        Host = "host",
        Device = "device",
        ThirdParty = "third_party",
        Other = "other",
    }
}

/// A trust zone. A flow whose ends sit in different zones crosses a boundary.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Boundary {
    pub id: BoundaryId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<BoundaryKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The enclosing boundary, for nested zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<BoundaryId>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

impl Boundary {
    /// A boundary with only an id.
    pub fn with_id(id: impl Into<String>) -> Self {
        Self {
            id: BoundaryId::new(id),
            ..Self::default()
        }
    }

    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.id.as_str())
    }
}
