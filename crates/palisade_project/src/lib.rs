//! What commands, reports and the server work on: a Palisade model with the OpenAPI documents it
//! references, or a bare OpenAPI document, read from disk, and its analysis. Tells the two apart
//! by their first keys.
//!
//! Every command that reads models goes through [`load`], so that `apis[].spec` is resolved the
//! same way everywhere: relative to the model's folder, which is also the root no `$ref` may
//! leave.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use palisade_diagnostics::{Diagnostic, SourceMap};
use palisade_model::Model;
use palisade_openapi::{LoadOptions, Spec};
use palisade_rules::{Settings, Threat};

/// A model and its documents, or a bare document.
pub enum Input {
    Model {
        model: Box<Model>,
        file: String,
        /// `(api id, spec)` for every `apis[].spec` that loaded.
        specs: Vec<(String, Spec)>,
    },
    Spec {
        /// The document's file stem, standing in for an API id.
        api: String,
        spec: Box<Spec>,
    },
}

impl Input {
    /// The threats of this input: the model's with those of its documents, or the document's.
    pub fn analyze(&self, settings: &Settings) -> Vec<Threat> {
        match self {
            Input::Model { model, file, specs } => {
                let specs: Vec<(&str, &Spec)> = specs
                    .iter()
                    .map(|(api, spec)| (api.as_str(), spec))
                    .collect();
                palisade_rules::analyze(model, file, &specs, settings)
            }
            Input::Spec { api, spec } => palisade_rules::analyze_spec(spec, api, &[], settings),
        }
    }
}

/// Everything read, and every diagnostic met on the way.
#[derive(Default)]
pub struct Loaded {
    pub inputs: Vec<Input>,
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether any input could not be used (exit 2).
    pub failed: bool,
}

/// Whether the file is an OpenAPI or Swagger document: a YAML line starting with `openapi:` or
/// `swagger:`, or a JSON document with such a key and no `palisade` key. Reads at most 64 MiB.
pub fn looks_like_openapi(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut text = Vec::new();
    if file.take(64 * 1024 * 1024).read_to_end(&mut text).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&text);
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('{') {
        let has_key =
            |k: &str| body.contains(&format!("\"{k}\":")) || body.contains(&format!("\"{k}\" :"));
        return (has_key("openapi") || has_key("swagger")) && !has_key("palisade");
    }
    body.lines()
        .any(|l| l.starts_with("openapi:") || l.starts_with("swagger:"))
}

/// Reads every file: models with their specs, and bare specs.
pub fn load(files: &[PathBuf]) -> Loaded {
    let mut out = Loaded::default();
    for file in files {
        if looks_like_openapi(file) {
            match palisade_openapi::load(file, &LoadOptions::default()) {
                Ok(loaded) => {
                    merge_sources(&mut out.sources, &loaded.sources);
                    out.diagnostics.extend(loaded.diagnostics);
                    let api = file
                        .file_stem()
                        .map_or_else(|| "api".to_owned(), |s| s.to_string_lossy().into_owned());
                    out.inputs.push(Input::Spec {
                        api,
                        spec: Box::new(loaded.spec),
                    });
                }
                Err(failed) => {
                    merge_sources(&mut out.sources, &failed.sources);
                    out.diagnostics.extend(failed.diagnostics);
                    out.failed = true;
                }
            }
            continue;
        }
        match palisade_loader::load_file(file) {
            Ok(loaded) => {
                let label = loaded.source.path().to_owned();
                out.diagnostics.extend(loaded.warnings);
                out.sources.add(loaded.source);
                let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
                let mut specs = Vec::new();
                for api in &loaded.model.apis {
                    let Some(rel) = &api.spec else {
                        continue;
                    };
                    let path = dir.join(rel);
                    // A model named without a folder (`palisade.yaml`) lives in `.`.
                    let root = if dir.as_os_str().is_empty() {
                        PathBuf::from(".")
                    } else {
                        dir.clone()
                    };
                    let options = LoadOptions {
                        root: Some(root),
                        ..LoadOptions::default()
                    };
                    match palisade_openapi::load(&path, &options) {
                        Ok(spec) => {
                            merge_sources(&mut out.sources, &spec.sources);
                            out.diagnostics.extend(spec.diagnostics);
                            specs.push((api.id.to_string(), spec.spec));
                        }
                        Err(failed) => {
                            merge_sources(&mut out.sources, &failed.sources);
                            out.diagnostics.extend(failed.diagnostics);
                            out.failed = true;
                        }
                    }
                }
                out.inputs.push(Input::Model {
                    model: Box::new(loaded.model),
                    file: label,
                    specs,
                });
            }
            Err(failure) => {
                if let Some(source) = failure.source {
                    out.sources.add(source);
                }
                out.diagnostics.extend(failure.diagnostics);
                out.failed = true;
            }
        }
    }
    out
}

fn merge_sources(into: &mut SourceMap, from: &SourceMap) {
    for file in from.iter() {
        into.add(file.clone());
    }
}
