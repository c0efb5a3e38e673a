//! The routes under `/api` and their OpenAPI 3.1 document, from one source: each handler's
//! `#[utoipa::path]` both documents it and (through `utoipa_axum::routes!`) registers it, so the
//! document served at `/api/openapi.json` cannot drift from the router. The route-walk
//! authorization test iterates that same document.

mod downloads;
mod models;
mod session;
mod threats;

pub use downloads::{DownloadCache, versions_diff};
pub use session::{CLEAR_COOKIE, SignedIn, sign_in};
pub use threats::{Decided, DecisionView, record_decision};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use palisade_model::Model;
use palisade_rules::Threat;
use serde_json::{Value, json};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::Auth;
use crate::content::{self, Problem};
use crate::error::{ApiError, ApiResult};
use crate::store::{Role, StoredVersion};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Palisade server API",
        description = "Threat models as code, for a team: store models and their OpenAPI \
                       documents, version every save, read the threats the engine finds, record \
                       decisions with optimistic concurrency, manage roles, read the audit log.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "health", description = "Liveness"),
        (name = "session", description = "Sign-in, sessions and API tokens"),
        (name = "models", description = "Models and their versions"),
        (name = "threats", description = "Analysis and threat decisions"),
        (name = "access", description = "Roles and the audit log"),
    )
)]
struct ApiDoc;

/// Every documented route, with its handler.
fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(session::health))
        .routes(routes!(
            session::get_session,
            session::create_session,
            session::delete_session
        ))
        .routes(routes!(session::list_tokens, session::create_token))
        .routes(routes!(session::revoke_token))
        .routes(routes!(session::audit))
        .routes(routes!(models::list_models, models::create_model))
        .routes(routes!(
            models::get_model,
            models::update_model,
            models::delete_model
        ))
        .routes(routes!(models::list_versions))
        .routes(routes!(models::get_version))
        .routes(routes!(models::model_audit))
        .routes(routes!(models::list_roles))
        .routes(routes!(models::set_role, models::remove_role))
        .routes(routes!(threats::analysis))
        .routes(routes!(threats::get_threat, threats::decide))
        .routes(routes!(downloads::diff))
        .routes(routes!(downloads::report))
        .routes(routes!(downloads::diagram))
}

/// The API router: every documented route and `/api/openapi.json` (the JSON 404 for every
/// other path is added by [`crate::app`], so that other routers, such as the web pages', can
/// be merged with this one first).
pub fn router() -> Router<AppState> {
    let (router, _) = documented().split_for_parts();
    let doc = Arc::new(openapi());
    router.route(
        "/api/openapi.json",
        get(move || {
            let doc = Arc::clone(&doc);
            async move {
                (
                    [(axum::http::header::CACHE_CONTROL, "no-cache")],
                    axum::Json((*doc).clone()),
                )
            }
        }),
    )
}

/// Routes that answer without a signed-in user.
pub const PUBLIC_ROUTES: &[(&str, &str)] = &[("get", "/api/health"), ("post", "/api/session")];

/// The OpenAPI 3.1 document of the API, as served.
pub fn openapi() -> Value {
    let (_, doc) = documented().split_for_parts();
    let mut doc = serde_json::to_value(&doc).unwrap_or_else(|_| json!({}));
    finish_document(&mut doc);
    doc
}

/// The OpenAPI document as committed at `docs/server/openapi.json` (pretty, final newline).
pub fn openapi_json() -> String {
    let mut text = serde_json::to_string_pretty(&openapi()).unwrap_or_default();
    text.push('\n');
    text
}

/// What the annotations cannot say once for every operation: the security schemes, the error
/// responses every operation may give, and the schemas of the engine's types (from `schemars`).
fn finish_document(doc: &mut Value) {
    doc["servers"] = json!([{ "url": "/" }]);
    doc["security"] = json!([{ "bearer": [] }, { "session": [] }]);
    let components = &mut doc["components"];
    components["securitySchemes"] = json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from `palisade admin create-token` or `POST /api/tokens`."
        },
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": crate::auth::SESSION_COOKIE,
            "description": "The cookie set by `POST /api/session`; writes must also send \
                            `X-CSRF-Token`."
        }
    });
    let mut generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let _ = generator.subschema_for::<Threat>();
    let _ = generator.subschema_for::<palisade_check::diff::Diff>();
    let _ = generator.subschema_for::<palisade_export::report::Report>();
    let schemas = &mut components["schemas"];
    for (name, schema) in generator.take_definitions(true) {
        if schemas.get(&name).is_none() {
            schemas[name] = schema;
        }
    }
    components["responses"] = json!({
        "Error": {
            "description": "An error: `{\"error\": {\"code\", \"message\"}}`",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
        }
    });
    downloads::document_bodies(doc);
    let error = json!({ "$ref": "#/components/responses/Error" });
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let public = PUBLIC_ROUTES.contains(&(method.as_str(), path.as_str()));
            let mut codes = vec!["400", "404", "405", "413", "415", "422", "429", "500"];
            if public {
                operation["security"] = json!([]);
            } else {
                codes.extend(["401", "403"]);
            }
            let responses = &mut operation["responses"];
            for code in codes {
                if responses.get(code).is_none() {
                    responses[code] = error.clone();
                }
            }
        }
    }
}

/// The id of the request (set by `SetRequestIdLayer`), for the audit log.
#[derive(Debug, Clone)]
pub struct RequestId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        ))
    }
}

/// The caller's role on a model, if it is at least `need`; 404 without any role (so that a
/// stranger cannot tell a model exists), 403 with too small a role or a read-only token.
pub async fn access(state: &AppState, auth: &Auth, model_id: &str, need: Role) -> ApiResult<Role> {
    let Some(role) = state.store.role_of(&auth.user.id, model_id).await? else {
        return Err(ApiError::not_found("model"));
    };
    if role < need {
        return Err(ApiError::forbidden(format!(
            "this needs the {} role on the model; you are {}",
            need.as_str(),
            role.as_str()
        )));
    }
    if need > Role::Viewer {
        auth.require_write()?;
    }
    Ok(role)
}

/// The threats of stored versions, computed once per version (versions never change).
#[derive(Default)]
pub struct AnalysisCache {
    entries: Mutex<HashMap<(String, i64), Arc<Analyzed>>>,
}

/// A stored version, loaded and analyzed.
#[derive(Debug)]
pub struct Analyzed {
    pub model: Model,
    pub threats: Vec<Threat>,
    /// `palisade check` of the version (coverage, drift, risk matrix), for the web pages.
    pub report: palisade_check::Report,
}

/// Most versions kept analyzed in memory.
const CACHE_SIZE: usize = 256;

impl AnalysisCache {
    /// The analysis of `version` of model `model_id`.
    pub async fn get(&self, model_id: &str, version: &StoredVersion) -> ApiResult<Arc<Analyzed>> {
        let key = (model_id.to_owned(), version.info.version);
        if let Some(hit) = self.lock().get(&key) {
            return Ok(Arc::clone(hit));
        }
        let checked = check_blocking(
            version.format.clone(),
            version.body.clone(),
            version.specs.clone(),
        )
        .await?
        .map_err(|problems| {
            ApiError::internal(format!(
                "stored version {} of model {model_id} no longer loads: {}",
                version.info.version,
                problems.first().map_or("", |p| p.message.as_str())
            ))
        })?;
        let analyzed = Arc::new(Analyzed {
            model: checked.model,
            threats: checked.threats,
            report: checked.report,
        });
        let mut entries = self.lock();
        if entries.len() >= CACHE_SIZE {
            entries.clear();
        }
        entries.insert(key, Arc::clone(&analyzed));
        Ok(analyzed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, i64), Arc<Analyzed>>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The latest version of model `id` and its analysis (cached per version).
pub async fn latest_analyzed(
    state: &AppState,
    id: &str,
) -> ApiResult<(StoredVersion, Arc<Analyzed>)> {
    let stored = state
        .store
        .version(id, None)
        .await?
        .ok_or_else(|| ApiError::not_found("model"))?;
    let analyzed = state.analyses.get(id, &stored).await?;
    Ok((stored, analyzed))
}

/// [`content::check`] on a blocking thread.
pub async fn check_blocking(
    format: String,
    body: String,
    specs: std::collections::BTreeMap<String, String>,
) -> ApiResult<Result<content::Checked, Vec<Problem>>> {
    tokio::task::spawn_blocking(move || content::check(&format, &body, &specs))
        .await
        .map_err(|e| ApiError::internal(format!("the check task failed: {e}")))?
        .map_err(|e| ApiError::internal(format!("cannot lay out the version to check it: {e}")))
}

/// [`crate::import::convert`] on a blocking thread: an upload of `format` (told from the
/// content when `None`) read as a Palisade model.
pub async fn convert_blocking(
    format: Option<crate::import::UploadFormat>,
    content_type: Option<String>,
    bytes: axum::body::Bytes,
) -> ApiResult<crate::import::Converted> {
    tokio::task::spawn_blocking(move || {
        crate::import::convert(format, content_type.as_deref(), &bytes)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the conversion task failed: {e}")))?
}

/// How many errors `problems` hold, in words: `1 error`, `3 errors`.
pub fn count_errors(problems: &[Problem]) -> String {
    let errors = problems.iter().filter(|p| p.severity == "error").count();
    format!("{errors} error{}", if errors == 1 { "" } else { "s" })
}

/// 422 with the problems of an uploaded model.
#[allow(clippy::needless_pass_by_value)] // used as `map_err(invalid_model)`
pub fn invalid_model(problems: Vec<Problem>) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_model",
        format!("the model has {}", count_errors(&problems)),
    )
    .with_details(json!({ "problems": problems }))
}

/// The entity tag of a model at `version`.
pub fn model_etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// The entity tags an `If-Match` header lists; `None` when it is absent.
pub fn if_match(headers: &HeaderMap) -> Option<Vec<String>> {
    let values: Vec<String> = headers
        .get_all(axum::http::header::IF_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/").to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    (!values.is_empty()).then_some(values)
}

/// 428: a write that would overwrite must say which state it starts from.
pub fn precondition_required(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::PRECONDITION_REQUIRED,
        "precondition_required",
        format!("send `If-Match` with the ETag of the {what} you edited"),
    )
}

/// A response with an `ETag` header.
pub fn with_etag(etag: &str, response: impl IntoResponse) -> axum::response::Response {
    let mut response = response.into_response();
    if let Ok(value) = axum::http::HeaderValue::from_str(etag) {
        response
            .headers_mut()
            .insert(axum::http::header::ETAG, value);
    }
    response
}
