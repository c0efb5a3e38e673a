//! `/`: the models the person has a role on, each with its state at a glance: open critical and
//! high threats, STRIDE coverage, drift against its OpenAPI documents, and the policy check.

use axum::extract::State;
use minijinja::context;
use palisade_check::Category;
use palisade_model::Severity;
use serde::Serialize;

use super::history;
use super::render::render_status;
use super::see_other;
use super::{WebResult, WebSession};
use crate::AppState;
use crate::api::Analyzed;
use crate::api::RequestId;
use crate::content::Problem;
use crate::store::AuditRecord;
use axum::extract::Multipart;
use axum::http::StatusCode;

/// One row of the list.
#[derive(Debug, Serialize)]
struct Row {
    id: String,
    name: String,
    role: &'static str,
    version: i64,
    updated_at: i64,
    glance: Option<Glance>,
}

/// A model's state at a glance.
#[derive(Debug, Serialize)]
pub struct Glance {
    pub threats: usize,
    pub unresolved: usize,
    pub open_critical: usize,
    pub open_high: usize,
    pub covered: usize,
    pub cells: usize,
    pub coverage_percent: usize,
    pub drift: usize,
    pub passed: bool,
}

impl Glance {
    pub fn of(analyzed: &Analyzed) -> Self {
        let open = |severity: Severity| {
            analyzed
                .threats
                .iter()
                .filter(|t| t.severity == severity && t.status().is_unresolved())
                .count()
        };
        let coverage = &analyzed.report.coverage;
        Self {
            threats: analyzed.threats.len(),
            unresolved: analyzed
                .threats
                .iter()
                .filter(|t| t.status().is_unresolved())
                .count(),
            open_critical: open(Severity::Critical),
            open_high: open(Severity::High),
            covered: coverage.covered,
            cells: coverage.cells,
            coverage_percent: (coverage.covered * 100)
                .checked_div(coverage.cells)
                .unwrap_or(100),
            drift: analyzed
                .report
                .items
                .iter()
                .filter(|i| i.category == Category::Drift)
                .count(),
            passed: analyzed.report.passed,
        }
    }
}

/// `GET /`.
pub async fn page(State(state): State<AppState>, session: WebSession) -> WebResult {
    show(&state, &session, StatusCode::OK, None, Vec::new()).await
}

/// `POST /models`: creates a model from an uploaded file (a model, an OpenAPI document or
/// another tool's model, converted and checked exactly as the API does), its creator its owner.
pub async fn create(
    State(state): State<AppState>,
    session: WebSession,
    request_id: RequestId,
    multipart: Multipart,
) -> WebResult {
    let form = history::read_form(multipart).await?;
    session.check_csrf(&form.csrf)?;
    let content = match history::prepare(form).await {
        Ok(content) => content,
        Err(refused) => {
            return show(
                &state,
                &session,
                refused.status,
                Some(refused.message),
                refused.problems,
            )
            .await;
        }
    };
    let audit = AuditRecord {
        actor: session.user.name.clone(),
        action: "model.create".into(),
        request_id: request_id.0,
        ..AuditRecord::default()
    };
    let (id, _) = state
        .store
        .create_model(&session.user, &content, audit)
        .await?;
    Ok(see_other(&format!("/models/{id}")))
}

async fn show(
    state: &AppState,
    session: &WebSession,
    status: StatusCode,
    error: Option<String>,
    problems: Vec<Problem>,
) -> WebResult {
    let models = state.store.list_models(&session.user.id).await?;
    let mut rows = Vec::with_capacity(models.len());
    for model in models {
        let glance = match state.store.version(&model.id, None).await? {
            Some(stored) => match state.analyses.get(&model.id, &stored).await {
                Ok(analyzed) => Some(Glance::of(&analyzed)),
                Err(e) => {
                    tracing::error!(model = %model.id, "cannot analyze: {}", e.internal.as_deref().unwrap_or(&e.message));
                    None
                }
            },
            None => None,
        };
        rows.push(Row {
            id: model.id,
            name: model.name,
            role: model.role.as_str(),
            version: model.latest_version,
            updated_at: model.updated_at,
            glance,
        });
    }
    render_status(
        status,
        "home.html",
        context! {
            user => &session.user.name,
            csrf => &session.csrf,
            models => super::render::ser(&rows),
            formats => history::FORMATS.iter().map(|(v, l)| context! { value => *v, label => *l }).collect::<Vec<_>>(),
            error => error,
            problems => super::render::ser(&problems),
        },
    )
}
