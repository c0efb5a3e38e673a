//! What a version looks like to people and tools: the diff between two versions (JSON, or
//! Markdown for a pull request), the report in every format of `palisade report`, and the
//! data-flow diagram. Each is computed by the same library code as the command line
//! (`palisade_check::project`, `palisade_export::compose`, `palisade_diagram`) from the stored
//! version, loaded as `palisade_project` loads files.
//!
//! Downloads are answered with `Content-Disposition: attachment`, so a browser saves them
//! instead of showing them under this origin: the server's strict Content-Security-Policy then
//! does not apply to the HTML report, which carries its own (its inline style and script are
//! allowed by hash) when opened from disk.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use palisade_check::diff::{Diff, Side};
use palisade_export::compose;
use palisade_model::{Date, Model};
use serde::Deserialize;

use super::access;
use crate::AppState;
use crate::auth::Auth;
use crate::content::{self, LoadedVersion};
use crate::error::{ApiError, ApiResult};
use crate::store::{Role, StoredVersion};

/// Stored versions loaded with their documents (for diffs and reports), and rendered reports,
/// kept in memory: versions never change. Small, because a loaded version holds its parsed
/// OpenAPI documents.
#[derive(Default)]
pub struct DownloadCache {
    versions: Mutex<HashMap<(String, i64), Arc<LoadedVersion>>>,
    reports: Mutex<HashMap<ReportKey, Bytes>>,
}

/// A report: model, version, format, and the day it is dated (due dates depend on it).
type ReportKey = (String, i64, compose::Format, Date);

/// Most loaded versions kept.
const VERSIONS_KEPT: usize = 8;
/// Most rendered reports kept.
const REPORTS_KEPT: usize = 32;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl DownloadCache {
    /// Version `version` of model `model_id`, loaded.
    async fn version(
        &self,
        model_id: &str,
        version: &StoredVersion,
    ) -> ApiResult<Arc<LoadedVersion>> {
        let key = (model_id.to_owned(), version.info.version);
        if let Some(hit) = lock(&self.versions).get(&key) {
            return Ok(Arc::clone(hit));
        }
        let (format, body, specs) = (
            version.format.clone(),
            version.body.clone(),
            version.specs.clone(),
        );
        let loaded =
            tokio::task::spawn_blocking(move || content::load_version(&format, &body, &specs))
                .await
                .map_err(|e| ApiError::internal(format!("the load task failed: {e}")))?
                .map_err(|e| {
                    ApiError::internal(format!(
                        "stored version {} of model {model_id} no longer loads: {e}",
                        version.info.version
                    ))
                })?;
        let loaded = Arc::new(loaded);
        let mut versions = lock(&self.versions);
        if versions.len() >= VERSIONS_KEPT {
            versions.clear();
        }
        versions.insert(key, Arc::clone(&loaded));
        Ok(loaded)
    }
}

/// The stored version `version` (the latest when `None`) of a model the caller may read.
async fn stored(state: &AppState, id: &str, version: Option<i64>) -> ApiResult<StoredVersion> {
    state
        .store
        .version(id, version)
        .await?
        .ok_or_else(|| ApiError::not_found("version"))
}

/// How a diff is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DiffFormat {
    /// The structured diff (`palisade diff --format json`).
    Json,
    /// Markdown for a pull-request comment (`palisade diff`).
    Md,
}

/// Which versions to compare.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The older version; by default the one before `to` (before version 1: an empty model, so
    /// that everything shows as added).
    #[param(minimum = 1)]
    pub from: Option<i64>,
    /// The newer version; by default the latest.
    #[param(minimum = 1)]
    pub to: Option<i64>,
    /// `json` or `md`; without it, `Accept: text/markdown` asks for Markdown.
    #[param(inline)]
    pub format: Option<DiffFormat>,
}

/// What changed between two versions: entities and API operations added, removed or changed;
/// threats new, gone or re-rated; decisions changed; and the new unresolved threats at or above
/// the newer model's `policy.fail_on` (high by default). The same diff as `palisade diff`, as
/// JSON or as Markdown.
#[utoipa::path(get, path = "/api/models/{id}/diff", tag = "models",
    params(("id" = String, Path, description = "The model's id", max_length = 64), DiffQuery),
    responses((status = 200, description = "The diff",
        content(
            (String = "application/json"),
            (String = "text/markdown"),
        ))))]
pub async fn diff(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<DiffQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    access(&state, &auth, &id, Role::Viewer).await?;
    let result = versions_diff(&state, &id, query.from, query.to).await?;
    let markdown = match query.format {
        Some(format) => format == DiffFormat::Md,
        None => headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains("text/markdown")),
    };
    if markdown {
        Ok((
            [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
            result.markdown(),
        )
            .into_response())
    } else {
        Ok(axum::Json(result).into_response())
    }
}

/// The diff between versions `from` (by default the one before `to`) and `to` (by default the
/// latest) of model `id`: what the diff route answers, and what the web page's history shows.
/// The caller has checked access.
pub async fn versions_diff(
    state: &AppState,
    id: &str,
    from: Option<i64>,
    to: Option<i64>,
) -> ApiResult<Diff> {
    let newer = stored(state, id, to).await?;
    let to = newer.info.version;
    let older = match from {
        Some(from) => Some(stored(state, id, Some(from)).await?),
        None if to > 1 => Some(stored(state, id, Some(to - 1)).await?),
        None => None,
    };
    let new = state.downloads.version(id, &newer).await?;
    let old = match &older {
        Some(v) => Some(state.downloads.version(id, v).await?),
        None => None,
    };
    Ok(diff_of(
        old.as_deref(),
        older.as_ref().map(|v| v.info.version),
        &new,
        to,
    ))
}

/// The diff of two loaded versions, named `v<N>`; no older one is an empty model.
fn diff_of(old: Option<&LoadedVersion>, from: Option<i64>, new: &LoadedVersion, to: i64) -> Diff {
    let new_side = Side::of(format!("v{to}"), &new.input, &new.threats);
    let fail_on = palisade_check::project::diff_fail_on(&new.input, None);
    match (old, from) {
        (Some(old), Some(from)) => palisade_check::diff::diff(
            &Side::of(format!("v{from}"), &old.input, &old.threats),
            &new_side,
            fail_on,
        ),
        _ => {
            let empty = Model::new(new_side.model.map_or("", |m| m.system.name.as_str()));
            let old_side = Side {
                label: "v0 (empty)".to_owned(),
                model: Some(&empty),
                specs: Vec::new(),
                threats: &[],
            };
            palisade_check::diff::diff(&old_side, &new_side, fail_on)
        }
    }
}

/// A report format, as `palisade report --format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    #[default]
    Html,
    Pdf,
    Md,
    Json,
    Csv,
    Sarif,
}

impl From<ReportFormat> for compose::Format {
    fn from(f: ReportFormat) -> Self {
        match f {
            ReportFormat::Html => Self::Html,
            ReportFormat::Pdf => Self::Pdf,
            ReportFormat::Md => Self::Md,
            ReportFormat::Json => Self::Json,
            ReportFormat::Csv => Self::Csv,
            ReportFormat::Sarif => Self::Sarif,
        }
    }
}

/// Which report to make.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `html` (the default), `pdf`, `md`, `json`, `csv` or `sarif`.
    #[param(inline)]
    pub format: Option<ReportFormat>,
    /// A version number; the latest when left out.
    #[param(minimum = 1)]
    pub version: Option<i64>,
}

/// `<model-slug>-v<N>.<ext>`, in ASCII (`model` when the name has no ASCII letter or digit).
fn file_name(model: &str, version: i64, ext: &str) -> String {
    let mut slug = String::new();
    for c in palisade_project::slug(model).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "model" } else { slug };
    format!("{slug}-v{version}.{ext}")
}

/// A download: its media type and `Content-Disposition: attachment` with its file name.
fn download(media_type: &'static str, name: &str, body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The threat model report of a version (the latest by default), as `palisade report` makes it,
/// dated today: HTML (self-contained), PDF, Markdown, JSON, CSV or SARIF, as a download named
/// `<model>-v<N>.<ext>`.
#[utoipa::path(get, path = "/api/models/{id}/report", tag = "threats",
    params(("id" = String, Path, description = "The model's id", max_length = 64), ReportQuery),
    responses((status = 200, description = "The report, as an attachment",
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"<model>-v<N>.<ext>\"`")),
        content(
            (String = "text/html"),
            (String = "application/pdf"),
            (String = "text/markdown"),
            (String = "application/json"),
            (String = "text/csv"),
            (String = "application/sarif+json"),
        ))))]
pub async fn report(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<ReportQuery>,
) -> ApiResult<Response> {
    access(&state, &auth, &id, Role::Viewer).await?;
    let version = stored(&state, &id, query.version).await?;
    let format = compose::Format::from(query.format.unwrap_or_default());
    let today = content::today();
    let key = (id.clone(), version.info.version, format, today);
    let name = |model: &str| file_name(model, version.info.version, format.name());
    let cached = lock(&state.downloads.reports).get(&key).cloned();
    let loaded = state.downloads.version(&id, &version).await?;
    let bytes = match cached {
        Some(bytes) => bytes,
        None => {
            let job = Arc::clone(&loaded);
            let bytes = tokio::task::spawn_blocking(move || render_report(&job, format, today))
                .await
                .map_err(|e| ApiError::internal(format!("the report task failed: {e}")))??;
            let bytes = Bytes::from(bytes);
            let mut reports = lock(&state.downloads.reports);
            if reports.len() >= REPORTS_KEPT {
                reports.clear();
            }
            reports.insert(key, bytes.clone());
            bytes
        }
    };
    let model_name = compose::subject(&loaded.input).system.name.clone();
    Ok(download(format.media_type(), &name(&model_name), bytes))
}

/// Checks the version as `palisade report` does (its own policy, no missing documents) and
/// renders the report.
fn render_report(
    loaded: &LoadedVersion,
    format: compose::Format,
    today: Date,
) -> ApiResult<Vec<u8>> {
    let checked = palisade_check::project::check(
        &loaded.input,
        &palisade_check::project::Options {
            missing_specs: &[],
            file_policy: None,
            fail_on: None,
            spec_hashes: &loaded.spec_hashes,
            today,
        },
    );
    let report = compose::report(
        &loaded.input,
        &checked,
        &compose::Hashes {
            model: Some(&loaded.model_hash),
            specs: &loaded.spec_hashes,
        },
        today,
        env!("CARGO_PKG_VERSION"),
    );
    compose::render(format, &report, &loaded.input, &checked, None)
        .map_err(|e| ApiError::internal(format!("cannot render the {} report: {e}", format.name())))
}

/// A diagram format, as `palisade diagram --format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DiagramFormat {
    #[default]
    Svg,
    Dot,
    Mermaid,
}

/// Which diagram to draw.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiagramQuery {
    /// `svg` (the default), `dot` or `mermaid`.
    #[param(inline)]
    pub format: Option<DiagramFormat>,
    /// A version number; the latest when left out.
    #[param(minimum = 1)]
    pub version: Option<i64>,
    /// Mark each element and flow with the number of its unresolved threats (as `palisade
    /// diagram --threats`).
    #[serde(default)]
    pub threats: bool,
}

/// The data-flow diagram of a version (the latest by default), laid out by Palisade (stored
/// versions have no layout file): SVG, Graphviz DOT or Mermaid, as a download named
/// `<model>-v<N>.<ext>`.
#[utoipa::path(get, path = "/api/models/{id}/diagram", tag = "models",
    params(("id" = String, Path, description = "The model's id", max_length = 64), DiagramQuery),
    responses((status = 200, description = "The diagram, as an attachment",
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"<model>-v<N>.<ext>\"`")),
        content(
            (String = "image/svg+xml"),
            (String = "text/vnd.graphviz"),
            (String = "text/plain"),
        ))))]
pub async fn diagram(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<DiagramQuery>,
) -> ApiResult<Response> {
    access(&state, &auth, &id, Role::Viewer).await?;
    let version = stored(&state, &id, query.version).await?;
    let analyzed = state.analyses.get(&id, &version).await?;
    let format = match query.format.unwrap_or_default() {
        DiagramFormat::Svg => palisade_diagram::Format::Svg,
        DiagramFormat::Dot => palisade_diagram::Format::Dot,
        DiagramFormat::Mermaid => palisade_diagram::Format::Mermaid,
    };
    let mut options = palisade_diagram::Options::default();
    if query.threats {
        options = options.with_unresolved_threats(&analyzed.threats);
    }
    let job = Arc::clone(&analyzed);
    let text =
        tokio::task::spawn_blocking(move || palisade_diagram::render(&job.model, format, &options))
            .await
            .map_err(|e| ApiError::internal(format!("the diagram task failed: {e}")))?;
    let name = file_name(
        &analyzed.model.system.name,
        version.info.version,
        format.extension(),
    );
    Ok(download(format.media_type(), &name, text))
}

/// The bodies of the downloads that annotations cannot describe: the diff and the JSON report
/// by the engine's schemas (from `schemars`), SARIF as an object, the PDF as binary (no schema,
/// as OpenAPI 3.1 describes raw bytes).
pub(super) fn document_bodies(doc: &mut serde_json::Value) {
    use serde_json::json;
    let schema = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let text = json!({ "type": "string" });
    let bodies = [
        (
            "/api/models/{id}/diff",
            "application/json",
            Some(schema("Diff")),
        ),
        ("/api/models/{id}/diff", "text/markdown", Some(text.clone())),
        (
            "/api/models/{id}/report",
            "application/json",
            Some(schema("Report")),
        ),
        (
            "/api/models/{id}/report",
            "application/sarif+json",
            Some(json!({ "type": "object", "description": "A SARIF 2.1.0 log" })),
        ),
        ("/api/models/{id}/report", "application/pdf", None),
    ];
    for (path, media, schema) in bodies {
        let content = &mut doc["paths"][path]["get"]["responses"]["200"]["content"][media];
        match schema {
            Some(schema) => content["schema"] = schema,
            None => {
                if let Some(object) = content.as_object_mut() {
                    object.remove("schema");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_ascii_slugs() {
        assert_eq!(file_name("Nimbus Shop", 3, "pdf"), "nimbus-shop-v3.pdf");
        assert_eq!(file_name("Zürich \"API\"", 1, "md"), "z-rich-api-v1.md");
        assert_eq!(file_name("支付", 2, "svg"), "model-v2.svg");
        assert_eq!(file_name("", 1, "csv"), "model-v1.csv");
    }
}
