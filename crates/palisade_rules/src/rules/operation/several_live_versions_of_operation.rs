//! OP014: the same operation served under several API versions at once.
use palisade_model::Severity;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

declare_rule! {
    /// ## What it detects
    /// An operation whose path, with its version segment (`v1`, `v2beta1`) taken out, is also
    /// served under another version. The threat is reported on every version but the newest, and
    /// as low on the newest.
    ///
    /// ## Why it matters
    /// Old versions keep old flaws: they miss fixes, new authorization checks and rate limits, and
    /// attackers go looking for them (`/v1/` still answering when `/v2/` is hardened). Every live
    /// version is attack surface that someone must keep patching.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /v1/users/{id}:
    ///     get:
    ///       parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
    ///       responses: { "200": { description: A user }, "403": { description: No }, "404": { description: No } }
    ///   /v2/users/{id}:
    ///     get:
    ///       parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
    ///       responses: { "200": { description: A user }, "403": { description: No }, "404": { description: No } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /v2/users/{id}:
    ///     get:
    ///       parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]
    ///       responses: { "200": { description: A user }, "403": { description: No }, "404": { description: No } }
    /// ```
    ///
    /// ## Mitigation
    /// Retire old versions on a published schedule; until then, apply every security fix to every
    /// live version and keep an inventory of what is exposed.
    ///
    /// ## References
    /// CWE-1059
    pub(crate) SeveralLiveVersionsOfOperation {
        code: "OP014",
        applies_to: [Operation],
        stride: [ElevationOfPrivilege, InformationDisclosure],
        owasp_2023: [Api9],
        owasp_2019: [Api9],
        cwe: [1059],
        capec: [],
        severity: Medium,
    }
}

impl OperationRule for SeveralLiveVersionsOfOperation {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        let others = cx.spec.other_versions(cx.op);
        if others.is_empty() {
            return;
        }
        let mine = super::version_rank(&cx.op.path);
        let newest = others.iter().all(|o| super::version_rank(&o.path) <= mine);
        let paths: Vec<String> = others.iter().map(|o| format!("`{}`", o.path)).collect();
        out.push(
            Finding::new(
                &Self::META,
                cx.target(),
                format!(
                    "{} is also served as {}",
                    cx.op.address(),
                    super::list(&paths)
                ),
            )
            .description(format!(
                "{} exists in several versions at once ({}): {}",
                cx.op.address(),
                super::list(&paths),
                if newest {
                    "this is the newest, but the older ones still answer."
                } else {
                    "this older version is still live and may lack the newer one's fixes."
                }
            ))
            .evidence(format!("also at {}", super::list(&paths)))
            .severity(if newest {
                Severity::Low
            } else {
                Severity::Medium
            })
            .at(cx.location())
            .mitigation("Retire old versions; patch every live version until then"),
        );
    }
}
