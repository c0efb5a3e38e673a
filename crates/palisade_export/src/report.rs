//! The one [`Report`] every report format renders: assembled once from a model, its analysis, the
//! check of its policy, its diagram and its API inventory, so that HTML, PDF, Markdown and JSON
//! show the same content in the same order.
//!
//! The sections, in order: the cover (system, scope, objectives, date, hashes), the summary
//! (counts by severity and status, the risk matrix, the policy check), the data-flow diagram,
//! threats by diagram element, by threat type and by order of discovery (the seeds' Tables 7.3,
//! 7.4 and 7.5), mitigations, the STRIDE completeness table, the assumptions (Table 7.6), the
//! external security notes (for customers, for API callers, and an RFC-style Security
//! Considerations section), the API inventory, and an appendix documenting every rule that fired.
//!
//! Pure: the caller passes the hashes and the date, nothing here reads files or the clock.

use std::collections::{BTreeMap, HashMap};

use palisade_check::CellState;
use palisade_model::{
    Date, Model, RatingMethod, Severity, Status, Stride, StringEnum, ThreatId, Ticket,
};
use palisade_openapi::{AuthState, Inventory, Spec};
use palisade_rules::{Location, MANUAL, RiskMatrix, Target, Threat};
use schemars::JsonSchema;
use serde::Serialize;

/// How many items a derived list of the security considerations shows before "and N more".
const DERIVED_LIMIT: usize = 25;

/// An OpenAPI document of the model, as the caller loaded it.
pub struct SpecSource<'a> {
    /// The model's `apis[].id`.
    pub api: &'a str,
    pub spec: &'a Spec,
}

/// A file the report was made from, with the hash of its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Hashed {
    /// The file as named (relative to the model for documents).
    pub file: String,
    /// `sha256:<hex>` of its bytes; absent when the file could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

/// Everything [`build`] gathers from.
pub struct Input<'a> {
    pub model: &'a Model,
    /// The model file, as the user named it, with its hash.
    pub model_file: Hashed,
    /// The documents named by `apis[].spec`, with their hashes (missing ones have none).
    pub spec_files: Vec<(String, Hashed)>,
    /// The documents that loaded.
    pub specs: Vec<SpecSource<'a>>,
    /// The analysis: every threat, ranked.
    pub threats: &'a [Threat],
    /// The policy check of the model.
    pub check: &'a palisade_check::Report,
    /// The day the report is made.
    pub date: Date,
    /// The Palisade version.
    pub version: &'a str,
}

/// A report of one model: what every format renders.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(
    title = "Palisade report",
    description = "What `palisade report --format json` prints: the whole threat model report of one system."
)]
pub struct Report {
    pub cover: Cover,
    pub summary: Summary,
    /// The data-flow diagram as self-contained SVG (not in the JSON form).
    #[serde(skip)]
    #[schemars(skip)]
    pub diagram_svg: String,
    pub diagram: DiagramFacts,
    /// Every threat with its decision, most severe first.
    pub threats: Vec<Threat>,
    /// Table 7.3: threats indexed by diagram element (then by API operation).
    pub by_element: Vec<ElementGroup>,
    /// Table 7.4: threats organized by threat type (STRIDE category).
    pub by_type: Vec<TypeGroup>,
    /// Table 7.5: threats in the order the analysis meets them, walking the model and its
    /// documents from top to bottom.
    pub by_discovery: Vec<ThreatRow>,
    pub mitigations: Vec<MitigationRow>,
    pub completeness: Completeness,
    /// Table 7.6.
    pub assumptions: Vec<AssumptionRow>,
    pub notes: ExternalNotes,
    pub inventory: Vec<ApiEntry>,
    /// The documentation of every rule that found a threat, by code.
    pub appendix: Vec<RuleDoc>,
}

/// The cover page.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Cover {
    pub system: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub scope_in: Vec<String>,
    pub scope_out: Vec<String>,
    pub objectives: Vec<ObjectiveRow>,
    pub date: Date,
    pub model: Hashed,
    /// `(api id, document)` for every `apis[].spec`.
    pub specs: Vec<SpecHash>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<ReviewedRow>,
    pub palisade_version: String,
}

/// A security objective.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ObjectiveRow {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    pub description: String,
    /// Names of the data assets it protects.
    pub data: Vec<String>,
}

/// An OpenAPI document and its hash.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SpecHash {
    pub api: String,
    #[serde(flatten)]
    pub file: Hashed,
}

/// The last review recorded in the model.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReviewedRow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// The summary: counts, the risk matrix and the policy check.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Summary {
    pub threats: usize,
    /// Threats still open, needing investigation or in progress.
    pub unresolved: usize,
    pub second_order: usize,
    /// Every severity, most severe first, with its counts.
    pub by_severity: Vec<SeverityCount>,
    /// Every status that occurs, in the order of the workflow.
    pub by_status: Vec<StatusCount>,
    pub rating: RatingMethod,
    /// Unresolved threats by likelihood and impact.
    pub risk_matrix: RiskMatrix,
    pub check: CheckSummary,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SeverityCount {
    pub severity: Severity,
    pub total: usize,
    pub unresolved: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StatusCount {
    pub status: Status,
    pub count: usize,
}

/// The outcome of the policy check (`palisade check`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CheckSummary {
    pub passed: bool,
    /// The policy in words.
    pub policy: String,
    /// Unresolved threats at or above the policy's level (each fails the check).
    pub failing_threats: usize,
    /// What fails the policy first, then warnings (drift, assumptions, tickets …).
    pub items: Vec<CheckItem>,
}

/// One item of the policy check.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CheckItem {
    pub code: String,
    pub category: String,
    /// Whether it fails the policy (else it is a warning).
    pub fails: bool,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    pub help: Vec<String>,
}

/// Figures about the diagram.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DiagramFacts {
    pub elements: usize,
    pub flows: usize,
    /// Flows whose ends sit in different trust boundaries.
    pub crossing_flows: usize,
    pub boundaries: usize,
}

/// What a threat is on, as a reader names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Subject {
    /// `process`, `data_store`, `external_entity`, `flow`, `operation`, `api` or `system`.
    pub kind: String,
    /// The id in the model, or `METHOD /path` for an operation.
    pub id: String,
    /// The name people use: "Payments service (process)", "Data flow: Mobile app → API gateway".
    pub label: String,
}

/// A threat as one row of the threat tables.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ThreatRow {
    pub id: ThreatId,
    pub rule: String,
    /// The diagram element (or operation) the threat is on.
    pub subject: Subject,
    /// STRIDE categories in words, `Spoofing, Tampering`; the OWASP categories when there are none.
    pub threat_type: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// Table 7.3: one diagram element and its threats.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ElementGroup {
    pub subject: Subject,
    pub threats: Vec<ThreatRow>,
}

/// Table 7.4: one threat type and the threats of that type (a threat with several STRIDE
/// categories is listed under each).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TypeGroup {
    /// Absent for threats with no STRIDE category (OWASP API findings written by hand).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stride: Option<Stride>,
    pub title: String,
    pub threats: Vec<ThreatRow>,
}

/// A mitigation and the threats it addresses.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MitigationRow {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Names of the elements where it is in place.
    pub elements: Vec<String>,
    /// Threats whose decision names this mitigation.
    pub addresses: Vec<ThreatLink>,
    /// Second-order threats: ways around this mitigation.
    pub bypasses: Vec<ThreatLink>,
}

/// A short reference to a threat.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ThreatLink {
    pub id: ThreatId,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
}

/// The STRIDE completeness table.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Completeness {
    pub rows: Vec<CompletenessRow>,
    /// Cells covered, out of `cells`.
    pub covered: usize,
    pub cells: usize,
    /// Elements and flows of the diagram.
    pub diagram_elements: usize,
    /// Threats per diagram element; the seeds' rule of thumb is about five.
    pub threats_per_element: f64,
}

/// One element, or one flow that crosses a trust boundary.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CompletenessRow {
    pub subject: Subject,
    /// One per STRIDE category in order; absent where the category does not apply.
    pub cells: Vec<Option<CompletenessCell>>,
    pub threats: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CompletenessCell {
    /// `threat`, `baseline`, `not_applicable` or `missing`.
    pub state: String,
    pub covered: bool,
    /// How many threats fill it.
    pub threats: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Table 7.6: one assumption.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AssumptionRow {
    pub id: String,
    pub assumption: String,
    /// The impact if it is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
    /// Who can tell whether it is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Who follows up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// By when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
    /// `confirmed`, `overdue`, `untracked` (no owner or date) or `open`.
    pub state: String,
}

/// Notes for people outside the team.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ExternalNotes {
    /// For customers: what the system does not defend against.
    pub non_requirements: Vec<String>,
    pub customer_notes: Vec<String>,
    /// For API callers: "our threat model is …".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threat_model: Option<String>,
    /// "We accept only input that looks like …".
    pub accepted_input: Vec<String>,
    /// "Common mistakes in calling us are …".
    pub common_mistakes: Vec<String>,
    /// The Security Considerations section, in the six parts of an RFC's.
    pub considerations: Vec<ConsiderationPart>,
}

/// One part of the Security Considerations.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ConsiderationPart {
    pub title: String,
    pub items: Vec<NoteItem>,
}

/// A line of the Security Considerations: written in the model, or derived from it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NoteItem {
    pub text: String,
    /// Derived from the model (scope, threats, decisions, assumptions) rather than written in
    /// `notes.security_considerations`.
    pub derived: bool,
}

/// One API of the system.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ApiEntry {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exposure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<String>,
    /// The name of the element that serves it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub served_by: Option<String>,
    pub consumed_by: Vec<String>,
    /// The OpenAPI document named in the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    /// What the document says, when it loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<ApiDocument>,
}

/// What an OpenAPI document exposes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ApiDocument {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `2.0`, `3.0.3`, `3.1.0` …
    pub spec_version: String,
    pub servers: Vec<String>,
    /// `name: kind` of each security scheme.
    pub security_schemes: Vec<String>,
    pub operation_count: usize,
    pub secured: usize,
    pub optional_auth: usize,
    pub unsecured: usize,
    pub operations: Vec<OperationRow>,
}

/// One operation of the inventory.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OperationRow {
    pub method: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// `required`, `optional` or `none`.
    pub auth: String,
    pub security: Vec<String>,
    pub deprecated: bool,
    /// Threats found on the operation that are not dismissed.
    pub threats: usize,
    /// `file:line:column` of the operation.
    pub location: String,
}

/// The documentation of a rule that fired.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RuleDoc {
    pub code: String,
    pub name: String,
    /// How many threats it found.
    pub threats: usize,
    /// The rule's page in Markdown.
    pub markdown: String,
}

/// The JSON Schema of [`Report`] (`schema/report.schema.json`), as pretty JSON with a final
/// newline.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(Report);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Assembles the report.
pub fn build(input: &Input) -> Report {
    let model = input.model;
    let names = Names::new(model);
    let rows: Vec<ThreatRow> = input.threats.iter().map(|t| row(t, &names)).collect();

    Report {
        cover: cover(input),
        summary: summary(input),
        diagram_svg: diagram(input),
        diagram: DiagramFacts {
            elements: model.elements.len(),
            flows: model.flows.len(),
            crossing_flows: model
                .flows
                .iter()
                .filter(|f| model.crosses_boundary(f))
                .count(),
            boundaries: model.boundaries.len(),
        },
        by_element: by_element(input, &rows),
        by_type: by_type(input.threats, &rows),
        by_discovery: by_discovery(input, &rows),
        mitigations: mitigations(input, &names),
        completeness: completeness(input, &names),
        assumptions: assumptions(input),
        notes: notes(input),
        inventory: inventory(input, &names),
        appendix: appendix(input),
        threats: input.threats.to_vec(),
    }
}

/// Display names of the model's elements, flows and APIs.
struct Names<'a> {
    model: &'a Model,
    elements: HashMap<&'a str, usize>,
    flows: HashMap<&'a str, usize>,
}

impl<'a> Names<'a> {
    fn new(model: &'a Model) -> Self {
        let mut elements = HashMap::new();
        for (i, e) in model.elements.iter().enumerate() {
            elements.entry(e.id.as_str()).or_insert(i);
        }
        let mut flows = HashMap::new();
        for (i, f) in model.flows.iter().enumerate() {
            flows.entry(f.id.as_str()).or_insert(i);
        }
        Self {
            model,
            elements,
            flows,
        }
    }

    fn element(&self, id: &str) -> String {
        self.elements.get(id).map_or_else(
            || id.to_owned(),
            |&i| self.model.elements[i].label().to_owned(),
        )
    }

    fn subject(&self, target: &Target) -> Subject {
        match target {
            Target::Element { element } if element.is_empty() => Subject {
                kind: "system".to_owned(),
                id: String::new(),
                label: "The system as a whole".to_owned(),
            },
            Target::Element { element } => {
                let kind = self
                    .elements
                    .get(element.as_str())
                    .map_or("element", |&i| self.model.elements[i].kind.as_str());
                Subject {
                    kind: kind.to_owned(),
                    id: element.clone(),
                    label: format!("{} ({})", self.element(element), words(kind)),
                }
            }
            Target::Flow { flow } => {
                let label = match self.flows.get(flow.as_str()) {
                    Some(&i) => {
                        let f = &self.model.flows[i];
                        let ends = format!(
                            "{} → {}",
                            self.element(f.from.as_str()),
                            self.element(f.to.as_str())
                        );
                        match &f.name {
                            Some(name) => format!("Data flow “{name}”: {ends}"),
                            None => format!("Data flow: {ends}"),
                        }
                    }
                    None => format!("Data flow {flow}"),
                };
                Subject {
                    kind: "flow".to_owned(),
                    id: flow.clone(),
                    label,
                }
            }
            Target::Operation { api, operation } => Subject {
                kind: "operation".to_owned(),
                id: operation.clone(),
                label: format!("{operation} ({})", self.api(api)),
            },
            Target::Api { api } => Subject {
                kind: "api".to_owned(),
                id: api.clone(),
                label: format!("{} (API)", self.api(api)),
            },
        }
    }

    fn api(&self, id: &str) -> String {
        self.model
            .api(id)
            .map_or_else(|| id.to_owned(), |a| a.label().to_owned())
    }
}

/// `data_store` → `data store`.
pub(crate) fn words(text: &str) -> String {
    text.replace('_', " ")
}

fn row(t: &Threat, names: &Names) -> ThreatRow {
    ThreatRow {
        id: t.id.clone(),
        rule: t.rule.clone(),
        subject: names.subject(&t.target),
        threat_type: threat_type(t),
        title: t.title.clone(),
        severity: t.severity,
        status: t.status(),
        ticket: t.decision.as_ref().and_then(|d| d.ticket.clone()),
        location: t.location.clone(),
    }
}

fn threat_type(t: &Threat) -> String {
    if t.stride.is_empty() {
        let owasp: Vec<String> = t
            .owasp_api_2023
            .iter()
            .map(|o| format!("OWASP {} {}", o.code(), o.title()))
            .collect();
        if owasp.is_empty() {
            "Other".to_owned()
        } else {
            owasp.join(", ")
        }
    } else {
        t.stride
            .iter()
            .map(|s| s.title())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn cover(input: &Input) -> Cover {
    let model = input.model;
    let system = &model.system;
    Cover {
        system: system.name.clone(),
        description: system.description.clone(),
        owner: system.owner.clone(),
        scope_in: system.scope.in_scope.clone(),
        scope_out: system.scope.out_of_scope.clone(),
        objectives: model
            .objectives
            .iter()
            .map(|o| ObjectiveRow {
                id: o.id.to_string(),
                kind: o.kind.map(|k| k.as_str().to_owned()),
                standard: o.standard.clone(),
                description: o.description.clone(),
                data: o
                    .data
                    .iter()
                    .map(|d| {
                        model
                            .data_asset(d.as_str())
                            .map_or_else(|| d.to_string(), |a| a.label().to_owned())
                    })
                    .collect(),
            })
            .collect(),
        date: input.date,
        model: input.model_file.clone(),
        specs: input
            .spec_files
            .iter()
            .map(|(api, file)| SpecHash {
                api: api.clone(),
                file: file.clone(),
            })
            .collect(),
        reviewed: model.reviewed.as_ref().map(|r| ReviewedRow {
            date: r.date,
            by: r.by.clone(),
        }),
        palisade_version: input.version.to_owned(),
    }
}

/// Severities from most to least severe.
pub(crate) const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// Statuses in the order of the workflow.
pub(crate) const STATUSES: [Status; 9] = [
    Status::Open,
    Status::NeedsInvestigation,
    Status::InProgress,
    Status::Mitigated,
    Status::Accepted,
    Status::Transferred,
    Status::Avoided,
    Status::NotApplicable,
    Status::FalsePositive,
];

fn summary(input: &Input) -> Summary {
    let threats = input.threats;
    let check = input.check;
    Summary {
        threats: threats.len(),
        unresolved: threats
            .iter()
            .filter(|t| t.status().is_unresolved())
            .count(),
        second_order: threats.iter().filter(|t| t.parent.is_some()).count(),
        by_severity: SEVERITIES
            .iter()
            .map(|&s| SeverityCount {
                severity: s,
                total: threats.iter().filter(|t| t.severity == s).count(),
                unresolved: threats
                    .iter()
                    .filter(|t| t.severity == s && t.status().is_unresolved())
                    .count(),
            })
            .collect(),
        by_status: STATUSES
            .iter()
            .map(|&s| StatusCount {
                status: s,
                count: threats.iter().filter(|t| t.status() == s).count(),
            })
            .filter(|c| c.count > 0)
            .collect(),
        rating: check.policy.rating,
        risk_matrix: check.risk_matrix.clone(),
        check: CheckSummary {
            passed: check.passed,
            policy: check.policy.summary(),
            failing_threats: check
                .items
                .iter()
                .filter(|i| i.fails && i.code == palisade_check::codes::UNRESOLVED_THREAT)
                .count(),
            items: check
                .items
                .iter()
                .filter(|i| i.code != palisade_check::codes::UNRESOLVED_THREAT)
                .map(|i| CheckItem {
                    code: i.code.to_owned(),
                    category: i.category.title().to_owned(),
                    fails: i.fails,
                    message: i.message.clone(),
                    location: i.location.clone(),
                    help: i.help.clone(),
                })
                .collect(),
        },
    }
}

fn diagram(input: &Input) -> String {
    let options = palisade_diagram::Options::default().with_unresolved_threats(input.threats);
    palisade_diagram::svg(input.model, &options)
}

/// The order of subjects in Table 7.3: the system, elements, flows, then each API and its
/// operations in the document's order, then anything else.
fn by_element(input: &Input, rows: &[ThreatRow]) -> Vec<ElementGroup> {
    let model = input.model;
    let mut order: HashMap<(String, String), usize> = HashMap::new();
    let mut next = 0usize;
    let mut push = |kind: &str, id: &str, order: &mut HashMap<(String, String), usize>| {
        order
            .entry((kind.to_owned(), id.to_owned()))
            .or_insert_with(|| {
                next += 1;
                next
            });
    };
    push("system", "", &mut order);
    for e in &model.elements {
        push("element", e.id.as_str(), &mut order);
    }
    for f in &model.flows {
        push("flow", f.id.as_str(), &mut order);
    }
    for api in &model.apis {
        push("api", api.id.as_str(), &mut order);
        if let Some(s) = input.specs.iter().find(|s| s.api == api.id.as_str()) {
            for op in &s.spec.operations {
                push(
                    "operation",
                    &format!("{}\0{}", api.id, op.address()),
                    &mut order,
                );
            }
        }
    }
    for s in &input.specs {
        push("api", s.api, &mut order);
        for op in &s.spec.operations {
            push(
                "operation",
                &format!("{}\0{}", s.api, op.address()),
                &mut order,
            );
        }
    }
    let key = |t: &Threat| -> (String, String) {
        match &t.target {
            Target::Element { element } if element.is_empty() => {
                ("system".to_owned(), String::new())
            }
            Target::Element { element } => ("element".to_owned(), element.clone()),
            Target::Flow { flow } => ("flow".to_owned(), flow.clone()),
            Target::Operation { api, operation } => {
                ("operation".to_owned(), format!("{api}\0{operation}"))
            }
            Target::Api { api } => ("api".to_owned(), api.clone()),
        }
    };
    let mut groups: BTreeMap<(usize, String, String), ElementGroup> = BTreeMap::new();
    for (t, r) in input.threats.iter().zip(rows) {
        let k = key(t);
        let rank = order.get(&k).copied().unwrap_or(usize::MAX);
        groups
            .entry((rank, k.0, k.1))
            .or_insert_with(|| ElementGroup {
                subject: r.subject.clone(),
                threats: Vec::new(),
            })
            .threats
            .push(r.clone());
    }
    groups.into_values().collect()
}

fn by_type(threats: &[Threat], rows: &[ThreatRow]) -> Vec<TypeGroup> {
    let mut groups: Vec<TypeGroup> = Stride::ALL_CATEGORIES
        .iter()
        .map(|&s| TypeGroup {
            stride: Some(s),
            title: s.title().to_owned(),
            threats: Vec::new(),
        })
        .collect();
    let mut other = TypeGroup {
        stride: None,
        title: "Other (no STRIDE category)".to_owned(),
        threats: Vec::new(),
    };
    for (t, r) in threats.iter().zip(rows) {
        if t.stride.is_empty() {
            other.threats.push(r.clone());
        }
        for s in &t.stride {
            if let Some(g) = groups.iter_mut().find(|g| g.stride == Some(*s)) {
                g.threats.push(r.clone());
            }
        }
    }
    groups.push(other);
    groups.retain(|g| !g.threats.is_empty());
    groups
}

/// The analysis walks the model file from top to bottom, then its documents: threats sorted by
/// where they point (the model first), hand-written ones in the order written.
fn by_discovery(input: &Input, rows: &[ThreatRow]) -> Vec<ThreatRow> {
    let model_file = input.model_file.file.as_str();
    let mut files: Vec<&str> = Vec::new();
    for s in &input.specs {
        for f in &s.spec.files {
            if !files.contains(&f.as_ref()) {
                files.push(f.as_ref());
            }
        }
    }
    let file_rank = |file: &str| -> usize {
        if file == model_file {
            0
        } else {
            files
                .iter()
                .position(|f| *f == file)
                .map_or(usize::MAX, |i| i + 1)
        }
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| {
        let t = &input.threats[i];
        let place = t
            .location
            .as_ref()
            .map_or((usize::MAX, u32::MAX, u32::MAX), |l| {
                (file_rank(&l.file), l.line, l.column)
            });
        (place, t.parent.is_some(), t.rule.clone())
    });
    order.into_iter().map(|i| rows[i].clone()).collect()
}

fn link(t: &Threat) -> ThreatLink {
    ThreatLink {
        id: t.id.clone(),
        title: t.title.clone(),
        severity: t.severity,
        status: t.status(),
    }
}

fn mitigations(input: &Input, names: &Names) -> Vec<MitigationRow> {
    let model_file = input.model_file.file.as_str();
    input
        .model
        .mitigations
        .iter()
        .map(|m| {
            let addresses = input
                .threats
                .iter()
                .filter(|t| {
                    t.decision
                        .as_ref()
                        .is_some_and(|d| d.mitigations.iter().any(|id| id == &m.id))
                })
                .map(link)
                .collect();
            // A second-order threat points at the mitigation it bypasses.
            let bypasses = input
                .threats
                .iter()
                .filter(|t| t.parent.is_some())
                .filter(|t| {
                    m.span.start.line > 0
                        && t.location.as_ref().is_some_and(|l| {
                            &*l.file == model_file
                                && l.span.start.line >= m.span.start.line
                                && l.span.start.line <= m.span.end.line.max(m.span.start.line)
                        })
                })
                .map(link)
                .collect();
            MitigationRow {
                id: m.id.to_string(),
                name: m.label().to_owned(),
                kind: m.kind.map(|k| words(k.as_str())),
                status: m.status.map(|s| s.as_str().to_owned()),
                description: m.description.clone(),
                elements: m
                    .elements
                    .iter()
                    .map(|e| names.element(e.as_str()))
                    .collect(),
                addresses,
                bypasses,
            }
        })
        .collect()
}

fn completeness(input: &Input, names: &Names) -> Completeness {
    let c = &input.check.coverage;
    Completeness {
        rows: c
            .rows
            .iter()
            .map(|r| CompletenessRow {
                subject: names.subject(&r.target),
                cells: Stride::ALL_CATEGORIES
                    .iter()
                    .map(|s| {
                        r.cells
                            .iter()
                            .find(|c| c.stride == *s)
                            .map(|c| CompletenessCell {
                                state: match c.state {
                                    CellState::Threat => "threat",
                                    CellState::Baseline => "baseline",
                                    CellState::NotApplicable => "not_applicable",
                                    CellState::Missing => "missing",
                                }
                                .to_owned(),
                                covered: c.covered,
                                threats: c.threats.len(),
                                reason: c.reason.clone(),
                            })
                    })
                    .collect(),
                threats: r.threats,
            })
            .collect(),
        covered: c.covered,
        cells: c.cells,
        diagram_elements: input.check.figures.diagram_elements,
        threats_per_element: (input.check.figures.threats_per_element * 10.0).round() / 10.0,
    }
}

fn assumptions(input: &Input) -> Vec<AssumptionRow> {
    input
        .model
        .assumptions
        .iter()
        .map(|a| {
            let state = if a.confirmed {
                "confirmed"
            } else {
                match a.due {
                    Some(due) if due < input.date => "overdue",
                    Some(_) if a.owner.is_some() => "open",
                    _ => "untracked",
                }
            };
            AssumptionRow {
                id: a.id.to_string(),
                assumption: a.assumption.clone(),
                impact: a.impact.clone(),
                contact: a.contact.clone(),
                owner: a.owner.clone(),
                due: a.due,
                ticket: a.ticket.clone(),
                state: state.to_owned(),
            }
        })
        .collect()
}

fn notes(input: &Input) -> ExternalNotes {
    let model = input.model;
    let n = &model.notes;
    let sc = &n.security_considerations;
    let authored = |items: &[String]| -> Vec<NoteItem> {
        items
            .iter()
            .map(|t| NoteItem {
                text: t.clone(),
                derived: false,
            })
            .collect()
    };
    // Written items first; then what the model says, without repeating a written line.
    let with = |mut items: Vec<NoteItem>, derived: Vec<String>| -> Vec<NoteItem> {
        let mut added = 0usize;
        let total = derived.len();
        for text in derived {
            if items.iter().any(|i| i.text == text) {
                continue;
            }
            if added == DERIVED_LIMIT {
                items.push(NoteItem {
                    text: format!(
                        "… and {} more (see the threat tables)",
                        total - DERIVED_LIMIT
                    ),
                    derived: true,
                });
                break;
            }
            added += 1;
            items.push(NoteItem {
                text,
                derived: true,
            });
        }
        items
    };
    let scope = &model.system.scope;
    let in_scope = if sc.in_scope.is_empty() {
        with(Vec::new(), scope.in_scope.clone())
    } else {
        authored(&sc.in_scope)
    };
    let out_of_scope = if sc.out_of_scope.is_empty() {
        with(Vec::new(), scope.out_of_scope.clone())
    } else {
        authored(&sc.out_of_scope)
    };
    let unique = |it: &mut dyn Iterator<Item = String>| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in it {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    };
    let foreseeable = unique(
        &mut input
            .threats
            .iter()
            .filter(|t| t.status().is_unresolved() && t.severity >= Severity::High)
            .map(|t| t.title.clone()),
    );
    let residual = unique(
        &mut input
            .threats
            .iter()
            .filter(|t| matches!(t.status(), Status::Accepted | Status::Transferred))
            .map(|t| {
                let why = t
                    .decision
                    .as_ref()
                    .and_then(|d| d.justification.as_deref())
                    .map(|j| format!(": {j}"))
                    .unwrap_or_default();
                format!("{} ({}{why})", t.title, t.status())
            }),
    );
    let protected = unique(
        &mut input
            .threats
            .iter()
            .filter(|t| matches!(t.status(), Status::Mitigated | Status::Avoided))
            .map(|t| t.title.clone()),
    );
    let assumed = unique(&mut model.assumptions.iter().map(|a| a.assumption.clone()));
    let considerations = vec![
        ConsiderationPart {
            title: "In scope".to_owned(),
            items: in_scope,
        },
        ConsiderationPart {
            title: "Out of scope".to_owned(),
            items: out_of_scope,
        },
        ConsiderationPart {
            title: "Foreseeable threats".to_owned(),
            items: with(authored(&sc.foreseeable_threats), foreseeable),
        },
        ConsiderationPart {
            title: "Residual risk".to_owned(),
            items: with(authored(&sc.residual_risk), residual),
        },
        ConsiderationPart {
            title: "Threats protected against".to_owned(),
            items: with(authored(&sc.protected_against), protected),
        },
        ConsiderationPart {
            title: "Assumptions".to_owned(),
            items: with(authored(&sc.assumptions), assumed),
        },
    ];
    ExternalNotes {
        non_requirements: n.customers.non_requirements.clone(),
        customer_notes: n.customers.notes.clone(),
        threat_model: n.callers.threat_model.clone(),
        accepted_input: n.callers.accepted_input.clone(),
        common_mistakes: n.callers.common_mistakes.clone(),
        considerations,
    }
}

fn inventory(input: &Input, names: &Names) -> Vec<ApiEntry> {
    let model = input.model;
    let mut op_threats: HashMap<(&str, &str), usize> = HashMap::new();
    for t in input.threats {
        if let Target::Operation { api, operation } = &t.target
            && !matches!(t.status(), Status::NotApplicable | Status::FalsePositive)
        {
            *op_threats
                .entry((api.as_str(), operation.as_str()))
                .or_default() += 1;
        }
    }
    let document = |api: &str| -> Option<ApiDocument> {
        let spec = input.specs.iter().find(|s| s.api == api)?.spec;
        let inv = Inventory::of(spec);
        Some(ApiDocument {
            title: inv.title,
            api_version: inv.api_version,
            spec_version: inv.spec_version,
            servers: inv.servers.into_iter().map(|s| s.url).collect(),
            security_schemes: inv
                .security_schemes
                .into_iter()
                .map(|s| format!("{}: {}", s.name, s.kind))
                .collect(),
            operation_count: inv.operation_count,
            secured: inv.secured,
            optional_auth: inv.optional_auth,
            unsecured: inv.unsecured,
            operations: inv
                .operations
                .into_iter()
                .map(|o| {
                    let address = format!("{} {}", o.method, o.path);
                    OperationRow {
                        threats: op_threats
                            .get(&(api, address.as_str()))
                            .copied()
                            .unwrap_or(0),
                        method: o.method,
                        path: o.path,
                        operation_id: o.operation_id,
                        auth: match o.auth {
                            AuthState::Required => "required",
                            AuthState::Optional => "optional",
                            AuthState::None => "none",
                        }
                        .to_owned(),
                        security: o.security,
                        deprecated: o.deprecated,
                        location: o.location.to_string(),
                    }
                })
                .collect(),
        })
    };
    let mut out: Vec<ApiEntry> = model
        .apis
        .iter()
        .map(|a| ApiEntry {
            id: a.id.to_string(),
            name: a.label().to_owned(),
            exposure: a.exposure.map(|e| e.as_str().to_owned()),
            version: a.version.clone(),
            lifecycle: a.lifecycle.map(|l| l.as_str().to_owned()),
            served_by: a.served_by.as_ref().map(|e| names.element(e.as_str())),
            consumed_by: a
                .consumed_by
                .iter()
                .map(|e| names.element(e.as_str()))
                .collect(),
            spec: a.spec.clone(),
            document: document(a.id.as_str()),
        })
        .collect();
    // A bare OpenAPI document has no `apis:` entry of its own.
    for s in &input.specs {
        if model.api(s.api).is_none() {
            out.push(ApiEntry {
                id: s.api.to_owned(),
                name: s
                    .spec
                    .info
                    .title
                    .clone()
                    .unwrap_or_else(|| s.api.to_owned()),
                exposure: None,
                version: s.spec.info.version.clone(),
                lifecycle: None,
                served_by: None,
                consumed_by: Vec::new(),
                spec: s.spec.files.first().map(ToString::to_string),
                document: document(s.api),
            });
        }
    }
    out
}

fn appendix(input: &Input) -> Vec<RuleDoc> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for t in input.threats {
        *counts.entry(t.rule.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(code, threats)| {
            if let Some(meta) = palisade_rules::rule(code) {
                return RuleDoc {
                    code: meta.code.to_owned(),
                    name: meta.name.to_owned(),
                    threats,
                    markdown: meta.page(),
                };
            }
            if code == MANUAL {
                return RuleDoc {
                    code: code.to_owned(),
                    name: "ThreatWrittenInTheModel".to_owned(),
                    threats,
                    markdown: format!(
                        "# {MANUAL}: ThreatWrittenInTheModel\n\nA threat written by hand under `threats:` in the model: its title, target, STRIDE categories and severity are the model's.\n"
                    ),
                };
            }
            let custom = input.model.custom_rules.iter().find(|r| r.code == code);
            RuleDoc {
                code: code.to_owned(),
                name: custom.map_or_else(|| code.to_owned(), |r| r.title.clone()),
                threats,
                markdown: custom.map_or_else(
                    || format!("# {code}\n\nA rule of the user's; its documentation is not in the model.\n"),
                    custom_page,
                ),
            }
        })
        .collect()
}

/// A custom rule's page, from its fields (its text is the user's: rendered as plain text).
fn custom_page(r: &palisade_model::CustomRule) -> String {
    let mut page = format!(
        "# {}: {}\n\nA custom rule of this model.\n",
        r.code,
        md_text(&r.title)
    );
    if let Some(d) = &r.description {
        page.push_str(&format!("\n## What it detects\n\n{}\n", md_text(d)));
    }
    if let Some(m) = &r.mitigation {
        page.push_str(&format!("\n## Mitigation\n\n{}\n", md_text(m)));
    }
    let mut refs: Vec<String> = r.stride.iter().map(|s| s.title().to_owned()).collect();
    refs.extend(
        r.owasp_api_2023
            .iter()
            .map(|o| format!("OWASP {}", md_text(o))),
    );
    refs.extend(r.cwe.iter().map(|c| format!("CWE-{c}")));
    if !refs.is_empty() {
        page.push_str(&format!("\n## References\n\n{}\n", refs.join(" · ")));
    }
    page
}

/// Text as Markdown that shows it literally: every punctuation character that Markdown could
/// read as syntax is backslash-escaped, and line breaks become spaces.
pub(crate) fn md_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.'
            | '!' | '|' | '<' | '>' | '&' | '~' | '"' | '\'' | '=' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The status in words: `needs investigation`.
pub(crate) fn status_words(s: Status) -> String {
    words(s.as_str())
}

/// A ticket in one line: `PAY-1432 “title” <url>`.
pub(crate) fn ticket_text(t: &Ticket) -> String {
    let mut parts = Vec::new();
    if let Some(id) = &t.id {
        parts.push(id.clone());
    }
    if let Some(title) = &t.title {
        parts.push(format!("“{title}”"));
    }
    if let Some(url) = &t.url {
        parts.push(url.clone());
    }
    parts.join(" ")
}

/// Whether a string is an `http(s)` URL that is safe to link to.
pub(crate) fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl Report {
    /// Every rule code that fired, for linking rows to the appendix.
    pub fn has_rule_doc(&self, code: &str) -> bool {
        self.appendix.iter().any(|r| r.code == code)
    }

    /// The title of the risk-rating method.
    pub fn rating_title(&self) -> &'static str {
        match self.summary.rating {
            RatingMethod::Dread => "DREAD",
            RatingMethod::Owasp => "OWASP Risk Rating",
        }
    }
}
