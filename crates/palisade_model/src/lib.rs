//! The typed Palisade threat model: one system as elements, flows, trust boundaries, data assets,
//! APIs, mitigations, threats and decisions, assumptions and external notes.
//!
//! Pure data: no IO and no YAML. The loader builds a [`Model`] from a file and reports what is
//! wrong; everything else reads it. `serde` gives the writer's key order (field order here) and
//! `schemars` the published JSON Schema; each entity keeps the [`Span`](palisade_diagnostics::Span)
//! of its definition so that threats and diagnostics can point at it.

mod api;
mod assumption;
mod boundary;
mod custom_rule;
mod data;
mod date;
mod element;
mod flow;
mod ids;
mod layout;
mod mitigation;
mod model;
mod notes;
mod policy;
mod schema;
mod string_enum;
mod system;
mod threat;

pub use api::{Api, Lifecycle};
pub use assumption::Assumption;
pub use boundary::{Boundary, BoundaryKind};
pub use custom_rule::{CustomRule, RuleMatch, RuleTarget};
pub use data::{Cia, Classification, DataAsset, DataCategory, Level};
pub use date::{Date, DateError};
pub use element::{Element, ElementKind, Exposure, StoreKind};
pub use flow::{Authentication, Authorization, Encryption, Flow};
pub use ids::{
    ApiId, AssumptionId, BoundaryId, DataId, ElementId, FlowId, MitigationId, ObjectiveId, ThreatId,
};
pub use layout::{Layout, Placement};
pub use mitigation::{Mitigation, MitigationKind, MitigationStatus};
pub use model::{FORMAT_VERSION, Model};
pub use notes::{CallerNotes, CustomerNotes, Notes, SecurityConsiderations};
pub use policy::{Policy, RatingMethod, Reviewed};
pub use schema::model_schema_json;
pub use string_enum::StringEnum;
pub use system::{Objective, ObjectiveKind, Scope, System};
pub use threat::{
    Dread, OwaspImpact, OwaspLikelihood, OwaspRisk, RiskOverride, Severity, Status, Strategy,
    Stride, ThreatEntry, ThreatTarget, Ticket,
};
