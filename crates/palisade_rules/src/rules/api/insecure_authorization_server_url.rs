//! AS007: an OAuth or OpenID Connect endpoint reached over plain HTTP.

use palisade_openapi::SecuritySchemeKind;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

declare_rule! {
    /// ## What it detects
    /// An OAuth 2 `authorizationUrl`, `tokenUrl` or `refreshUrl`, or an OpenID Connect
    /// `openIdConnectUrl`, that uses `http://` for a host other than localhost.
    ///
    /// ## Why it matters
    /// Authorization codes, client secrets, refresh and access tokens cross the network in the
    /// clear, and the discovery document that tells clients which keys to trust can be replaced
    /// in transit.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components:
    ///   securitySchemes:
    ///     oauth:
    ///       type: oauth2
    ///       flows:
    ///         clientCredentials: { tokenUrl: "http://auth.example.com/token", scopes: { read: Read } }
    /// security: [{ oauth: [read] }]
    /// paths:
    ///   /things:
    ///     get:
    ///       responses: { "200": { description: Things } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// components:
    ///   securitySchemes:
    ///     oauth:
    ///       type: oauth2
    ///       flows:
    ///         clientCredentials: { tokenUrl: "https://auth.example.com/token", scopes: { read: Read } }
    /// security: [{ oauth: [read] }]
    /// paths:
    ///   /things:
    ///     get:
    ///       responses: { "200": { description: Things } }
    /// ```
    ///
    /// ## Mitigation
    /// Serve every authorization-server endpoint over HTTPS only (RFC 6749 §3.1 and §3.2 require
    /// TLS), and pin clients to the HTTPS discovery URL.
    ///
    /// ## References
    /// CWE-319 · CAPEC-157
    pub(crate) InsecureAuthorizationServerUrl {
        code: "AS007",
        applies_to: [Api],
        stride: [InformationDisclosure, Spoofing],
        owasp_2023: [Api2],
        owasp_2019: [Api2],
        cwe: [319],
        capec: [157],
        severity: High,
    }
}

impl ApiRule for InsecureAuthorizationServerUrl {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        let plain = |url: &str| {
            url.to_ascii_lowercase().starts_with("http://") && !super::is_local_url(url)
        };
        let mut found: Vec<(String, &palisade_openapi::Location)> = Vec::new();
        for scheme in cx.spec.security_schemes.values() {
            match &scheme.kind {
                SecuritySchemeKind::OAuth2 { flows } => {
                    for flow in flows {
                        for url in [&flow.authorization_url, &flow.token_url, &flow.refresh_url]
                            .into_iter()
                            .flatten()
                        {
                            if plain(url) {
                                found.push((
                                    format!("`{}`: `{url}`", scheme.name),
                                    &scheme.location,
                                ));
                            }
                        }
                    }
                }
                SecuritySchemeKind::OpenIdConnect { url } if plain(url) => {
                    found.push((format!("`{}`: `{url}`", scheme.name), &scheme.location));
                }
                _ => {}
            }
        }
        found.dedup_by(|a, b| a.0 == b.0);
        let Some((_, location)) = found.first() else {
            return;
        };
        let names: Vec<String> = found.iter().map(|(n, _)| n.clone()).collect();
        let mut f = Finding::new(
            &Self::META,
            cx.api_target(),
            "Tokens are obtained over plain HTTP",
        )
        .description(format!(
            "The authorization server is reached over HTTP ({}): codes, secrets and tokens cross the network in the clear.",
            names.join("; ")
        ))
        .at(cx.location(location))
        .mitigation("Serve authorization-server endpoints over HTTPS only");
        for n in &names {
            f = f.evidence(n.clone());
        }
        out.push(f);
    }
}
