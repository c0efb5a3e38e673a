//! Typed identifiers, so that an element id is never passed where a flow id is expected.

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// The id of an element (external entity, process or data store).
    ElementId
);
id_type!(
    /// The id of a data flow.
    FlowId
);
id_type!(
    /// The id of a trust boundary.
    BoundaryId
);
id_type!(
    /// The id of a data asset.
    DataId
);
id_type!(
    /// The id of an API in the inventory.
    ApiId
);
id_type!(
    /// The id of a mitigation.
    MitigationId
);
id_type!(
    /// The id of a threat: a fingerprint for generated threats, or a person's choice for
    /// hand-written ones.
    ThreatId
);
id_type!(
    /// The id of an assumption.
    AssumptionId
);
id_type!(
    /// The id of a security objective.
    ObjectiveId
);
