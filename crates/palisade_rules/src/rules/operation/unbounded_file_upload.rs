//! OP016: a file upload with no size limit.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation that accepts a file (a `multipart/form-data` part or an
    /// `application/octet-stream` body, a `format: binary` string, a base64 `format: byte`
    /// string named like a file (`file`, `image`, `attachment`, `document` …), or a Swagger 2
    /// `type: file` parameter) without a `maxLength` on it.
    ///
    /// ## Why it matters
    /// Unrestricted resource consumption: one caller can fill the disk, exhaust memory while the
    /// upload is buffered, or run up storage costs. An undeclared limit is also an untested one.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /avatars:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           multipart/form-data:
    ///             schema: { type: object, properties: { file: { type: string, format: binary } } }
    ///       responses: { "201": { description: Stored } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /avatars:
    ///     post:
    ///       requestBody:
    ///         content:
    ///           multipart/form-data:
    ///             schema: { type: object, properties: { file: { type: string, format: binary, maxLength: 1048576 } } }
    ///       responses: { "201": { description: Stored } }
    /// ```
    ///
    /// ## Mitigation
    /// Declare and enforce a maximum size (`maxLength` in bytes) at the gateway and in the
    /// service, stream uploads to storage instead of buffering them, and check the content type.
    ///
    /// ## References
    /// CWE-400 · CWE-434 · CAPEC-130
    pub(crate) UnboundedFileUpload {
        code: "OP016",
        applies_to: [Operation],
        stride: [DenialOfService],
        owasp_2023: [Api4],
        owasp_2019: [Api4],
        cwe: [400, 434],
        capec: [130],
        severity: Medium,
    }
}

impl OperationRule for UnboundedFileUpload {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let files: Vec<_> = cx
            .inputs()
            .into_iter()
            .filter(|i| {
                let s = i.schema;
                let file = s.has_type("file")
                    || (s.has_type("string") && s.format.as_deref() == Some("binary"))
                    || (s.has_type("string")
                        && s.format.as_deref() == Some("byte")
                        && names_a_file(i.name));
                file && s.max_length.is_none()
            })
            .collect();
        // A whole raw body (`application/octet-stream` with no schema properties).
        let raw_body = cx.op.request_body.as_ref().and_then(|b| {
            b.content.iter().find(|(media, m)| {
                let raw = media.starts_with("application/octet-stream")
                    || media.starts_with("image/")
                    || media.starts_with("video/")
                    || media.starts_with("audio/");
                raw && m
                    .schema
                    .and_then(|id| cx.spec.schema(id))
                    .is_none_or(|s| s.max_length.is_none() && s.properties.is_empty())
            })
        });
        let mut names: Vec<String> = files
            .iter()
            .map(crate::spec_context::Input::describe)
            .collect();
        if let Some((media, _)) = raw_body {
            names.push(format!("a `{media}` body"));
        }
        if names.is_empty() {
            return;
        }
        let location = files
            .first()
            .map(|f| f.location)
            .or_else(|| raw_body.map(|(_, m)| &m.location));
        let mut f = Finding::new(
            &Self::META,
            cx.target(),
            format!("{} accepts uploads of any size", cx.op.address()),
        )
        .description(format!(
            "{} accepts {} with no declared maximum size: one caller can exhaust memory, disk or storage budget.",
            cx.op.address(),
            super::list(&names)
        ))
        .at(location.and_then(|l| cx.spec.location(l)))
        .mitigation("Declare and enforce a maximum upload size; stream uploads to storage");
        for n in &names {
            f = f.evidence(format!("{n} has no maxLength"));
        }
        out.push(f);
    }
}

/// Whether a base64 value's name says it is a file rather than a key or a certificate.
fn names_a_file(name: &str) -> bool {
    crate::spec_context::words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "file"
                | "files"
                | "image"
                | "images"
                | "photo"
                | "picture"
                | "avatar"
                | "attachment"
                | "attachments"
                | "document"
                | "documents"
                | "upload"
                | "content"
                | "blob"
                | "video"
                | "audio"
                | "pdf"
        )
    })
}
