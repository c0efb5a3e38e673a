//! Default risk ratings: each threat gets DREAD factors derived from its rule and severity, so
//! that lists can be ranked before a person rates anything.

use palisade_model::{Dread, Severity};
use serde::Serialize;

/// A risk rating: the factors, their score and its level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Risk {
    pub dread: Dread,
    /// The DREAD average, 0–10.
    pub score: f64,
    pub level: Severity,
}

impl Risk {
    /// Rates DREAD factors: the score is their mean; the level follows the usual bands.
    pub fn from_dread(dread: Dread) -> Self {
        let sum = u32::from(dread.damage)
            + u32::from(dread.reproducibility)
            + u32::from(dread.exploitability)
            + u32::from(dread.affected_users)
            + u32::from(dread.discoverability);
        let score = f64::from(sum) / 5.0;
        let level = if score >= 8.0 {
            Severity::Critical
        } else if score >= 6.5 {
            Severity::High
        } else if score >= 4.5 {
            Severity::Medium
        } else if score >= 2.5 {
            Severity::Low
        } else {
            Severity::Info
        };
        Self {
            dread,
            score,
            level,
        }
    }

    /// The default rating of a threat of this severity, found from a spec or model that anyone
    /// who can read it can see (discoverability is high for API findings).
    pub fn default_for(severity: Severity, remote: bool) -> Self {
        let base: u8 = match severity {
            Severity::Critical => 9,
            Severity::High => 7,
            Severity::Medium => 5,
            Severity::Low => 3,
            Severity::Info => 1,
        };
        let discoverability = if remote {
            base.saturating_add(1).min(10)
        } else {
            base
        };
        Self::from_dread(Dread {
            damage: base,
            reproducibility: base,
            exploitability: base,
            affected_users: base,
            discoverability,
        })
    }
}
