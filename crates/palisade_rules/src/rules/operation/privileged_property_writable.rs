//! OP009: a request body that lets the client set privileges, balances or other server-owned fields.
use palisade_model::Severity;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// A write operation whose request body has a property that the server should own — a role
    /// or admin flag (`is_admin`, `role`, `permissions`), money (`balance`, `credit`), or an
    /// approval state (`verified`, `approved`) — and that is not `readOnly`. Server-set fields such
    /// as `id`, `created_at`, `status` and `price` are reported as low.
    ///
    /// ## Why it matters
    /// Mass assignment: frameworks bind every JSON field to the model, so a client that adds
    /// `"is_admin": true` or `"balance": 1e9` to a profile update gets it, unless the server
    /// filters what clients may write.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users/me:
    ///     put:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, additionalProperties: false, properties: { name: { type: string, maxLength: 50 }, is_admin: { type: boolean } } }
    ///       responses: { "200": { description: Updated } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users/me:
    ///     put:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, additionalProperties: false, properties: { name: { type: string, maxLength: 50 }, is_admin: { type: boolean, readOnly: true } } }
    ///       responses: { "200": { description: Updated } }
    /// ```
    ///
    /// ## Mitigation
    /// Bind requests to a separate input type that lists only client-writable fields; mark
    /// server-owned properties `readOnly` and reject them on input.
    ///
    /// ## References
    /// CWE-915
    pub(crate) PrivilegedPropertyWritable {
        code: "OP009",
        applies_to: [Operation],
        stride: [ElevationOfPrivilege, Tampering],
        owasp_2023: [Api3],
        owasp_2019: [Api6],
        cwe: [915],
        capec: [],
        severity: Medium,
    }
}

impl OperationRule for PrivilegedPropertyWritable {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if !cx.is_write() {
            return;
        }
        let mut privileged = Vec::new();
        let mut server_set = Vec::new();
        for p in cx.request_properties() {
            if p.schema.read_only {
                continue;
            }
            match super::server_owned(p.name) {
                Some(true) => privileged.push(p),
                Some(false) if !p.path.contains('.') && !p.path.contains('[') => server_set.push(p),
                _ => {}
            }
        }
        let (fields, severity) = if privileged.is_empty() {
            (server_set, Severity::Low)
        } else {
            (privileged, Severity::Medium)
        };
        let Some(first) = fields.first() else {
            return;
        };
        let names: Vec<String> = fields.iter().map(|p| format!("`{}`", p.path)).collect();
        let mut f = Finding::new(&Self::META, cx.target(), format!("{} lets clients set {}", cx.op.address(), super::list(&names)))
            .description(format!(
                "The request body of {} accepts {}, which the server should own: a client can grant itself rights or change values it must not (mass assignment).",
                cx.op.address(),
                super::list(&names)
            ))
            .severity(severity)
            .at(cx.spec.location(first.location))
            .mitigation("Accept only client-writable fields; mark server-owned ones readOnly and reject them");
        for n in &names {
            f = f.evidence(format!("writable property {n}"));
        }
        out.push(f);
    }
}
