//! STRIDE coverage: for every element, each category that applies to its kind (process: S T R I
//! D E; data store: T I D, and R for a log; external entity: S R), and for every flow that crosses
//! a trust boundary, tampering, information disclosure and denial of service. Each cell holds a
//! threat, a reasoned "not applicable", or nothing.

use palisade_model::{Status, Stride};
use palisade_rules::{FLOW_STRIDE, Location, Target, Threat, stride_applies};
use serde::Serialize;

use crate::codes;
use crate::{Category, EffectivePolicy, Input, Item, at};

/// What a cell of the coverage table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    /// A threat from a specific rule, written by hand, or a baseline a person decided on.
    Threat,
    /// Only STRIDE-per-element baseline threats nobody has decided on yet.
    Baseline,
    /// Every threat here is marked not applicable or a false positive, with a reason.
    NotApplicable,
    /// Nothing, or only dismissals without a reason.
    Missing,
}

impl CellState {
    /// The mark shown in the text table.
    pub fn mark(self) -> &'static str {
        match self {
            Self::Threat => "✓",
            Self::Baseline => "b",
            Self::NotApplicable => "n/a",
            Self::Missing => "✗",
        }
    }
}

/// One cell: a STRIDE category on one element or flow.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub stride: Stride,
    pub state: CellState,
    /// The threats in the cell.
    pub threats: Vec<palisade_model::ThreatId>,
    /// For `not_applicable`: the justification given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Whether the cell counts as covered under the policy.
    pub covered: bool,
}

/// One row: an element, or a flow that crosses a trust boundary.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    pub target: Target,
    /// `process`, `data_store`, `external_entity`, or `flow`.
    pub kind: &'static str,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The applicable categories, in STRIDE order.
    pub cells: Vec<Cell>,
    /// Threats on the target that are not dismissed.
    pub threats: usize,
}

/// The coverage table of a model.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    pub rows: Vec<CoverageRow>,
    /// Cells that count as covered, out of `cells`.
    pub covered: usize,
    pub cells: usize,
}

impl Coverage {
    /// The table in text: one row per element or crossing flow, one column per STRIDE letter.
    pub fn text(&self) -> String {
        let width = self
            .rows
            .iter()
            .map(|r| r.label.chars().count())
            .max()
            .unwrap_or(0)
            .max(7);
        let mut out = format!("{:<width$}  S    T    R    I    D    E    threats\n", "");
        for row in &self.rows {
            out.push_str(&format!("{:<width$} ", row.label));
            for s in Stride::ALL_CATEGORIES {
                let mark = row
                    .cells
                    .iter()
                    .find(|c| c.stride == *s)
                    .map_or("·", |c| c.state.mark());
                out.push_str(&format!(" {mark:<4}"));
            }
            out.push_str(&format!(" {}\n", row.threats));
        }
        out.push_str(&format!(
            "{} of {} cells covered (✓ threat, b baseline only, n/a not applicable with a reason, ✗ missing, · does not apply)\n",
            self.covered, self.cells
        ));
        out
    }
}

fn is_baseline(t: &Threat) -> bool {
    t.rule.starts_with("ST")
}

fn decided(t: &Threat) -> bool {
    t.decision
        .as_ref()
        .and_then(|d| d.status)
        .is_some_and(|s| s != Status::Open)
}

fn cell(stride: Stride, threats: &[&Threat], policy: &EffectivePolicy) -> Cell {
    let here: Vec<&Threat> = threats
        .iter()
        .copied()
        .filter(|t| t.stride.contains(&stride))
        .collect();
    let live: Vec<&&Threat> = here.iter().filter(|t| !crate::is_dismissed(t)).collect();
    let reason = here
        .iter()
        .filter(|t| crate::is_dismissed(t))
        .find_map(|t| {
            t.decision
                .as_ref()
                .and_then(|d| d.justification.clone())
                .filter(|j| !j.trim().is_empty())
        });
    let state = if live.iter().any(|t| !is_baseline(t) || decided(t)) {
        CellState::Threat
    } else if !live.is_empty() {
        CellState::Baseline
    } else if reason.is_some() {
        CellState::NotApplicable
    } else {
        CellState::Missing
    };
    let covered = match state {
        CellState::Threat | CellState::NotApplicable => true,
        CellState::Baseline => policy.baselines_cover,
        CellState::Missing => false,
    };
    Cell {
        stride,
        state,
        threats: here.iter().map(|t| t.id.clone()).collect(),
        reason: (state == CellState::NotApplicable)
            .then_some(reason)
            .flatten(),
        covered,
    }
}

/// The coverage table.
pub(crate) fn table(input: &Input, policy: &EffectivePolicy) -> Coverage {
    let mut rows = Vec::new();
    // Indexed once, so that a model of thousands of elements stays linear.
    let mut by_target: std::collections::HashMap<&Target, Vec<&Threat>> =
        std::collections::HashMap::new();
    for t in input.threats {
        by_target.entry(&t.target).or_default().push(t);
    }
    let on =
        |target: &Target| -> Vec<&Threat> { by_target.get(target).cloned().unwrap_or_default() };
    for e in &input.model.elements {
        let target = Target::Element {
            element: e.id.to_string(),
        };
        let threats = on(&target);
        let cells = Stride::ALL_CATEGORIES
            .iter()
            .filter(|s| stride_applies(e, **s))
            .map(|s| cell(*s, &threats, policy))
            .collect();
        rows.push(CoverageRow {
            kind: palisade_model::StringEnum::as_str(e.kind),
            label: e.id.to_string(),
            location: at(input, e.span),
            cells,
            threats: threats.iter().filter(|t| !crate::is_dismissed(t)).count(),
            target,
        });
    }
    let cx = palisade_rules::ModelCx::new(input.model, std::sync::Arc::from(input.file));
    for f in input.model.flows.iter().filter(|f| cx.crosses(f)) {
        let target = Target::Flow {
            flow: f.id.to_string(),
        };
        let threats = on(&target);
        let cells = FLOW_STRIDE
            .iter()
            .map(|s| cell(*s, &threats, policy))
            .collect();
        rows.push(CoverageRow {
            kind: "flow",
            label: f.id.to_string(),
            location: at(input, f.span),
            cells,
            threats: threats.iter().filter(|t| !crate::is_dismissed(t)).count(),
            target,
        });
    }
    let cells = rows.iter().map(|r| r.cells.len()).sum();
    let covered = rows
        .iter()
        .flat_map(|r| &r.cells)
        .filter(|c| c.covered)
        .count();
    Coverage {
        rows,
        covered,
        cells,
    }
}

/// CK002–CK004 for every cell that is not covered.
pub(crate) fn items(coverage: &Coverage, policy: &EffectivePolicy, items: &mut Vec<Item>) {
    for row in &coverage.rows {
        for c in row.cells.iter().filter(|c| !c.covered) {
            let what = if row.kind == "flow" {
                format!("flow `{}` crosses a trust boundary", row.label)
            } else {
                format!("{} `{}`", row.kind.replace('_', " "), row.label)
            };
            let (code, message, help) = match c.state {
                CellState::Baseline => (
                    if row.kind == "flow" {
                        codes::CROSSING_FLOW_GAP
                    } else {
                        codes::STRIDE_GAP
                    },
                    format!(
                        "{what}: {} is covered only by a generic baseline threat nobody has decided on",
                        c.stride.title().to_lowercase()
                    ),
                    format!(
                        "decide {} (`palisade threat set …`), or write a specific threat for it",
                        ids(&c.threats)
                    ),
                ),
                _ if !c.threats.is_empty() => (
                    codes::UNJUSTIFIED_NOT_APPLICABLE,
                    format!(
                        "{what}: {} is dismissed without a reason",
                        c.stride.title().to_lowercase()
                    ),
                    format!("give the decision of {} a `justification`", ids(&c.threats)),
                ),
                _ => (
                    if row.kind == "flow" {
                        codes::CROSSING_FLOW_GAP
                    } else {
                        codes::STRIDE_GAP
                    },
                    format!(
                        "{what}: no threat covers {}",
                        c.stride.title().to_lowercase()
                    ),
                    format!(
                        "write one under `threats:` with `target: {{ {}: {} }}` and `stride: [{}]`, or a not-applicable decision with a justification",
                        if row.kind == "flow" {
                            "flow"
                        } else {
                            "element"
                        },
                        row.label,
                        palisade_model::StringEnum::as_str(c.stride)
                    ),
                ),
            };
            items.push(Item {
                code,
                category: Category::Coverage,
                fails: policy.require_coverage,
                message,
                location: row.location.clone(),
                label: format!("no {} here", c.stride.title().to_lowercase()),
                help: vec![help],
                threat: None,
                key: format!(
                    "{}:{}",
                    row.target.key(),
                    palisade_model::StringEnum::as_str(c.stride)
                ),
                severity: palisade_model::Severity::Medium,
            });
        }
    }
}

fn ids(threats: &[palisade_model::ThreatId]) -> String {
    threats
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
