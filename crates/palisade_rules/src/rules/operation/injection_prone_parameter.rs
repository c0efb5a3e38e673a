//! OP013: free-text path or query parameters that reach lookups unconstrained.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// A path or query parameter of type string with no `pattern`, `enum`, `format` or
    /// `maxLength`: arbitrary text goes straight to the lookup behind it.
    ///
    /// ## Why it matters
    /// Identifiers and search terms end up in SQL, NoSQL, LDAP or shell commands. A constrained
    /// shape (`^[a-z0-9-]{1,32}$`) stops injection payloads at the edge; free text lets them through
    /// to code that must then get escaping right every time.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users/{username}:
    ///     get:
    ///       parameters:
    ///         - { name: username, in: path, required: true, schema: { type: string } }
    ///       responses: { "200": { description: A user } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users/{username}:
    ///     get:
    ///       parameters:
    ///         - { name: username, in: path, required: true, schema: { type: string, pattern: "^[a-z0-9_]{3,32}$" } }
    ///       responses: { "200": { description: A user } }
    /// ```
    ///
    /// ## Mitigation
    /// Constrain identifiers with a `pattern` or `format`; use parameterized queries and never
    /// build queries or commands from request text.
    ///
    /// ## References
    /// CWE-89 · CWE-943 · CAPEC-66
    pub(crate) InjectionProneParameter {
        code: "OP013",
        applies_to: [Operation],
        stride: [Tampering, InformationDisclosure],
        owasp_2023: [Api8],
        owasp_2019: [Api8],
        cwe: [89, 943],
        capec: [66],
        severity: Low,
    }
}

impl OperationRule for InjectionProneParameter {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let loose: Vec<_> = cx
            .inputs()
            .into_iter()
            .filter(|i| {
                matches!(
                    i.kind,
                    crate::spec_context::InputKind::Parameter(
                        palisade_openapi::ParameterLocation::Path
                            | palisade_openapi::ParameterLocation::Query
                    )
                ) && i.schema.has_type("string")
                    && !i.is_constrained_string()
                    && !crate::spec_context::is_credential_name(i.name)
            })
            .collect();
        let title = format!("{} passes free text to its lookup", cx.op.address());
        if let Some(f) = super::inputs_finding(
            &Self::META,
            cx,
            &loose,
            title,
            |list| {
                format!(
                    "{} takes {list} as unconstrained text; if it reaches a query or command unescaped, it is an injection.",
                    cx.op.address()
                )
            },
            "is unconstrained",
            "Constrain the parameter (pattern, format, maxLength) and use parameterized queries",
        ) {
            out.push(f);
        }
    }
}
