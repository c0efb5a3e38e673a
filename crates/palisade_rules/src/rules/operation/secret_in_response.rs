//! OP011: a response that returns passwords, secrets, keys or card security codes.
use palisade_model::Severity;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// A success response whose schema has a property for a password (or its hash), a card
    /// security code or number, or a private key (high, when it is the object's own property and
    /// not returned once on creation), or a national id, secret, API key or token outside a
    /// sign-in or token operation (medium).
    ///
    /// ## Why it matters
    /// Excessive data exposure: clients filter what they show, attackers read the raw JSON. A
    /// password hash or a secret in a response turns every caller into a credential thief.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users/{id}:
    ///     get:
    ///       parameters:
    ///         - { name: id, in: path, required: true, schema: { type: string, format: uuid } }
    ///       responses:
    ///         "200":
    ///           description: A user
    ///           content:
    ///             application/json:
    ///               schema: { type: object, properties: { name: { type: string }, password: { type: string } } }
    ///         "403": { description: Forbidden }
    ///         "404": { description: Not found }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /users/{id}:
    ///     get:
    ///       parameters:
    ///         - { name: id, in: path, required: true, schema: { type: string, format: uuid } }
    ///       responses:
    ///         "200":
    ///           description: A user
    ///           content:
    ///             application/json:
    ///               schema: { type: object, properties: { name: { type: string } } }
    ///         "403": { description: Forbidden }
    ///         "404": { description: Not found }
    /// ```
    ///
    /// ## Mitigation
    /// Return a response type that lists only what the caller may see; never serialize password
    /// hashes, secrets or keys; mark write-only fields `writeOnly`.
    ///
    /// ## References
    /// CWE-200 · CAPEC-37
    pub(crate) SecretInResponse {
        code: "OP011",
        applies_to: [Operation],
        stride: [InformationDisclosure],
        owasp_2023: [Api3],
        owasp_2019: [Api3],
        cwe: [200],
        capec: [37],
        severity: High,
    }
}

impl OperationRule for SecretInResponse {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let credential_op = super::is_credential_operation(cx);
        // Issuing a secret once, on creation, is how API keys work; reading one back is the leak.
        let creation = cx.op.method == palisade_openapi::Method::Post;
        let mut high = Vec::new();
        let mut medium = Vec::new();
        for p in cx.response_properties() {
            if p.schema.write_only {
                continue;
            }
            let Some(kind) = super::secret_kind(p.name, p.sensitive) else {
                continue;
            };
            // Secrets of nested, related objects are usually a reused type, not the object itself.
            let shallow = p.path.matches('.').count() <= 1;
            match kind {
                super::Sensitive::Password
                | super::Sensitive::CardSecurity
                | super::Sensitive::PrivateKey
                    if shallow && !creation =>
                {
                    high.push(p);
                }
                super::Sensitive::Secret if credential_op => {}
                _ => medium.push(p),
            }
        }
        let (fields, severity) = if high.is_empty() {
            (medium, Severity::Medium)
        } else {
            (high, Severity::High)
        };
        let Some(first) = fields.first() else {
            return;
        };
        let names: Vec<String> = fields.iter().map(|p| format!("`{}`", p.path)).collect();
        let mut f = Finding::new(&Self::META, cx.target(), format!("{} returns secrets: {}", cx.op.address(), super::list(&names)))
            .description(format!(
                "The response of {} includes {}: every caller — and anyone who intercepts or logs the response — gets {}.",
                cx.op.address(),
                super::list(&names),
                if names.len() == 1 { "it" } else { "them" }
            ))
            .severity(severity)
            .at(cx.spec.location(first.location))
            .mitigation("Remove the field from the response type; never return secrets");
        for n in &names {
            f = f.evidence(format!("response property {n}"));
        }
        out.push(f);
    }
}
