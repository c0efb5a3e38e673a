//! Rules on elements: processes (family `PR`) and data stores (family `DS`).

mod backend_reachable_around_gateway;
mod process_without_audit_log;
mod sensitive_data_unencrypted_at_rest;

pub(crate) use backend_reachable_around_gateway::BackendReachableAroundGateway;
pub(crate) use process_without_audit_log::ProcessWithoutAuditLog;
pub(crate) use sensitive_data_unencrypted_at_rest::SensitiveDataUnencryptedAtRest;
