//! `/models/{id}`: the summary (counts by severity and status, the risk matrix, coverage and the
//! policy check), the data-flow diagram (the CLI's SVG; zoom and pan, a click filters the table),
//! downloads, and the threat table, filterable by element, severity, status, STRIDE and OWASP
//! category, most severe first. With htmx, the filter form swaps only the table
//! (`HX-Target: threats`); without it, the same form reloads the page.

use std::collections::BTreeSet;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use minijinja::{Value, context};
use palisade_model::{Severity, Status, Stride, StringEnum as _};
use palisade_rules::{Band, Target, Threat};
use serde::{Deserialize, Serialize};

use super::render::render_page;
use super::{WebResult, WebSession};
use crate::AppState;
use crate::api::{Analyzed, access, latest_analyzed};
use crate::error::ApiError;
use crate::store::Role;

/// The table's filters, from the query string; empty values mean "any".
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct Filter {
    #[serde(default)]
    pub element: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub stride: String,
    #[serde(default)]
    pub owasp: String,
}

impl Filter {
    fn keeps(&self, t: &Threat) -> bool {
        let element_ok =
            self.element.is_empty() || diagram_id(&t.target).is_some_and(|id| id == self.element);
        let severity_ok = self.severity.is_empty() || t.severity.as_str() == self.severity;
        let status_ok = self.status.is_empty()
            || t.status().as_str() == self.status
            || (self.status == "unresolved" && t.status().is_unresolved());
        let stride_ok =
            self.stride.is_empty() || t.stride.iter().any(|s| s.as_str() == self.stride);
        let owasp_ok =
            self.owasp.is_empty() || t.owasp_api_2023.iter().any(|o| o.code() == self.owasp);
        element_ok && severity_ok && status_ok && stride_ok && owasp_ok
    }

    fn is_empty(&self) -> bool {
        self.element.is_empty()
            && self.severity.is_empty()
            && self.status.is_empty()
            && self.stride.is_empty()
            && self.owasp.is_empty()
    }
}

/// The element or flow a threat is drawn on, if any.
fn diagram_id(target: &Target) -> Option<&str> {
    match target {
        Target::Element { element } if !element.is_empty() => Some(element),
        Target::Flow { flow } => Some(flow),
        _ => None,
    }
}

/// A row of the threat table.
#[derive(Debug, Serialize)]
pub struct Row {
    id: String,
    title: String,
    severity: &'static str,
    score: String,
    target: String,
    stride: String,
    stride_titles: String,
    owasp: Vec<&'static str>,
    status: &'static str,
    second_order: bool,
}

fn row(t: &Threat) -> Row {
    Row {
        id: t.id.as_str().to_owned(),
        title: t.title.clone(),
        severity: t.severity.as_str(),
        score: format!("{:.1}", t.risk.score),
        target: t.target.label(),
        stride: t.stride.iter().map(|s| s.letter()).collect(),
        stride_titles: t
            .stride
            .iter()
            .map(|s| s.title())
            .collect::<Vec<_>>()
            .join(", "),
        owasp: t.owasp_api_2023.iter().map(|o| o.code()).collect(),
        status: t.status().as_str(),
        second_order: t.parent.is_some(),
    }
}

/// The filtered table, most severe first (the engine's rank: severity, then risk score).
pub fn rows(analyzed: &Analyzed, filter: &Filter) -> Vec<Row> {
    analyzed
        .threats
        .iter()
        .filter(|t| filter.keeps(t))
        .map(row)
        .collect()
}

#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// What each filter can be set to, from the model and its threats.
fn choices(analyzed: &Analyzed) -> Value {
    let model = &analyzed.model;
    let mut elements: Vec<Choice> = model
        .elements
        .iter()
        .map(|e| Choice {
            value: e.id.as_str().to_owned(),
            label: e.name.clone().unwrap_or_else(|| e.id.as_str().to_owned()),
        })
        .collect();
    elements.extend(model.flows.iter().map(|f| Choice {
        value: f.id.as_str().to_owned(),
        label: format!("flow: {}", f.id.as_str()),
    }));
    let severities: Vec<&str> = Severity::ALL.iter().rev().map(|s| s.as_str()).collect();
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let stride: Vec<Choice> = Stride::ALL_CATEGORIES
        .iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: s.title().to_owned(),
        })
        .collect();
    let owasp: BTreeSet<(&str, &str)> = analyzed
        .threats
        .iter()
        .flat_map(|t| t.owasp_api_2023.iter().map(|o| (o.code(), o.title())))
        .collect();
    let owasp: Vec<Choice> = owasp
        .into_iter()
        .map(|(code, title)| Choice {
            value: code.to_owned(),
            label: format!("{code} {title}"),
        })
        .collect();
    let (elements, stride, owasp) = (
        super::render::ser(&elements),
        super::render::ser(&stride),
        super::render::ser(&owasp),
    );
    context! { elements, severities, statuses, stride, owasp }
}

/// Counts by severity (rows, most severe first) and status (columns that occur).
fn counts(threats: &[Threat]) -> Value {
    let statuses: Vec<Status> = Status::ALL
        .iter()
        .copied()
        .filter(|s| threats.iter().any(|t| t.status() == *s))
        .collect();
    let rows: Vec<Value> = Severity::ALL
        .iter()
        .rev()
        .filter(|sev| threats.iter().any(|t| t.severity == **sev))
        .map(|sev| {
            let cells: Vec<usize> = statuses
                .iter()
                .map(|st| {
                    threats
                        .iter()
                        .filter(|t| t.severity == *sev && t.status() == *st)
                        .count()
                })
                .collect();
            let total = threats.iter().filter(|t| t.severity == *sev).count();
            context! { severity => sev.as_str(), cells, total }
        })
        .collect();
    let totals: Vec<usize> = statuses
        .iter()
        .map(|st| threats.iter().filter(|t| t.status() == *st).count())
        .collect();
    let statuses: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    context! { statuses, rows, totals, total => threats.len() }
}

/// The risk matrix of unresolved threats: likelihood rows (high first), impact columns.
fn matrix(analyzed: &Analyzed) -> Value {
    let m = &analyzed.report.risk_matrix;
    let rows: Vec<Value> = Band::ALL
        .into_iter()
        .rev()
        .map(|likelihood| {
            let cells: Vec<Value> = Band::ALL
                .into_iter()
                .map(|impact| {
                    context! {
                        count => m.count(likelihood, impact),
                        level => palisade_rules::matrix_level(likelihood, impact).as_str(),
                    }
                })
                .collect();
            context! { likelihood => likelihood.as_str(), cells }
        })
        .collect();
    let impacts: Vec<&str> = Band::ALL.into_iter().map(Band::as_str).collect();
    context! { rows, impacts, total => m.total() }
}

/// The diagram as the CLI draws it with `--threats` (badges for unresolved threats), without
/// its `<style>` element, which the page serves as `/assets/diagram.css`.
pub fn diagram(analyzed: &Analyzed) -> String {
    let options = palisade_diagram::Options {
        title: false,
        ..palisade_diagram::Options::default()
    }
    .with_threat_counts(
        analyzed
            .threats
            .iter()
            .filter(|t| t.status().is_unresolved())
            .filter_map(|t| diagram_id(&t.target).map(|id| (id, Some(t.severity)))),
    );
    let svg = palisade_diagram::svg(&analyzed.model, &options);
    let style = format!("<style>{}</style>\n", palisade_diagram::SVG_STYLE);
    svg.replacen(&style, "", 1)
}

/// The report and diagram formats offered for download, `(format, label)`.
pub const REPORTS: &[(&str, &str)] = &[
    ("html", "HTML"),
    ("pdf", "PDF"),
    ("md", "Markdown"),
    ("json", "JSON"),
    ("csv", "CSV"),
    ("sarif", "SARIF"),
];
pub const DIAGRAMS: &[(&str, &str)] = &[("svg", "SVG"), ("dot", "DOT"), ("mermaid", "Mermaid")];

/// `GET /models/{id}`.
pub async fn page(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Query(filter): Query<Filter>,
    headers: HeaderMap,
) -> WebResult {
    let role = access(&state, &session.auth(), &id, Role::Viewer).await?;
    let summary = state
        .store
        .model(&session.user.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("model"))?;
    let (stored, analyzed) = latest_analyzed(&state, &id).await?;
    let rows = rows(&analyzed, &filter);
    let table = context! {
        model_id => &id,
        threats => super::render::ser(&rows),
        filtered => !filter.is_empty(),
        total => analyzed.threats.len(),
    };
    let htmx_table = headers
        .get("hx-target")
        .is_some_and(|v| v.as_bytes() == b"threats");
    if htmx_table {
        return render_page("threats.html", context! { table });
    }
    let reports: Vec<Value> = REPORTS
        .iter()
        .map(|(f, l)| context! { format => *f, label => *l })
        .collect();
    let diagrams: Vec<Value> = DIAGRAMS
        .iter()
        .map(|(f, l)| context! { format => *f, label => *l })
        .collect();
    render_page(
        "model.html",
        context! {
            user => session.user.name,
            csrf => session.csrf,
            model => context! {
                id => &id,
                name => summary.name,
                version => stored.info.version,
                updated_at => summary.updated_at,
                author => stored.info.author,
                role => role.as_str(),
                scope => analyzed.model.system.description.clone(),
            },
            glance => super::render::ser(super::home::Glance::of(&analyzed)),
            counts => counts(&analyzed.threats),
            matrix => matrix(&analyzed),
            check_items => analyzed.report.items.iter().filter(|i| i.fails).count(),
            figures => context! {
                elements => analyzed.model.elements.len(),
                flows => analyzed.model.flows.len(),
                boundaries => analyzed.model.boundaries.len(),
                apis => analyzed.model.apis.len(),
                operations => analyzed.report.figures.operations,
            },
            diagram => Value::from_safe_string(diagram(&analyzed)),
            choices => choices(&analyzed),
            filter => super::render::ser(&filter),
            table => table,
            reports => reports,
            diagrams => diagrams,
        },
    )
}
