//! The CI policy (`palisade check`), the review record, and the choice of risk rating method.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Date, Severity, string_enum};

string_enum! {
    /// How risks are rated in this model.
    pub enum RatingMethod {
        Dread = "dread",
        Owasp = "owasp",
    }
}

/// What makes `palisade check` fail. Every field is optional; absent fields take the defaults
/// documented on each.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Fail on unresolved threats at or above this severity (default: `high`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<Severity>,
    /// Fail when an element lacks a STRIDE category that applies to it (default: false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_coverage: Option<bool>,
    /// Fail when the model and its OpenAPI documents disagree (default: true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on_drift: Option<bool>,
    /// Fail when an assumption is past its follow-up date (default: true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on_overdue_assumptions: Option<bool>,
    /// Require a ticket on unresolved threats at or above this severity (default: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_ticket: Option<Severity>,
    /// Fail when the model was last reviewed longer ago than this many days (default: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_review_age_days: Option<u32>,
    /// Whether the STRIDE-per-element baseline threats (family `ST`) count as coverage (default:
    /// true). With `false`, a cell is covered only by a specific or hand-written threat, or by a
    /// baseline threat a person has decided on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baselines_cover: Option<bool>,
    /// The risk rating method (default: `dread`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<RatingMethod>,
}

/// The last review of the model: when, by whom, and the content hash of each OpenAPI document
/// at that time (so a changed spec shows as drift).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reviewed {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Spec path → `sha256:<hex>` of its content at review time.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub specs: BTreeMap<String, String>,
}
