//! OP012: a debug, test or diagnostics endpoint exposed in the API.
use palisade_model::Severity;
use palisade_openapi::AuthState;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation whose path or operationId says it is for debugging, testing or diagnostics
    /// (`debug`, `_debug`, `test`, `actuator`, `phpinfo`, `createdb`, `reset-db` …). Reported as high
    /// when it needs no authentication.
    ///
    /// ## Why it matters
    /// Debug endpoints dump internals (users, configuration, environment variables) and test
    /// endpoints reset or seed data. They are meant for development and forgotten in production.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users/_debug:
    ///     get: { responses: { "200": { description: All users with details } } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users:
    ///     get:
    ///       security: [{ bearer: [] }]
    ///       responses: { "200": { description: Users } }
    /// components:
    ///   securitySchemes:
    ///     bearer: { type: http, scheme: bearer, bearerFormat: JWT }
    /// ```
    ///
    /// ## Mitigation
    /// Remove debug and test endpoints from production builds and from the public contract; if
    /// they must exist, serve them on an internal port with strong authentication.
    ///
    /// ## References
    /// CWE-489
    pub(crate) DebugOrTestEndpoint {
        code: "OP012",
        applies_to: [Operation],
        stride: [InformationDisclosure, ElevationOfPrivilege],
        owasp_2023: [Api8, Api9],
        owasp_2019: [Api7, Api9],
        cwe: [489],
        capec: [],
        severity: Medium,
    }
}

impl OperationRule for DebugOrTestEndpoint {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let words = cx.words();
        let hit = words.iter().find(|w| {
            matches!(
                w.as_str(),
                "debug"
                    | "test"
                    | "tests"
                    | "testing"
                    | "actuator"
                    | "phpinfo"
                    | "createdb"
                    | "dump"
                    | "heapdump"
                    | "env"
                    | "trace"
                    | "sandbox"
                    | "diagnostics"
                    | "diag"
            )
        });
        let Some(hit) = hit else {
            return;
        };
        let unauthenticated = cx.auth_state() == AuthState::None;
        out.push(
            Finding::new(&Self::META, cx.target(), format!("{} looks like a debug or test endpoint", cx.op.address()))
                .description(format!(
                    "{} is named `{hit}`: debug and test endpoints expose internals or reset data, and should not be part of a production API{}.",
                    cx.op.address(),
                    if unauthenticated { " — this one needs no authentication" } else { "" }
                ))
                .evidence(format!("`{hit}` in the path or operationId"))
                .severity(if unauthenticated { Severity::High } else { Severity::Medium })
                .at(cx.location())
                .mitigation("Remove the endpoint from production and from the published contract"),
        );
    }
}
