//! Items about threats and decisions: unresolved threats at or above the policy's level, missing
//! tickets, and decisions whose threat no longer exists (with "did you mean").

use std::collections::HashSet;

use palisade_diagnostics::did_you_mean;
use palisade_model::{Severity, ThreatEntry};
use palisade_rules::Threat;

use crate::codes;
use crate::{Category, EffectivePolicy, Input, Item, at};

/// The command that records a decision, for help lines.
fn set_command(t: &Threat) -> String {
    format!("palisade threat set {}", t.id)
}

/// CK001: unresolved threats at or above `fail_on`.
pub(crate) fn unresolved(input: &Input, policy: &EffectivePolicy, items: &mut Vec<Item>) {
    for t in input
        .threats
        .iter()
        .filter(|t| t.severity >= policy.fail_on && t.status().is_unresolved())
    {
        let mut help = Vec::new();
        if let Some(first) = t.mitigations.first() {
            help.push(format!("mitigate: {first}"));
        }
        help.push(format!(
            "then record it: `{} --status mitigated --mitigation <id>`, or accept it with `--status accepted --strategy accept --justification \"…\"`",
            set_command(t)
        ));
        let parent = t
            .parent
            .as_ref()
            .map(|p| format!(" (second-order, from {p})"))
            .unwrap_or_default();
        items.push(Item {
            code: codes::UNRESOLVED_THREAT,
            category: Category::Threats,
            fails: true,
            message: format!(
                "{} threat {} is {}: {}{parent}",
                t.severity,
                t.id,
                t.status(),
                t.title
            ),
            location: t.location.clone(),
            label: format!("{} on {}", t.rule, t.target.label()),
            help,
            threat: Some(t.id.clone()),
            key: t.id.to_string(),
            severity: t.severity,
        });
    }
}

/// CK014: unresolved threats at or above `require_ticket` without a ticket.
pub(crate) fn tickets(input: &Input, policy: &EffectivePolicy, items: &mut Vec<Item>) {
    let Some(level) = policy.require_ticket else {
        return;
    };
    for t in input.threats.iter().filter(|t| {
        t.severity >= level
            && t.status().is_unresolved()
            && t.decision
                .as_ref()
                .and_then(|d| d.ticket.as_ref())
                .is_none()
    }) {
        items.push(Item {
            code: codes::MISSING_TICKET,
            category: Category::Tickets,
            fails: true,
            message: format!("{} threat {} has no ticket: {}", t.severity, t.id, t.title),
            location: t.location.clone(),
            label: format!("{} on {}", t.rule, t.target.label()),
            help: vec![format!(
                "file a ticket, then `{} --ticket <id or URL>`",
                set_command(t)
            )],
            threat: Some(t.id.clone()),
            key: format!("ticket:{}", t.id),
            severity: t.severity,
        });
    }
}

/// CK015: decisions (entries without a title) whose id no threat has.
pub(crate) fn orphans(input: &Input, items: &mut Vec<Item>) {
    let known: HashSet<&str> = input.threats.iter().map(|t| t.id.as_str()).collect();
    let decided: HashSet<&str> = input.model.threats.iter().map(|e| e.id.as_str()).collect();
    for entry in input
        .model
        .threats
        .iter()
        .filter(|e| !e.is_hand_written() && !known.contains(e.id.as_str()))
    {
        let about = describe(entry);
        let mut help = Vec::new();
        if let Some(t) = successor(entry, input.threats, &decided) {
            help.push(format!(
                "did you mean {} ({} on {}: {})? If its target was renamed, change the id to `{}`",
                t.id,
                t.rule,
                t.target.label(),
                t.title,
                t.id
            ));
        }
        help.push(
            "otherwise delete the decision: what it decided about no longer exists".to_owned(),
        );
        items.push(Item {
            code: codes::ORPHANED_DECISION,
            category: Category::Decisions,
            fails: false,
            message: format!("the decision {}{about} matches no threat", entry.id),
            location: at(input, entry.span),
            label: "no threat has this id".to_owned(),
            help,
            threat: Some(entry.id.clone()),
            key: format!("decision:{}", entry.id),
            severity: Severity::Info,
        });
    }
}

fn describe(entry: &ThreatEntry) -> String {
    match (&entry.rule, &entry.subject) {
        (Some(rule), Some(subject)) => format!(" ({rule} on {subject})"),
        (Some(rule), None) => format!(" ({rule})"),
        (None, Some(subject)) => format!(" (on {subject})"),
        (None, None) => String::new(),
    }
}

/// The threat an orphaned decision most likely meant: among undecided threats of the same rule,
/// the one whose subject is nearest (or the only one); else the threat whose id is nearest (a
/// typo).
fn successor<'t>(
    entry: &ThreatEntry,
    threats: &'t [Threat],
    decided: &HashSet<&str>,
) -> Option<&'t Threat> {
    let undecided: Vec<&Threat> = threats
        .iter()
        .filter(|t| !decided.contains(t.id.as_str()))
        .collect();
    if let Some(rule) = &entry.rule {
        let same: Vec<&Threat> = undecided
            .iter()
            .copied()
            .filter(|t| t.rule.eq_ignore_ascii_case(rule))
            .collect();
        if let Some(subject) = &entry.subject {
            let labels: Vec<String> = same.iter().map(|t| t.target.label()).collect();
            if let Some(best) = did_you_mean(subject, labels.iter().map(String::as_str))
                && let Some(i) = labels.iter().position(|l| l == best)
            {
                return Some(same[i]);
            }
        }
        if same.len() == 1 {
            return Some(same[0]);
        }
    }
    let ids: Vec<&str> = undecided.iter().map(|t| t.id.as_str()).collect();
    let best = did_you_mean(entry.id.as_str(), ids.iter().copied())?;
    undecided.into_iter().find(|t| t.id.as_str() == best)
}
