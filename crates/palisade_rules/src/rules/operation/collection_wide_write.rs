//! OP026: a delete or replace of a whole collection.

use palisade_model::Severity;
use palisade_openapi::Method;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// A `DELETE` or `PUT` on a collection (`DELETE /users`, `PUT /orders`): one request that
    /// removes or replaces every object of a kind, usually filtered only by query parameters.
    /// High when the operation is left open in an API that otherwise requires authentication.
    ///
    /// ## Why it matters
    /// Broken function-level authorization: bulk writes are administrative functions that end up
    /// guarded like ordinary ones, and a filter that is forgotten or mistyped empties the table.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components: { securitySchemes: { bearer: { type: http, scheme: bearer, bearerFormat: JWT } } }
    /// security: [{ bearer: [] }]
    /// paths:
    ///   /sessions:
    ///     delete:
    ///       responses: { "204": { description: All sessions ended } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components: { securitySchemes: { bearer: { type: http, scheme: bearer, bearerFormat: JWT } } }
    /// security: [{ bearer: [] }]
    /// paths:
    ///   /sessions/{sessionId}:
    ///     delete:
    ///       parameters:
    ///         - { name: sessionId, in: path, required: true, schema: { type: string, format: uuid } }
    ///       responses: { "204": { description: Session ended }, "404": { description: Not yours } }
    /// ```
    ///
    /// ## Mitigation
    /// Address objects one at a time; where bulk operations are needed, restrict them to an
    /// administrative role with its own scope, require an explicit filter, and log them.
    ///
    /// ## References
    /// CWE-285 · CAPEC-1
    pub(crate) CollectionWideWrite {
        code: "OP026",
        applies_to: [Operation],
        stride: [Tampering, ElevationOfPrivilege],
        owasp_2023: [Api5],
        owasp_2019: [Api5],
        cwe: [285],
        capec: [1],
        severity: Low,
    }
}

impl OperationRule for CollectionWideWrite {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if !matches!(cx.op.method, Method::Delete | Method::Put)
            || !super::is_collection_path(&cx.op.path)
        {
            return;
        }
        // A collection is named by a plural noun: `PUT /users/{id}/avatar` replaces one
        // object's part, and `DELETE /pictures/delete?id=` is an action on one object.
        let last = cx
            .op
            .path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        let plural = last.ends_with('s') && !last.ends_with("ss") && !last.ends_with("status");
        if !plural {
            return;
        }
        let unauthenticated = cx.left_open();
        let verb = if cx.op.method == Method::Delete {
            "deletes"
        } else {
            "replaces"
        };
        out.push(
            Finding::new(
                &Self::META,
                cx.target(),
                format!("{} {verb} a whole collection", cx.op.address()),
            )
            .description(format!(
                "{} {verb} every `{last}` matching the request in one call{}: a bulk function that needs its own authorization.",
                cx.op.address(),
                if unauthenticated { ", and needs no credentials" } else { "" }
            ))
            .evidence(format!("{} on the collection `{last}`", cx.op.method))
            .severity(if unauthenticated { Severity::High } else { Severity::Low })
            .at(cx.location())
            .mitigation("Restrict bulk writes to an administrative scope, require a filter, and log them"),
        );
    }
}
