//! Model files (YAML or JSON) → a validated [`Model`] and every problem found, at once.
//!
//! Loading runs in two phases, as cargo-deny does with its configuration: the text is parsed into a
//! spanned tree ([`palisade_syntax`]), then walked into the typed model, collecting every wrong
//! type, unknown key, invalid value and missing field; then cross-references are checked (unknown
//! ids with "did you mean", duplicates, nesting cycles, flows to self). Nothing is fail-fast: the
//! caller gets all diagnostics, and a model only when there is no error.
//!
//! A file that is some other format (OpenAPI, Threat Dragon, OTM, Threagile, pytm, Threat
//! Composer) is recognised and named, with the command that reads it.

pub mod codes;
mod decode;
mod edit;
mod layout;
mod read;
mod recognize;
mod validate;
mod write;

use std::path::Path;

use palisade_diagnostics::{Diagnostic, Pos, SourceFile, Span};
use palisade_model::{FORMAT_VERSION, Model};
use palisade_syntax::{Format, Limits, Node};

pub use edit::{EditError, FieldValue, only_threats_changed, set_threat_fields, set_top_level};
pub use layout::{LoadedLayout, layout_path, load_layout_bytes, load_layout_file};
pub use recognize::{Foreign, recognize, sniff};
pub use write::{WriteError, save, to_json, to_yaml, write_atomic};

/// A model that loaded without errors, with its source and any warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub model: Model,
    pub source: SourceFile,
    /// Warnings only: a loaded model has no errors.
    pub warnings: Vec<Diagnostic>,
}

/// A model that did not load: every diagnostic found, and the source when it could be read.
#[derive(Debug, Clone)]
pub struct LoadFailure {
    pub source: Option<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and loads the model file at `path` (shown in diagnostics as `path` was given).
pub fn load_file(path: &Path) -> Result<Loaded, LoadFailure> {
    load_file_as(path, &path.display().to_string())
}

/// [`load_file`], naming the file `label` in diagnostics and in the model's spans' file.
pub fn load_file_as(path: &Path, label: &str) -> Result<Loaded, LoadFailure> {
    let label = label.to_owned();
    let bytes = match read_limited(path, Limits::MODEL.max_bytes) {
        Ok(b) => b,
        Err(message) => {
            return Err(LoadFailure {
                source: None,
                diagnostics: vec![
                    Diagnostic::error(
                        codes::UNREADABLE,
                        format!("cannot read `{label}`: {message}"),
                    )
                    .in_file(label),
                ],
            });
        }
    };
    load_bytes(&label, &bytes)
}

/// Reads at most `limit + 1` bytes, so a huge file is refused without reading it all.
fn read_limited(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err("it is a directory".to_owned());
    }
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Loads a model from bytes; `label` names the file in diagnostics.
pub fn load_bytes(label: &str, bytes: &[u8]) -> Result<Loaded, LoadFailure> {
    let text = String::from_utf8_lossy(bytes);
    let format = Format::detect(label, &text);
    let root = match palisade_syntax::parse_bytes(bytes, format, &Limits::MODEL) {
        Ok(root) => root,
        Err(e) => {
            let source = SourceFile::new(label, text.as_ref());
            let mut d = e.to_diagnostic(label);
            if let Some(foreign) = sniff(label, &text) {
                d = Diagnostic::error(
                    codes::FOREIGN,
                    format!(
                        "`{label}` is not a Palisade model: it looks like {}",
                        foreign.what
                    ),
                )
                .in_file(label)
                .with_primary(Span::point(Pos::new(1, 1)), "not a Palisade model")
                .with_help(foreign.hint)
                .with_note(format!("it does not parse as a model either: {}", e.kind));
            }
            return Err(LoadFailure {
                source: Some(source),
                diagnostics: vec![d],
            });
        }
    };
    let source = SourceFile::new(label, text.as_ref());
    load_tree(label, &root, source)
}

/// Loads a model from text; `label` names the file in diagnostics.
pub fn load_str(label: &str, text: &str) -> Result<Loaded, LoadFailure> {
    load_bytes(label, text.as_bytes())
}

fn load_tree(label: &str, root: &Node, source: SourceFile) -> Result<Loaded, LoadFailure> {
    if let Some(foreign) = recognize(root) {
        let d = Diagnostic::error(
            codes::FOREIGN,
            format!("`{label}` is not a Palisade model: it is {}", foreign.what),
        )
        .in_file(label)
        .with_primary(first_key_span(root), "not a Palisade model")
        .with_help(foreign.hint);
        return Err(LoadFailure {
            source: Some(source),
            diagnostics: vec![d],
        });
    }
    let mut cx = read::Ctx::new(label);
    if let Some(version) = root.get("palisade")
        && version.as_i64() != Some(i64::from(FORMAT_VERSION))
    {
        let shown = version
            .scalar_text()
            .unwrap_or_else(|| version.kind_name().to_owned());
        cx.error(
            codes::VERSION,
            format!("unsupported model format version `{shown}`"),
            version.span,
            "this build reads version 1",
        )
        .help
        .push(format!(
            "write `palisade: {FORMAT_VERSION}`, or upgrade Palisade to read newer models"
        ));
        return Err(LoadFailure {
            source: Some(source),
            diagnostics: cx.diagnostics,
        });
    }
    let model = decode::model(&mut cx, root);
    if let Some(model) = &model {
        validate::check(&mut cx, model);
    }
    let mut diagnostics = cx.diagnostics;
    diagnostics.sort_by_key(|d| (d.primary_span().map(|s| s.start), d.code.clone()));
    match model {
        Some(model) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(Loaded {
            model,
            source,
            warnings: diagnostics,
        }),
        _ => Err(LoadFailure {
            source: Some(source),
            diagnostics,
        }),
    }
}

/// Custom rules read from a rules file, with the file and any warnings.
#[derive(Debug, Clone)]
pub struct LoadedRules {
    pub rules: Vec<palisade_model::CustomRule>,
    pub source: SourceFile,
    pub warnings: Vec<Diagnostic>,
}

/// Reads a rules file (`custom_rules:` on its own, for `palisade analyze --rules`), validated
/// like the same section of a model.
pub fn load_rules_file(path: &Path) -> Result<LoadedRules, LoadFailure> {
    let label = path.display().to_string();
    let bytes = read_limited(path, Limits::MODEL.max_bytes).map_err(|message| LoadFailure {
        source: None,
        diagnostics: vec![
            Diagnostic::error(
                codes::UNREADABLE,
                format!("cannot read `{label}`: {message}"),
            )
            .in_file(label.clone()),
        ],
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let source = SourceFile::new(label.as_str(), text.as_ref());
    let format = Format::detect(&label, &text);
    let root =
        palisade_syntax::parse_bytes(&bytes, format, &Limits::MODEL).map_err(|e| LoadFailure {
            source: Some(source.clone()),
            diagnostics: vec![e.to_diagnostic(&label)],
        })?;
    let mut cx = read::Ctx::new(&label);
    let rules = decode::rules_file(&mut cx, &root);
    if let Some(rules) = &rules {
        validate::check_rules(&mut cx, rules);
    }
    let mut diagnostics = cx.diagnostics;
    diagnostics.sort_by_key(|d| (d.primary_span().map(|s| s.start), d.code.clone()));
    match rules {
        Some(rules) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(LoadedRules {
            rules,
            source,
            warnings: diagnostics,
        }),
        _ => Err(LoadFailure {
            source: Some(source),
            diagnostics,
        }),
    }
}

/// A policy read from its own file (`palisade check --policy FILE`).
#[derive(Debug, Clone)]
pub struct LoadedPolicy {
    pub policy: palisade_model::Policy,
    pub source: SourceFile,
}

/// Reads a policy file: the keys of a model's `policy:` block, at the top level or under
/// `policy:`. Every problem is reported at once, like a model's.
pub fn load_policy_file(path: &Path) -> Result<LoadedPolicy, LoadFailure> {
    let label = path.display().to_string();
    match read_limited(path, Limits::MODEL.max_bytes) {
        Ok(bytes) => load_policy_bytes(&label, &bytes),
        Err(message) => Err(LoadFailure {
            source: None,
            diagnostics: vec![
                Diagnostic::error(
                    codes::UNREADABLE,
                    format!("cannot read `{label}`: {message}"),
                )
                .in_file(label),
            ],
        }),
    }
}

/// Reads a policy from bytes; `label` names the file in diagnostics.
pub fn load_policy_bytes(label: &str, bytes: &[u8]) -> Result<LoadedPolicy, LoadFailure> {
    let text = String::from_utf8_lossy(bytes);
    let source = SourceFile::new(label, text.as_ref());
    let format = Format::detect(label, &text);
    let root = match palisade_syntax::parse_bytes(bytes, format, &Limits::MODEL) {
        Ok(root) => root,
        Err(e) => {
            return Err(LoadFailure {
                source: Some(source),
                diagnostics: vec![e.to_diagnostic(label)],
            });
        }
    };
    let mut cx = read::Ctx::new(label);
    let node = match root.as_map() {
        Some(map) if map.len() == 1 && map.get("policy").is_some() => map.get("policy"),
        Some(_) => Some(&root),
        None => None,
    };
    let policy = match node {
        Some(node) => decode::policy(&mut cx, node),
        None => {
            cx.error(
                codes::BAD_POLICY_FILE,
                format!("`{label}` is not a policy: expected a mapping of policy keys"),
                root.span,
                "not a mapping",
            )
            .help
            .push("write the keys of a model's `policy:` block, like `fail_on: high`".to_owned());
            None
        }
    };
    match policy {
        Some(policy) if !cx.diagnostics.iter().any(Diagnostic::is_error) => {
            Ok(LoadedPolicy { policy, source })
        }
        _ => Err(LoadFailure {
            source: Some(source),
            diagnostics: cx.diagnostics,
        }),
    }
}

fn first_key_span(root: &Node) -> Span {
    root.as_map()
        .and_then(|m| m.entries.first())
        .map_or(Span::point(root.span.start), |(k, _)| k.span)
}
