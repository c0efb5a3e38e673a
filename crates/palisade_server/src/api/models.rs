//! Models and their versions: create from an upload, list, read, save a new version (with
//! `If-Match`), delete; history; roles; the model's audit log.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::session::AuditQuery;
use super::{
    RequestId, access, check_blocking, convert_blocking, if_match, invalid_model, model_etag,
    precondition_required, with_etag,
};
use crate::AppState;
use crate::auth::Auth;
use crate::content::Problem;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::import::{Converted, UploadQuery};
use crate::store::{
    AuditEntry, AuditRecord, ModelSummary, NewVersion, Role, RoleChangeError, SaveOutcome,
    StoredVersion, VersionInfo,
};

/// A saved version, as answered to a create or an update.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Saved {
    /// The model's id: use it in `/api/models/{id}`.
    pub id: String,
    pub name: String,
    pub version: VersionInfo,
    /// The ETag to send in `If-Match` with the next update.
    pub etag: String,
    /// Warnings about the model (it saved: there are no errors).
    pub warnings: Vec<Problem>,
}

/// A version with its content.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VersionView {
    #[serde(flatten)]
    pub info: VersionInfo,
    /// `yaml` or `json`.
    pub format: String,
    /// The model's text.
    pub model: String,
    /// The OpenAPI documents, by the path `apis[].spec` names them with.
    pub specs: BTreeMap<String, String>,
}

impl From<StoredVersion> for VersionView {
    fn from(v: StoredVersion) -> Self {
        Self {
            info: v.info,
            format: v.format,
            model: v.body,
            specs: v.specs,
        }
    }
}

/// A model with its latest version.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ModelView {
    pub model: ModelSummary,
    pub latest: VersionView,
    /// The ETag of the latest version, for `If-Match`.
    pub etag: String,
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Reads (converting another format) and checks an upload; 415/400 for a bad envelope, 422
/// with problems for a bad model or a file that cannot be imported.
async fn checked_upload(
    headers: &HeaderMap,
    query: &UploadQuery,
    body: &Bytes,
) -> ApiResult<(NewVersion, Vec<Problem>)> {
    let content_type = header_text(headers, header::CONTENT_TYPE).map(str::to_owned);
    let Converted {
        upload,
        warnings: mut converted,
    } = convert_blocking(query.format, content_type, body.clone()).await?;
    let checked = check_blocking(
        upload.format.to_owned(),
        upload.body.clone(),
        upload.specs.clone(),
    )
    .await?
    .map_err(invalid_model)?;
    Ok((
        NewVersion {
            name: checked.model.system.name.clone(),
            format: upload.format.to_owned(),
            body: upload.body,
            specs: upload.specs,
            message: upload.message,
        },
        {
            converted.extend(checked.warnings);
            converted
        },
    ))
}

/// The models the caller has a role on, most recently updated first.
#[utoipa::path(get, path = "/api/models", tag = "models",
    responses((status = 200, description = "Models", body = [ModelSummary])))]
pub async fn list_models(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<Vec<ModelSummary>>> {
    Ok(Json(state.store.list_models(&auth.user.id).await?))
}

/// Creates a model from a YAML or JSON model, or a JSON envelope
/// `{"model": "<text>", "specs": {"<path>": "<OpenAPI text>"}, "message": "…"}` carrying the
/// OpenAPI documents its `apis[].spec` name. Also from a bare OpenAPI document (a first model
/// is derived from it, as `palisade init --from-openapi` does, with the document as its API's
/// spec) or another tool's model (`palisade import`'s formats), named by `format` or told from
/// the content. The model must load without errors; the caller becomes its owner.
#[utoipa::path(post, path = "/api/models", tag = "models",
    params(UploadQuery),
    request_body(description = "A Palisade model (YAML or JSON), an envelope with its OpenAPI documents, a bare OpenAPI document, or a Threat Dragon, OTM, Threagile, pytm, Threat Composer or TMT file",
        content(
            (String = "application/yaml"),
            (crate::content::Envelope = "application/json"),
            (String = "application/xml"),
        )),
    responses(
        (status = 201, description = "Created; `Location` names it", body = Saved),
        (status = 422, description = "The model has errors, or the file cannot be imported (each problem with file, line and column)", body = ErrorBody),
    ))]
pub async fn create_model(
    State(state): State<AppState>,
    auth: Auth,
    request_id: RequestId,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    auth.require_write()?;
    let (content, warnings) = checked_upload(&headers, &query, &body).await?;
    let audit = AuditRecord {
        actor: auth.user.name.clone(),
        action: "model.create".into(),
        request_id: request_id.0,
        ..AuditRecord::default()
    };
    let (id, version) = state
        .store
        .create_model(&auth.user, &content, audit)
        .await?;
    let etag = model_etag(version.version);
    let location = format!("/api/models/{id}");
    let mut response = with_etag(
        &etag,
        (
            StatusCode::CREATED,
            Json(Saved {
                id,
                name: content.name,
                version,
                etag: etag.clone(),
                warnings,
            }),
        ),
    );
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// A model with its latest version; the `ETag` header is what an update must send in `If-Match`.
#[utoipa::path(get, path = "/api/models/{id}", tag = "models",
    params(("id" = String, Path, description = "The model's id", max_length = 64)),
    responses((status = 200, description = "The model", body = ModelView)))]
pub async fn get_model(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    access(&state, &auth, &id, Role::Viewer).await?;
    let summary = state
        .store
        .model(&auth.user.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("model"))?;
    let latest = state
        .store
        .version(&id, Some(summary.latest_version))
        .await?
        .ok_or_else(|| ApiError::not_found("model"))?;
    let etag = model_etag(latest.info.version);
    Ok(with_etag(
        &etag,
        Json(ModelView {
            model: summary,
            latest: latest.into(),
            etag: etag.clone(),
        }),
    ))
}

/// Saves a new version. `If-Match` must carry the ETag of the version the edit started from:
/// 412 (with the current version) when someone saved since, 428 without it. Nothing is ever
/// overwritten: every save is a new version. Takes what `POST /api/models` takes (an OpenAPI
/// document or another tool's model becomes the whole new version).
#[utoipa::path(put, path = "/api/models/{id}", tag = "models",
    params(
        ("id" = String, Path, description = "The model's id", max_length = 64),
        ("If-Match" = String, Header, description = "The ETag of the version edited, such as `\"v3\"`", max_length = 200),
        UploadQuery,
    ),
    request_body(description = "A Palisade model (YAML or JSON), an envelope with its OpenAPI documents, a bare OpenAPI document, or a Threat Dragon, OTM, Threagile, pytm, Threat Composer or TMT file",
        content(
            (String = "application/yaml"),
            (crate::content::Envelope = "application/json"),
            (String = "application/xml"),
        )),
    responses(
        (status = 200, description = "Saved as a new version", body = Saved),
        (status = 412, description = "The model changed since the ETag sent", body = ErrorBody),
        (status = 428, description = "No `If-Match`", body = ErrorBody),
    ))]
pub async fn update_model(
    State(state): State<AppState>,
    auth: Auth,
    request_id: RequestId,
    Path(id): Path<String>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    access(&state, &auth, &id, Role::Editor).await?;
    let tags = if_match(&headers).ok_or_else(|| precondition_required("model"))?;
    let base = tags.iter().find_map(|t| {
        t.strip_prefix("\"v")?
            .strip_suffix('"')?
            .parse::<i64>()
            .ok()
    });
    let current = state
        .store
        .latest_version(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("model"))?;
    let (content, warnings) = checked_upload(&headers, &query, &body).await?;
    let stale = |current: Option<i64>| {
        ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
            "the model changed since the version you edited: reload it and apply your edit again",
        )
        .with_details(json!({
            "current": current.map(|v| json!({"version": v, "etag": model_etag(v)})),
            "attempted": {"base": base, "hash": content.hash()},
        }))
    };
    let Some(base) = base.filter(|b| *b == current) else {
        return Err(stale(Some(current)));
    };
    let audit = AuditRecord {
        actor: auth.user.name.clone(),
        action: "model.update".into(),
        request_id: request_id.0,
        ..AuditRecord::default()
    };
    match state
        .store
        .save_version(&id, &auth.user, base, &content, audit)
        .await?
    {
        SaveOutcome::Saved(version) => {
            let etag = model_etag(version.version);
            Ok(with_etag(
                &etag,
                Json(Saved {
                    id,
                    name: content.name,
                    version,
                    etag: etag.clone(),
                    warnings,
                }),
            ))
        }
        SaveOutcome::Stale { current } => Err(stale(current)),
    }
}

/// Deletes a model (owners only): it disappears for everyone. Its versions and audit entries
/// are kept in the database.
#[utoipa::path(delete, path = "/api/models/{id}", tag = "models",
    params(("id" = String, Path, description = "The model's id", max_length = 64)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_model(
    State(state): State<AppState>,
    auth: Auth,
    request_id: RequestId,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    access(&state, &auth, &id, Role::Owner).await?;
    let latest = state.store.latest_version(&id).await?;
    let audit = AuditRecord {
        actor: auth.user.name.clone(),
        action: "model.delete".into(),
        before: latest.map(|v| json!({"version": v})),
        request_id: request_id.0,
        ..AuditRecord::default()
    };
    if state.store.delete_model(&id, audit).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("model"))
    }
}

/// The model's history: every saved version, newest first.
#[utoipa::path(get, path = "/api/models/{id}/versions", tag = "models",
    params(("id" = String, Path, description = "The model's id", max_length = 64)),
    responses((status = 200, description = "Versions, newest first", body = [VersionInfo])))]
pub async fn list_versions(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<VersionInfo>>> {
    access(&state, &auth, &id, Role::Viewer).await?;
    Ok(Json(state.store.versions(&id).await?))
}

/// One version with its model text and OpenAPI documents.
#[utoipa::path(get, path = "/api/models/{id}/versions/{version}", tag = "models",
    params(
        ("id" = String, Path, description = "The model's id", max_length = 64),
        ("version" = i64, Path, description = "The version number, from 1", minimum = 1),
    ),
    responses((status = 200, description = "The version", body = VersionView)))]
pub async fn get_version(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, version)): Path<(String, i64)>,
) -> ApiResult<Json<VersionView>> {
    access(&state, &auth, &id, Role::Viewer).await?;
    let stored = state
        .store
        .version(&id, Some(version))
        .await?
        .ok_or_else(|| ApiError::not_found("version"))?;
    Ok(Json(stored.into()))
}

/// The model's audit log, newest first.
#[utoipa::path(get, path = "/api/models/{id}/audit", tag = "access",
    params(("id" = String, Path, description = "The model's id", max_length = 64), AuditQuery),
    responses((status = 200, description = "Audit entries, newest first", body = [AuditEntry])))]
pub async fn model_audit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    access(&state, &auth, &id, Role::Viewer).await?;
    let entries = state
        .store
        .audit(Some(&id), &auth.user, query.before, query.limit())
        .await?;
    Ok(Json(entries))
}

/// A member of a model.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub user: String,
    pub role: Role,
}

/// Who has which role on the model.
#[utoipa::path(get, path = "/api/models/{id}/roles", tag = "access",
    params(("id" = String, Path, description = "The model's id", max_length = 64)),
    responses((status = 200, description = "Members by name", body = [Member])))]
pub async fn list_roles(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Member>>> {
    access(&state, &auth, &id, Role::Viewer).await?;
    let roles = state.store.roles(&id).await?;
    Ok(Json(
        roles
            .into_iter()
            .map(|(user, role)| Member { user, role })
            .collect(),
    ))
}

/// The role to give.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    /// `owner`, `editor` or `viewer`.
    #[schema(max_length = 6)]
    pub role: String,
}

fn role_error(error: RoleChangeError) -> ApiError {
    match error {
        RoleChangeError::NoSuchUser => ApiError::not_found("user"),
        RoleChangeError::LastOwner => ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "a model keeps at least one owner: make someone else owner first",
        ),
    }
}

/// Gives a user a role on the model (owners only).
#[utoipa::path(put, path = "/api/models/{id}/roles/{user}", tag = "access",
    params(
        ("id" = String, Path, description = "The model's id", max_length = 64),
        ("user" = String, Path, description = "The user's name", max_length = 64),
    ),
    request_body = RoleRequest,
    responses(
        (status = 200, description = "The member's role now", body = Member),
        (status = 409, description = "It would leave the model without an owner", body = ErrorBody),
    ))]
pub async fn set_role(
    State(state): State<AppState>,
    auth: Auth,
    request_id: RequestId,
    Path((id, user)): Path<(String, String)>,
    Json(request): Json<RoleRequest>,
) -> ApiResult<Json<Member>> {
    access(&state, &auth, &id, Role::Owner).await?;
    let role = Role::parse(&request.role).ok_or_else(|| {
        ApiError::bad_request(format!(
            "unknown role `{}`: use owner, editor or viewer",
            request.role
        ))
    })?;
    let audit = AuditRecord {
        actor: auth.user.name.clone(),
        action: "role.set".into(),
        request_id: request_id.0,
        ..AuditRecord::default()
    };
    state
        .store
        .set_role(&id, &user, Some(role), audit)
        .await?
        .map_err(role_error)?;
    Ok(Json(Member { user, role }))
}

/// Takes a user's role on the model away (owners only).
#[utoipa::path(delete, path = "/api/models/{id}/roles/{user}", tag = "access",
    params(
        ("id" = String, Path, description = "The model's id", max_length = 64),
        ("user" = String, Path, description = "The user's name", max_length = 64),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 409, description = "It would leave the model without an owner", body = ErrorBody),
    ))]
pub async fn remove_role(
    State(state): State<AppState>,
    auth: Auth,
    request_id: RequestId,
    Path((id, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    access(&state, &auth, &id, Role::Owner).await?;
    let audit = AuditRecord {
        actor: auth.user.name.clone(),
        action: "role.remove".into(),
        request_id: request_id.0,
        ..AuditRecord::default()
    };
    let before = state
        .store
        .set_role(&id, &user, None, audit)
        .await?
        .map_err(role_error)?;
    if before.is_none() {
        return Err(ApiError::not_found("member"));
    }
    Ok(StatusCode::NO_CONTENT)
}
