//! DF003: a data store that accepts connections without authentication.

use palisade_model::{Authentication, ElementKind, Flow, Severity};

use crate::context::{Finding, ModelCx, data_list, max_classification, severity_for};
use crate::declare_rule;
use crate::rules::FlowRule;

declare_rule! {
    /// ## What it detects
    /// A data flow into a data store (database, cache, queue …) with `authentication: none`,
    /// inside a trust zone or across one.
    ///
    /// ## Why it matters
    /// Any process that can reach the store — including one an attacker has compromised — can
    /// read, change or delete everything in it. Unauthenticated Redis, MongoDB and
    /// Elasticsearch instances are a classic source of breaches.
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// data: [{ id: sessions, classification: restricted, categories: [token] }]
    /// elements:
    ///   - { id: app, kind: process }
    ///   - { id: cache, kind: data_store, store: cache, stores: [sessions] }
    /// flows:
    ///   - { id: app-to-cache, from: app, to: cache, protocol: redis, authentication: none, data: [sessions] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// data: [{ id: sessions, classification: restricted, categories: [token] }]
    /// elements:
    ///   - { id: app, kind: process }
    ///   - { id: cache, kind: data_store, store: cache, stores: [sessions] }
    /// flows:
    ///   - { id: app-to-cache, from: app, to: cache, protocol: redis, authentication: password, data: [sessions] }
    /// ```
    ///
    /// ## Mitigation
    /// Require credentials (or mTLS) for every client of the store, one account per service,
    /// with the least privilege it needs.
    ///
    /// ## References
    /// CWE-306 · CAPEC-115
    pub(crate) UnauthenticatedDataStoreAccess {
        code: "DF003",
        applies_to: [Flow],
        stride: [Spoofing, Tampering, InformationDisclosure],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [306],
        capec: [115],
        severity: Medium,
    }
}

impl FlowRule for UnauthenticatedDataStoreAccess {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, flow: &Flow, out: &mut Vec<Finding>) {
        if flow.authentication != Some(Authentication::None) {
            return;
        }
        let Some(store) = cx
            .element(flow.to.as_str())
            .filter(|e| e.kind == ElementKind::DataStore)
        else {
            return;
        };
        let mut data = cx.stored_data(store);
        data.extend(cx.flow_data(flow));
        data.dedup_by_key(|d| d.id.clone());
        let severity = severity_for(max_classification(&data), Severity::High, Severity::Medium);
        let holds = if data.is_empty() {
            String::new()
        } else {
            format!(", which holds {},", data_list(&data))
        };
        out.push(
            Finding::new(
                &Self::META,
                crate::rules::flow_target(flow),
                format!("{} is reached without authentication", cx.name(store.id.as_str())),
            )
            .description(format!(
                "{} connects to {}{holds} with `authentication: none`: anything that reaches the store can read and change it.",
                cx.name(flow.from.as_str()),
                cx.name(store.id.as_str()),
            ))
            .evidence("authentication: none")
            .severity(severity)
            .at(cx.location(flow.span))
            .mitigation("Require per-service credentials or mTLS on the store"),
        );
    }
}
