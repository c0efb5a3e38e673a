//! Loading: the only IO of the crate — the root document, then every file its `$ref`s name, confined to the root directory.
//!
//! Files are read before normalization, breadth first from the root document: each parsed file is
//! scanned for `$ref` strings naming other files, and those are read in turn. A reference is refused
//! (with a diagnostic) when it is remote, absolute, climbs out of the root with `..`, or resolves
//! out of it through a symbolic link; nothing outside the root is ever opened.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use palisade_diagnostics::{Diagnostic, SourceFile, SourceMap, Span};
use palisade_syntax::{Format, Limits, Node, Value};

use crate::codes;
use crate::document::normalize;
use crate::model::Spec;
use crate::reader::{Doc, ExternalFiles, FileId};
use crate::refs::{RefTarget, parse_ref, percent_decode};

/// Fetches a remote document: the URL (without fragment) → its bytes, or why not. The reader
/// does no network IO itself; the caller (the `palisade` binary, with `--allow-remote-refs`)
/// provides this, with its own timeouts and size limit.
#[derive(Clone)]
pub struct Fetcher(pub Arc<FetchFn>);

/// The function behind a [`Fetcher`].
pub type FetchFn = dyn Fn(&str) -> Result<Vec<u8>, String> + Send + Sync;

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fetcher")
    }
}

/// How to load a document.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The directory no `$ref` may leave; by default the directory of the document.
    ///
    /// For [`load_from_str`] without a root, references to other files are not followed.
    pub root: Option<PathBuf>,
    /// Accept remote (`http://`, `https://`) references: they are fetched with [`Self::fetch`],
    /// and so are the references inside fetched documents (resolved against their URL; a remote
    /// document never names a local file). Without a fetcher they are reported, not fetched.
    pub allow_remote_refs: bool,
    /// How remote documents are fetched, when `allow_remote_refs` is set.
    pub fetch: Option<Fetcher>,
    /// Parse limits for every file (size, depth, number of values).
    pub limits: Limits,
    /// Most files read, the root document included.
    pub max_files: usize,
    /// Leave the parsed trees to the system instead of freeing them, for a process that exits
    /// after its analysis (`palisade analyze`): freeing the millions of values of a large
    /// document piece by piece costs a sixth of such a run. Off by default.
    pub leak_parsed: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            root: None,
            allow_remote_refs: false,
            fetch: None,
            limits: Limits::SPEC,
            max_files: 1000,
            leak_parsed: false,
        }
    }
}

/// A document that could be read, with its warnings and every file it read.
#[derive(Debug)]
pub struct Loaded {
    pub spec: Spec,
    /// Warnings (never errors): what was skipped or looks wrong.
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
}

/// A document that could not be read as OpenAPI: at least one diagnostic is an error.
#[derive(Debug)]
pub struct Failed {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
}

/// Reads the document at `path` and every local file its `$ref`s name.
pub fn load(path: &Path, options: &LoadOptions) -> Result<Loaded, Failed> {
    load_as(path, &path.to_string_lossy(), options)
}

/// [`load`], naming the document `label` in diagnostics and locations (and the files it
/// `$ref`s by `label`'s folder joined with the reference).
pub fn load_as(path: &Path, label: &str, options: &LoadOptions) -> Result<Loaded, Failed> {
    let label: Arc<str> = Arc::from(label);
    let mut loader = Loader::new(options);
    let fail = |loader: Loader<'_>, d: Diagnostic| {
        let mut diagnostics = loader.diagnostics;
        diagnostics.push(d);
        Failed {
            diagnostics,
            sources: loader.sources,
        }
    };
    let root_dir = match &options.root {
        Some(root) => root.clone(),
        None => match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        },
    };
    let root = match root_dir.canonicalize() {
        Ok(root) => root,
        Err(e) => {
            let d = Diagnostic::error(
                codes::UNREADABLE,
                format!(
                    "cannot open the root directory `{}`: {e}",
                    root_dir.display()
                ),
            );
            return Err(fail(loader, d));
        }
    };
    let canonical = match path.canonicalize() {
        Ok(c) => c,
        Err(e) => {
            let d = Diagnostic::error(codes::UNREADABLE, format!("cannot read `{label}`: {e}"));
            return Err(fail(loader, d));
        }
    };
    let Some(rel_dir) = canonical
        .parent()
        .and_then(|p| p.strip_prefix(&root).ok())
        .map(Path::to_path_buf)
    else {
        let d = Diagnostic::error(
            codes::UNREADABLE,
            format!(
                "`{label}` is outside the root directory `{}`",
                root_dir.display()
            ),
        )
        .with_help("choose a root directory that contains the document");
        return Err(fail(loader, d));
    };
    loader.root = Some(root);
    loader.root_label = root_dir.display().to_string();
    let bytes = match read_limited(&canonical, &options.limits) {
        Ok(bytes) => bytes,
        Err(message) => {
            let d = Diagnostic::error(
                codes::UNREADABLE,
                format!("cannot read `{label}`: {message}"),
            );
            return Err(fail(loader, d));
        }
    };
    match loader.add_file(label.clone(), &bytes, Some(rel_dir)) {
        Some(_) => {
            loader.by_path.insert(canonical, 0);
            loader.finish()
        }
        None => Err(Failed {
            diagnostics: loader.diagnostics,
            sources: loader.sources,
        }),
    }
}

/// Reads a document given as text; `label` names it in diagnostics and locations.
///
/// With [`LoadOptions::root`], references to other files are resolved from the directory of
/// `label` inside the root; without, they are reported and not followed.
pub fn load_from_str(label: &str, text: &str, options: &LoadOptions) -> Result<Loaded, Failed> {
    let mut loader = Loader::new(options);
    let rel_dir = match &options.root {
        Some(root) => match root.canonicalize() {
            Ok(canonical) => {
                loader.root = Some(canonical);
                loader.root_label = root.display().to_string();
                let parent = Path::new(label).parent().unwrap_or(Path::new(""));
                normalize_relative(Path::new(""), parent)
            }
            Err(e) => {
                loader.diagnostics.push(Diagnostic::error(
                    codes::UNREADABLE,
                    format!("cannot open the root directory `{}`: {e}", root.display()),
                ));
                return Err(Failed {
                    diagnostics: loader.diagnostics,
                    sources: loader.sources,
                });
            }
        },
        None => None,
    };
    match loader.add_file(Arc::from(label), text.as_bytes(), rel_dir) {
        Some(_) => loader.finish(),
        None => Err(Failed {
            diagnostics: loader.diagnostics,
            sources: loader.sources,
        }),
    }
}

struct Loader<'o> {
    options: &'o LoadOptions,
    /// The canonical root directory, when files may be read.
    root: Option<PathBuf>,
    /// The root directory as the user named it, for messages.
    root_label: String,
    docs: Vec<Doc>,
    /// Each file's directory relative to the root (`None`: its references to files are not followed).
    dirs: Vec<Option<PathBuf>>,
    by_path: HashMap<PathBuf, FileId>,
    /// Each file's URL, for documents fetched from the network (their references resolve
    /// against it).
    urls: Vec<Option<String>>,
    by_url: HashMap<String, FileId>,
    external: ExternalFiles,
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
    /// For a refused or failed reference (by referring file and text): its diagnostic and how many
    /// references repeat it.
    repeats: HashMap<(FileId, String), (usize, usize)>,
}

impl<'o> Loader<'o> {
    fn new(options: &'o LoadOptions) -> Self {
        Self {
            options,
            root: None,
            root_label: String::new(),
            docs: Vec::new(),
            dirs: Vec::new(),
            by_path: HashMap::new(),
            urls: Vec::new(),
            by_url: HashMap::new(),
            external: HashMap::new(),
            sources: SourceMap::new(),
            diagnostics: Vec::new(),
            repeats: HashMap::new(),
        }
    }

    /// Parses a file and records it; `None` (with a diagnostic) when it does not parse.
    fn add_file(&mut self, label: Arc<str>, bytes: &[u8], dir: Option<PathBuf>) -> Option<FileId> {
        // `from_utf8` first: it is several times faster than the lossy decoding, which only
        // invalid text needs (for the excerpts of its diagnostic).
        let valid = std::str::from_utf8(bytes).ok();
        let text = valid.map_or_else(
            || String::from_utf8_lossy(bytes),
            std::borrow::Cow::Borrowed,
        );
        self.sources
            .add(SourceFile::new(label.clone(), text.as_ref()));
        let format = Format::detect(&label, &text);
        let parsed = match valid {
            Some(text) => palisade_syntax::parse_str(text, format, &self.options.limits),
            None => palisade_syntax::parse_bytes(bytes, format, &self.options.limits),
        };
        match parsed {
            Ok(root) => {
                self.docs.push(Doc { label, root });
                self.dirs.push(dir);
                self.urls.push(None);
                Some(self.docs.len() - 1)
            }
            Err(e) => {
                self.diagnostics.push(e.to_diagnostic(&label));
                None
            }
        }
    }

    /// Reads every file reachable by `$ref` from the root, then normalizes.
    fn finish(mut self) -> Result<Loaded, Failed> {
        let mut next = 0;
        while next < self.docs.len() {
            self.follow_refs(next);
            next += 1;
        }
        for (count_key, (index, count)) in &self.repeats {
            if *count > 0
                && let Some(d) = self.diagnostics.get_mut(*index)
            {
                d.notes.push(format!(
                    "{count} more `$ref`{} in this file name `{}`",
                    if *count == 1 { "" } else { "s" },
                    count_key.1
                ));
            }
        }
        let (spec, mut diagnostics) = normalize(&self.docs, &self.external);
        let mut all = self.diagnostics;
        all.append(&mut diagnostics);
        // In file order (the root first), then by position.
        let order: HashMap<&str, usize> = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (&*d.label, i))
            .collect();
        all.sort_by_key(|d| {
            let file = d.file.as_deref().and_then(|f| order.get(f)).copied();
            (file.unwrap_or(usize::MAX), d.primary_span())
        });
        drop(order);
        if self.options.leak_parsed {
            std::mem::forget(std::mem::take(&mut self.docs));
        }
        match spec {
            Some(spec) if !all.iter().any(Diagnostic::is_error) => Ok(Loaded {
                spec,
                diagnostics: all,
                sources: self.sources,
            }),
            _ => Err(Failed {
                diagnostics: all,
                sources: self.sources,
            }),
        }
    }

    /// Reads the files named by the `$ref`s of file `file`.
    fn follow_refs(&mut self, file: FileId) {
        let refs = match self.docs.get(file) {
            Some(doc) => external_refs(&doc.root),
            None => return,
        };
        for (text, span) in refs {
            let path_key = match parse_ref(&text) {
                RefTarget::Local { .. } => continue,
                RefTarget::File { path, .. } => path.to_owned(),
                RefTarget::Remote { .. } | RefTarget::Absolute { .. } => {
                    text.split('#').next().unwrap_or_default().to_owned()
                }
            };
            let key = (file, path_key);
            if let Some((_, count)) = self.repeats.get_mut(&key) {
                *count += 1;
                continue;
            }
            if self.external.contains_key(&key) {
                continue;
            }
            let before = self.diagnostics.len();
            let target = self.open_ref(file, &text, span);
            if self.diagnostics.len() > before {
                self.repeats.insert(key.clone(), (before, 0));
            }
            self.external.insert(key, target);
        }
    }

    /// The file a `$ref` names, read if needed; `None` with a diagnostic when refused or unreadable.
    fn open_ref(&mut self, file: FileId, text: &str, span: Span) -> Option<FileId> {
        let label = self.docs.get(file).map(|d| d.label.clone())?;
        let warn = |code: &str, message: String, primary: &str| {
            Diagnostic::warning(code, message)
                .in_file(label.clone())
                .with_primary(span, primary)
        };
        // A fetched document's references are URLs relative to it, never local files.
        if let Some(base) = self.urls.get(file).cloned().flatten() {
            let target = text.split('#').next().unwrap_or_default();
            return match url::Url::parse(&base).and_then(|b| b.join(target)) {
                Ok(url) => self.fetch_remote(&label, url.as_str(), span),
                Err(e) => {
                    self.diagnostics.push(warn(
                        codes::REF_INVALID,
                        format!("`{target}` is not a URL relative to `{base}`: {e}"),
                        "not a URL",
                    ));
                    None
                }
            };
        }
        let path = match parse_ref(text) {
            RefTarget::Local { .. } => return None,
            RefTarget::Remote { url }
                if self.options.allow_remote_refs && self.options.fetch.is_some() =>
            {
                let url = url.split('#').next().unwrap_or_default().to_owned();
                return self.fetch_remote(&label, &url, span);
            }
            RefTarget::Remote { url } => {
                let d = if self.options.allow_remote_refs {
                    warn(
                        codes::REF_REMOTE,
                        format!(
                            "remote reference `{url}` is not fetched: no way to fetch it was given"
                        ),
                        "remote reference",
                    )
                    .with_help(
                        "download the file into the project and refer to it by a relative path",
                    )
                } else {
                    warn(
                        codes::REF_REMOTE,
                        format!("remote reference `{url}` is refused"),
                        "remote reference",
                    )
                    .with_help("remote references are fetched only with `--allow-remote-refs`; or download the file into the project and refer to it by a relative path")
                };
                self.diagnostics.push(d);
                return None;
            }
            RefTarget::Absolute { path } => {
                self.diagnostics.push(
                    warn(
                        codes::REF_OUTSIDE_ROOT,
                        format!("reference to the absolute path `{path}` is refused"),
                        "absolute path",
                    )
                    .with_help(
                        "refer to files by a path relative to this file, inside the root directory",
                    ),
                );
                return None;
            }
            RefTarget::File { path, .. } => path,
        };
        let (Some(root), Some(Some(dir))) = (self.root.clone(), self.dirs.get(file).cloned())
        else {
            self.diagnostics.push(
                warn(
                    codes::REF_FILE_UNREADABLE,
                    format!("reference to the file `{path}` is not followed: no root directory was given"),
                    "reference to another file",
                )
                .with_help("load the document from a file, or set `LoadOptions::root`"),
            );
            return None;
        };
        let decoded = percent_decode(path);
        let Some(relative) = normalize_relative(&dir, Path::new(&decoded)) else {
            self.diagnostics.push(
                warn(
                    codes::REF_OUTSIDE_ROOT,
                    format!("reference to `{path}` leaves the root directory and is refused"),
                    "leaves the root directory",
                )
                .with_note(format!("the root directory is `{}`", self.root_label))
                .with_help("move the file under the root directory, or choose a wider root"),
            );
            return None;
        };
        let canonical = match root.join(&relative).canonicalize() {
            Ok(c) => c,
            Err(e) => {
                let message = if e.kind() == std::io::ErrorKind::NotFound {
                    format!("`{path}`, named by this reference, does not exist")
                } else {
                    format!("cannot read `{path}`, named by this reference: {e}")
                };
                self.diagnostics.push(
                    warn(codes::REF_FILE_UNREADABLE, message, "file not found")
                        .with_note(format!("looked for `{}`", join_label(&label, &decoded))),
                );
                return None;
            }
        };
        if !canonical.starts_with(&root) {
            self.diagnostics.push(
                warn(
                    codes::REF_OUTSIDE_ROOT,
                    format!("reference to `{path}` resolves outside the root directory (through a symbolic link) and is refused"),
                    "leaves the root directory",
                )
                .with_note(format!("the root directory is `{}`", self.root_label)),
            );
            return None;
        }
        if let Some(id) = self.by_path.get(&canonical) {
            return Some(*id);
        }
        if self.docs.len() >= self.options.max_files {
            self.diagnostics.push(warn(
                codes::LIMIT_REACHED,
                format!(
                    "more than {} files are referenced; `{path}` is not read",
                    self.options.max_files
                ),
                "one file too many",
            ));
            return None;
        }
        let bytes = match read_limited(&canonical, &self.options.limits) {
            Ok(bytes) => bytes,
            Err(message) => {
                self.diagnostics.push(warn(
                    codes::REF_FILE_UNREADABLE,
                    format!("cannot read `{path}`, named by this reference: {message}"),
                    "unreadable file",
                ));
                return None;
            }
        };
        let new_label = join_label(&label, &decoded);
        let new_dir = canonical
            .parent()
            .and_then(|p| p.strip_prefix(&root).ok())
            .map(Path::to_path_buf);
        let before = self.diagnostics.len();
        let Some(id) = self.add_file(Arc::from(new_label.as_str()), &bytes, new_dir) else {
            // The parse error points into the referenced file; downgrade it, the rest is usable.
            for d in &mut self.diagnostics[before..] {
                d.severity = palisade_diagnostics::Severity::Warning;
            }
            self.diagnostics.push(warn(
                codes::REF_FILE_UNREADABLE,
                format!("`{path}`, named by this reference, cannot be parsed"),
                "unparsable file",
            ));
            return None;
        };
        self.by_path.insert(canonical, id);
        Some(id)
    }

    /// Fetches a remote document (allowed and a fetcher given), once per URL.
    fn fetch_remote(&mut self, referrer: &str, url: &str, span: Span) -> Option<FileId> {
        let warn = |code: &str, message: String, primary: &str| {
            Diagnostic::warning(code, message)
                .in_file(referrer.to_owned())
                .with_primary(span, primary)
        };
        if let Some(id) = self.by_url.get(url) {
            return Some(*id);
        }
        let scheme_ok = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        let fetch = self
            .options
            .fetch
            .clone()
            .filter(|_| self.options.allow_remote_refs);
        let Some(fetch) = fetch.filter(|_| scheme_ok) else {
            self.diagnostics.push(warn(
                codes::REF_REMOTE,
                format!("remote reference `{url}` is refused"),
                "remote reference",
            ));
            return None;
        };
        if self.docs.len() >= self.options.max_files {
            self.diagnostics.push(warn(
                codes::LIMIT_REACHED,
                format!(
                    "more than {} files are referenced; `{url}` is not fetched",
                    self.options.max_files
                ),
                "one file too many",
            ));
            return None;
        }
        let bytes = match (fetch.0)(url) {
            Ok(bytes) if bytes.len() > self.options.limits.max_bytes => {
                self.diagnostics.push(warn(
                    codes::REF_FILE_UNREADABLE,
                    format!(
                        "`{url}` is {} bytes, more than the limit of {} bytes",
                        bytes.len(),
                        self.options.limits.max_bytes
                    ),
                    "too large",
                ));
                return None;
            }
            Ok(bytes) => bytes,
            Err(message) => {
                self.diagnostics.push(warn(
                    codes::REF_FILE_UNREADABLE,
                    format!("cannot fetch `{url}`: {message}"),
                    "remote reference",
                ));
                return None;
            }
        };
        let before = self.diagnostics.len();
        let Some(id) = self.add_file(Arc::from(url), &bytes, None) else {
            for d in &mut self.diagnostics[before..] {
                d.severity = palisade_diagnostics::Severity::Warning;
            }
            self.diagnostics.push(warn(
                codes::REF_FILE_UNREADABLE,
                format!("`{url}`, named by this reference, cannot be parsed"),
                "unparsable document",
            ));
            return None;
        };
        if let Some(slot) = self.urls.get_mut(id) {
            *slot = Some(url.to_owned());
        }
        self.by_url.insert(url.to_owned(), id);
        Some(id)
    }
}

/// Every `$ref` string in a tree that names something outside the file, with its span.
fn external_refs(root: &Node) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Map(map) => {
                for (key, value) in map.iter() {
                    if key.text == "$ref"
                        && let Value::Str(text) = &value.value
                    {
                        if !text.starts_with('#') {
                            out.push((text.clone(), value.span));
                        }
                    } else {
                        stack.push(value);
                    }
                }
            }
            Value::Seq(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    out.sort_by_key(|(_, span)| *span);
    out
}

/// `dir` joined with `path`, without `.` and `..`; `None` when it climbs above the root or is absolute.
fn normalize_relative(dir: &Path, path: &Path) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in dir.components().chain(path.components()) {
        match component {
            Component::Normal(part) => parts.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// The label of a referenced file: the referring file's label with its name replaced by `path`.
fn join_label(referrer: &str, path: &str) -> String {
    let mut parts: Vec<&str> = referrer.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The bytes of a file, refusing files larger than the parse limit before reading them.
fn read_limited(path: &Path, limits: &Limits) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    if meta.len() > limits.max_bytes as u64 {
        return Err(format!(
            "the file is {} bytes, more than the limit of {} bytes",
            meta.len(),
            limits.max_bytes
        ));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_under_the_root() {
        let p = |d: &str, f: &str| normalize_relative(Path::new(d), Path::new(f));
        assert_eq!(
            p("specs", "./schemas/x.json"),
            Some(PathBuf::from("specs/schemas/x.json"))
        );
        assert_eq!(
            p("specs", "../common.yaml"),
            Some(PathBuf::from("common.yaml"))
        );
        assert_eq!(p("specs", "../../etc/passwd"), None);
        assert_eq!(p("", "../x"), None);
        assert_eq!(p("", "/etc/passwd"), None);
    }

    #[test]
    fn labels_follow_the_referring_file() {
        assert_eq!(
            join_label("api/openapi.yaml", "./schemas/pet.yaml"),
            "api/schemas/pet.yaml"
        );
        assert_eq!(join_label("openapi.yaml", "common.yaml"), "common.yaml");
        assert_eq!(join_label("a/b/c.yaml", "../d.yaml"), "a/d.yaml");
    }
}
