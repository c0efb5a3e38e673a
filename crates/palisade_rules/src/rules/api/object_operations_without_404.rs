//! AS013: operations on one object that document no refusal.

use palisade_openapi::{AuthState, Operation, ParameterLocation};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

declare_rule! {
    /// ## What it detects
    /// Secured operations on one object (the path ends in an identifier, such as
    /// `/orders/{orderId}`) that declare neither `403` nor `404` (nor `4XX` nor `default`). One
    /// threat for the document, listing the operations.
    ///
    /// ## Why it matters
    /// Object-level authorization is the check most often forgotten. When the contract has no
    /// answer for "this object is not yours", nobody writes the test that asks for someone else's
    /// object, and a missing ownership check ships.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components: { securitySchemes: { bearer: { type: http, scheme: bearer, bearerFormat: JWT } } }
    /// security: [{ bearer: [] }]
    /// paths:
    ///   /invoices/{invoiceId}:
    ///     get:
    ///       parameters:
    ///         - { name: invoiceId, in: path, required: true, schema: { type: string, format: uuid } }
    ///       responses:
    ///         "200": { description: An invoice }
    ///         "401": { description: Unauthenticated }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components: { securitySchemes: { bearer: { type: http, scheme: bearer, bearerFormat: JWT } } }
    /// security: [{ bearer: [] }]
    /// paths:
    ///   /invoices/{invoiceId}:
    ///     get:
    ///       parameters:
    ///         - { name: invoiceId, in: path, required: true, schema: { type: string, format: uuid } }
    ///       responses:
    ///         "200": { description: An invoice }
    ///         "401": { description: Unauthenticated }
    ///         "404": { description: No such invoice for this caller }
    /// ```
    ///
    /// ## Mitigation
    /// Check ownership on every object access, answer `404` (or `403`) for objects of other
    /// tenants, declare it, and test it with a second account.
    ///
    /// ## References
    /// CWE-639 · CAPEC-1
    pub(crate) ObjectOperationsWithout404 {
        code: "AS013",
        applies_to: [Api],
        stride: [ElevationOfPrivilege, InformationDisclosure],
        owasp_2023: [Api1],
        owasp_2019: [Api1],
        cwe: [639],
        capec: [1],
        severity: Info,
    }
}

impl ApiRule for ObjectOperationsWithout404 {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        let missing: Vec<&Operation> = cx
            .spec
            .operations
            .iter()
            .filter(|op| {
                op.security.state() == AuthState::Required
                    && !crate::rules::operation::is_collection_path(&op.path)
                    && op
                        .parameters_in(ParameterLocation::Path)
                        .any(|p| !crate::rules::operation::is_non_object_parameter(&p.name))
                    && !super::answers(op, "403")
                    && !super::answers(op, "404")
            })
            .collect();
        let Some(first) = missing.first() else {
            return;
        };
        let mut f = Finding::new(
            &Self::META,
            cx.api_target(),
            format!(
                "{} {} on one object {} no answer for another caller's object",
                missing.len(),
                if missing.len() == 1 { "operation" } else { "operations" },
                if missing.len() == 1 { "documents" } else { "document" },
            ),
        )
        .description(format!(
            "{} {} one object by an identifier but {} no 403 or 404: the contract has no case for an object the caller may not touch, so nothing tests the ownership check.",
            super::operations(&missing),
            if missing.len() == 1 { "addresses" } else { "address" },
            if missing.len() == 1 { "declares" } else { "declare" },
        ))
        .at(cx.location(&first.location))
        .mitigation("Declare 404 (or 403) for objects the caller does not own, and test it with a second account");
        for op in missing.iter().take(20) {
            f = f.evidence(format!(
                "{}: no 403, 404, 4XX or default response",
                op.address()
            ));
        }
        out.push(f);
    }
}
