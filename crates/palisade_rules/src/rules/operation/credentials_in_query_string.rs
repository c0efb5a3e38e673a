//! OP003: credentials sent in the query string.
use palisade_openapi::{ApiKeyLocation, ParameterLocation, SecuritySchemeKind};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation that takes a token, API key, password or session id as a query parameter,
    /// either declared as a parameter or through an `apiKey` security scheme with `in: query`.
    ///
    /// ## Why it matters
    /// URLs end up in server and proxy logs, browser history, `Referer` headers and analytics: a
    /// credential in the query string leaks to everyone who can read any of them.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /pictures:
    ///     get:
    ///       parameters:
    ///         - { name: token, in: query, required: true, schema: { type: string } }
    ///       responses: { "200": { description: Pictures } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /pictures:
    ///     get:
    ///       parameters:
    ///         - { name: Authorization, in: header, required: true, schema: { type: string } }
    ///       responses: { "200": { description: Pictures } }
    /// ```
    ///
    /// ## Mitigation
    /// Send credentials in the `Authorization` header (or a `Secure; HttpOnly` cookie), never in
    /// the URL.
    ///
    /// ## References
    /// CWE-598 · CAPEC-37
    pub(crate) CredentialsInQueryString {
        code: "OP003",
        applies_to: [Operation],
        stride: [InformationDisclosure, Spoofing],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [598],
        capec: [37],
        severity: High,
    }
}

impl OperationRule for CredentialsInQueryString {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let mut found: Vec<(String, &palisade_openapi::Location)> = cx
            .op
            .parameters_in(ParameterLocation::Query)
            .filter(|p| crate::spec_context::is_credential_name(&p.name))
            .map(|p| (format!("query parameter `{}`", p.name), &p.location))
            .collect();
        for name in cx.op.security.scheme_names() {
            if let Some(scheme) = cx.spec.spec.security_schemes.get(name)
                && let SecuritySchemeKind::ApiKey {
                    name: key,
                    location: ApiKeyLocation::Query,
                } = &scheme.kind
            {
                found.push((
                    format!("API key `{key}` of scheme `{name}` in the query"),
                    &scheme.location,
                ));
            }
        }
        let Some((_, location)) = found.first() else {
            return;
        };
        let what: Vec<String> = found.iter().map(|(w, _)| w.clone()).collect();
        let mut f = Finding::new(&Self::META, cx.target(), format!("{} takes credentials in the query string", cx.op.address()))
            .description(format!(
                "{} receives {} in the URL, where logs, proxies, browser history and Referer headers keep it.",
                cx.op.address(),
                what.join(", ")
            ))
            .at(cx.spec.location(location))
            .mitigation("Move the credential to the Authorization header");
        for w in what {
            f = f.evidence(w);
        }
        out.push(f);
    }
}
