//! OP010: a user or account write that accepts properties the schema does not list.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// A write to a user, account, profile or registration resource whose object request schema
    /// does not say `additionalProperties: false`, so the contract accepts fields it does not list.
    ///
    /// ## Why it matters
    /// User objects carry the fields attackers want (`admin`, `role`, `verified`) even when the API
    /// does not document them. An open request schema means nothing stops a client from sending
    /// them, and mass assignment does the rest.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users/register:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { username: { type: string, maxLength: 32 } } }
    ///       responses: { "201": { description: Registered } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users/register:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, additionalProperties: false, properties: { username: { type: string, maxLength: 32 } } }
    ///       responses: { "201": { description: Registered } }
    /// ```
    ///
    /// ## Mitigation
    /// Close request schemas on account resources (`additionalProperties: false`) and reject
    /// unknown fields server-side.
    ///
    /// ## References
    /// CWE-915
    pub(crate) OpenSchemaOnAccountWrite {
        code: "OP010",
        applies_to: [Operation],
        stride: [ElevationOfPrivilege, Tampering],
        owasp_2023: [Api3],
        owasp_2019: [Api6],
        cwe: [915],
        capec: [],
        severity: Low,
    }
}

impl OperationRule for OpenSchemaOnAccountWrite {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if !cx.is_write() || !super::is_account_operation(cx) {
            return;
        }
        let open: Vec<_> = cx
            .request_schemas()
            .into_iter()
            .filter(|(_, s)| {
                (s.has_type("object") || !s.properties.is_empty())
                    && !matches!(
                        s.additional_properties,
                        Some(palisade_openapi::AdditionalProperties::Allowed(false))
                    )
            })
            .collect();
        let Some((media, schema)) = open.first() else {
            return;
        };
        out.push(
            Finding::new(&Self::META, cx.target(), format!("{} accepts unlisted fields on an account", cx.op.address()))
                .description(format!(
                    "The `{media}` body of {} is an open object: a client can add fields such as `admin` or `role` that the schema does not list.",
                    cx.op.address()
                ))
                .evidence("no additionalProperties: false")
                .at(cx.spec.location(&schema.location))
                .mitigation("Set additionalProperties: false and reject unknown fields"),
        );
    }
}
