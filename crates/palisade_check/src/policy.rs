//! The policy in force: the model's `policy:` block, overridden key by key by a policy file, with
//! every default filled in.

use palisade_model::{Policy, RatingMethod, Severity};
use serde::Serialize;

/// A policy with every key decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectivePolicy {
    /// Fail on unresolved threats at or above this severity.
    pub fail_on: Severity,
    /// Fail on coverage gaps (else they are warnings).
    pub require_coverage: bool,
    /// Fail on drift between the model and its OpenAPI documents.
    pub fail_on_drift: bool,
    /// Fail on overdue assumptions and on assumptions without owner or date.
    pub fail_on_overdue_assumptions: bool,
    /// Require a ticket on unresolved threats at or above this severity.
    pub require_ticket: Option<Severity>,
    /// Fail when the last review is older than this many days.
    pub max_review_age_days: Option<u32>,
    /// Whether STRIDE baseline threats count as coverage.
    pub baselines_cover: bool,
    pub rating: RatingMethod,
}

impl Default for EffectivePolicy {
    fn default() -> Self {
        Self::resolve(None, None)
    }
}

impl EffectivePolicy {
    /// The model's policy with `file`'s keys winning, defaults for the rest.
    pub fn resolve(model: Option<&Policy>, file: Option<&Policy>) -> Self {
        fn pick<T: Copy>(
            model: Option<&Policy>,
            file: Option<&Policy>,
            key: impl Fn(&Policy) -> Option<T>,
        ) -> Option<T> {
            file.and_then(&key).or_else(|| model.and_then(&key))
        }
        Self {
            fail_on: pick(model, file, |p| p.fail_on).unwrap_or(Severity::High),
            require_coverage: pick(model, file, |p| p.require_coverage).unwrap_or(false),
            fail_on_drift: pick(model, file, |p| p.fail_on_drift).unwrap_or(true),
            fail_on_overdue_assumptions: pick(model, file, |p| p.fail_on_overdue_assumptions)
                .unwrap_or(true),
            require_ticket: pick(model, file, |p| p.require_ticket),
            max_review_age_days: pick(model, file, |p| p.max_review_age_days),
            baselines_cover: pick(model, file, |p| p.baselines_cover).unwrap_or(true),
            rating: pick(model, file, |p| p.rating).unwrap_or(RatingMethod::Dread),
        }
    }

    /// The policy as one line, for reports: `fail_on high · drift · assumptions`.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("fail on {} and above", self.fail_on)];
        if self.require_coverage {
            parts.push("coverage".to_owned());
        }
        if self.fail_on_drift {
            parts.push("drift".to_owned());
        }
        if self.fail_on_overdue_assumptions {
            parts.push("assumptions".to_owned());
        }
        if let Some(t) = self.require_ticket {
            parts.push(format!("tickets from {t}"));
        }
        if let Some(days) = self.max_review_age_days {
            parts.push(format!("review within {days} days"));
        }
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_file_wins_key_by_key() {
        let model = Policy {
            fail_on: Some(Severity::Medium),
            fail_on_drift: Some(false),
            ..Policy::default()
        };
        let file = Policy {
            fail_on: Some(Severity::Critical),
            require_ticket: Some(Severity::High),
            ..Policy::default()
        };
        let p = EffectivePolicy::resolve(Some(&model), Some(&file));
        assert_eq!(p.fail_on, Severity::Critical);
        assert!(!p.fail_on_drift);
        assert_eq!(p.require_ticket, Some(Severity::High));
        assert!(p.fail_on_overdue_assumptions);
        let d = EffectivePolicy::default();
        assert_eq!(d.fail_on, Severity::High);
        assert!(!d.require_coverage && d.fail_on_drift && d.baselines_cover);
        assert_eq!(
            p.summary(),
            "fail on critical and above · assumptions · tickets from high"
        );
    }
}
