//! STRIDE per element: one baseline rule per category that applies to each kind of element,
//! reported where no specific rule covers that category on the same target.

mod data_store_denial_of_service;
mod data_store_information_disclosure;
mod data_store_tampering;
mod external_entity_repudiation;
mod external_entity_spoofing;
mod flow_denial_of_service;
mod flow_information_disclosure;
mod flow_tampering;
mod log_repudiation;
mod process_denial_of_service;
mod process_elevation_of_privilege;
mod process_information_disclosure;
mod process_repudiation;
mod process_spoofing;
mod process_tampering;

pub(crate) use data_store_denial_of_service::DataStoreDenialOfService;
pub(crate) use data_store_information_disclosure::DataStoreInformationDisclosure;
pub(crate) use data_store_tampering::DataStoreTampering;
pub(crate) use external_entity_repudiation::ExternalEntityRepudiation;
pub(crate) use external_entity_spoofing::ExternalEntitySpoofing;
pub(crate) use flow_denial_of_service::FlowDenialOfService;
pub(crate) use flow_information_disclosure::FlowInformationDisclosure;
pub(crate) use flow_tampering::FlowTampering;
pub(crate) use log_repudiation::LogRepudiation;
pub(crate) use process_denial_of_service::ProcessDenialOfService;
pub(crate) use process_elevation_of_privilege::ProcessElevationOfPrivilege;
pub(crate) use process_information_disclosure::ProcessInformationDisclosure;
pub(crate) use process_repudiation::ProcessRepudiation;
pub(crate) use process_spoofing::ProcessSpoofing;
pub(crate) use process_tampering::ProcessTampering;

use palisade_model::{
    Authentication, Authorization, Classification, Element, ElementKind, Encryption, Flow,
    MitigationKind, Severity, Stride,
};

use crate::RuleMeta;
use crate::context::{Finding, ModelCx, data_list, max_classification};

/// `none`, `oauth2 and api_key` … for the authentications of `flows`.
fn auth_summary(flows: &[&Flow]) -> String {
    let mut kinds: Vec<&str> = flows
        .iter()
        .map(|f| {
            f.authentication
                .map_or("unstated", |a| palisade_model::StringEnum::as_str(a))
        })
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds.join(", ")
}

fn weak_auth(a: Option<Authentication>) -> bool {
    matches!(
        a,
        None | Some(
            Authentication::None
                | Authentication::Basic
                | Authentication::ApiKey
                | Authentication::Password
        )
    )
}

fn names(cx: &ModelCx, ids: impl Iterator<Item = String>) -> String {
    let mut v: Vec<String> = ids.collect();
    v.sort();
    v.dedup();
    let shown: Vec<String> = v.iter().take(4).map(|id| cx.name(id)).collect();
    if shown.is_empty() {
        return "nothing in the model".to_owned();
    }
    let mut s = shown.join(", ");
    if v.len() > 4 {
        s = format!("{s} and {} more", v.len() - 4);
    }
    s
}

/// The baseline finding of `meta`'s category on an element.
pub(crate) fn element_baseline(
    cx: &ModelCx,
    element: &Element,
    meta: &'static RuleMeta,
    out: &mut Vec<Finding>,
) {
    let Some(&stride) = meta.stride.first() else {
        return;
    };
    if !crate::rules::stride_applies(element, stride) {
        return;
    }
    let id = element.id.as_str();
    let me = cx.name(id);
    let inbound = cx.inbound(id);
    let outbound = cx.outbound(id);
    let callers = names(cx, inbound.iter().map(|f| f.from.to_string()));
    let callees = names(cx, outbound.iter().map(|f| f.to.to_string()));
    let mut handled: Vec<_> = inbound
        .iter()
        .chain(outbound)
        .flat_map(|f| cx.flow_data(f))
        .collect();
    handled.extend(cx.stored_data(element));
    handled.sort_by(|a, b| a.id.cmp(&b.id));
    handled.dedup_by(|a, b| a.id == b.id);
    let class = max_classification(&handled);
    let data = if handled.is_empty() {
        "no data assets named in the model".to_owned()
    } else {
        data_list(&handled)
    };
    let exposed = inbound
        .iter()
        .any(|f| cx.crosses(f) && cx.is_untrusted_source(f.from.as_str()));
    let (title, description, severity, mitigation) = match (element.kind, stride) {
        (ElementKind::ExternalEntity, Stride::Spoofing) => (
            format!("Someone could pose as {me}"),
            if outbound.is_empty() {
                format!(
                    "The model does not say how {me} proves who it is. Whoever holds or steals its credentials is {me} to the system."
                )
            } else {
                format!(
                    "{me} reaches {callees} with authentication: {}. Whoever holds or steals those credentials is {me} to the system.",
                    auth_summary(outbound)
                )
            },
            if outbound.iter().any(|f| weak_auth(f.authentication)) {
                Severity::Medium
            } else {
                Severity::Low
            },
            "Strong authentication for this caller (OAuth 2.0 / OIDC with short-lived tokens, mTLS, signed requests)",
        ),
        (ElementKind::ExternalEntity, Stride::Repudiation) => (
            format!("{me} could deny what it sent"),
            format!(
                "{me} sends requests to {callees}; without authenticated, logged requests its actions cannot be proven later."
            ),
            if outbound.iter().any(|f| {
                cx.element(f.to.as_str())
                    .is_some_and(|e| e.audit_log != Some(true))
            }) {
                Severity::Medium
            } else {
                Severity::Low
            },
            "Log each request with the authenticated caller, time and object at the receiving process",
        ),
        (ElementKind::Process, Stride::Spoofing) => (
            format!("Something could pose as {me}"),
            format!(
                "{}{}",
                if outbound.is_empty() {
                    format!(
                        "The model does not say how {me} proves who it is to others; if its credentials leak, anything can act as {me}"
                    )
                } else {
                    format!(
                        "{me} calls {callees} with authentication: {}. If its credentials leak, anything can act as {me}",
                        auth_summary(outbound)
                    )
                },
                if inbound.is_empty() {
                    ".".to_owned()
                } else {
                    format!("; callers reach it from {callers}.")
                }
            ),
            if outbound.iter().any(|f| weak_auth(f.authentication)) && !outbound.is_empty() {
                Severity::Medium
            } else {
                Severity::Low
            },
            "Per-service identities (mTLS, workload identity) and secrets in a secrets manager, rotated",
        ),
        (ElementKind::Process, Stride::Tampering) => {
            let unvalidated = exposed
                && !cx.has_control(id, MitigationKind::InputValidation)
                && inbound.iter().any(|f| f.validated != Some(true));
            (
                format!("{me} could be driven by malicious input"),
                format!(
                    "{me} acts on the input it receives from {callers}{}.",
                    if unvalidated {
                        "; the model records no input validation for it"
                    } else {
                        ""
                    }
                ),
                if unvalidated {
                    Severity::Medium
                } else {
                    Severity::Low
                },
                "Validate every input against a schema (types, lengths, formats); parameterised queries",
            )
        }
        (ElementKind::Process, Stride::Repudiation) => (
            format!("Actions through {me} could go unattributed"),
            format!(
                "{me} handles {data}; its audit log must name who did what, and must not be rewritable by {me}."
            ),
            Severity::Low,
            "Append-only audit log outside the process's control",
        ),
        (ElementKind::Process, Stride::InformationDisclosure) => (
            format!("{me} could leak the data it handles"),
            format!(
                "{me} handles {data}; verbose errors, logs, debug endpoints or over-broad responses could expose it."
            ),
            if class == Classification::Restricted {
                Severity::Medium
            } else {
                Severity::Low
            },
            "Generic error messages, no secrets in logs, responses limited to what the caller may see",
        ),
        (ElementKind::Process, Stride::DenialOfService) => (
            format!("{me} could be made unavailable"),
            format!(
                "{me} is called by {callers} and depends on {callees}; floods, expensive requests or a failing dependency can take it down."
            ),
            Severity::Low,
            "Rate limits, request size limits, timeouts and circuit breakers",
        ),
        (ElementKind::Process, Stride::ElevationOfPrivilege) => {
            let unauthorized = inbound.iter().any(|f| {
                cx.crosses(f) && matches!(f.authorization, None | Some(Authorization::None))
            });
            (
                format!("Callers of {me} could gain rights they should not have"),
                format!(
                    "{me} acts with its own rights for {callers}{}.",
                    if unauthorized {
                        "; the model states no authorization on calls that cross a boundary"
                    } else {
                        ""
                    }
                ),
                if unauthorized && exposed {
                    Severity::Medium
                } else {
                    Severity::Low
                },
                "Authorize every request per object and function (ownership checks, scopes, roles)",
            )
        }
        (ElementKind::DataStore, Stride::Tampering) => (
            format!("Data in {me} could be altered"),
            format!(
                "{me} holds {data} and is written by {callers}; a compromised writer or stolen credentials can change what the system believes."
            ),
            if handled
                .iter()
                .any(|d| d.cia.integrity == Some(palisade_model::Level::High))
            {
                Severity::Medium
            } else {
                Severity::Low
            },
            "Least-privilege accounts per writer, integrity checks, backups",
        ),
        (ElementKind::DataStore, Stride::InformationDisclosure) => (
            format!("Data in {me} could be read by the wrong people"),
            format!(
                "{me} holds {data}; it can be read through its clients {callers}, backups, replicas and admin access (encrypted at rest: {}).",
                element
                    .encrypted_at_rest
                    .map_or("not stated", |e| if e { "yes" } else { "no" })
            ),
            if class == Classification::Restricted {
                Severity::Medium
            } else {
                Severity::Low
            },
            "Least-privilege read access, encryption at rest, protected backups",
        ),
        (ElementKind::DataStore, Stride::DenialOfService) => (
            format!("{me} could be filled or locked"),
            format!("{me} serves {callers}; if it fills up, locks or slows down, they stop too."),
            if handled
                .iter()
                .any(|d| d.cia.availability == Some(palisade_model::Level::High))
            {
                Severity::Medium
            } else {
                Severity::Low
            },
            "Quotas, monitoring of capacity, replicas",
        ),
        (ElementKind::DataStore, Stride::Repudiation) => (
            format!("Entries in the log {me} could be altered or forged"),
            format!(
                "{me} is written by {callers}; if a writer can rewrite or delete entries, or inject forged ones, the log proves nothing."
            ),
            Severity::Medium,
            "Append-only (WORM) storage, writers without delete rights, encoded log fields",
        ),
        _ => return,
    };
    out.push(
        Finding::new(meta, crate::rules::element_target(element), title)
            .description(description)
            .evidence(format!(
                "{} `{}`",
                palisade_model::StringEnum::as_str(element.kind),
                element.id
            ))
            .severity(severity)
            .at(cx.location(element.span))
            .mitigation(mitigation),
    );
}

/// The baseline finding of `meta`'s category on a flow.
pub(crate) fn flow_baseline(
    cx: &ModelCx,
    flow: &Flow,
    meta: &'static RuleMeta,
    out: &mut Vec<Finding>,
) {
    let Some(&stride) = meta.stride.first() else {
        return;
    };
    let name = cx.flow_name(flow);
    let data = cx.flow_data(flow);
    let carried = if data.is_empty() {
        "no data assets named in the model".to_owned()
    } else {
        data_list(&data)
    };
    let crossing = cx.crosses(flow);
    let protection = match flow.effective_encryption() {
        Some(Encryption::None) => "no encryption",
        Some(Encryption::Tls) => "TLS",
        Some(Encryption::Mtls) => "mutual TLS",
        Some(Encryption::EndToEnd) => "end-to-end encryption",
        None => "protection not stated",
    };
    let where_ = if crossing {
        format!(" {}", cx.crossing_label(flow))
    } else {
        " inside one trust zone".to_owned()
    };
    let class = max_classification(&data);
    let sensitive = class >= Classification::Confidential;
    let (title, description, severity, mitigation) = match stride {
        Stride::Tampering => (
            format!("Messages on {name} could be altered"),
            format!(
                "The flow {name} carries {carried}{where_} with {protection}; whatever is on the path could change it."
            ),
            if crossing && flow.effective_encryption().is_none() && sensitive {
                Severity::Medium
            } else {
                Severity::Low
            },
            "TLS with certificate validation, or signed messages",
        ),
        Stride::InformationDisclosure => (
            format!("Messages on {name} could be read"),
            format!("The flow {name} carries {carried}{where_} with {protection}."),
            if flow.effective_encryption().is_none() && sensitive {
                Severity::Medium
            } else {
                Severity::Low
            },
            "Encrypt in transit; send only the data the receiver needs",
        ),
        Stride::DenialOfService => (
            format!("{name} could be blocked or flooded"),
            format!(
                "If the flow {name}{where_} is interrupted or saturated, the work that depends on it stops."
            ),
            Severity::Low,
            "Timeouts, retries with back-off, rate limits, queues",
        ),
        _ => return,
    };
    out.push(
        Finding::new(meta, crate::rules::flow_target(flow), title)
            .description(description)
            .evidence(format!("flow `{}`", flow.id))
            .severity(severity)
            .at(cx.location(flow.span))
            .mitigation(mitigation),
    );
}
