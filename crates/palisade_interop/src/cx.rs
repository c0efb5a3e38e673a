//! The importers' shared context: the file being read, the warnings about what was not mapped
//! (grouped, so that a field missing on fifty elements is one line, not fifty), fatal structure
//! errors, and helpers to read values from a spanned tree without panicking on any shape.

use std::collections::BTreeMap;

use palisade_diagnostics::{Diagnostic, Pos, Span};
use palisade_loader::{load_str, to_yaml};
use palisade_model::{Layout, Model};
use palisade_syntax::{Format as Syntax, Limits, Node, Value};

use crate::{Imported, codes};

/// One group of things that were not mapped, reported once with a count.
#[derive(Debug)]
struct Unmapped {
    first: Span,
    count: usize,
    why: String,
}

/// The state of one import.
#[derive(Debug)]
pub(crate) struct Cx {
    pub label: String,
    errors: Vec<Diagnostic>,
    approximate: Vec<Diagnostic>,
    unmapped: BTreeMap<String, Unmapped>,
}

impl Cx {
    pub(crate) fn new(label: &str) -> Self {
        Self {
            label: label.to_owned(),
            errors: Vec::new(),
            approximate: Vec::new(),
            unmapped: BTreeMap::new(),
        }
    }

    /// Parses JSON or YAML (by content) into a spanned tree, or records the parse error.
    pub(crate) fn parse(&mut self, bytes: &[u8]) -> Option<Node> {
        let text = String::from_utf8_lossy(bytes);
        let syntax = Syntax::detect(&self.label, &text);
        match palisade_syntax::parse_bytes(bytes, syntax, &Limits::MODEL) {
            Ok(node) => Some(node),
            Err(e) => {
                self.errors.push(e.to_diagnostic(&self.label));
                None
            }
        }
    }

    /// The file does not have the shape the format requires: fatal.
    pub(crate) fn error(&mut self, span: Span, message: impl Into<String>, label: &str) {
        self.errors.push(
            Diagnostic::error(codes::STRUCTURE, message)
                .in_file(self.label.clone())
                .with_primary(span, label),
        );
    }

    /// Records that `what` was not imported, and why; grouped by `what`.
    pub(crate) fn unmapped(&mut self, span: Span, what: impl Into<String>, why: &str) {
        let entry = self.unmapped.entry(what.into()).or_insert(Unmapped {
            first: span,
            count: 0,
            why: why.to_owned(),
        });
        entry.count += 1;
    }

    /// Records that something was imported only approximately.
    pub(crate) fn approximate(&mut self, span: Span, message: impl Into<String>, help: &str) {
        let mut d = Diagnostic::warning(codes::APPROXIMATE, message)
            .in_file(self.label.clone())
            .with_primary(span, "imported approximately");
        if !help.is_empty() {
            d = d.with_help(help);
        }
        self.approximate.push(d);
    }

    /// Every error so far (the import failed).
    pub(crate) fn into_errors(self) -> Vec<Diagnostic> {
        self.errors
    }

    fn warnings(&mut self) -> Vec<Diagnostic> {
        let mut out = std::mem::take(&mut self.approximate);
        for (what, u) in std::mem::take(&mut self.unmapped) {
            let message = if u.count == 1 {
                format!("not imported: {what}")
            } else {
                format!("not imported: {what} ({} times)", u.count)
            };
            out.push(
                Diagnostic::warning(codes::UNMAPPED, message)
                    .in_file(self.label.clone())
                    .with_primary(u.first, "first one here")
                    .with_note(u.why),
            );
        }
        out.sort_by_key(|d| d.primary_span().map(|s| s.start));
        out
    }

    /// Checks the model with the loader and returns it with the warnings, or fails when it does
    /// not validate (which would be a bug in the importer: the user gets every reason).
    pub(crate) fn finish(
        mut self,
        model: Model,
        layout: Layout,
    ) -> Result<Imported, Vec<Diagnostic>> {
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        let check = to_yaml(&model).map_err(|e| e.to_string()).and_then(|text| {
            load_str("imported.yaml", &text).map_err(|failure| {
                failure
                    .diagnostics
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        });
        if let Err(why) = check {
            let d = Diagnostic::error(
                codes::INVALID_RESULT,
                format!("the model imported from `{}` does not validate", self.label),
            )
            .in_file(self.label.clone())
            .with_note(why)
            .with_help("this is a bug in Palisade's importer: please report it with the file");
            return Err(vec![d]);
        }
        let warnings = self.warnings();
        Ok(Imported {
            model,
            layout,
            warnings,
        })
    }
}

/// The start of a node, as a point span (for labels on whole objects).
pub(crate) fn at(node: &Node) -> Span {
    Span::point(node.span.start)
}

/// The first position of the file.
pub(crate) fn top() -> Span {
    Span::point(Pos::new(1, 1))
}

/// The text under `key`, trimmed, when it is a non-empty scalar.
pub(crate) fn text(node: &Node, key: &str) -> Option<String> {
    let value = node.get(key)?;
    let t = value.scalar_text()?;
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The boolean under `key` (also `"true"`/`"false"` written as text).
pub(crate) fn flag(node: &Node, key: &str) -> Option<bool> {
    let value = node.get(key)?;
    match &value.value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The number under `key` (also written as text).
pub(crate) fn number(node: &Node, key: &str) -> Option<f64> {
    let value = node.get(key)?;
    value
        .as_f64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
        .filter(|f: &f64| f.is_finite())
}

/// The list under `key`; empty when absent or null. Another type is recorded as an error.
pub(crate) fn list<'n>(cx: &mut Cx, node: &'n Node, key: &str) -> &'n [Node] {
    match node.get(key) {
        None => &[],
        Some(n) if n.is_null() => &[],
        Some(n) => match n.as_seq() {
            Some(items) => items,
            None => {
                cx.error(
                    n.span,
                    format!("`{key}` must be a list, not {}", n.kind_name()),
                    "expected a list",
                );
                &[]
            }
        },
    }
}

/// The strings of the list under `key`, skipping anything else.
pub(crate) fn strings(node: &Node, key: &str) -> Vec<String> {
    node.get(key)
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::scalar_text)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The root must be a mapping: records an error otherwise.
pub(crate) fn require_map(cx: &mut Cx, node: &Node, what: &str) -> bool {
    if node.as_map().is_some() {
        return true;
    }
    cx.error(
        at(node),
        format!("{what} must be a mapping, not {}", node.kind_name()),
        "expected a mapping",
    );
    false
}

/// A short first line of `text` for a name (at most 80 characters).
pub(crate) fn headline(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() <= 80 {
        line.to_owned()
    } else {
        let cut: String = line.chars().take(77).collect();
        format!("{}…", cut.trim_end())
    }
}
