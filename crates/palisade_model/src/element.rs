//! Elements of the data-flow diagram: external entities, processes and data stores.

use palisade_diagnostics::Span;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{BoundaryId, DataId, ElementId, string_enum};

string_enum! {
    /// The three kinds of DFD element; each has its own STRIDE categories.
    pub enum ElementKind {
        /// People and systems outside our control (S, R).
        ExternalEntity = "external_entity",
        /// Code we run (S, T, R, I, D, E).
        Process = "process",
        /// Where data rests (T, I, D; and R when it is a log).
        DataStore = "data_store",
    }
}

string_enum! {
    /// What kind of data store an element is; a `log` adds repudiation threats.
    pub enum StoreKind {
        Database = "database",
        Log = "log",
        Cache = "cache",
        Queue = "queue",
        File = "file",
        ObjectStore = "object_store",
        Secrets = "secrets",
        Other = "other",
    }
}

string_enum! {
    /// Who can reach an element or an API.
    pub enum Exposure {
        Public = "public",
        Partner = "partner",
        Internal = "internal",
    }
}

/// A box on the data-flow diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Element {
    pub id: ElementId,
    pub kind: ElementKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// For data stores: what kind of store (a `log` adds repudiation threats).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<StoreKind>,
    /// The trust boundary the element sits in (none: outside every boundary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<BoundaryId>,
    /// The element this one runs inside (a process in a container or on a host).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ElementId>,
    /// Technology, such as `nginx`, `PostgreSQL 16`, `iOS app`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technology: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Exposure>,
    /// For data stores: the data assets kept there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<DataId>,
    /// For data stores: whether data is encrypted at rest (unknown when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_at_rest: Option<bool>,
    /// For processes: whether it writes an audit log of security-relevant actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_log: Option<bool>,
    /// For processes: whether it is an API gateway that others must be reached through.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gateway: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

impl Element {
    /// A new element with only an id and a kind.
    pub fn new(id: impl Into<String>, kind: ElementKind) -> Self {
        Self {
            id: ElementId::new(id),
            kind,
            name: None,
            description: None,
            store: None,
            boundary: None,
            parent: None,
            technology: None,
            exposure: None,
            stores: Vec::new(),
            encrypted_at_rest: None,
            audit_log: None,
            gateway: false,
            tags: Vec::new(),
            span: Span::default(),
        }
    }

    /// The name to show: the name, or else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(self.id.as_str())
    }

    /// A data store that is a log.
    pub fn is_log(&self) -> bool {
        self.kind == ElementKind::DataStore && self.store == Some(StoreKind::Log)
    }
}
