//! AS012: secured operations that document no answer for missing credentials.

use palisade_openapi::{AuthState, Operation};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

declare_rule! {
    /// ## What it detects
    /// Operations that require authentication but declare no `401` response (nor `4XX` nor
    /// `default`). One threat for the document, listing the operations.
    ///
    /// ## Why it matters
    /// The contract says nothing about what happens without valid credentials, so clients, tests
    /// and gateways do not check it. An authentication check that is missing or fails open on one
    /// operation goes unnoticed; the `401` is the test case that proves it is there.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components: { securitySchemes: { bearer: { type: http, scheme: bearer, bearerFormat: JWT } } }
    /// security: [{ bearer: [] }]
    /// paths:
    ///   /reports:
    ///     get:
    ///       responses: { "200": { description: Reports } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components: { securitySchemes: { bearer: { type: http, scheme: bearer, bearerFormat: JWT } } }
    /// security: [{ bearer: [] }]
    /// paths:
    ///   /reports:
    ///     get:
    ///       responses:
    ///         "200": { description: Reports }
    ///         "401": { description: Missing or invalid credentials }
    /// ```
    ///
    /// ## Mitigation
    /// Declare `401` on every secured operation and test that each one answers it without
    /// credentials, with expired tokens and with tokens for another audience.
    ///
    /// ## References
    /// CWE-306 · CAPEC-115
    pub(crate) SecuredOperationsWithout401 {
        code: "AS012",
        applies_to: [Api],
        stride: [Spoofing],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [306],
        capec: [115],
        severity: Info,
    }
}

impl ApiRule for SecuredOperationsWithout401 {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        let missing: Vec<&Operation> = cx
            .spec
            .operations
            .iter()
            .filter(|op| op.security.state() == AuthState::Required && !super::answers(op, "401"))
            .collect();
        let Some(first) = missing.first() else {
            return;
        };
        let mut f = Finding::new(
            &Self::META,
            cx.api_target(),
            format!(
                "{} of {} secured operations {} no 401 answer",
                missing.len(),
                cx.spec
                    .operations
                    .iter()
                    .filter(|op| op.security.state() == AuthState::Required)
                    .count(),
                if missing.len() == 1 { "documents" } else { "document" }
            ),
        )
        .description(if missing.len() == 1 {
            format!(
                "{} requires authentication but its contract does not say how it answers a request without valid credentials, so nothing tests that it does.",
                super::operations(&missing)
            )
        } else {
            format!(
                "{} require authentication but their contract does not say how they answer a request without valid credentials, so nothing tests that they do.",
                super::operations(&missing)
            )
        })
        .at(cx.location(&first.location))
        .mitigation("Declare 401 on every secured operation and test each without credentials");
        for op in missing.iter().take(20) {
            f = f.evidence(format!(
                "{}: secured, no 401, 4XX or default response",
                op.address()
            ));
        }
        out.push(f);
    }
}
