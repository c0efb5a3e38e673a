//! The threats the engine finds in a version, and decisions about them: `PATCH` with
//! `If-Match` writes the decision into a new version of the model, or answers 412 with both the
//! current and the attempted decision when someone else changed that decision first.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use palisade_model::ThreatEntry;
use palisade_rules::Threat;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    RequestId, access, check_blocking, if_match, invalid_model, latest_analyzed,
    precondition_required, with_etag,
};
use crate::AppState;
use crate::auth::Auth;
use crate::content::{self, DecisionPatch};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::store::{AuditRecord, NewVersion, Role, SaveOutcome};

/// Which version to analyze.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A version number; the latest when left out.
    #[param(minimum = 1)]
    pub version: Option<i64>,
}

/// The threats of one version, most severe first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnalysisView {
    pub model_id: String,
    pub version: i64,
    /// As `palisade analyze --format json` reports them, decisions included.
    #[schema(schema_with = threat_list)]
    pub threats: Vec<Threat>,
}

fn threat_list() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("Threat"))
        .build()
}

fn threat_ref() -> utoipa::openapi::Ref {
    utoipa::openapi::Ref::from_schema_name("Threat")
}

fn entry_ref() -> utoipa::openapi::Ref {
    utoipa::openapi::Ref::from_schema_name("ThreatEntry")
}

/// One threat with the ETag of its decision.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThreatView {
    pub model_id: String,
    pub version: i64,
    #[schema(schema_with = threat_ref)]
    pub threat: Threat,
    /// Send it in `If-Match` to change the decision.
    pub etag: String,
}

/// A decision as recorded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub model_id: String,
    pub threat_id: String,
    /// The version the decision was saved in.
    pub version: i64,
    #[schema(schema_with = entry_ref)]
    pub decision: ThreatEntry,
    pub etag: String,
}

/// The threats the engine finds in a version of the model (the latest by default).
#[utoipa::path(get, path = "/api/models/{id}/analysis", tag = "threats",
    params(("id" = String, Path, description = "The model's id", max_length = 64), VersionQuery),
    responses((status = 200, description = "The threats, most severe first", body = AnalysisView)))]
pub async fn analysis(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<VersionQuery>,
) -> ApiResult<Json<AnalysisView>> {
    access(&state, &auth, &id, Role::Viewer).await?;
    let stored = state
        .store
        .version(&id, query.version)
        .await?
        .ok_or_else(|| ApiError::not_found("version"))?;
    let analyzed = state.analyses.get(&id, &stored).await?;
    Ok(Json(AnalysisView {
        model_id: id,
        version: stored.info.version,
        threats: analyzed.threats.clone(),
    }))
}

/// One threat of the latest version, with the ETag of its decision.
#[utoipa::path(get, path = "/api/models/{id}/threats/{threat_id}", tag = "threats",
    params(
        ("id" = String, Path, description = "The model's id", max_length = 64),
        ("threat_id" = String, Path, description = "The threat's stable id, `TH-` and 12 hex digits", max_length = 64),
    ),
    responses((status = 200, description = "The threat", body = ThreatView)))]
pub async fn get_threat(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, threat_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    access(&state, &auth, &id, Role::Viewer).await?;
    let (stored, analyzed) = latest_analyzed(&state, &id).await?;
    let threat = analyzed
        .threats
        .iter()
        .find(|t| t.id.as_str() == threat_id)
        .ok_or_else(|| ApiError::not_found("threat"))?;
    let etag = content::decision_etag(content::decision(&analyzed.model, &threat_id));
    Ok(with_etag(
        &etag,
        Json(ThreatView {
            model_id: id,
            version: stored.info.version,
            threat: threat.clone(),
            etag: etag.clone(),
        }),
    ))
}

/// How many times a decision is re-applied on top of other people's concurrent saves.
const ATTEMPTS: usize = 8;

/// Records a decision about a threat (a JSON merge patch of its status, strategy,
/// justification, owner, ticket, date, checker) as a new version of the model. `If-Match` must
/// carry the ETag of the decision as last read: 412, with the current and the attempted
/// decision, when someone changed that decision since. Saves by others to other parts of the
/// model do not conflict: the decision is applied on top of them.
#[utoipa::path(patch, path = "/api/models/{id}/threats/{threat_id}", tag = "threats",
    params(
        ("id" = String, Path, description = "The model's id", max_length = 64),
        ("threat_id" = String, Path, description = "The threat's stable id", max_length = 64),
        ("If-Match" = String, Header, description = "The ETag of the decision as last read", max_length = 200),
    ),
    request_body = DecisionPatch,
    responses(
        (status = 200, description = "Recorded in a new version", body = DecisionView),
        (status = 409, description = "The model kept changing; try again", body = ErrorBody),
        (status = 412, description = "Someone changed this decision since", body = ErrorBody),
        (status = 428, description = "No `If-Match`", body = ErrorBody),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    request_id: RequestId,
    Path((id, threat_id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(patch): Json<DecisionPatch>,
) -> ApiResult<Response> {
    access(&state, &auth, &id, Role::Editor).await?;
    let tags = if_match(&headers).ok_or_else(|| precondition_required("threat's decision"))?;
    match record_decision(&state, &auth, &id, &threat_id, &tags, &patch, request_id.0).await? {
        Decided::Saved(view) => Ok(with_etag(&view.etag.clone(), Json(view))),
        Decided::Changed {
            current,
            etag,
            version,
        } => Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
            "someone changed this threat's decision since you read it: review theirs, then \
             send yours again with the new ETag",
        )
        .with_details(json!({
            "current": {"decision": current, "etag": etag, "version": version},
            "attempted": patch,
        }))),
    }
}

/// What recording a decision came to.
#[derive(Debug)]
pub enum Decided {
    /// Saved in a new version of the model.
    Saved(DecisionView),
    /// Someone changed the decision since the state the caller's ETags name: nothing was
    /// written. `current` is their decision, `etag` its ETag, `version` the model's version.
    Changed {
        current: Option<ThreatEntry>,
        etag: String,
        version: i64,
    },
}

/// Records `patch` as the decision about `threat_id` in model `id`, as a new version, when the
/// decision's ETag is still one of `tags`; otherwise writes nothing and answers
/// [`Decided::Changed`]. The one decision logic of the API's `PATCH` and the web page's form.
/// Needs the editor role (checked here too). Saves by others to other parts of the model do not
/// conflict: the decision is applied on top of them.
pub async fn record_decision(
    state: &AppState,
    auth: &Auth,
    id: &str,
    threat_id: &str,
    tags: &[String],
    patch: &DecisionPatch,
    request_id: Option<String>,
) -> ApiResult<Decided> {
    access(state, auth, id, Role::Editor).await?;
    for _ in 0..ATTEMPTS {
        let (stored, analyzed) = latest_analyzed(state, id).await?;
        if !analyzed.threats.iter().any(|t| t.id.as_str() == threat_id) {
            return Err(ApiError::not_found("threat"));
        }
        let before = content::decision(&analyzed.model, threat_id).cloned();
        let etag = content::decision_etag(before.as_ref());
        if !tags.contains(&etag) {
            return Ok(Decided::Changed {
                current: before,
                etag,
                version: stored.info.version,
            });
        }
        let mut model = analyzed.model.clone();
        let after = content::apply_decision(&mut model, threat_id, patch, content::today())?;
        // Edit the stored text in place (comments stay); re-serialize only when a field was
        // cleared, which the editor cannot do.
        let body =
            match content::edit_decision(&stored.body, &stored.format, before.as_ref(), &after) {
                Some(text) => text,
                None => content::serialize(&model, &stored.format)?,
            };
        let checked = check_blocking(stored.format.clone(), body.clone(), stored.specs.clone())
            .await?
            .map_err(invalid_model)?;
        let version = NewVersion {
            name: checked.model.system.name.clone(),
            format: stored.format.clone(),
            body,
            specs: stored.specs.clone(),
            message: Some(format!("decision on {threat_id}")),
        };
        let audit = AuditRecord {
            actor: auth.user.name.clone(),
            action: "threat.decide".into(),
            threat_id: Some(threat_id.to_owned()),
            before: Some(serde_json::to_value(&before).unwrap_or_default()),
            after: Some(serde_json::to_value(&after).unwrap_or_default()),
            request_id: request_id.clone(),
        };
        match state
            .store
            .save_version(id, &auth.user, stored.info.version, &version, audit)
            .await?
        {
            SaveOutcome::Saved(info) => {
                let etag = content::decision_etag(Some(&after));
                return Ok(Decided::Saved(DecisionView {
                    model_id: id.to_owned(),
                    threat_id: threat_id.to_owned(),
                    version: info.version,
                    decision: after,
                    etag,
                }));
            }
            SaveOutcome::Stale { current: None } => return Err(ApiError::not_found("model")),
            SaveOutcome::Stale { .. } => {}
        }
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "conflict",
        "the model kept changing while the decision was saved: try again",
    ))
}
