//! Model content: reading an upload (a YAML or JSON model, or a JSON envelope with the OpenAPI
//! documents it references), checking it with the same loader and engine as the command line,
//! and editing the decision about one threat into it.
//!
//! A version is checked by laying its files out in a private temporary folder (the model, and
//! each document at the path `apis[].spec` names it by) and loading them with
//! `palisade_project::load`: exactly what `palisade analyze` does with files on disk, `$ref`s
//! between uploaded documents included and never outside that folder. Paths in what the user
//! sees are given relative to that folder.

use std::collections::BTreeMap;
use std::path::{Component, Path};
use std::sync::Arc;

use palisade_diagnostics::{Diagnostic, SourceFile, SourceMap, render};
use palisade_model::{
    Date, MitigationId, Model, Status, Strategy, StringEnum as _, ThreatEntry, ThreatId, Ticket,
};
use palisade_project::Input;
use palisade_rules::{Settings, Threat};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ApiError;

/// Most OpenAPI documents one version may carry.
pub const MAX_SPECS: usize = 64;

/// A model as uploaded.
#[derive(Debug, Clone)]
pub struct Upload {
    /// `yaml` or `json`.
    pub format: &'static str,
    pub body: String,
    pub specs: BTreeMap<String, String>,
    pub message: Option<String>,
}

/// The JSON envelope: a model with the OpenAPI documents its `apis[].spec` name.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The model's text, YAML or JSON.
    #[schema(max_length = 16_777_216)]
    pub model: String,
    /// `yaml` or `json`; guessed from the text when absent.
    #[serde(default)]
    #[schema(max_length = 4)]
    pub format: Option<String>,
    /// Each OpenAPI document's text, by the relative path `apis[].spec` names it with.
    #[serde(default)]
    pub specs: BTreeMap<String, String>,
    /// A note saved with the version.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub message: Option<String>,
}

/// One problem found in an uploaded model, with its place.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// The stable diagnostic code, such as `PAL-E0102`.
    pub code: String,
    /// `error`, `warning` or `note`.
    pub severity: String,
    pub message: String,
    /// The file, relative to the upload: the model is `palisade.yaml` (or `.json`).
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub help: Vec<String>,
    /// The diagnostic as the command line shows it, the offending text underlined.
    pub rendered: String,
}

/// A version that loaded: its model and threats, and its warnings.
#[derive(Debug, Clone)]
pub struct Checked {
    pub model: Model,
    pub threats: Vec<Threat>,
    pub warnings: Vec<Problem>,
    /// `palisade check` of the version: coverage, drift, the risk matrix.
    pub report: palisade_check::Report,
}

pub(crate) fn is_yaml_type(media: &str) -> bool {
    matches!(
        media,
        "application/yaml" | "application/x-yaml" | "text/yaml" | "text/x-yaml"
    )
}

/// Reads an upload body given its `Content-Type`.
pub fn parse_upload(content_type: Option<&str>, bytes: &[u8]) -> Result<Upload, ApiError> {
    let media = content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ApiError::bad_request(format!("the body is not UTF-8: {e}")))?;
    if is_yaml_type(&media) {
        return Ok(Upload {
            format: "yaml",
            body: text.to_owned(),
            specs: BTreeMap::new(),
            message: None,
        });
    }
    if media != "application/json" {
        return Err(ApiError::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send a model as `application/yaml` or `application/json`, or a JSON envelope \
             `{\"model\": \"…\", \"specs\": {\"path\": \"…\"}}` as `application/json`",
        ));
    }
    // A JSON envelope has a string `model`; a Palisade model never has a `model` key.
    let is_envelope = serde_json::from_str::<serde_json::Map<String, Value>>(text)
        .ok()
        .is_some_and(|map| map.get("model").is_some_and(Value::is_string));
    if !is_envelope {
        return Ok(Upload {
            format: "json",
            body: text.to_owned(),
            specs: BTreeMap::new(),
            message: None,
        });
    }
    let envelope: Envelope = serde_json::from_str(text)
        .map_err(|e| ApiError::bad_request(format!("invalid envelope: {e}")))?;
    let format = match envelope.format.as_deref() {
        Some("yaml") => "yaml",
        Some("json") => "json",
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "unknown format `{other}`: use `yaml` or `json`"
            )));
        }
        None if envelope.model.trim_start().starts_with('{') => "json",
        None => "yaml",
    };
    if envelope.specs.len() > MAX_SPECS {
        return Err(ApiError::bad_request(format!(
            "{} documents: at most {MAX_SPECS} per version",
            envelope.specs.len()
        )));
    }
    for path in envelope.specs.keys() {
        check_spec_path(path).map_err(ApiError::bad_request)?;
        // A path cannot be both a document and a folder of another one.
        let folder = format!("{path}/");
        if let Some(inner) = envelope
            .specs
            .keys()
            .find(|other| other.starts_with(&folder))
        {
            return Err(ApiError::bad_request(format!(
                "document path `{path}` is also the folder of `{inner}`"
            )));
        }
    }
    if let Some(message) = &envelope.message
        && message.chars().count() > 1000
    {
        return Err(ApiError::bad_request(
            "`message` is longer than 1000 characters",
        ));
    }
    Ok(Upload {
        format,
        body: envelope.model,
        specs: envelope.specs,
        message: envelope.message,
    })
}

/// A document path must be relative and stay inside the upload: plain names separated by `/`.
pub fn check_spec_path(path: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("document path `{path}` {why}"));
    if path.is_empty() || path.len() > 255 {
        return bad("must have 1 to 255 characters");
    }
    if path.contains('\\') || path.contains('\0') || path.contains(':') {
        return bad("must not contain `\\`, `:` or NUL");
    }
    let model_file = ["palisade.yaml", "palisade.json"];
    if model_file.contains(&path) {
        return bad("is the model's own file name");
    }
    for component in Path::new(path).components() {
        if !matches!(component, Component::Normal(_)) {
            return bad("must be relative, without `.` or `..`");
        }
    }
    if path.split('/').any(str::is_empty) {
        return bad("must not have empty segments");
    }
    Ok(())
}

/// The file name the model is checked under, for its format.
pub fn model_file(format: &str) -> &'static str {
    if format == "json" {
        "palisade.json"
    } else {
        "palisade.yaml"
    }
}

/// Loads and analyzes a version, as `palisade analyze` would with these files on disk.
///
/// Blocking (file IO and CPU): call it from `spawn_blocking`.
pub fn check(
    format: &str,
    body: &str,
    specs: &BTreeMap<String, String>,
) -> Result<Result<Checked, Vec<Problem>>, std::io::Error> {
    let (dir, model_path) = lay_out(format, body, specs)?;
    let loaded = palisade_project::load(std::slice::from_ref(&model_path));
    let prefix = format!("{}/", dir.path().display());
    let clean = |text: &str| text.replace(&prefix, "");
    let mut sources = SourceMap::default();
    for file in loaded.sources.iter() {
        sources.add(SourceFile::new(clean(file.path()), file.text_arc()));
    }
    let problems: Vec<Problem> = loaded
        .diagnostics
        .iter()
        .map(|d| problem(d, &clean, &sources))
        .collect();
    if loaded.failed {
        return Ok(Err(problems));
    }
    let (model, file, specs) = match loaded.inputs.into_iter().next() {
        Some(Input::Model { model, file, specs }) => (model, file, specs),
        Some(Input::Spec { .. }) => {
            // The model loader names what the file is instead, with the way to read it.
            let label = model_file(format);
            let mut sources = SourceMap::default();
            sources.add(SourceFile::new(label, body));
            let diagnostics = match palisade_loader::load_str(label, body) {
                Err(failure) => failure.diagnostics,
                Ok(_) => Vec::new(),
            };
            return Ok(Err(diagnostics
                .iter()
                .map(|d| problem(d, &clean, &sources))
                .collect()));
        }
        // `load` of one file yields its input, or fails.
        None => return Ok(Err(problems)),
    };
    let file = clean(&file);
    let input = Input::Model {
        model: model.clone(),
        file: file.clone(),
        specs,
    };
    let mut threats = input.analyze(&Settings::default());
    for threat in &mut threats {
        if let Some(location) = &mut threat.location {
            location.file = Arc::from(clean(&location.file));
        }
    }
    let Input::Model { specs, .. } = &input else {
        unreachable!("built as a model above")
    };
    let report = check_report(&model, &file, &model_path, specs, &threats);
    Ok(Ok(Checked {
        model: *model,
        threats,
        warnings: problems,
        report,
    }))
}

/// `palisade check` of a loaded version (the model's own policy, today's date): coverage,
/// drift and the risk matrix, for the web page's summaries.
fn check_report(
    model: &Model,
    file: &str,
    model_path: &Path,
    specs: &[(String, palisade_openapi::Spec)],
    threats: &[Threat],
) -> palisade_check::Report {
    let policy = palisade_check::EffectivePolicy::resolve(model.policy.as_ref(), None);
    let specs = specs
        .iter()
        .map(|(api, spec)| palisade_check::SpecInput {
            api,
            spec,
            hash: model
                .api(api)
                .and_then(|a| a.spec.as_deref())
                .and_then(|rel| {
                    palisade_project::content_hash(&palisade_project::spec_file(model_path, rel))
                        .ok()
                }),
        })
        .collect();
    palisade_check::check(
        &palisade_check::Input {
            model,
            file,
            specs,
            missing_specs: Vec::new(),
            threats,
            today: today(),
        },
        &policy,
    )
}

/// Writes a version's files into a new private temporary folder: the model, and each document
/// at its path. Returns the folder (deleted when dropped) and the model's path.
fn lay_out(
    format: &str,
    body: &str,
    specs: &BTreeMap<String, String>,
) -> std::io::Result<(tempfile::TempDir, std::path::PathBuf)> {
    let dir = tempfile::Builder::new()
        .prefix("palisade-check-")
        .tempdir()?;
    let model_path = dir.path().join(model_file(format));
    std::fs::write(&model_path, body)?;
    for (rel, text) in specs {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
    }
    Ok((dir, model_path))
}

/// A stored version loaded as `palisade_project` loads files, with its files named relative to
/// the upload (`palisade.yaml`, `openapi/shop.yaml`), and the hashes a report records.
pub struct LoadedVersion {
    pub input: Input,
    /// The model's threats (default settings, as `palisade analyze` and the analysis route).
    pub threats: Vec<Threat>,
    /// `sha256:<hex>` of the model text.
    pub model_hash: String,
    /// `sha256:<hex>` of each document, by API id.
    pub spec_hashes: BTreeMap<String, String>,
}

/// Loads a stored version for reports and diffs. Blocking (file IO and CPU).
///
/// `Err` when it does not load any more, which a stored version always did when it was saved.
pub fn load_version(
    format: &str,
    body: &str,
    specs: &BTreeMap<String, String>,
) -> Result<LoadedVersion, String> {
    let (dir, model_path) = lay_out(format, body, specs).map_err(|e| e.to_string())?;
    let mut loaded = palisade_project::load_with(
        std::slice::from_ref(&model_path),
        &palisade_project::Options {
            labels_relative_to: Some(dir.path().to_path_buf()),
            ..palisade_project::Options::default()
        },
    );
    let first_error = || {
        loaded
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map_or_else(|| "it loads as nothing".to_owned(), |d| d.message.clone())
    };
    if loaded.failed {
        return Err(first_error());
    }
    let Some(input) = loaded.inputs.pop() else {
        return Err(first_error());
    };
    let mut spec_hashes = BTreeMap::new();
    if let Input::Model { model, specs, .. } = &input {
        for (api, _) in specs {
            if let Some(rel) = model.api(api).and_then(|a| a.spec.as_deref()) {
                let hash = palisade_project::content_hash(&dir.path().join(rel))
                    .map_err(|e| e.to_string())?;
                spec_hashes.insert(api.clone(), hash);
            }
        }
    }
    let threats = input.analyze(&Settings::default());
    Ok(LoadedVersion {
        input,
        threats,
        model_hash: palisade_project::bytes_hash(body.as_bytes()),
        spec_hashes,
    })
}

/// Diagnostics as problems, their files named as they are.
pub fn problems(diagnostics: &[Diagnostic], sources: &SourceMap) -> Vec<Problem> {
    diagnostics
        .iter()
        .map(|d| problem(d, &str::to_owned, sources))
        .collect()
}

fn problem(d: &Diagnostic, clean: &dyn Fn(&str) -> String, sources: &SourceMap) -> Problem {
    let mut d = d.clone();
    d.file = d.file.as_deref().map(|f| Arc::from(clean(f)));
    d.message = clean(&d.message);
    d.help = d.help.iter().map(|h| clean(h)).collect();
    d.notes = d.notes.iter().map(|n| clean(n)).collect();
    if d.message.starts_with("cannot read `") && !d.message.contains("root directory") {
        d.help.push(
            "send each document `apis[].spec` names with the model, in a JSON envelope: \
             `{\"model\": \"…\", \"specs\": {\"<that path>\": \"…\"}}`"
                .to_owned(),
        );
    }
    let span = d.primary_span();
    Problem {
        code: d.code.clone(),
        severity: serde_json::to_value(d.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        message: d.message.clone(),
        file: d.file.as_deref().map(str::to_owned),
        line: span.map(|s| s.start.line),
        column: span.map(|s| s.start.col),
        help: d.help.clone(),
        rendered: render::human(&d, sources, false),
    }
}

/// A change to the decision about one threat: a JSON merge patch (a field set to `null` is
/// cleared; a field left out is kept).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(clippy::option_option)] // merge-patch: left out, `null`, or a value
pub struct DecisionPatch {
    /// `open`, `needs_investigation`, `in_progress`, `mitigated`, `accepted`, `transferred`,
    /// `avoided`, `not_applicable` or `false_positive`.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub status: Option<Option<String>>,
    /// `reduce`, `transfer`, `avoid` or `accept`.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub strategy: Option<Option<String>>,
    /// Why: required for `accept` and `transfer`.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub justification: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub owner: Option<Option<String>>,
    /// The tracking ticket: an id or URL.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub ticket: Option<Option<String>>,
    /// When the decision was made, `YYYY-MM-DD`; today (UTC) when left out.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub date: Option<Option<String>>,
    /// Who verified the decision.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub checked_by: Option<Option<String>>,
    /// The mitigations (ids under the model's `mitigations:`) that address the threat; the list
    /// replaces the recorded one.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Vec<String>>, max_items = 200)]
    pub mitigations: Option<Option<Vec<String>>>,
}

/// Tells a field set to `null` (`Some(None)`) from one left out (`None`).
#[allow(clippy::option_option)]
fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The decision recorded about `id` in `model`, if any.
pub fn decision<'m>(model: &'m Model, id: &str) -> Option<&'m ThreatEntry> {
    model.threats.iter().find(|t| t.id.as_str() == id)
}

/// The entity tag of a threat's decision: changes whenever the decision does, and only then.
pub fn decision_etag(entry: Option<&ThreatEntry>) -> String {
    let text = entry.map_or_else(
        || "null".to_owned(),
        |e| serde_json::to_string(e).unwrap_or_default(),
    );
    format!("\"d-{}\"", &crate::store::sha256_hex(text.as_bytes())[..16])
}

/// The longest text a decision field may hold.
pub const MAX_FIELD: usize = 2000;

/// Applies `patch` to the decision about threat `id` in `model`; returns the entry after.
pub fn apply_decision(
    model: &mut Model,
    id: &str,
    patch: &DecisionPatch,
    today: Date,
) -> Result<ThreatEntry, ApiError> {
    let index = match model.threats.iter().position(|t| t.id.as_str() == id) {
        Some(i) => i,
        None => {
            model.threats.push(ThreatEntry {
                id: ThreatId::new(id.to_owned()),
                ..ThreatEntry::default()
            });
            model.threats.len() - 1
        }
    };
    let known_mitigations: Vec<String> = model
        .mitigations
        .iter()
        .map(|m| m.id.as_str().to_owned())
        .collect();
    let entry = &mut model.threats[index];
    if let Some(status) = &patch.status {
        entry.status = status
            .as_deref()
            .map(|s| {
                Status::parse(s).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "unknown status `{s}`: use one of {}",
                        Status::ALL
                            .iter()
                            .map(|v| v.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })
            })
            .transpose()?;
    }
    if let Some(strategy) = &patch.strategy {
        entry.strategy = strategy
            .as_deref()
            .map(|s| {
                Strategy::parse(s).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "unknown strategy `{s}`: use one of {}",
                        Strategy::ALL
                            .iter()
                            .map(|v| v.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })
            })
            .transpose()?;
    }
    let text = |v: &Option<String>| {
        v.as_ref()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    if let Some(v) = &patch.justification {
        entry.justification = text(v);
    }
    if let Some(v) = &patch.owner {
        entry.owner = text(v);
    }
    if let Some(v) = &patch.checked_by {
        entry.checked_by = text(v);
    }
    if let Some(v) = &patch.ticket {
        entry.ticket = text(v).map(|t| {
            if t.starts_with("https://") || t.starts_with("http://") {
                Ticket {
                    url: Some(t),
                    ..Ticket::default()
                }
            } else {
                Ticket {
                    id: Some(t),
                    ..Ticket::default()
                }
            }
        });
    }
    if let Some(list) = &patch.mitigations {
        let list = list.as_deref().unwrap_or_default();
        if list.len() > 200 {
            return Err(ApiError::bad_request("at most 200 mitigations"));
        }
        let mut ids = Vec::with_capacity(list.len());
        for m in list {
            let m = m.trim();
            if known_mitigations.iter().all(|k| k != m) {
                return Err(ApiError::bad_request(format!(
                    "no mitigation `{m}` under the model's `mitigations:`{}",
                    if known_mitigations.is_empty() {
                        String::new()
                    } else {
                        format!(": use one of {}", known_mitigations.join(", "))
                    }
                )));
            }
            if ids.iter().all(|i: &MitigationId| i.as_str() != m) {
                ids.push(MitigationId::new(m.to_owned()));
            }
        }
        entry.mitigations = ids;
    }
    match &patch.date {
        Some(Some(d)) => {
            entry.date = Some(
                d.parse::<Date>()
                    .map_err(|e| ApiError::bad_request(format!("invalid `date` `{d}`: {e}")))?,
            );
        }
        Some(None) => entry.date = None,
        None => entry.date = Some(today),
    }
    Ok(entry.clone())
}

/// Today's date in UTC.
pub fn today() -> Date {
    let date = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    Date::new(
        i32::from(date.year()),
        date.month().unsigned_abs(),
        date.day().unsigned_abs(),
    )
    .unwrap_or(Date {
        year: 1970,
        month: 1,
        day: 1,
    })
}

/// The stored text with the decision about `id` set to `after`, edited in place so that the
/// person's comments, order and formatting stay (`palisade_loader::set_threat_fields`, as
/// `palisade threat set` does). `None` when a field the decision had was cleared: the editor
/// only sets keys, so the caller falls back to [`serialize`].
pub fn edit_decision(
    text: &str,
    format: &str,
    before: Option<&ThreatEntry>,
    after: &ThreatEntry,
) -> Option<String> {
    use palisade_loader::FieldValue;
    let field = |e: &ThreatEntry| -> Vec<(&'static str, Option<String>)> {
        vec![
            ("status", e.status.map(|s| s.as_str().to_owned())),
            ("strategy", e.strategy.map(|s| s.as_str().to_owned())),
            ("justification", e.justification.clone()),
            ("owner", e.owner.clone()),
            (
                "ticket",
                e.ticket
                    .as_ref()
                    .and_then(|t| t.url.clone().or_else(|| t.id.clone())),
            ),
            ("date", e.date.map(|d| d.to_string())),
            ("checked_by", e.checked_by.clone()),
        ]
    };
    let old = before.map(field).unwrap_or_default();
    let new = field(after);
    let list = |e: &ThreatEntry| -> Vec<String> {
        e.mitigations
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect()
    };
    let old_mitigations = before.map(list).unwrap_or_default();
    let new_mitigations = list(after);
    let cleared = old
        .iter()
        .zip(&new)
        .any(|((_, was), (_, now))| was.is_some() && now.is_none())
        || (!old_mitigations.is_empty() && new_mitigations.is_empty());
    if cleared {
        return None;
    }
    let mut fields: Vec<(&str, FieldValue)> = new
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, FieldValue::Text(v))))
        .collect();
    if !new_mitigations.is_empty() && new_mitigations != old_mitigations {
        fields.push(("mitigations", FieldValue::List(new_mitigations)));
    }
    let label = if format == "json" {
        "model.json"
    } else {
        "model.yaml"
    };
    palisade_loader::set_threat_fields(label, text, after.id.as_str(), &fields).ok()
}

/// The model written back in its format (the serializer does not keep comments).
pub fn serialize(model: &Model, format: &str) -> Result<String, ApiError> {
    let text = if format == "json" {
        palisade_loader::to_json(model)
    } else {
        palisade_loader::to_yaml(model)
    };
    text.map_err(|e| ApiError::internal(e.to_string()))
}
