//! Palisade's CI gate and review tools, as pure functions of a model, its OpenAPI documents, its
//! analysis and a date: [`check`] evaluates the policy (unresolved threats, STRIDE coverage,
//! drift against the OpenAPI documents, assumptions, tickets, orphaned decisions) into a
//! [`Report`]; [`diff`] compares two versions of a model or of an OpenAPI document; [`project`]
//! does both for what `palisade_project` loads, for the command line and the server alike.
//!
//! Nothing here reads files or the clock: the caller passes spec hashes and today's date, so the
//! same input always gives the same report.

pub mod codes;
mod coverage;
pub mod diff;
mod drift;
mod people;
mod policy;
pub mod project;
mod threats;

use palisade_model::{Date, Model, Severity};
use palisade_openapi::Spec;
use palisade_rules::{Location, RiskMatrix, Threat};
use serde::Serialize;

pub use coverage::{Cell, CellState, Coverage, CoverageRow};
pub use policy::EffectivePolicy;

/// One OpenAPI document of the model, as loaded.
pub struct SpecInput<'a> {
    /// The model's `apis[].id`.
    pub api: &'a str,
    pub spec: &'a Spec,
    /// `sha256:<hex>` of the document's bytes, when the caller computed it.
    pub hash: Option<String>,
}

/// Everything [`check`] looks at.
pub struct Input<'a> {
    pub model: &'a Model,
    /// The model's file, as the user named it.
    pub file: &'a str,
    pub specs: Vec<SpecInput<'a>>,
    /// Ids of the APIs whose `spec` names a file that does not exist.
    pub missing_specs: Vec<&'a str>,
    /// The model's analysis: every threat, unfiltered.
    pub threats: &'a [Threat],
    pub today: Date,
}

/// What kind of thing an item is about, for grouping and for JUnit test cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Threats,
    Coverage,
    Drift,
    Review,
    Assumptions,
    Tickets,
    Decisions,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Self::Threats,
        Self::Coverage,
        Self::Drift,
        Self::Review,
        Self::Assumptions,
        Self::Tickets,
        Self::Decisions,
    ];

    /// The category's name in reports.
    pub fn title(self) -> &'static str {
        match self {
            Self::Threats => "unresolved threats",
            Self::Coverage => "coverage",
            Self::Drift => "drift",
            Self::Review => "review age",
            Self::Assumptions => "assumptions",
            Self::Tickets => "tickets",
            Self::Decisions => "decisions",
        }
    }
}

/// One finding of the check: something that fails the policy, or a warning.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// A code of [`codes::CHECKS`].
    pub code: &'static str,
    pub category: Category,
    /// Whether it fails the check (else it is a warning).
    pub fails: bool,
    /// What is wrong, naming the thing.
    pub message: String,
    /// Where to change it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// A few words shown under the location.
    pub label: String,
    /// What to do.
    pub help: Vec<String>,
    /// The threat it is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threat: Option<palisade_model::ThreatId>,
    /// A stable identity of what the item is about (`assumption:processor-pci`,
    /// `operation:payments-api:GET /x`), unchanged when lines move: for SARIF fingerprints.
    pub key: String,
    /// The severity for threat items and SARIF levels.
    pub severity: Severity,
}

/// Figures about the model, for the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub threats: usize,
    pub unresolved: usize,
    /// Second-order threats among them.
    pub second_order: usize,
    /// Elements and flows of the data-flow diagram.
    pub diagram_elements: usize,
    /// Threats on elements and flows.
    pub diagram_threats: usize,
    /// `diagram_threats / diagram_elements`; the seeds' rule of thumb is about five.
    pub threats_per_element: f64,
    pub operations: usize,
    pub operation_threats: usize,
}

/// The outcome of [`check`] for one model.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub file: String,
    pub policy: EffectivePolicy,
    /// Whether nothing fails the policy.
    pub passed: bool,
    /// Items that fail the policy first, each group in the order of the file.
    pub items: Vec<Item>,
    pub coverage: Coverage,
    /// Unresolved threats by likelihood and impact.
    pub risk_matrix: RiskMatrix,
    pub figures: Figures,
    /// Every unresolved threat, most severe first: `(id, severity, score, title)`.
    pub ranked: Vec<Ranked>,
}

/// An unresolved threat in the ranked list.
#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub id: palisade_model::ThreatId,
    pub rule: String,
    pub severity: Severity,
    pub score: f64,
    pub target: String,
    pub title: String,
}

impl Report {
    /// The items that fail the policy.
    pub fn failures(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.fails)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| !i.fails)
    }
}

/// Evaluates `policy` on one model.
pub fn check(input: &Input, policy: &EffectivePolicy) -> Report {
    let mut items = Vec::new();
    threats::unresolved(input, policy, &mut items);
    let coverage = coverage::table(input, policy);
    coverage::items(&coverage, policy, &mut items);
    drift::items(input, policy, &mut items);
    people::review_age(input, policy, &mut items);
    people::assumptions(input, policy, &mut items);
    threats::tickets(input, policy, &mut items);
    threats::orphans(input, &mut items);
    items.sort_by(|a, b| {
        b.fails
            .cmp(&a.fails)
            .then_with(|| a.category.cmp(&b.category))
            .then_with(|| {
                if a.category == Category::Threats {
                    b.severity.cmp(&a.severity)
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then_with(|| location_key(a).cmp(&location_key(b)))
            .then_with(|| a.code.cmp(b.code))
    });
    let unresolved: Vec<&Threat> = input
        .threats
        .iter()
        .filter(|t| t.status().is_unresolved())
        .collect();
    let on_diagram = |t: &&Threat| {
        matches!(
            t.target,
            palisade_rules::Target::Element { .. } | palisade_rules::Target::Flow { .. }
        )
    };
    let diagram_elements = input.model.elements.len() + input.model.flows.len();
    let diagram_threats = input
        .threats
        .iter()
        .filter(on_diagram)
        .filter(|t| !is_dismissed(t))
        .count();
    #[allow(clippy::cast_precision_loss)]
    let threats_per_element = if diagram_elements == 0 {
        0.0
    } else {
        diagram_threats as f64 / diagram_elements as f64
    };
    let figures = Figures {
        threats: input.threats.len(),
        unresolved: unresolved.len(),
        second_order: input.threats.iter().filter(|t| t.parent.is_some()).count(),
        diagram_elements,
        diagram_threats,
        threats_per_element,
        operations: input.specs.iter().map(|s| s.spec.operations.len()).sum(),
        operation_threats: input
            .threats
            .iter()
            .filter(|t| matches!(t.target, palisade_rules::Target::Operation { .. }))
            .count(),
    };
    let ranked = unresolved
        .iter()
        .map(|t| Ranked {
            id: t.id.clone(),
            rule: t.rule.clone(),
            severity: t.severity,
            score: t.risk.score,
            target: t.target.label(),
            title: t.title.clone(),
        })
        .collect();
    Report {
        file: input.file.to_owned(),
        policy: policy.clone(),
        passed: !items.iter().any(|i| i.fails),
        items,
        coverage,
        risk_matrix: RiskMatrix::of(unresolved.iter().map(|t| &t.risk)),
        figures,
        ranked,
    }
}

fn location_key(item: &Item) -> (String, u32, u32) {
    item.location.as_ref().map_or_else(
        || (String::new(), 0, 0),
        |l| (l.file.to_string(), l.line, l.column),
    )
}

/// Marked not applicable or a false positive: not a threat any more.
pub(crate) fn is_dismissed(t: &Threat) -> bool {
    matches!(
        t.status(),
        palisade_model::Status::NotApplicable | palisade_model::Status::FalsePositive
    )
}

/// The location of a model entity's id.
pub(crate) fn at(input: &Input, span: palisade_diagnostics::Span) -> Option<Location> {
    (span.start.line > 0).then(|| Location::new(std::sync::Arc::from(input.file), span))
}
