//! OP020: an operation that parses XML from the caller (XXE).

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation that accepts an XML request body: `application/xml`, `text/xml` or a
    /// `+xml` media type (OpenAPI 3 `requestBody.content`, or Swagger 2 `consumes`).
    ///
    /// ## Why it matters
    /// XML parsers that resolve external entities read local files (`file:///etc/passwd`), make
    /// requests from inside the network, or expand entity bombs until memory runs out. Most
    /// platforms' default parsers did, and some still do.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /invoices:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/xml:
    ///             schema: { type: object, properties: { amount: { type: integer, maximum: 1000000 } } }
    ///       responses: { "201": { description: Created } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /invoices:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           application/json:
    ///             schema: { type: object, properties: { amount: { type: integer, maximum: 1000000 } } }
    ///       responses: { "201": { description: Created } }
    /// ```
    ///
    /// ## Mitigation
    /// Prefer JSON. Where XML is needed, disable DTDs and external entities in the parser, bound
    /// entity expansion and document size, and test with an XXE payload.
    ///
    /// ## References
    /// CWE-611 · CWE-776 · CAPEC-221
    pub(crate) XmlRequestBody {
        code: "OP020",
        applies_to: [Operation],
        stride: [InformationDisclosure, DenialOfService],
        owasp_2023: [Api8],
        owasp_2019: [Api8],
        cwe: [611, 776],
        capec: [221],
        severity: Medium,
    }
}

impl OperationRule for XmlRequestBody {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let is_xml = |media: &str| {
            let media = media.to_ascii_lowercase();
            let essence = media
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned();
            essence == "application/xml" || essence == "text/xml" || essence.ends_with("+xml")
        };
        let Some(body) = &cx.op.request_body else {
            return;
        };
        let Some((media, content)) = body.content.iter().find(|(m, _)| is_xml(m)) else {
            return;
        };
        out.push(
            Finding::new(
                &Self::META,
                cx.target(),
                format!("{} parses XML from the caller", cx.op.address()),
            )
            .description(format!(
                "{} accepts `{media}`: unless its parser refuses DTDs and external entities, a request can read server files, reach internal hosts or exhaust memory (XXE).",
                cx.op.address()
            ))
            .evidence(format!("request body media type `{media}`"))
            .at(cx.spec.location(&content.location))
            .mitigation("Prefer JSON; otherwise disable DTDs and external entities in the XML parser"),
        );
    }
}
