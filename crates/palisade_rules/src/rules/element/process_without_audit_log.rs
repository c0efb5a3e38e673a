//! PR001: a process that changes sensitive data and keeps no audit trail.

use palisade_model::{Element, ElementKind, Severity};

use crate::context::{Finding, ModelCx, max_classification};
use crate::declare_rule;
use crate::rules::ElementRule;

declare_rule! {
    /// ## What it detects
    /// A process that receives calls from outside its trust zone or writes confidential or
    /// restricted data, where the model does not say it keeps an audit log (`audit_log: true`)
    /// and it sends nothing to a log store (`store: log`).
    ///
    /// ## Why it matters
    /// Without a record of who did what, a user can deny an action, an attacker's steps cannot
    /// be traced, and an incident cannot be scoped (repudiation; OWASP API10:2019).
    ///
    /// ## Example
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// data: [{ id: orders, classification: confidential }]
    /// elements:
    ///   - { id: orders-api, kind: process }
    ///   - { id: db, kind: data_store, stores: [orders] }
    /// flows:
    ///   - { id: api-to-db, from: orders-api, to: db, protocol: postgres, data: [orders] }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// palisade: 1
    /// system: { name: Example }
    /// data: [{ id: orders, classification: confidential }]
    /// elements:
    ///   - { id: orders-api, kind: process, audit_log: true }
    ///   - { id: db, kind: data_store, stores: [orders] }
    /// flows:
    ///   - { id: api-to-db, from: orders-api, to: db, protocol: postgres, data: [orders] }
    /// ```
    ///
    /// ## Mitigation
    /// Log security-relevant actions (who, what, when, on which object, outcome) to an
    /// append-only store the process cannot rewrite.
    ///
    /// ## References
    /// CWE-778 · CAPEC-93
    pub(crate) ProcessWithoutAuditLog {
        code: "PR001",
        applies_to: [Process],
        stride: [Repudiation],
        owasp_2023: [],
        owasp_2019: [Api10],
        cwe: [778],
        capec: [93],
        severity: Medium,
    }
}

impl ElementRule for ProcessWithoutAuditLog {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &ModelCx, element: &Element, out: &mut Vec<Finding>) {
        if element.audit_log == Some(true) {
            return;
        }
        let id = element.id.as_str();
        let logs = cx
            .outbound(id)
            .iter()
            .any(|f| cx.element(f.to.as_str()).is_some_and(Element::is_log));
        if logs {
            return;
        }
        let external = cx.inbound(id).iter().any(|f| cx.crosses(f));
        let writes: Vec<_> = cx
            .outbound(id)
            .iter()
            .filter(|f| {
                cx.element(f.to.as_str())
                    .is_some_and(|e| e.kind == ElementKind::DataStore)
            })
            .flat_map(|f| cx.flow_data(f))
            .collect();
        let sensitive_writes = !writes.is_empty()
            && max_classification(&writes) >= palisade_model::Classification::Confidential;
        if !external && !sensitive_writes {
            return;
        }
        let why = match (external, sensitive_writes) {
            (true, true) => "is called from outside its trust zone and writes sensitive data",
            (true, false) => "is called from outside its trust zone",
            _ => "writes sensitive data",
        };
        out.push(
            Finding::new(
                &Self::META,
                crate::rules::element_target(element),
                format!("{} keeps no audit trail", cx.name(id)),
            )
            .description(format!(
                "{} {why}, but the model records no audit log for it: actions cannot be attributed or investigated.",
                cx.name(id),
            ))
            .evidence(if element.audit_log == Some(false) {
                "audit_log: false"
            } else {
                "no audit_log and no flow to a log store"
            })
            .severity(if sensitive_writes { Severity::Medium } else { Severity::Low })
            .at(cx.location(element.span))
            .mitigation("Write an audit log of security-relevant actions to an append-only store; set `audit_log: true`"),
        );
    }
}
