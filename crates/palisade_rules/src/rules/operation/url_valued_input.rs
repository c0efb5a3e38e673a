//! OP018: an input that carries a URL the server will fetch or call (SSRF).

use palisade_model::Severity;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::rules::operation::UrlInput;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// A parameter or request property that holds a URL the server is likely to fetch or call:
    /// `format: uri` (or `url`, `iri` …), or a name such as `webhook_url`, `callback`,
    /// `image_url`, `endpoint`, without an `enum` or `pattern` restricting it to known hosts.
    /// Links shown to people (`support_url`, `privacy_policy_url`, `externalDocs.url`) and
    /// self links are left out.
    /// Redirect targets (`return_url`, `redirect_uri`) are rule OP022's.
    ///
    /// ## Why it matters
    /// Server-side request forgery: the server makes the request from inside the network. A
    /// caller points it at `http://169.254.169.254/` (cloud credentials), at internal admin
    /// ports, or at `file://`, and reads the answer or its timing.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /webhooks:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { target_url: { type: string, format: uri } } }
    ///       responses: { "201": { description: Registered } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /webhooks:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { target_url: { type: string, format: uri, pattern: "^https://hooks\\.example\\.com/" } } }
    ///       responses: { "201": { description: Registered } }
    /// ```
    ///
    /// ## Mitigation
    /// Fetch only `https` URLs whose resolved address is public (re-check after redirects and DNS
    /// rebinding), allow-list hosts where the use case permits, send requests from an egress proxy
    /// with no route to internal networks or the metadata service, and never return the raw
    /// response to the caller.
    ///
    /// ## References
    /// CWE-918 · CAPEC-664
    pub(crate) UrlValuedInput {
        code: "OP018",
        applies_to: [Operation],
        stride: [InformationDisclosure, ElevationOfPrivilege],
        owasp_2023: [Api7],
        owasp_2019: [Api8],
        cwe: [918],
        capec: [664],
        severity: Medium,
    }
}

impl OperationRule for UrlValuedInput {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if cx.op.method == palisade_openapi::Method::Get && !has_fetch_word(cx) {
            // Reads with a URL filter (`?url=` to look up a record) fetch nothing.
            return;
        }
        let urls: Vec<_> = cx
            .inputs()
            .into_iter()
            .filter(|i| {
                i.schema.pattern.is_none() && super::url_input(i) == Some(UrlInput::Fetched)
            })
            .filter(|i| !is_informational(i.path))
            .collect();
        let unauthenticated = cx.left_open();
        let title = format!("{} takes a URL the server may fetch", cx.op.address());
        if let Some(f) = super::inputs_finding(
            &Self::META,
            cx,
            &urls,
            title,
            |list| {
                format!(
                    "{} takes {list}: if the server fetches or calls it, a caller can aim it at internal hosts or the cloud metadata service{}.",
                    cx.op.address(),
                    if unauthenticated {
                        ", without even signing in"
                    } else {
                        ""
                    }
                )
            },
            "holds a URL",
            "Allow-list hosts or resolve and refuse private addresses; fetch through an egress proxy",
        ) {
            out.push(f.severity(if unauthenticated {
                Severity::High
            } else {
                Severity::Medium
            }));
        }
    }
}

/// Whether the operation's words say it fetches something (`/fetch?url=`, `/proxy`, `/preview`).
fn has_fetch_word(cx: &OpCx) -> bool {
    cx.words().iter().any(|w| {
        matches!(
            w.as_str(),
            "fetch" | "proxy" | "preview" | "download" | "import" | "crawl" | "scrape" | "unfurl"
        )
    })
}

/// URLs that are shown to people or point at the object itself rather than fetched:
/// `business_profile.support_url`, `privacy_policy_url`, `externalDocs.url`, `metadata.selfLink`.
fn is_informational(path: &str) -> bool {
    let w = crate::spec_context::words(path);
    let has = |x: &str| w.iter().any(|y| y == x);
    (has("self") && has("link"))
        || [
            "support",
            "privacy",
            "terms",
            "tos",
            "policy",
            "website",
            "homepage",
            "documentation",
            "docs",
            "legal",
            "help",
            "profile",
        ]
        .iter()
        .any(|x| has(x))
}
