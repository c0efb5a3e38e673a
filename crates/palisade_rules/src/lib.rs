//! The Palisade threat engine: documented rules with stable codes that turn a model (and, with
//! the OpenAPI rules, its API operations) into threats.
//!
//! Pure and deterministic: `analyze(&Model, file, &Settings) -> Vec<Threat>`, sorted. Each rule
//! lives in its own file under `rules/`, declared with [`declare_rule!`] so that its doc comment
//! is its documentation. Specific rules run first; then the STRIDE-per-element baselines fill
//! every category that applies to a target and no specific rule covered. Threats written by hand
//! in the model join them (rule `MANUAL`), and every threat whose decision names a control with
//! known bypasses brings its second-order threats (family `SO`). Each threat is rated by the
//! model's method (DREAD or OWASP, see [`Risk`]) and the list is ranked most severe first. Custom rules
//! written by users (`custom_rules:`, see [`custom`]) run beside the built-in ones.

mod analysis_json;
mod context;
pub mod custom;
mod declare;
mod engine;
mod owasp;
pub mod parallel;
mod risk;
pub mod rules;
mod spec_context;
mod threat;

pub use analysis_json::write_analysis_json;
pub use context::{Finding, ModelCx};
pub use declare::{AppliesTo, RuleMeta};
pub use engine::{MANUAL, Settings, analyze, analyze_model, analyze_spec, rank, rule};
pub use owasp::{Owasp2019, Owasp2023};
pub use risk::{Band, MatrixCell, Risk, RiskMatrix, matrix_level};
pub use rules::{FLOW_STRIDE, REMOVED, all as all_rules, stride_applies};
pub use spec_context::{is_version_segment, version_free_path, words};
pub use threat::{
    Analysis, AnalysisRef, Location, Target, Threat, analysis_schema_json, fingerprint,
    second_order_fingerprint,
};
