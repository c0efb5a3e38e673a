//! OP002: an operation that needs no credentials.
use palisade_model::Severity;
use palisade_openapi::AuthState;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation with no security requirement (none of its own, none inherited from the
    /// document, and no credential parameter), other than the ones that are public by nature
    /// (sign-in, sign-up, health checks, the API description itself).
    ///
    /// ## Why it matters
    /// Anyone on the network can call it. Unauthenticated writes let strangers change data;
    /// unauthenticated reads of user data are data breaches. When `security: []` is written on the
    /// operation itself the choice was deliberate and the threat is reported as low.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users:
    ///     get:
    ///       responses:
    ///         "200":
    ///           description: All users
    ///           content:
    ///             application/json:
    ///               schema:
    ///                 type: array
    ///                 items: { type: object, properties: { email: { type: string } } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// security: [{ bearer: [] }]
    /// paths:
    ///   /users:
    ///     get:
    ///       responses:
    ///         "200":
    ///           description: All users
    ///           content:
    ///             application/json:
    ///               schema:
    ///                 type: array
    ///                 items: { type: object, properties: { email: { type: string } } }
    /// components:
    ///   securitySchemes:
    ///     bearer: { type: http, scheme: bearer, bearerFormat: JWT }
    /// ```
    ///
    /// ## Mitigation
    /// Declare a security requirement for the document and override it only for operations that
    /// must be public, with `security: []` and a reason.
    ///
    /// ## References
    /// CWE-306 · CAPEC-115
    pub(crate) OperationWithoutAuthentication {
        code: "OP002",
        applies_to: [Operation],
        stride: [Spoofing, ElevationOfPrivilege],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [306],
        capec: [115],
        severity: High,
    }
}

impl OperationRule for OperationWithoutAuthentication {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if cx.auth_state() != AuthState::None || super::is_public_by_nature(cx) {
            return;
        }
        let deliberate = cx.op.security.declared_on_operation;
        let exposes = cx
            .response_properties()
            .any(|p| super::secret_kind(p.name, p.sensitive).is_some());
        let severity = if deliberate || !cx.spec.declares_auth {
            Severity::Low
        } else if cx.is_write() || exposes {
            Severity::High
        } else {
            Severity::Medium
        };
        let why = if deliberate {
            "it declares `security: []`"
        } else if !cx.spec.declares_auth {
            "the document requires authentication nowhere (see AS006)"
        } else {
            "no security requirement applies to it"
        };
        out.push(
            Finding::new(&Self::META, cx.target(), format!("{} needs no authentication", cx.op.address()))
                .description(format!(
                    "{} can be called by anyone: {why}{}.",
                    cx.op.address(),
                    if exposes { ", and its response carries sensitive fields" } else { "" }
                ))
                .evidence(why)
                .severity(severity)
                .at(cx.location())
                .mitigation("Require authentication (a security requirement) unless the operation is public on purpose"),
        );
    }
}
