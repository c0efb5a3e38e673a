//! Items about follow-up by people: the age of the last review, and assumptions that are overdue
//! or that nobody owns or dates.

use palisade_model::Severity;

use crate::codes;
use crate::{Category, EffectivePolicy, Input, Item, at};

/// CK011: the last review against `max_review_age_days`.
pub(crate) fn review_age(input: &Input, policy: &EffectivePolicy, items: &mut Vec<Item>) {
    let Some(max) = policy.max_review_age_days else {
        return;
    };
    let date = input.model.reviewed.as_ref().and_then(|r| r.date);
    let message = match date {
        None => "the model records no review (`reviewed.date`)".to_owned(),
        Some(d) => {
            let age = d.days_until(input.today);
            if age <= i64::from(max) {
                return;
            }
            format!(
                "the model was last reviewed on {d}, {} ago; the policy allows {max}",
                days(age)
            )
        }
    };
    items.push(Item {
        code: codes::REVIEW_TOO_OLD,
        category: Category::Review,
        fails: true,
        message,
        location: None,
        label: "review too old".to_owned(),
        help: vec![format!(
            "review the model with its owners, then set `reviewed: {{ date: {}, by: … }}`",
            input.today
        )],
        threat: None,
        key: "model:review".to_owned(),
        severity: Severity::Medium,
    });
}

/// CK012 and CK013: assumptions past their date, or without owner or date.
pub(crate) fn assumptions(input: &Input, policy: &EffectivePolicy, items: &mut Vec<Item>) {
    for a in input.model.assumptions.iter().filter(|a| !a.confirmed) {
        let location = at(input, a.span);
        match a.due {
            Some(due) if due < input.today => items.push(Item {
                code: codes::ASSUMPTION_OVERDUE,
                category: Category::Assumptions,
                fails: policy.fail_on_overdue_assumptions,
                message: format!(
                    "assumption `{}` was due for follow-up on {due}, {} ago: {}",
                    a.id,
                    days(due.days_until(input.today)),
                    a.assumption
                ),
                location,
                label: format!("due {due}"),
                help: vec![format!(
                    "{}check whether it still holds: set `confirmed: true`, or a new `due` date, or change the model",
                    a.owner
                        .as_deref()
                        .map(|o| format!("{o}: "))
                        .unwrap_or_default()
                )],
                threat: None,
                key: format!("assumption:{}", a.id),
                severity: Severity::Medium,
            }),
            Some(_) if a.owner.is_some() => {}
            due => {
                let missing: Vec<&str> = [
                    a.owner.is_none().then_some("owner"),
                    due.is_none().then_some("due date"),
                ]
                .into_iter()
                .flatten()
                .collect();
                items.push(Item {
                    code: codes::ASSUMPTION_UNTRACKED,
                    category: Category::Assumptions,
                    fails: policy.fail_on_overdue_assumptions,
                    message: format!(
                        "assumption `{}` has no {}: nobody will follow it up",
                        a.id,
                        missing.join(" and no ")
                    ),
                    location,
                    label: format!("needs {}", missing.join(" and ")),
                    help: vec![
                        "give it `owner: <team>` and `due: YYYY-MM-DD`, the date by which someone checks it still holds"
                            .to_owned(),
                    ],
                    threat: None,
                    key: format!("assumption:{}", a.id),
                    severity: Severity::Medium,
                });
            }
        }
    }
}

/// `1 day`, `17 days`.
fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}
