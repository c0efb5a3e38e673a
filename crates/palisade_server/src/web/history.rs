//! `/models/{id}/history`: every version (who, when, why), the difference between two of them,
//! and the form that uploads a new version (`multipart/form-data`: the model file and the
//! OpenAPI documents it names). An upload is checked exactly as the API checks one and saved
//! only on top of the version the page showed: if someone saved in between, nothing is
//! overwritten and the page says so.

use std::collections::BTreeMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use minijinja::{Value, context};
use serde::Deserialize;

use super::render::render_status;
use super::{WebResult, WebSession, see_other};
use crate::AppState;
use crate::api::{RequestId, access, check_blocking, convert_blocking, count_errors};
use crate::content::{MAX_SPECS, Problem, check_spec_path};
use crate::error::ApiError;
use crate::import::{Converted, UploadFormat};
use crate::store::{AuditRecord, NewVersion, Role, SaveOutcome};

#[derive(Debug, Default, Deserialize)]
pub struct HistoryQuery {
    #[serde(default)]
    saved: Option<i64>,
    /// Compare version `from` with version `to`.
    #[serde(default)]
    from: Option<i64>,
    #[serde(default)]
    to: Option<i64>,
}

/// What the page shows besides the history.
#[derive(Default)]
struct Extra {
    saved: Option<i64>,
    /// The diff between two versions, in Markdown (what `palisade diff` writes).
    diff: Option<String>,
    compared: Option<(Option<i64>, Option<i64>)>,
    error: Option<String>,
    problems: Vec<Problem>,
}

/// `GET /models/{id}/history`.
pub async fn page(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> WebResult {
    let mut extra = Extra {
        saved: query.saved,
        ..Extra::default()
    };
    if query.from.is_some() || query.to.is_some() {
        access(&state, &session.auth(), &id, Role::Viewer).await?;
        let diff = crate::api::versions_diff(&state, &id, query.from, query.to).await?;
        extra.diff = Some(diff.markdown());
        extra.compared = Some((query.from, query.to));
    }
    show(&state, &session, &id, StatusCode::OK, extra).await
}

async fn show(
    state: &AppState,
    session: &WebSession,
    id: &str,
    status: StatusCode,
    extra: Extra,
) -> WebResult {
    let role = access(state, &session.auth(), id, Role::Viewer).await?;
    let summary = state
        .store
        .model(&session.user.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("model"))?;
    let versions = state.store.versions(id).await?;
    let rows: Vec<Value> = versions
        .iter()
        .map(|v| {
            context! {
                version => v.version,
                author => &v.author,
                created_at => v.created_at,
                message => &v.message,
                hash => v.hash.get(..12).unwrap_or(&v.hash),
            }
        })
        .collect();
    render_status(
        status,
        "history.html",
        context! {
            user => &session.user.name,
            csrf => &session.csrf,
            model => context! {
                id => id,
                name => summary.name,
                version => summary.latest_version,
                role => role.as_str(),
            },
            can_edit => role >= Role::Editor,
            versions => rows,
            diff => extra.diff.map(|md| Value::from_safe_string(palisade_export::html::markdown_html(&md))),
            from => extra.compared.and_then(|c| c.0).or_else(|| versions.get(1).map(|v| v.version)),
            to => extra.compared.and_then(|c| c.1).or_else(|| versions.first().map(|v| v.version)),
            formats => FORMATS.iter().map(|(v, l)| context! { value => *v, label => *l }).collect::<Vec<_>>(),
            saved => extra.saved,
            error => extra.error,
            problems => super::render::ser(&extra.problems),
        },
    )
}

/// The formats the upload form offers: `(value, label)`.
pub(super) const FORMATS: &[(&str, &str)] = &[
    ("auto", "Tell from the file"),
    ("palisade", "Palisade model"),
    ("openapi", "OpenAPI document (a first model is derived)"),
    ("threat-dragon", "OWASP Threat Dragon"),
    ("otm", "Open Threat Model"),
    ("threagile", "Threagile"),
    ("pytm", "pytm (--json)"),
    ("threat-composer", "AWS Threat Composer"),
    ("tm7", "Microsoft Threat Modeling Tool (.tm7)"),
];

/// A problem as the API's error details carry it (only what the page shows).
#[derive(Deserialize)]
struct ProblemView {
    #[serde(default)]
    code: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    rendered: String,
}

impl ProblemView {
    fn into_problem(self) -> Problem {
        Problem {
            code: self.code,
            severity: self.severity,
            message: self.message,
            file: None,
            line: None,
            column: None,
            help: Vec::new(),
            rendered: self.rendered,
        }
    }
}

/// The fields of the upload form.
#[derive(Default)]
pub(super) struct UploadForm {
    pub(super) csrf: String,
    base: Option<i64>,
    format: Option<String>,
    message: Option<String>,
    model: Option<(String, String)>,
    specs: Vec<(String, String)>,
}

pub(super) async fn read_form(mut multipart: Multipart) -> Result<UploadForm, ApiError> {
    let mut form = UploadForm::default();
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::new(e.status(), "bad_request", e.body_text())
    };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let text = field.text().await.map_err(bad)?;
        match name.as_str() {
            "csrf" => form.csrf = text,
            "base" => form.base = text.trim().parse().ok(),
            "format" => form.format = Some(text.trim().to_owned()).filter(|f| !f.is_empty()),
            "message" => form.message = Some(text.trim().to_owned()).filter(|m| !m.is_empty()),
            "model" if !text.is_empty() => {
                form.model = Some((file_name.unwrap_or_default(), text));
            }
            "specs" if !text.is_empty() => {
                form.specs.push((file_name.unwrap_or_default(), text));
            }
            _ => {}
        }
    }
    Ok(form)
}

/// Each uploaded document under the path the model's `apis[].spec` names it by (matched by file
/// name, since browsers send only that), or else under its own name.
fn place_specs(
    model_text: &str,
    format: &str,
    files: Vec<(String, String)>,
) -> Result<BTreeMap<String, String>, ApiError> {
    let named: Vec<String> =
        palisade_loader::load_str(crate::content::model_file(format), model_text)
            .map(|loaded| {
                loaded
                    .model
                    .apis
                    .iter()
                    .filter_map(|a| a.spec.clone())
                    .collect()
            })
            .unwrap_or_default();
    if files.len() > MAX_SPECS {
        return Err(ApiError::bad_request(format!(
            "{} documents: at most {MAX_SPECS} per version",
            files.len()
        )));
    }
    let mut specs = BTreeMap::new();
    for (file_name, text) in files {
        let base = file_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .to_owned();
        let path = named
            .iter()
            .find(|p| p.rsplit('/').next() == Some(base.as_str()))
            .cloned()
            .unwrap_or(base);
        check_spec_path(&path).map_err(ApiError::bad_request)?;
        specs.insert(path, text);
    }
    Ok(specs)
}

/// `POST /models/{id}/history`: saves an uploaded file as a new version.
pub async fn upload(
    State(state): State<AppState>,
    session: WebSession,
    request_id: RequestId,
    Path(id): Path<String>,
    multipart: Multipart,
) -> WebResult {
    let form = read_form(multipart).await?;
    session.check_csrf(&form.csrf)?;
    let auth = session.auth();
    access(&state, &auth, &id, Role::Editor).await?;
    let fail = |status: StatusCode, error: String, problems: Vec<Problem>| {
        let (state, session, id) = (state.clone(), session.clone(), id.clone());
        async move {
            show(
                &state,
                &session,
                &id,
                status,
                Extra {
                    error: Some(error),
                    problems,
                    ..Extra::default()
                },
            )
            .await
        }
    };
    let Some(base) = form.base else {
        return fail(
            StatusCode::BAD_REQUEST,
            "The form does not say which version it was opened on: reload the page.".into(),
            Vec::new(),
        )
        .await;
    };
    let version = match prepare(form).await {
        Ok(version) => version,
        Err(refused) => return fail(refused.status, refused.message, refused.problems).await,
    };
    let audit = AuditRecord {
        actor: auth.user.name.clone(),
        action: "model.update".into(),
        request_id: request_id.0,
        ..AuditRecord::default()
    };
    match state
        .store
        .save_version(&id, &auth.user, base, &version, audit)
        .await?
    {
        SaveOutcome::Saved(info) => Ok(see_other(&format!(
            "/models/{id}/history?saved={}",
            info.version
        ))),
        SaveOutcome::Stale { current: None } => Err(ApiError::not_found("model").into()),
        SaveOutcome::Stale {
            current: Some(current),
        } => {
            fail(
                StatusCode::CONFLICT,
                format!(
                    "Version {current} was saved since you opened this page (you started from \
                     version {base}); nothing was saved. Look at what changed, then upload again."
                ),
                Vec::new(),
            )
            .await
        }
    }
}

/// Why an upload form was not saved: what the page says, with the model's problems.
pub(super) struct Refused {
    pub(super) status: StatusCode,
    pub(super) message: String,
    pub(super) problems: Vec<Problem>,
}

impl Refused {
    fn new(status: StatusCode, message: String, problems: Vec<Problem>) -> Self {
        Self {
            status,
            message,
            problems,
        }
    }
}

impl From<ApiError> for Refused {
    fn from(e: ApiError) -> Self {
        Self::new(e.status, e.message, Vec::new())
    }
}

/// An upload form's file turned into a checked version, exactly as the API converts and checks
/// an upload (a Palisade model as it is, an OpenAPI document or another tool's model turned into
/// one), or why not.
pub(super) async fn prepare(form: UploadForm) -> Result<NewVersion, Refused> {
    let Some((file_name, text)) = form.model else {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            "Choose the model file to upload.".into(),
            Vec::new(),
        ));
    };
    // The API's conversion: a Palisade model as it is, an OpenAPI document or another tool's
    // model turned into one (told from the content unless the form says).
    let kind = match form.format.as_deref() {
        None | Some("auto") => None,
        Some(name) => match serde_json::from_value::<UploadFormat>(serde_json::Value::from(name)) {
            Ok(f) => Some(f),
            Err(_) => {
                return Err(Refused::new(
                    StatusCode::BAD_REQUEST,
                    format!("Unknown format `{name}`."),
                    Vec::new(),
                ));
            }
        },
    };
    let extension = std::path::Path::new(&file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let media = if extension == "json" || text.trim_start().starts_with('{') {
        "application/json"
    } else if extension == "tm7" || extension == "xml" {
        "application/xml"
    } else {
        "application/yaml"
    };
    let converted = convert_blocking(kind, Some(media.to_owned()), text.into_bytes().into()).await;
    let Converted { upload, .. } = match converted {
        Ok(c) => c,
        Err(e) => {
            let problems: Vec<Problem> = e
                .details
                .as_ref()
                .and_then(|d| d.get("problems"))
                .and_then(|p| serde_json::from_value::<Vec<ProblemView>>(p.clone()).ok())
                .map(|v| v.into_iter().map(ProblemView::into_problem).collect())
                .unwrap_or_default();
            return Err(Refused::new(
                e.status,
                format!("{} Nothing was saved.", e.message),
                problems,
            ));
        }
    };
    let format = upload.format;
    let text = upload.body;
    let specs = if upload.specs.is_empty() {
        match place_specs(&text, format, form.specs) {
            Ok(specs) => specs,
            Err(e) => return Err(Refused::new(e.status, e.message, Vec::new())),
        }
    } else {
        upload.specs
    };
    let checked = match check_blocking(format.to_owned(), text.clone(), specs.clone())
        .await
        .map_err(Refused::from)?
    {
        Ok(checked) => checked,
        Err(problems) => {
            return Err(Refused::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "The model has {}; nothing was saved.",
                    count_errors(&problems)
                ),
                problems,
            ));
        }
    };
    Ok(NewVersion {
        name: checked.model.system.name.clone(),
        format: format.to_owned(),
        body: text,
        specs,
        message: form
            .message
            .or_else(|| Some(format!("uploaded {file_name}"))),
    })
}
