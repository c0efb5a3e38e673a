//! What commands, reports and the server work on: a Palisade model with the OpenAPI documents it
//! references, or a bare OpenAPI document, read from disk, and its analysis. Tells the two apart
//! by their first keys.
//!
//! Every command that reads models goes through [`load`], so that `apis[].spec` is resolved the
//! same way everywhere: relative to the model's folder, which is also the root no `$ref` may
//! leave.

mod from_openapi;

pub use from_openapi::{model_from_spec, slug};

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
    /// With [`Options::tolerate_missing_specs`]: the documents named by a model that do not
    /// exist (they are drift, not input errors).
    pub missing_specs: Vec<MissingSpec>,
}

/// An `apis[].spec` that names a file that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingSpec {
    /// The model file, as named in [`Input::Model`]'s `file`.
    pub model: String,
    pub api: String,
    pub path: PathBuf,
}

/// How to load.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Record a spec file that does not exist in [`Loaded::missing_specs`] instead of failing
    /// (`palisade check` reports it as drift). Specs that exist but do not load still fail.
    pub tolerate_missing_specs: bool,
    /// Fetch remote `$ref`s with this (`--allow-remote-refs`); refused when `None`.
    pub remote: Option<palisade_openapi::Fetcher>,
    /// Leave the parsed OpenAPI trees to the system ([`LoadOptions::leak_parsed`]): for a
    /// command that exits after one analysis.
    pub leak_parsed: bool,
    /// Name files relative to this folder (in diagnostics, locations and [`Input::Model`]'s
    /// `file`) instead of as given: the server lays a stored version out in a temporary folder
    /// and shows its files as `palisade.yaml`, `openapi/shop.yaml`.
    pub labels_relative_to: Option<PathBuf>,
}

impl Options {
    /// How `path` is named under these options.
    fn label(&self, path: &Path) -> String {
        self.labels_relative_to
            .as_deref()
            .and_then(|base| path.strip_prefix(base).ok())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// How OpenAPI documents are read under these options, with `root` as the root directory.
    fn spec_options(&self, root: Option<PathBuf>) -> LoadOptions {
        LoadOptions {
            root,
            allow_remote_refs: self.remote.is_some(),
            fetch: self.remote.clone(),
            leak_parsed: self.leak_parsed,
            ..LoadOptions::default()
        }
    }
}

/// Where a model's `apis[].spec` is: relative to the model's folder.
pub fn spec_file(model_file: &Path, spec: &str) -> PathBuf {
    model_file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
        .join(spec)
}

/// `sha256:<hex>` of a file's bytes: what `reviewed.specs` records.
pub fn content_hash(path: &Path) -> std::io::Result<String> {
    Ok(bytes_hash(&std::fs::read(path)?))
}

/// `sha256:<hex>` of `bytes`: [`content_hash`] of a file with these bytes.
pub fn bytes_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for b in digest {
        use std::fmt::Write as _;
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// `sha256:` hashes of the documents of a model that loaded, by API id, read from disk beside
/// the model file (a bare document has none).
pub fn spec_hashes(input: &Input) -> std::io::Result<std::collections::BTreeMap<String, String>> {
    let mut out = std::collections::BTreeMap::new();
    if let Input::Model { model, file, specs } = input {
        for (api, _) in specs {
            if let Some(rel) = model.api(api).and_then(|a| a.spec.as_deref()) {
                out.insert(api.clone(), content_hash(&spec_file(Path::new(file), rel))?);
            }
        }
    }
    Ok(out)
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
    let text = match std::str::from_utf8(&text) {
        Ok(valid) => std::borrow::Cow::Borrowed(valid),
        Err(_) => String::from_utf8_lossy(&text),
    };
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('{') {
        let has_key =
            |k: &str| body.contains(&format!("\"{k}\":")) || body.contains(&format!("\"{k}\" :"));
        return (has_key("openapi") || has_key("swagger")) && !has_key("palisade");
    }
    // A line that starts with the key (searched for, not split into lines: the key of a large
    // document is often near its end).
    ["openapi:", "swagger:"]
        .iter()
        .any(|key| body.starts_with(key) || body.contains(&format!("\n{key}")))
}

/// Reads every file: models with their specs, and bare specs.
pub fn load(files: &[PathBuf]) -> Loaded {
    load_with(files, &Options::default())
}

/// [`load`] with options.
pub fn load_with(files: &[PathBuf], options: &Options) -> Loaded {
    let mut out = Loaded::default();
    for file in files {
        if looks_like_openapi(file) {
            match palisade_openapi::load_as(file, &options.label(file), &options.spec_options(None))
            {
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
        match palisade_loader::load_file_as(file, &options.label(file)) {
            Ok(loaded) => {
                let label = loaded.source.path().to_owned();
                out.diagnostics.extend(loaded.warnings);
                out.sources.add(loaded.source);
                // Specs are named relative to the model's folder (`openapi/a.yaml` for a model
                // given as `palisade.yaml`); the project root is found from the same folder.
                let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
                let root = project_root(if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    &dir
                });
                let mut specs = Vec::new();
                for api in &loaded.model.apis {
                    let Some(rel) = &api.spec else {
                        continue;
                    };
                    let path = dir.join(rel);
                    if options.tolerate_missing_specs && !path.exists() {
                        out.missing_specs.push(MissingSpec {
                            model: label.clone(),
                            api: api.id.to_string(),
                            path,
                        });
                        continue;
                    }
                    if let Some(problem) = spec_problem(rel, &path, &root) {
                        out.diagnostics.push(
                            problem
                                .in_file(label.as_str())
                                .with_primary(api.span, "the API whose `spec` this is"),
                        );
                        out.failed = true;
                        continue;
                    }
                    match palisade_openapi::load_as(
                        &path,
                        &options.label(&path),
                        &options.spec_options(Some(root.clone())),
                    ) {
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

/// Diagnostic codes of this crate; a code is never reused.
pub mod codes {
    /// An API's `spec` names a document outside the project root.
    pub const SPEC_OUTSIDE_ROOT: &str = "PAL-E0401";
    /// An API's `spec` names a document that cannot be found.
    pub const SPEC_MISSING: &str = "PAL-E0402";
}

/// Why the document an API names cannot be read, if it cannot.
fn spec_problem(written: &str, path: &Path, root: &Path) -> Option<Diagnostic> {
    match path.canonicalize() {
        Err(e) => Some(
            Diagnostic::error(
                codes::SPEC_MISSING,
                format!("the OpenAPI document `{written}` cannot be read: {e}"),
            )
            .with_help("`spec` is a path relative to the model file"),
        ),
        Ok(canonical) if !canonical.starts_with(root) => Some(
            Diagnostic::error(
                codes::SPEC_OUTSIDE_ROOT,
                format!(
                    "the OpenAPI document `{written}` is outside the project root `{}`",
                    root.display()
                ),
            )
            .with_help(
                "Palisade reads nothing outside the project (the git work tree holding the model, or else the model's folder): keep the document inside it",
            ),
        ),
        Ok(_) => None,
    }
}

/// The folder no OpenAPI document of a model (nor any of its `$ref`s) may leave: the enclosing
/// git work tree (the folder holding `.git`), or else the model's own folder.
pub fn project_root(model_dir: &Path) -> PathBuf {
    let Ok(start) = model_dir.canonicalize() else {
        return model_dir.to_path_buf();
    };
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map_or(start.clone(), Path::to_path_buf)
}

fn merge_sources(into: &mut SourceMap, from: &SourceMap) {
    for file in from.iter() {
        into.add(file.clone());
    }
}
