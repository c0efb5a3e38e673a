//! OP022: a redirect target taken from the caller.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::rules::operation::UrlInput;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// A parameter or request property that tells the API where to send the user next
    /// (`redirect_uri`, `return_url`, `success_url`, `next` …) as a free URL, with no `enum` or
    /// `pattern` restricting it to the application's own addresses.
    ///
    /// ## Why it matters
    /// An open redirect lends the API's trusted domain to phishing links, and in OAuth and
    /// single sign-on flows it can hand authorization codes or tokens to an attacker's site.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /logout:
    ///     get:
    ///       parameters:
    ///         - { name: return_url, in: query, schema: { type: string, format: uri } }
    ///       responses: { "302": { description: Redirect } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /logout:
    ///     get:
    ///       parameters:
    ///         - { name: return_url, in: query, schema: { type: string, format: uri, pattern: "^https://app\\.example\\.com/" } }
    ///       responses: { "302": { description: Redirect } }
    /// ```
    ///
    /// ## Mitigation
    /// Redirect only to registered URLs (exact match for OAuth `redirect_uri`), or to relative
    /// paths of the application; reject everything else.
    ///
    /// ## References
    /// CWE-601 · CAPEC-194
    pub(crate) OpenRedirectParameter {
        code: "OP022",
        applies_to: [Operation],
        stride: [Spoofing],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [601],
        capec: [194],
        severity: Low,
    }
}

impl OperationRule for OpenRedirectParameter {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let targets: Vec<_> = cx
            .inputs()
            .into_iter()
            .filter(|i| i.schema.pattern.is_none())
            .filter(|i| super::url_input(i) == Some(UrlInput::Redirect))
            .collect();
        let title = format!("{} redirects to a URL the caller chooses", cx.op.address());
        if let Some(f) = super::inputs_finding(
            &Self::META,
            cx,
            &targets,
            title,
            |list| {
                format!(
                    "{} takes {list} as a free URL: unless the server checks it against registered addresses, it is an open redirect.",
                    cx.op.address()
                )
            },
            "is a redirect target",
            "Accept only registered redirect URLs or relative paths",
        ) {
            out.push(f);
        }
    }
}
