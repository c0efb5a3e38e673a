//! `palisade diff OLD NEW`: what changed between two versions of a model (with its OpenAPI
//! documents) or of an OpenAPI document, as Markdown for a pull-request comment. Either side may
//! be a file or `REV:path`, read from git (`git show`, the only external program Palisade runs).
//! Exit 1 when the change adds unresolved threats at or above the policy's level.

use std::path::{Component, Path, PathBuf};
use std::process::Command as Process;

use palisade_check::diff::{Side, diff};
use palisade_check::project::{diff_fail_on, diff_threats};
use palisade_diagnostics::{SourceFile, SourceMap};
use palisade_model::Severity;
use palisade_project::{Input, Loaded, Options};
use palisade_rules::Threat;

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Markdown for a pull-request comment.
    Markdown,
    /// The changes as JSON.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The older version: a model or OpenAPI document, or `REV:path` from git with the path from
    /// the repository root (`main:api/palisade.yaml`).
    old: String,
    /// The newer version, likewise.
    new: String,
    /// Fail on new unresolved threats at or above this severity (default: the newer model's
    /// `policy.fail_on`, else high).
    #[arg(long, value_parser = super::analyze::parse_severity)]
    fail_on: Option<Severity>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Write the output to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// One side, read and analyzed.
struct Version {
    label: String,
    loaded: Loaded,
    threats: Vec<Threat>,
    /// The temporary folder a git revision was copied to (kept alive while it is read).
    scratch: Option<tempfile::TempDir>,
}

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    let old = read(&args.old, color)?;
    let new = read(&args.new, color)?;
    let (Some(mut old), Some(mut new)) = (old, new) else {
        return Ok(Outcome::InputError);
    };
    let Ok((old_threats, new_threats)) =
        diff_threats(first_input(&mut old)?, first_input(&mut new)?)
    else {
        anyhow::bail!(
            "`{}` and `{}` are not the same kind of file: compare two models, or two OpenAPI documents",
            args.old,
            args.new
        );
    };
    old.threats = old_threats;
    new.threats = new_threats;
    relocate(&mut old);
    relocate(&mut new);
    let new_input = new.loaded.inputs.first().ok_or_else(no_input)?;
    let fail_on = diff_fail_on(new_input, args.fail_on);
    let old_input = old.loaded.inputs.first().ok_or_else(no_input)?;
    let result = diff(
        &Side::of(old.label.clone(), old_input, &old.threats),
        &Side::of(new.label.clone(), new_input, &new.threats),
        fail_on,
    );
    let text = match args.format {
        Format::Markdown => result.markdown(),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&result)?;
            s.push('\n');
            s
        }
    };
    match &args.output {
        Some(path) => palisade_loader::write_atomic(path, text.as_bytes())?,
        None => crate::output::print_stdout(&text)?,
    }
    Ok(if result.fails() {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}

fn no_input() -> anyhow::Error {
    anyhow::anyhow!("nothing was read")
}

fn first_input(v: &mut Version) -> anyhow::Result<&mut Input> {
    v.loaded.inputs.first_mut().ok_or_else(no_input)
}

/// Shows the locations of threats found in a git revision's copy as `REV:path`.
fn relocate(v: &mut Version) {
    if let Some(scratch) = &v.scratch {
        let prefix = prefix_of(scratch.path());
        let rev = v.label.split_once(':').map_or("", |(r, _)| r).to_owned();
        for t in &mut v.threats {
            if let Some(l) = &mut t.location
                && let Some(rest) = l.file.strip_prefix(prefix.as_str())
            {
                l.file = format!("{rev}:{rest}").into();
            }
        }
    }
}

fn prefix_of(dir: &Path) -> String {
    format!("{}/", dir.display())
}

/// Reads one side: a file, or `REV:path` from git. `None` when it did not load (diagnostics
/// printed).
fn read(arg: &str, color: bool) -> anyhow::Result<Option<Version>> {
    let as_path = Path::new(arg);
    let (loaded, scratch) = match git_spec(arg) {
        Some((rev, path)) if !as_path.exists() => {
            let scratch = tempfile::tempdir()?;
            let root = checkout(rev, path, scratch.path())?;
            let mut loaded = palisade_project::load_with(
                &[root],
                &Options {
                    tolerate_missing_specs: true,
                    ..Default::default()
                },
            );
            relabel(&mut loaded, &prefix_of(scratch.path()), &format!("{rev}:"));
            (loaded, Some(scratch))
        }
        _ => (
            palisade_project::load_with(
                &[as_path.to_path_buf()],
                &Options {
                    tolerate_missing_specs: true,
                    ..Default::default()
                },
            ),
            None,
        ),
    };
    crate::output::print_diagnostics(&loaded.diagnostics, &loaded.sources, color)?;
    if loaded.failed {
        return Ok(None);
    }
    Ok(Some(Version {
        label: arg.to_owned(),
        loaded,
        threats: Vec::new(),
        scratch,
    }))
}

/// `REV:path` split in two, when `arg` has that shape (a drive letter like `C:` does not count).
fn git_spec(arg: &str) -> Option<(&str, &str)> {
    let (rev, path) = arg.split_once(':')?;
    (!rev.is_empty() && rev.len() > 1 && !path.is_empty()).then_some((rev, path))
}

/// A path inside the repository, without `.` and refusing `..`.
fn clean(path: &str) -> anyhow::Result<PathBuf> {
    let mut out = PathBuf::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => anyhow::bail!(
                "`{path}`: give the path from the repository root, without `..` (like `main:api/palisade.yaml`)"
            ),
        }
    }
    Ok(out)
}

/// Most files copied out of one revision (the model, its documents and the files they `$ref`).
const MAX_FILES: usize = 500;

/// Copies the model or document at `rev:path`, and the files it needs, into `dir`; returns where
/// the model is.
fn checkout(rev: &str, path: &str, dir: &Path) -> anyhow::Result<PathBuf> {
    let model = clean(path)?;
    let mut queue = vec![model.clone()];
    let mut seen = std::collections::BTreeSet::new();
    let mut first = true;
    while let Some(file) = queue.pop() {
        if !seen.insert(file.clone()) || seen.len() > MAX_FILES {
            continue;
        }
        let bytes = match git_show(rev, &file) {
            Ok(bytes) => bytes,
            Err(e) if first => return Err(e),
            // A document or `$ref` the revision does not have: the loader reports it.
            Err(_) => continue,
        };
        first = false;
        let target = dir.join(&file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, &bytes)?;
        queue.extend(needed_files(&file, &bytes));
    }
    Ok(dir.join(model))
}

fn git_show(rev: &str, file: &Path) -> anyhow::Result<Vec<u8>> {
    let spec = format!("{rev}:{}", file.display());
    let out = Process::new("git")
        .args(["show", &spec])
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run git to read `{spec}`: {e}"))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        anyhow::bail!(
            "git cannot show `{spec}`: {}",
            why.lines().next().unwrap_or("unknown error").trim()
        );
    }
    Ok(out.stdout)
}

/// The files a model (its `apis[].spec`) or a document (its `$ref`s to other files) names,
/// relative to the repository root, inside the repository.
fn needed_files(file: &Path, bytes: &[u8]) -> Vec<PathBuf> {
    let text = String::from_utf8_lossy(bytes);
    let format = palisade_syntax::Format::detect(&file.to_string_lossy(), &text);
    let Ok(root) = palisade_syntax::parse_str(&text, format, &palisade_syntax::Limits::SPEC) else {
        return Vec::new();
    };
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut names = Vec::new();
    if root.get("palisade").is_some() {
        for api in root
            .get("apis")
            .and_then(palisade_syntax::Node::as_seq)
            .unwrap_or_default()
        {
            if let Some(spec) = api.get("spec").and_then(palisade_syntax::Node::as_str) {
                names.push(spec.to_owned());
            }
        }
    } else {
        refs(&root, &mut names);
    }
    names
        .into_iter()
        .filter(|n| !n.contains("://"))
        .filter_map(|n| {
            let joined = dir.join(&n);
            normalize(&joined)
        })
        .collect()
}

/// `a/./b/../c` → `a/c`; `None` when it climbs out of the repository.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Every `$ref` naming another file, without its fragment.
fn refs(node: &palisade_syntax::Node, out: &mut Vec<String>) {
    match &node.value {
        palisade_syntax::Value::Map(map) => {
            for (key, value) in map.iter() {
                if key.text == "$ref"
                    && let Some(target) = value.as_str()
                {
                    let file = target.split('#').next().unwrap_or_default();
                    if !file.is_empty() {
                        out.push(file.to_owned());
                    }
                } else {
                    refs(value, out);
                }
            }
        }
        palisade_syntax::Value::Seq(items) => {
            for item in items {
                refs(item, out);
            }
        }
        _ => {}
    }
}

/// Shows files copied from git as `REV:path`, in diagnostics and sources.
fn relabel(loaded: &mut Loaded, from: &str, to: &str) {
    let swap = |s: &str| {
        s.strip_prefix(from)
            .map_or_else(|| s.to_owned(), |rest| format!("{to}{rest}"))
    };
    let mut sources = SourceMap::new();
    for f in loaded.sources.iter() {
        sources.add(SourceFile::new(swap(f.path()), f.text_arc()));
    }
    loaded.sources = sources;
    for d in &mut loaded.diagnostics {
        if let Some(file) = &d.file {
            d.file = Some(swap(file).into());
        }
    }
    for input in &mut loaded.inputs {
        if let Input::Model { file, .. } = input {
            *file = swap(file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_are_told_from_paths() {
        assert_eq!(git_spec("HEAD:a.yaml"), Some(("HEAD", "a.yaml")));
        assert_eq!(git_spec("main~2:x/y.yaml"), Some(("main~2", "x/y.yaml")));
        assert_eq!(git_spec("C:\\x.yaml"), None);
        assert_eq!(git_spec("a.yaml"), None);
        assert!(clean("../x").is_err());
        assert_eq!(clean("./a/b.yaml").unwrap(), PathBuf::from("a/b.yaml"));
        assert_eq!(
            normalize(Path::new("a/../b/./c")),
            Some(PathBuf::from("b/c"))
        );
        assert_eq!(normalize(Path::new("../c")), None);
    }
}
