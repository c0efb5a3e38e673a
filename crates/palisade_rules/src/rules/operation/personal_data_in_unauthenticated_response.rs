//! OP021: personal data returned to callers who need no credentials.

use palisade_openapi::SensitiveCategory;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation left open (no authentication, in an API that requires it elsewhere) whose
    /// success response carries personal,
    /// payment or health data (`email`, `phone`, `address`, `date_of_birth`, `iban` …), judged
    /// by property names and formats. Sign-in and sign-up operations, which echo the caller's own
    /// data, are left out.
    ///
    /// ## Why it matters
    /// Excessive data exposure to the whole internet: anyone can harvest the data, one request
    /// per record, and it is a reportable breach under GDPR and similar laws.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components: { securitySchemes: { bearer: { type: http, scheme: bearer, bearerFormat: JWT } } }
    /// security: [{ bearer: [] }]
    /// paths:
    ///   /me:
    ///     get:
    ///       responses: { "200": { description: The caller }, "401": { description: Unauthenticated } }
    ///   /authors/{authorId}:
    ///     get:
    ///       security: []
    ///       parameters:
    ///         - { name: authorId, in: path, required: true, schema: { type: string, format: uuid } }
    ///       responses:
    ///         "200":
    ///           description: An author
    ///           content:
    ///             application/json:
    ///               schema: { type: object, properties: { name: { type: string }, email: { type: string, format: email } } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components: { securitySchemes: { bearer: { type: http, scheme: bearer, bearerFormat: JWT } } }
    /// security: [{ bearer: [] }]
    /// paths:
    ///   /me:
    ///     get:
    ///       responses: { "200": { description: The caller }, "401": { description: Unauthenticated } }
    ///   /authors/{authorId}:
    ///     get:
    ///       security: []
    ///       parameters:
    ///         - { name: authorId, in: path, required: true, schema: { type: string, format: uuid } }
    ///       responses:
    ///         "200":
    ///           description: An author
    ///           content:
    ///             application/json:
    ///               schema: { type: object, properties: { name: { type: string } } }
    /// ```
    ///
    /// ## Mitigation
    /// Return a public view without personal data, or require authentication and check that the
    /// caller may see that person's data.
    ///
    /// ## References
    /// CWE-359 · CAPEC-116
    pub(crate) PersonalDataInUnauthenticatedResponse {
        code: "OP021",
        applies_to: [Operation],
        stride: [InformationDisclosure],
        owasp_2023: [Api3],
        owasp_2019: [Api3],
        cwe: [359],
        capec: [116],
        severity: Medium,
    }
}

impl OperationRule for PersonalDataInUnauthenticatedResponse {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if !cx.left_open() || super::is_public_by_nature(cx) || super::is_credential_operation(cx) {
            return;
        }
        let personal: Vec<_> = cx
            .response_properties()
            .filter(|p| {
                matches!(
                    p.sensitive,
                    Some(
                        SensitiveCategory::Pii
                            | SensitiveCategory::Payment
                            | SensitiveCategory::Health
                    )
                )
            })
            .collect();
        let Some(first) = personal.first() else {
            return;
        };
        let names: Vec<String> = personal.iter().map(|p| format!("`{}`", p.path)).collect();
        let mut f = Finding::new(
            &Self::META,
            cx.target(),
            format!("{} returns personal data to anyone", cx.op.address()),
        )
        .description(format!(
            "{} needs no credentials and returns {}: anyone can harvest it, one request per record.",
            cx.op.address(),
            super::list(&names)
        ))
        .at(cx.spec.location(first.location))
        .mitigation("Require authentication, or return a public view without personal data");
        for n in names.iter().take(20) {
            f = f.evidence(format!("response property {n}"));
        }
        out.push(f);
    }
}
