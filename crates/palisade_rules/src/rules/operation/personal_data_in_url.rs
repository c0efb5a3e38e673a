//! OP025: personal data in the URL.

use palisade_openapi::{ParameterLocation, SensitiveCategory};

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::{InputKind, OpCx};

declare_rule! {
    /// ## What it detects
    /// A path or query parameter that carries personal, payment or health data (`email`,
    /// `phone`, `ssn`, `date_of_birth`, `iban` …), judged by its name and format. Credentials in
    /// the query string are rule OP003's.
    ///
    /// ## Why it matters
    /// URLs are written to access logs, proxy and CDN logs, browser history and `Referer`
    /// headers, and kept far longer than the data's own retention. Personal data there leaks to
    /// everyone who reads those logs.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /customers:
    ///     get:
    ///       parameters:
    ///         - { name: email, in: query, schema: { type: string, format: email } }
    ///       responses: { "200": { description: Customers } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /customers/search:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { email: { type: string, format: email } } }
    ///       responses: { "200": { description: Customers } }
    /// ```
    ///
    /// ## Mitigation
    /// Send personal data in the request body (a `POST` search), or address records by an opaque
    /// id; keep personal data out of URLs and logs.
    ///
    /// ## References
    /// CWE-598 · CWE-532 · CAPEC-215
    pub(crate) PersonalDataInUrl {
        code: "OP025",
        applies_to: [Operation],
        stride: [InformationDisclosure],
        owasp_2023: [Api8],
        owasp_2019: [Api3],
        cwe: [598, 532],
        capec: [215],
        severity: Low,
    }
}

impl OperationRule for PersonalDataInUrl {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let in_url: Vec<_> = cx
            .inputs()
            .into_iter()
            .filter(|i| {
                matches!(
                    i.kind,
                    InputKind::Parameter(ParameterLocation::Path | ParameterLocation::Query)
                ) && matches!(
                    palisade_openapi::sensitive::classify(i.name, Some(i.schema)),
                    Some(
                        SensitiveCategory::Pii
                            | SensitiveCategory::Payment
                            | SensitiveCategory::Health
                    )
                )
            })
            .collect();
        let title = format!("{} puts personal data in the URL", cx.op.address());
        if let Some(f) = super::inputs_finding(
            &Self::META,
            cx,
            &in_url,
            title,
            |list| {
                format!(
                    "{} carries {list} in its URL, where access, proxy and CDN logs keep it.",
                    cx.op.address()
                )
            },
            "is personal data",
            "Move personal data to the request body or use opaque ids",
        ) {
            out.push(f);
        }
    }
}
