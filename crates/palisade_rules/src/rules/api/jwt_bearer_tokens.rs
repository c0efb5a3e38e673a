//! AS005: JWT bearer tokens, whose verification is easy to get wrong.
use palisade_openapi::SecuritySchemeKind;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

declare_rule! {
    /// ## What it detects
    /// A bearer scheme whose `bearerFormat` is `JWT`, without an `x-jwt-algorithms` (or similar)
    /// extension stating the accepted signing algorithms.
    ///
    /// ## Why it matters
    /// JWT verification fails in well-known ways: `alg: none` accepted, algorithm confusion (an RS256
    /// public key used as an HS256 secret), weak HMAC keys that can be brute-forced offline, missing
    /// `exp`/`aud` checks. Each lets an attacker forge tokens for any user.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components:
    ///   securitySchemes:
    ///     bearer: { type: http, scheme: bearer, bearerFormat: JWT }
    /// paths: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components:
    ///   securitySchemes:
    ///     bearer: { type: http, scheme: bearer, bearerFormat: JWT, x-jwt-algorithms: [ES256] }
    /// paths: {}
    /// ```
    ///
    /// ## Mitigation
    /// Verify signatures with an allow-list of algorithms (never `none`), keys from a trusted JWKS,
    /// and check `exp`, `nbf`, `iss` and `aud` (RFC 8725); state the algorithms in the contract.
    ///
    /// ## References
    /// CWE-347 · RFC 8725
    pub(crate) JwtBearerTokens {
        code: "AS005",
        applies_to: [Api],
        stride: [Spoofing, ElevationOfPrivilege],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [347],
        capec: [],
        severity: Low,
    }
}

impl ApiRule for JwtBearerTokens {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        for scheme in cx.spec.security_schemes.values() {
            let SecuritySchemeKind::Http {
                scheme: kind,
                bearer_format: Some(format),
            } = &scheme.kind
            else {
                continue;
            };
            let stated = scheme
                .extensions
                .keys()
                .any(|k| k.to_ascii_lowercase().contains("alg"));
            if kind != "bearer" || !format.eq_ignore_ascii_case("jwt") || stated {
                continue;
            }
            out.push(
                Finding::new(&Self::META, cx.api_target(), format!("JWTs of scheme `{}` could be forged if verification is lax", scheme.name))
                    .description(format!(
                        "`{}` accepts JWT bearer tokens and does not state which signing algorithms are accepted: `alg: none`, algorithm confusion and weak HMAC keys are the usual ways to forge them.",
                        scheme.name
                    ))
                    .evidence("bearerFormat: JWT, no algorithm allow-list")
                    .at(cx.location(&scheme.location))
                    .mitigation("Allow-list algorithms, verify with trusted keys, check exp/aud/iss (RFC 8725)"),
            );
        }
    }
}
