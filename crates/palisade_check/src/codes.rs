//! The table of check codes: what `palisade check` reports besides the threats themselves. Sorted;
//! a code never changes meaning and is never reused (a removed code stays listed as removed).
//! SARIF describes these items with this table, as it describes threats with the rule docs.

/// One kind of check item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CheckMeta {
    /// `CK` and three digits.
    pub code: &'static str,
    /// The name, stating the problem.
    pub name: &'static str,
    /// What the item means, in one sentence.
    pub summary: &'static str,
    /// Which policy key makes it fail the check.
    pub policy: &'static str,
    /// What to do about it.
    pub help: &'static str,
}

pub const UNRESOLVED_THREAT: &str = "CK001";
pub const STRIDE_GAP: &str = "CK002";
pub const CROSSING_FLOW_GAP: &str = "CK003";
pub const UNJUSTIFIED_NOT_APPLICABLE: &str = "CK004";
pub const SHADOW_OPERATION: &str = "CK005";
pub const ZOMBIE_OPERATION: &str = "CK006";
pub const MISSING_SPEC: &str = "CK007";
pub const DEPRECATED_API_EXPOSED: &str = "CK008";
pub const SPEC_CHANGED: &str = "CK009";
pub const SPEC_NOT_HASHED: &str = "CK010";
pub const REVIEW_TOO_OLD: &str = "CK011";
pub const ASSUMPTION_OVERDUE: &str = "CK012";
pub const ASSUMPTION_UNTRACKED: &str = "CK013";
pub const MISSING_TICKET: &str = "CK014";
pub const ORPHANED_DECISION: &str = "CK015";

/// Every check code, sorted.
pub const CHECKS: &[CheckMeta] = &[
    CheckMeta {
        code: UNRESOLVED_THREAT,
        name: "UnresolvedThreatAtOrAboveLevel",
        summary: "A threat at or above the policy's severity is still open, under investigation or in progress.",
        policy: "fail_on (default high)",
        help: "Mitigate it and record the decision (`palisade threat set ID --status mitigated --mitigation M`), or accept or transfer it with a justification.",
    },
    CheckMeta {
        code: STRIDE_GAP,
        name: "StrideCategoryNotCovered",
        summary: "An element has no threat, and no reasoned not-applicable mark, for a STRIDE category that applies to its kind.",
        policy: "require_coverage (default false)",
        help: "Write the threat under `threats:` (title, target, stride), or mark the category not applicable with a justification.",
    },
    CheckMeta {
        code: CROSSING_FLOW_GAP,
        name: "CrossingFlowNotCovered",
        summary: "A data flow that crosses a trust boundary is not covered for tampering, information disclosure or denial of service.",
        policy: "require_coverage (default false)",
        help: "Write the threat for the flow under `threats:`, or mark it not applicable with a justification.",
    },
    CheckMeta {
        code: UNJUSTIFIED_NOT_APPLICABLE,
        name: "NotApplicableWithoutReason",
        summary: "The only threats of a STRIDE cell are marked not applicable or false positive without a justification.",
        policy: "require_coverage (default false)",
        help: "Say why it does not apply: `justification: …` on the decision.",
    },
    CheckMeta {
        code: SHADOW_OPERATION,
        name: "ShadowOperation",
        summary: "An operation of an OpenAPI document that the model's `apis[].operations` does not account for (a shadow API).",
        policy: "fail_on_drift (default true)",
        help: "Threat-model the operation, then add `METHOD /path` to the API's `operations` list.",
    },
    CheckMeta {
        code: ZOMBIE_OPERATION,
        name: "ZombieOperation",
        summary: "The model lists or targets an operation that its OpenAPI document no longer has (a zombie API).",
        policy: "fail_on_drift (default true)",
        help: "Remove the operation from the model, or restore it in the document if it is still served.",
    },
    CheckMeta {
        code: MISSING_SPEC,
        name: "SpecNoLongerExists",
        summary: "The model names an OpenAPI document (`apis[].spec`) that no longer exists.",
        policy: "fail_on_drift (default true)",
        help: "Point `spec` at the document's new place, or retire the API in the model.",
    },
    CheckMeta {
        code: DEPRECATED_API_EXPOSED,
        name: "DeprecatedApiStillExposed",
        summary: "An API whose lifecycle is deprecated or retired is still served or consumed.",
        policy: "fail_on_drift (default true)",
        help: "Move its consumers to the current version and stop serving it, or correct its lifecycle.",
    },
    CheckMeta {
        code: SPEC_CHANGED,
        name: "SpecChangedSinceReview",
        summary: "An OpenAPI document changed since the model's last review (its hash differs from `reviewed.specs`).",
        policy: "fail_on_drift (default true)",
        help: "Review the change against the model, then record the new hash and date under `reviewed`.",
    },
    CheckMeta {
        code: SPEC_NOT_HASHED,
        name: "SpecWithoutReviewHash",
        summary: "An OpenAPI document has no hash under `reviewed.specs`, so changes to it cannot be noticed.",
        policy: "never fails (a warning)",
        help: "Record the document's hash under `reviewed.specs` when the model is reviewed.",
    },
    CheckMeta {
        code: REVIEW_TOO_OLD,
        name: "ModelReviewTooOld",
        summary: "The model was last reviewed longer ago than the policy allows, or never.",
        policy: "max_review_age_days",
        help: "Review the model and update `reviewed.date`.",
    },
    CheckMeta {
        code: ASSUMPTION_OVERDUE,
        name: "AssumptionOverdue",
        summary: "An assumption's follow-up date has passed and it is not confirmed.",
        policy: "fail_on_overdue_assumptions (default true)",
        help: "Check whether it still holds: mark it `confirmed: true`, or set a new `due` date, or change the model.",
    },
    CheckMeta {
        code: ASSUMPTION_UNTRACKED,
        name: "AssumptionWithoutOwnerOrDate",
        summary: "An assumption has no owner or no follow-up date, so it can never come due.",
        policy: "fail_on_overdue_assumptions (default true)",
        help: "Give it an `owner` and a `due` date.",
    },
    CheckMeta {
        code: MISSING_TICKET,
        name: "UnresolvedThreatWithoutTicket",
        summary: "An unresolved threat at or above the policy's level has no ticket.",
        policy: "require_ticket",
        help: "File a ticket and record it: `palisade threat set ID --ticket PAY-123`.",
    },
    CheckMeta {
        code: ORPHANED_DECISION,
        name: "DecisionWithoutThreat",
        summary: "A decision under `threats:` names an id that no threat has any more.",
        policy: "never fails (a warning)",
        help: "If the threat's element, flow or operation was renamed, change the decision's id to the suggested one; otherwise delete the decision.",
    },
];

/// The check with this code.
pub fn check(code: &str) -> Option<&'static CheckMeta> {
    CHECKS.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// Codes that were removed: listed so that they are never reused. `(code, what it was)`.
pub const REMOVED: &[(&str, &str)] = &[];

/// The page that documents every check code (`docs/checks.md`).
pub fn page() -> String {
    let mut out = String::from(
        "# Check codes\n\nWhat `palisade check` reports besides the threats themselves. Codes never change meaning and are never reused.\nGenerated by `cargo xtask generate` from `crates/palisade_check/src/codes.rs`.\n\n| code | name | what it means | fails the check when | what to do |\n|---|---|---|---|---|\n",
    );
    for c in CHECKS {
        out.push_str(&format!(
            "| <a id=\"{code}\"></a>{code} | {} | {} | {} | {} |\n",
            c.name,
            c.summary,
            c.policy,
            c.help,
            code = c.code,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_and_documented() {
        for pair in CHECKS.windows(2) {
            assert!(pair[0].code < pair[1].code, "{}", pair[1].code);
        }
        for c in CHECKS {
            assert!(c.code.starts_with("CK") && c.code.len() == 5, "{}", c.code);
            assert!(
                c.summary.ends_with('.') && c.help.ends_with('.'),
                "{}",
                c.code
            );
            assert!(!REMOVED.iter().any(|(r, _)| *r == c.code), "{}", c.code);
        }
        assert_eq!(
            check("ck001").map(|c| c.name),
            Some("UnresolvedThreatAtOrAboveLevel")
        );
    }
}
