//! AS001: an API served over plain HTTP.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

declare_rule! {
    /// ## What it detects
    /// A server URL (or Swagger 2 `schemes`) using `http` or `ws` for a host other than
    /// localhost.
    ///
    /// ## Why it matters
    /// Plain HTTP exposes every token, password and response to anyone on the path, and lets
    /// them change requests and responses in flight.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// servers:
    ///   - url: http://api.example.com/v1
    /// paths: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// servers:
    ///   - url: https://api.example.com/v1
    /// paths: {}
    /// ```
    ///
    /// ## Mitigation
    /// Serve only HTTPS (TLS 1.2+), redirect nothing sensitive from HTTP, and send HSTS.
    ///
    /// ## References
    /// CWE-319 · CAPEC-157
    pub(crate) PlainHttpServer {
        code: "AS001",
        applies_to: [Api],
        stride: [InformationDisclosure, Tampering],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [319],
        capec: [157],
        severity: Medium,
    }
}

impl ApiRule for PlainHttpServer {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        let plain: Vec<_> = cx
            .spec
            .servers
            .iter()
            .filter(|s| {
                matches!(s.scheme.as_deref(), Some("http" | "ws")) && !super::is_local_url(&s.url)
            })
            .collect();
        let Some(first) = plain.first() else {
            return;
        };
        let urls: Vec<String> = plain.iter().map(|s| format!("`{}`", s.url)).collect();
        out.push(
            Finding::new(&Self::META, cx.api_target(), format!("The API is served over plain HTTP: {}", urls.join(", ")))
                .description(format!(
                    "The document lists {} without TLS: credentials and data cross the network in the clear.",
                    urls.join(", ")
                ))
                .evidence(format!("server {}", urls.join(", ")))
                .at(cx.location(&first.location))
                .mitigation("Serve the API over HTTPS only"),
        );
    }
}
