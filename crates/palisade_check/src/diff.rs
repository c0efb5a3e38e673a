//! What changed between two versions of a threat model (or of an OpenAPI document): entities and
//! API operations added, removed or changed; threats new, gone or re-rated; decisions changed —
//! and whether the change adds unresolved threats at or above the policy's level. Rendered as
//! Markdown for a pull-request comment, or serialized as JSON.

use std::collections::{BTreeMap, BTreeSet};

use palisade_model::{Model, Severity, ThreatEntry};
use palisade_openapi::{Operation, Spec};
use palisade_rules::{Location, Threat};
use serde::Serialize;

use crate::drift::normalize_operation;

/// One side of the comparison.
pub struct Side<'a> {
    /// How to name this version (`HEAD:palisade.yaml`, `palisade.yaml`).
    pub label: String,
    /// The model, or `None` for a bare OpenAPI document.
    pub model: Option<&'a Model>,
    /// `(api id, document)`.
    pub specs: Vec<(&'a str, &'a Spec)>,
    pub threats: &'a [Threat],
}

/// Added, removed, or changed (with the names of what changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    Changed { fields: Vec<String> },
}

impl Change {
    fn word(&self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Removed => "removed",
            Self::Changed { .. } => "changed",
        }
    }

    fn fields(&self) -> String {
        match self {
            Self::Changed { fields } => fields.join(", "),
            _ => String::new(),
        }
    }
}

/// A change to an entity of the model.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EntityChange {
    /// `element`, `flow`, `boundary`, `API`, `data asset`, `mitigation`, `assumption` …
    pub kind: &'static str,
    pub id: String,
    #[serde(flatten)]
    pub change: Change,
}

/// A change to an API operation.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OperationChange {
    pub api: String,
    /// `METHOD /path` as the newer version writes it (the older one when removed).
    pub operation: String,
    #[serde(flatten)]
    pub change: Change,
}

/// A threat, as the diff shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ThreatRef {
    pub id: palisade_model::ThreatId,
    pub rule: String,
    pub severity: Severity,
    pub status: palisade_model::Status,
    pub score: f64,
    pub target: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl ThreatRef {
    fn of(t: &Threat) -> Self {
        Self {
            id: t.id.clone(),
            rule: t.rule.clone(),
            severity: t.severity,
            status: t.status(),
            score: t.risk.score,
            target: t.target.label(),
            title: t.title.clone(),
            location: t.location.clone(),
        }
    }
}

/// A threat whose rating changed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Rerated {
    pub threat: ThreatRef,
    pub old_severity: Severity,
    pub old_score: f64,
}

/// A decision whose recorded values changed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DecisionChange {
    pub id: palisade_model::ThreatId,
    pub title: String,
    /// `(key, before, after)`.
    pub fields: Vec<(String, Option<String>, Option<String>)>,
}

/// Everything that changed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Diff {
    pub old: String,
    pub new: String,
    pub fail_on: Severity,
    pub model: Vec<EntityChange>,
    pub operations: Vec<OperationChange>,
    pub new_threats: Vec<ThreatRef>,
    /// Threats the newer version no longer finds.
    pub gone_threats: Vec<ThreatRef>,
    pub rerated: Vec<Rerated>,
    pub decisions: Vec<DecisionChange>,
    /// Threats unresolved at or above `fail_on` in the newer version that were not in the older
    /// one (new, raised to the level, or reopened): the change fails when there are any.
    pub new_unresolved: Vec<ThreatRef>,
}

impl Diff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.model.is_empty()
            && self.operations.is_empty()
            && self.new_threats.is_empty()
            && self.gone_threats.is_empty()
            && self.rerated.is_empty()
            && self.decisions.is_empty()
    }

    /// Whether the change adds unresolved threats at or above the level.
    pub fn fails(&self) -> bool {
        !self.new_unresolved.is_empty()
    }
}

/// Compares two versions.
pub fn diff(old: &Side, new: &Side, fail_on: Severity) -> Diff {
    let model = match (old.model, new.model) {
        (Some(a), Some(b)) => model_changes(a, b),
        _ => Vec::new(),
    };
    let operations = operation_changes(&old.specs, &new.specs);
    let before: BTreeMap<&str, &Threat> = old.threats.iter().map(|t| (t.id.as_str(), t)).collect();
    let after: BTreeMap<&str, &Threat> = new.threats.iter().map(|t| (t.id.as_str(), t)).collect();
    let new_threats: Vec<ThreatRef> = new
        .threats
        .iter()
        .filter(|t| !before.contains_key(t.id.as_str()))
        .map(ThreatRef::of)
        .collect();
    let gone_threats = old
        .threats
        .iter()
        .filter(|t| !after.contains_key(t.id.as_str()))
        .map(ThreatRef::of)
        .collect();
    let mut rerated = Vec::new();
    let mut decisions = Vec::new();
    for t in new.threats {
        let Some(o) = before.get(t.id.as_str()) else {
            continue;
        };
        if o.severity != t.severity || (o.risk.score - t.risk.score).abs() > 1e-9 {
            rerated.push(Rerated {
                threat: ThreatRef::of(t),
                old_severity: o.severity,
                old_score: o.risk.score,
            });
        }
        let fields = decision_fields(o.decision.as_ref(), t.decision.as_ref());
        if !fields.is_empty() {
            decisions.push(DecisionChange {
                id: t.id.clone(),
                title: t.title.clone(),
                fields,
            });
        }
    }
    let failing = |t: &Threat| t.severity >= fail_on && t.status().is_unresolved();
    let new_unresolved = new
        .threats
        .iter()
        .filter(|t| failing(t) && !before.get(t.id.as_str()).is_some_and(|o| failing(o)))
        .map(ThreatRef::of)
        .collect();
    Diff {
        old: old.label.clone(),
        new: new.label.clone(),
        fail_on,
        model,
        operations,
        new_threats,
        gone_threats,
        rerated,
        decisions,
        new_unresolved,
    }
}

fn entity_changes<T: Serialize>(
    kind: &'static str,
    old: &[T],
    new: &[T],
    id: impl Fn(&T) -> String,
    out: &mut Vec<EntityChange>,
) {
    let index = |items: &[T]| -> BTreeMap<String, serde_json::Value> {
        items
            .iter()
            .map(|i| (id(i), serde_json::to_value(i).unwrap_or_default()))
            .collect()
    };
    let (a, b) = (index(old), index(new));
    for (key, value) in &b {
        match a.get(key) {
            None => out.push(EntityChange {
                kind,
                id: key.clone(),
                change: Change::Added,
            }),
            Some(before) if before != value => out.push(EntityChange {
                kind,
                id: key.clone(),
                change: Change::Changed {
                    fields: changed_keys(before, value),
                },
            }),
            Some(_) => {}
        }
    }
    for key in a.keys().filter(|k| !b.contains_key(*k)) {
        out.push(EntityChange {
            kind,
            id: key.clone(),
            change: Change::Removed,
        });
    }
}

fn changed_keys(a: &serde_json::Value, b: &serde_json::Value) -> Vec<String> {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return vec!["value".to_owned()];
    };
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

fn model_changes(a: &Model, b: &Model) -> Vec<EntityChange> {
    let mut out = Vec::new();
    let system = |m: &Model| serde_json::to_value(&m.system).unwrap_or_default();
    if system(a) != system(b) {
        out.push(EntityChange {
            kind: "system",
            id: b.system.name.clone(),
            change: Change::Changed {
                fields: changed_keys(&system(a), &system(b)),
            },
        });
    }
    entity_changes(
        "boundary",
        &a.boundaries,
        &b.boundaries,
        |x| x.id.to_string(),
        &mut out,
    );
    entity_changes(
        "element",
        &a.elements,
        &b.elements,
        |x| x.id.to_string(),
        &mut out,
    );
    entity_changes("flow", &a.flows, &b.flows, |x| x.id.to_string(), &mut out);
    entity_changes(
        "data asset",
        &a.data,
        &b.data,
        |x| x.id.to_string(),
        &mut out,
    );
    entity_changes("API", &a.apis, &b.apis, |x| x.id.to_string(), &mut out);
    entity_changes(
        "mitigation",
        &a.mitigations,
        &b.mitigations,
        |x| x.id.to_string(),
        &mut out,
    );
    entity_changes(
        "objective",
        &a.objectives,
        &b.objectives,
        |x| x.id.to_string(),
        &mut out,
    );
    entity_changes(
        "assumption",
        &a.assumptions,
        &b.assumptions,
        |x| x.id.to_string(),
        &mut out,
    );
    let policy = |m: &Model| serde_json::to_value(&m.policy).unwrap_or_default();
    if policy(a) != policy(b) {
        out.push(EntityChange {
            kind: "policy",
            id: "policy".to_owned(),
            change: Change::Changed {
                fields: changed_keys(&policy(a), &policy(b)),
            },
        });
    }
    out
}

/// What of an operation matters to its threats, comparable.
#[derive(PartialEq)]
struct Signature {
    security: String,
    deprecated: bool,
    parameters: BTreeSet<String>,
    request: BTreeSet<String>,
    responses: BTreeSet<String>,
}

fn signature(op: &Operation) -> Signature {
    let security = match &op.security.requirements {
        None => "none".to_owned(),
        Some(reqs) => reqs
            .alternatives
            .iter()
            .map(|alt| {
                let mut names: Vec<String> = alt
                    .schemes
                    .iter()
                    .map(|(name, scopes)| format!("{name}{scopes:?}"))
                    .collect();
                names.sort();
                names.join("+")
            })
            .collect::<Vec<_>>()
            .join(" | "),
    };
    Signature {
        security,
        deprecated: op.deprecated,
        parameters: op
            .parameters
            .iter()
            .map(|p| format!("{}:{}", p.r#in.as_str(), p.name))
            .collect(),
        request: op
            .request_body
            .iter()
            .flat_map(|b| b.content.keys().cloned())
            .collect(),
        responses: op.responses.keys().cloned().collect(),
    }
}

fn operation_changes(old: &[(&str, &Spec)], new: &[(&str, &Spec)]) -> Vec<OperationChange> {
    let index = |specs: &[(&str, &Spec)]| -> BTreeMap<(String, String), (String, Signature)> {
        specs
            .iter()
            .flat_map(|(api, spec)| {
                spec.operations.iter().map(move |op| {
                    (
                        ((*api).to_owned(), normalize_operation(&op.address())),
                        (op.address(), signature(op)),
                    )
                })
            })
            .collect()
    };
    let (a, b) = (index(old), index(new));
    let mut out = Vec::new();
    for ((api, key), (address, sig)) in &b {
        match a.get(&(api.clone(), key.clone())) {
            None => out.push(OperationChange {
                api: api.clone(),
                operation: address.clone(),
                change: Change::Added,
            }),
            Some((_, before)) if before != sig => {
                let mut fields = Vec::new();
                if before.security != sig.security {
                    fields.push(format!("security ({} → {})", before.security, sig.security));
                }
                if before.deprecated != sig.deprecated {
                    fields.push(if sig.deprecated {
                        "deprecated".to_owned()
                    } else {
                        "no longer deprecated".to_owned()
                    });
                }
                if before.parameters != sig.parameters {
                    fields.push("parameters".to_owned());
                }
                if before.request != sig.request {
                    fields.push("request body".to_owned());
                }
                if before.responses != sig.responses {
                    fields.push("responses".to_owned());
                }
                out.push(OperationChange {
                    api: api.clone(),
                    operation: address.clone(),
                    change: Change::Changed { fields },
                });
            }
            Some(_) => {}
        }
    }
    for ((api, key), (address, _)) in &a {
        if !b.contains_key(&(api.clone(), key.clone())) {
            out.push(OperationChange {
                api: api.clone(),
                operation: address.clone(),
                change: Change::Removed,
            });
        }
    }
    out
}

fn decision_fields(
    a: Option<&ThreatEntry>,
    b: Option<&ThreatEntry>,
) -> Vec<(String, Option<String>, Option<String>)> {
    let value = |e: Option<&ThreatEntry>| {
        e.map_or_else(
            || serde_json::json!({}),
            |e| {
                let mut e = e.clone();
                // What a decision is about, not what was decided.
                e.rule = None;
                e.subject = None;
                serde_json::to_value(&e).unwrap_or_default()
            },
        )
    };
    let (a, b) = (value(a), value(b));
    let empty = serde_json::Map::new();
    let (ao, bo) = (
        a.as_object().unwrap_or(&empty),
        b.as_object().unwrap_or(&empty),
    );
    let keys: BTreeSet<&String> = ao.keys().chain(bo.keys()).collect();
    let show = |v: Option<&serde_json::Value>| {
        v.map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    keys.into_iter()
        .filter(|k| *k != "id" && ao.get(*k) != bo.get(*k))
        .map(|k| (k.clone(), show(ao.get(k)), show(bo.get(k))))
        .collect()
}

// ------------------------------------------------------------------------------------------
// Markdown

/// Rows shown per table before "and N more", to keep a pull-request comment short.
const MAX_ROWS: usize = 50;

/// Text safe in a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {} ``", cell(text))
    } else {
        format!("`{}`", cell(text))
    }
}

fn table(out: &mut String, head: &[&str], rows: Vec<Vec<String>>) {
    out.push_str(&format!("| {} |\n", head.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
    let total = rows.len();
    for row in rows.into_iter().take(MAX_ROWS) {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    if total > MAX_ROWS {
        out.push_str(&format!("\n… and {} more.\n", total - MAX_ROWS));
    }
    out.push('\n');
}

fn threat_rows(threats: &[ThreatRef], with_status: bool) -> Vec<Vec<String>> {
    threats
        .iter()
        .map(|t| {
            let mut row = vec![t.severity.to_string()];
            if with_status {
                row.push(t.status.to_string());
            }
            row.extend([
                code(t.id.as_str()),
                code(&t.rule),
                cell(&t.target),
                cell(&t.title),
            ]);
            row
        })
        .collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Diff {
    /// The diff as Markdown, fit for a pull-request comment.
    pub fn markdown(&self) -> String {
        let mut out = String::from("## Palisade: threat model changes\n\n");
        out.push_str(&format!("{} → {}\n\n", code(&self.old), code(&self.new)));
        if self.is_empty() {
            out.push_str("No change to the threat model.\n");
            return out;
        }
        let mut summary = vec![
            plural(self.new_threats.len(), "new threat", "new threats"),
            plural(
                self.gone_threats.len(),
                "threat no longer found",
                "threats no longer found",
            ),
            plural(self.rerated.len(), "re-rated", "re-rated"),
            plural(
                self.decisions.len(),
                "decision changed",
                "decisions changed",
            ),
        ];
        if !self.model.is_empty() {
            summary.push(plural(self.model.len(), "model change", "model changes"));
        }
        if !self.operations.is_empty() {
            summary.push(plural(
                self.operations.len(),
                "operation changed",
                "operations changed",
            ));
        }
        out.push_str(&format!("{}.\n\n", summary.join(", ")));
        if self.fails() {
            out.push_str(&format!(
                "**This change adds {} unresolved at or above {}.** Decide {} (`palisade threat set ID --status …`) or fix the cause.\n\n",
                plural(self.new_unresolved.len(), "threat", "threats"),
                self.fail_on,
                if self.new_unresolved.len() == 1 { "it" } else { "them" }
            ));
            out.push_str(&format!("### Unresolved at or above {}\n\n", self.fail_on));
            table(
                &mut out,
                &["severity", "status", "id", "rule", "on", "threat"],
                threat_rows(&self.new_unresolved, true),
            );
        } else {
            out.push_str(&format!(
                "No new unresolved threat at or above {}.\n\n",
                self.fail_on
            ));
        }
        let others: Vec<ThreatRef> = self
            .new_threats
            .iter()
            .filter(|t| !self.new_unresolved.iter().any(|u| u.id == t.id))
            .cloned()
            .collect();
        if !others.is_empty() {
            out.push_str(if self.fails() {
                "### Other new threats\n\n"
            } else {
                "### New threats\n\n"
            });
            table(
                &mut out,
                &["severity", "status", "id", "rule", "on", "threat"],
                threat_rows(&others, true),
            );
        }
        if !self.gone_threats.is_empty() {
            out.push_str("### Threats no longer found\n\n");
            table(
                &mut out,
                &["severity", "id", "rule", "on", "threat"],
                threat_rows(&self.gone_threats, false),
            );
        }
        if !self.rerated.is_empty() {
            out.push_str("### Re-rated\n\n");
            let rows = self
                .rerated
                .iter()
                .map(|r| {
                    vec![
                        code(r.threat.id.as_str()),
                        format!("{} ({:.1})", r.old_severity, r.old_score),
                        format!("{} ({:.1})", r.threat.severity, r.threat.score),
                        cell(&r.threat.title),
                    ]
                })
                .collect();
            table(&mut out, &["id", "was", "now", "threat"], rows);
        }
        if !self.decisions.is_empty() {
            out.push_str("### Decisions changed\n\n");
            let rows = self
                .decisions
                .iter()
                .flat_map(|d| {
                    d.fields.iter().map(move |(k, a, b)| {
                        vec![
                            code(d.id.as_str()),
                            cell(k),
                            a.as_deref().map_or_else(|| "—".to_owned(), cell),
                            b.as_deref().map_or_else(|| "—".to_owned(), cell),
                            cell(&d.title),
                        ]
                    })
                })
                .collect();
            table(&mut out, &["id", "field", "was", "now", "threat"], rows);
        }
        if !self.model.is_empty() {
            out.push_str("### Model\n\n");
            let rows = self
                .model
                .iter()
                .map(|c| {
                    vec![
                        c.change.word().to_owned(),
                        c.kind.to_owned(),
                        code(&c.id),
                        cell(&c.change.fields()),
                    ]
                })
                .collect();
            table(&mut out, &["change", "kind", "id", "what"], rows);
        }
        if !self.operations.is_empty() {
            out.push_str("### API operations\n\n");
            let rows = self
                .operations
                .iter()
                .map(|c| {
                    vec![
                        c.change.word().to_owned(),
                        code(&c.api),
                        code(&c.operation),
                        cell(&c.change.fields()),
                    ]
                })
                .collect();
            table(&mut out, &["change", "API", "operation", "what"], rows);
        }
        out
    }
}
