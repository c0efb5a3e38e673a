//! The reading context shared by every part of the normalizer: the parsed files, the caches and the diagnostics.

use std::collections::HashMap;
use std::sync::Arc;

use palisade_diagnostics::{Diagnostic, Span};
use palisade_syntax::{Map, Node, Value};

use crate::codes;
use crate::model::{Extensions, Location, Parameter, SpecVersion};
use crate::schema::{SchemaId, Schemas};

/// The index of a parsed file in [`Doc`]s; the root document is 0.
pub(crate) type FileId = usize;

/// One parsed file.
#[derive(Debug)]
pub(crate) struct Doc {
    /// The path as shown to the user.
    pub label: Arc<str>,
    pub root: Node,
}

/// What a `$ref` to another file led to, found while loading.
pub(crate) type ExternalFiles = HashMap<(FileId, String), Option<FileId>>;

/// Everything the normalizer reads from and writes to.
pub(crate) struct Reader<'a> {
    pub docs: &'a [Doc],
    pub external: &'a ExternalFiles,
    pub version: SpecVersion,
    pub diagnostics: Vec<Diagnostic>,
    pub schemas: Schemas,
    /// Schema of each schema node, by the node's address (refs to one node share an id).
    pub schema_ids: HashMap<usize, SchemaId>,
    /// Ref targets still to build: their nodes are read after the current one, keeping the stack flat.
    pub pending_schemas: Vec<(SchemaId, FileId, &'a Node)>,
    /// Resolved `$ref` strings, per referring file.
    pub ref_cache: Vec<HashMap<&'a str, Option<(FileId, &'a Node)>>>,
    /// Parameters by the address of their definition (many operations `$ref` the same one).
    pub parameter_cache: HashMap<usize, Option<Parameter>>,
}

impl<'a> Reader<'a> {
    pub fn new(docs: &'a [Doc], external: &'a ExternalFiles, version: SpecVersion) -> Self {
        Self {
            docs,
            external,
            version,
            diagnostics: Vec::new(),
            schemas: Schemas::default(),
            schema_ids: HashMap::new(),
            pending_schemas: Vec::new(),
            ref_cache: docs.iter().map(|_| HashMap::new()).collect(),
            parameter_cache: HashMap::new(),
        }
    }

    pub fn label(&self, file: FileId) -> Arc<str> {
        self.docs
            .get(file)
            .map_or_else(|| Arc::from("<unknown>"), |d| d.label.clone())
    }

    pub fn loc(&self, file: FileId, span: Span) -> Location {
        Location::new(self.label(file), span)
    }

    /// A warning pointing at `span` in `file`.
    pub fn warn(
        &mut self,
        code: &str,
        file: FileId,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::warning(code, message)
            .in_file(self.label(file))
            .with_primary(span, label);
        self.diagnostics.push(d);
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    /// An error (the document is unusable) pointing at `span` in `file`.
    pub fn error(
        &mut self,
        code: &str,
        file: FileId,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::error(code, message)
            .in_file(self.label(file))
            .with_primary(span, label);
        self.diagnostics.push(d);
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    /// The mapping in `node`, or a warning that `what` must be a mapping.
    pub fn expect_map(&mut self, file: FileId, node: &'a Node, what: &str) -> Option<&'a Map> {
        if let Some(map) = node.as_map() {
            return Some(map);
        }
        let found = node.kind_name();
        self.warn(
            codes::WRONG_TYPE,
            file,
            node.span,
            format!("{what} must be a mapping, not {found}"),
            format!("{found} here"),
        );
        None
    }

    /// The list in `node`, or a warning that `what` must be a list.
    pub fn expect_seq(&mut self, file: FileId, node: &'a Node, what: &str) -> Option<&'a [Node]> {
        if let Some(seq) = node.as_seq() {
            return Some(seq);
        }
        let found = node.kind_name();
        self.warn(
            codes::WRONG_TYPE,
            file,
            node.span,
            format!("{what} must be a list, not {found}"),
            format!("{found} here"),
        );
        None
    }

    /// A text value; numbers and booleans are taken as written, with a warning.
    pub fn text(&mut self, file: FileId, node: &'a Node, what: &str) -> Option<String> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            Value::Null => None,
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                let text = node.scalar_text();
                self.warn(
                    codes::WRONG_TYPE,
                    file,
                    node.span,
                    format!("{what} must be a string, not {}", node.kind_name()),
                    "quote this value",
                );
                text
            }
            Value::Seq(_) | Value::Map(_) => {
                self.warn(
                    codes::WRONG_TYPE,
                    file,
                    node.span,
                    format!("{what} must be a string, not {}", node.kind_name()),
                    format!("{} here", node.kind_name()),
                );
                None
            }
        }
    }

    /// The text under `key` of `map`, if any.
    pub fn text_field(&mut self, file: FileId, map: &'a Map, key: &str) -> Option<String> {
        let node = map.get(key)?;
        self.text(file, node, &format!("`{key}`"))
    }

    /// A boolean; `"true"`/`"false"` strings are accepted with a warning, anything else is false.
    pub fn boolean(&mut self, file: FileId, node: &'a Node, what: &str) -> bool {
        if let Some(b) = node.as_bool() {
            return b;
        }
        let guess = matches!(node.as_str(), Some("true"));
        self.warn(
            codes::WRONG_TYPE,
            file,
            node.span,
            format!("{what} must be a boolean, not {}", node.kind_name()),
            "expected `true` or `false`",
        );
        guess
    }

    pub fn bool_field(&mut self, file: FileId, map: &'a Map, key: &str) -> bool {
        map.get(key)
            .is_some_and(|node| self.boolean(file, node, &format!("`{key}`")))
    }

    /// A list of strings (non-strings are reported and skipped).
    pub fn text_list(&mut self, file: FileId, node: &'a Node, what: &str) -> Vec<String> {
        let Some(items) = self.expect_seq(file, node, what) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.text(file, item, &format!("an item of {what}")))
            .collect()
    }

    pub fn text_list_field(&mut self, file: FileId, map: &'a Map, key: &str) -> Vec<String> {
        match map.get(key) {
            Some(node) => self.text_list(file, node, &format!("`{key}`")),
            None => Vec::new(),
        }
    }

    /// The mapping under `key`, checked, if present.
    pub fn map_field(&mut self, file: FileId, map: &'a Map, key: &str) -> Option<&'a Map> {
        let node = map.get(key)?;
        if node.is_null() {
            return None;
        }
        self.expect_map(file, node, &format!("`{key}`"))
    }
}

/// The `x-` extensions of a mapping.
pub(crate) fn extensions(map: &Map) -> Extensions {
    map.iter()
        .filter(|(k, _)| k.text.starts_with("x-"))
        .map(|(k, v)| (k.text.clone(), v.to_json()))
        .collect()
}
