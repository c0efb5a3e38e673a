//! Rules on data flows (family `DF`).

mod plaintext_flow_across_boundary;
mod plaintext_sensitive_flow_inside_boundary;
mod unauthenticated_data_store_access;
mod unauthenticated_flow_across_boundary;
mod unthrottled_boundary_crossing;
mod unvalidated_third_party_data;

pub(crate) use plaintext_flow_across_boundary::PlaintextFlowAcrossBoundary;
pub(crate) use plaintext_sensitive_flow_inside_boundary::PlaintextSensitiveFlowInsideBoundary;
pub(crate) use unauthenticated_data_store_access::UnauthenticatedDataStoreAccess;
pub(crate) use unauthenticated_flow_across_boundary::UnauthenticatedFlowAcrossBoundary;
pub(crate) use unthrottled_boundary_crossing::UnthrottledBoundaryCrossing;
pub(crate) use unvalidated_third_party_data::UnvalidatedThirdPartyData;
