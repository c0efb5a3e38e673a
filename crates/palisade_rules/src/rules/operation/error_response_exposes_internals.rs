//! OP029: error responses that carry stack traces, queries or exception details.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// A `4XX`, `5XX` or `default` response whose schema has a property for internals: a stack
    /// trace (`stack`, `stackTrace`, `trace`, `traceback`), an exception (`exception`,
    /// `exceptionClass`), or a query (`sql`, `query`).
    ///
    /// ## Why it matters
    /// Security misconfiguration: error details map the implementation — frameworks and versions,
    /// file paths, table and column names — and turn blind injection into guided injection.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /health:
    ///     get:
    ///       responses:
    ///         "200": { description: Up }
    ///         "500":
    ///           description: Failure
    ///           content:
    ///             application/json:
    ///               schema: { type: object, properties: { message: { type: string }, stackTrace: { type: string } } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /health:
    ///     get:
    ///       responses:
    ///         "200": { description: Up }
    ///         "500":
    ///           description: Failure
    ///           content:
    ///             application/json:
    ///               schema: { type: object, properties: { message: { type: string }, request_id: { type: string } } }
    /// ```
    ///
    /// ## Mitigation
    /// Answer errors with a generic message and a correlation id; log the details server-side.
    ///
    /// ## References
    /// CWE-209 · CAPEC-54
    pub(crate) ErrorResponseExposesInternals {
        code: "OP029",
        applies_to: [Operation],
        stride: [InformationDisclosure],
        owasp_2023: [Api8],
        owasp_2019: [Api7],
        cwe: [209],
        capec: [54],
        severity: Medium,
    }
}

impl OperationRule for ErrorResponseExposesInternals {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let mut found = Vec::new();
        for (status, response) in &cx.op.responses {
            if !(status.starts_with('4') || status.starts_with('5') || status == "default") {
                continue;
            }
            for media in response.content.values() {
                let Some(root) = media.schema else {
                    continue;
                };
                let properties = cx.spec.properties_of(root, 3);
                for &i in cx
                    .spec
                    .matching(Self::META.code, root, 3, |p| is_internal(p.name))
                    .iter()
                {
                    let p = &properties[i];
                    found.push((status.clone(), p.path.clone(), p.location));
                }
            }
        }
        found.dedup_by(|a, b| a.1 == b.1);
        let Some((_, _, location)) = found.first() else {
            return;
        };
        let names: Vec<String> = found
            .iter()
            .map(|(status, path, _)| format!("`{path}` ({status})"))
            .collect();
        let mut f = Finding::new(
            &Self::META,
            cx.target(),
            format!("{} returns internals in its errors", cx.op.address()),
        )
        .description(format!(
            "The error responses of {} include {}: implementation details that guide an attacker.",
            cx.op.address(),
            super::list(&names)
        ))
        .at(cx.spec.location(location))
        .mitigation("Return a generic message and a correlation id; log the details");
        for n in &names {
            f = f.evidence(format!("error property {n}"));
        }
        out.push(f);
    }
}

fn is_internal(name: &str) -> bool {
    // Every word below contains one of these: most names (shared error types are checked once
    // per operation) are ruled out without splitting them into words.
    if name.is_ascii() {
        let lower = name.to_ascii_lowercase();
        if !["stack", "trace", "exception", "sql"]
            .iter()
            .any(|w| lower.contains(w))
        {
            return false;
        }
    }
    let w = crate::spec_context::words(name);
    let has = |x: &str| w.iter().any(|y| y == x);
    has("stack")
        || has("stacktrace")
        || has("traceback")
        || has("backtrace")
        || (has("trace") && w.len() <= 2 && !has("id"))
        || has("exception")
        || has("sql")
        || (has("query") && has("sql"))
}
