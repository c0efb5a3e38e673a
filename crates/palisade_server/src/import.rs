//! Uploads in other formats, turned into a Palisade model before they are checked and stored: a
//! bare OpenAPI document becomes the first model `palisade init --from-openapi` would derive
//! from it (`palisade_project::model_from_spec`), stored with the document as its API's spec;
//! a Threat Dragon, OTM, Threagile, pytm, Threat Composer or TMT file becomes the model
//! `palisade import` writes (`palisade_interop`). The format is the `format` query parameter,
//! or told from the content. What an importer could not map comes back as warnings.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use palisade_diagnostics::{Diagnostic, SourceFile, SourceMap};
use serde::Deserialize;

use crate::content::{self, Problem, Upload};
use crate::error::ApiError;

/// What an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum UploadFormat {
    /// A Palisade model (YAML or JSON), or the JSON envelope with its OpenAPI documents.
    Palisade,
    /// A bare OpenAPI (3.x) or Swagger (2.0) document, JSON or YAML.
    Openapi,
    /// OWASP Threat Dragon (v2 or v1 JSON).
    ThreatDragon,
    /// Open Threat Model (JSON or YAML).
    Otm,
    /// Threagile (YAML).
    Threagile,
    /// pytm (`tm.py --json`).
    Pytm,
    /// AWS Threat Composer (`.tc.json`).
    ThreatComposer,
    /// Microsoft Threat Modeling Tool (`.tm7`, XML).
    Tm7,
}

impl UploadFormat {
    /// The importer of this format, if it is one of `palisade import`'s.
    fn importer(self) -> Option<palisade_interop::Format> {
        let name = match self {
            Self::Palisade | Self::Openapi => return None,
            Self::ThreatDragon => "threat-dragon",
            Self::Otm => "otm",
            Self::Threagile => "threagile",
            Self::Pytm => "pytm",
            Self::ThreatComposer => "threat-composer",
            Self::Tm7 => "tm7",
        };
        palisade_interop::Format::from_name(name)
    }
}

/// How to read an upload.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// `palisade`, `openapi`, or an import format (`threat-dragon`, `otm`, `threagile`,
    /// `pytm`, `threat-composer`, `tm7`); told from the content when left out.
    #[param(inline)]
    pub format: Option<UploadFormat>,
}

/// An upload as a Palisade model, with the warnings of turning it into one.
#[derive(Debug)]
pub struct Converted {
    pub upload: Upload,
    pub warnings: Vec<Problem>,
}

fn media_of(content_type: Option<&str>) -> String {
    content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Media types another tool's file may come as (besides YAML and JSON).
fn is_other_type(media: &str) -> bool {
    matches!(
        media,
        "application/xml" | "text/xml" | "application/octet-stream"
    )
}

fn unsupported() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "send a model, an OpenAPI document or another tool's model as `application/yaml` or \
         `application/json` (a TMT `.tm7` file as `application/xml`), or a JSON envelope \
         `{\"model\": \"…\", \"specs\": {\"path\": \"…\"}}` as `application/json`",
    )
}

/// Reads an upload of `format` (told from the content when `None`) as a Palisade model.
/// Blocking: an OpenAPI document is parsed and a model derived from it.
pub fn convert(
    format: Option<UploadFormat>,
    content_type: Option<&str>,
    bytes: &[u8],
) -> Result<Converted, ApiError> {
    let media = media_of(content_type);
    let yaml_or_json = media == "application/json" || content::is_yaml_type(&media);
    // XML and raw bytes can only be another tool's file.
    let other = is_other_type(&media) && format != Some(UploadFormat::Palisade);
    if !(yaml_or_json || other) {
        return Err(unsupported());
    }
    let format = match format {
        Some(f) => f,
        None => detect(&media, bytes),
    };
    let converted = match format {
        UploadFormat::Palisade => Converted {
            upload: content::parse_upload(content_type, bytes)?,
            warnings: Vec::new(),
        },
        UploadFormat::Openapi => from_openapi(bytes)?,
        other => match other.importer() {
            Some(importer) => import(importer, bytes)?,
            None => return Err(ApiError::internal(format!("no importer for {other:?}"))),
        },
    };
    Ok(converted)
}

/// What an upload is, from its content: a JSON envelope or a model, an OpenAPI document, or
/// another tool's model; a Palisade model when nothing tells (the loader then says what it is).
fn detect(media: &str, bytes: &[u8]) -> UploadFormat {
    let text = String::from_utf8_lossy(bytes);
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('<') {
        return UploadFormat::Tm7;
    }
    let syntax = if body.starts_with('{') || body.starts_with('[') {
        palisade_syntax::Format::Json
    } else {
        palisade_syntax::Format::Yaml
    };
    let Ok(root) = palisade_syntax::parse_str(body, syntax, &palisade_syntax::Limits::SPEC) else {
        // Unparsable: the model loader shows where (another tool's file: its importer does).
        return if media == "application/json" || content::is_yaml_type(media) {
            UploadFormat::Palisade
        } else {
            UploadFormat::Tm7
        };
    };
    if root.get("palisade").is_some() || root.get("model").and_then(|m| m.as_str()).is_some() {
        return UploadFormat::Palisade;
    }
    if root.get("openapi").is_some() || root.get("swagger").is_some() {
        return UploadFormat::Openapi;
    }
    palisade_loader::recognize(&root)
        .and_then(|foreign| foreign.import)
        .and_then(|name| {
            [
                UploadFormat::ThreatDragon,
                UploadFormat::Otm,
                UploadFormat::Threagile,
                UploadFormat::Pytm,
                UploadFormat::ThreatComposer,
                UploadFormat::Tm7,
            ]
            .into_iter()
            .find(|f| f.importer().is_some_and(|i| i.name() == name))
        })
        .unwrap_or(UploadFormat::Palisade)
}

fn utf8(bytes: &[u8]) -> Result<&str, ApiError> {
    std::str::from_utf8(bytes)
        .map_err(|e| ApiError::bad_request(format!("the body is not UTF-8: {e}")))
}

/// 422 with the problems of a file that could not be turned into a model.
fn refused(diagnostics: &[Diagnostic], sources: &SourceMap) -> ApiError {
    crate::api::invalid_model(content::problems(diagnostics, sources))
}

/// A model derived from a bare OpenAPI document, which it names as its API's spec
/// (`openapi.yaml`, or `openapi.json` for JSON).
fn from_openapi(bytes: &[u8]) -> Result<Converted, ApiError> {
    let text = utf8(bytes)?;
    let spec_path = if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        "openapi.json"
    } else {
        "openapi.yaml"
    };
    let loaded =
        palisade_openapi::load_from_str(spec_path, text, &palisade_openapi::LoadOptions::default())
            .map_err(|failed| refused(&failed.diagnostics, &failed.sources))?;
    let model = palisade_project::model_from_spec(&loaded.spec, spec_path);
    let yaml = palisade_loader::to_yaml(&model).map_err(|e| ApiError::internal(e.to_string()))?;
    let body = format!(
        "# Palisade threat model (format version 1), described in docs/model.md.\n\
         #\n\
         # Derived from {spec_path} as `palisade init --from-openapi` derives one. Review it: name\n\
         # the real clients and services, put them in the right trust boundaries, add the data\n\
         # stores behind the API, and record assumptions and decisions.\n\
         {yaml}"
    );
    Ok(Converted {
        upload: Upload {
            format: "yaml",
            body,
            specs: BTreeMap::from([(spec_path.to_owned(), text.to_owned())]),
            message: Some(format!(
                "derived from an OpenAPI document ({} operations)",
                loaded.spec.operations.len()
            )),
        },
        warnings: content::problems(&loaded.diagnostics, &loaded.sources),
    })
}

/// The model `palisade import` makes of another tool's file (its layout is not kept: stored
/// versions have none).
fn import(format: palisade_interop::Format, bytes: &[u8]) -> Result<Converted, ApiError> {
    let text = String::from_utf8_lossy(bytes);
    let label = match format {
        palisade_interop::Format::Tm7 => "upload.tm7",
        palisade_interop::Format::ThreatComposer => "upload.tc.json",
        _ if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{') =>
        {
            "upload.json"
        }
        _ => "upload.yaml",
    };
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(label, text.into_owned()));
    let imported = palisade_interop::import(format, label, bytes)
        .map_err(|diagnostics| refused(&diagnostics, &sources))?;
    let body =
        palisade_loader::to_yaml(&imported.model).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(Converted {
        upload: Upload {
            format: "yaml",
            body,
            specs: BTreeMap::new(),
            message: Some(format!("imported from {}", format.title())),
        },
        warnings: content::problems(&imported.warnings, &sources),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_import_format_can_be_named() {
        for format in palisade_interop::Format::ALL {
            let named: UploadFormat =
                serde_json::from_value(serde_json::json!(format.name())).expect("a name");
            assert_eq!(named.importer(), Some(*format));
        }
    }
}
