//! The walker that turns a [`Node`] tree into model types, collecting every problem instead of
//! stopping at the first: wrong types, unknown keys (with "did you mean"), invalid values (with the
//! allowed ones), missing fields, malformed ids and dates.

use std::collections::BTreeMap;

use palisade_diagnostics::{Diagnostic, Span, did_you_mean};
use palisade_model::{Date, StringEnum};
use palisade_syntax::{Map, Node, Value};

use crate::codes;

/// What kind of thing a reference points at, for the reference check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum RefKind {
    Element,
    Flow,
    Boundary,
    Data,
    Api,
    Mitigation,
    Assumption,
}

impl RefKind {
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Self::Element => "element",
            Self::Flow => "data flow",
            Self::Boundary => "trust boundary",
            Self::Data => "data asset",
            Self::Api => "API",
            Self::Mitigation => "mitigation",
            Self::Assumption => "assumption",
        }
    }

    pub(crate) fn section(self) -> &'static str {
        match self {
            Self::Element => "elements",
            Self::Flow => "flows",
            Self::Boundary => "boundaries",
            Self::Data => "data",
            Self::Api => "apis",
            Self::Mitigation => "mitigations",
            Self::Assumption => "assumptions",
        }
    }
}

/// A place where the file names an id of another entity.
#[derive(Debug, Clone)]
pub(crate) struct RefSite {
    pub kind: RefKind,
    pub id: String,
    pub span: Span,
    /// Who refers, for the message: "data flow `web-to-db`".
    pub owner: String,
    /// The key that holds the reference, for the message: "to".
    pub key: &'static str,
}

/// Where diagnostics and reference sites are collected during one load.
pub(crate) struct Ctx {
    pub file: std::sync::Arc<str>,
    pub diagnostics: Vec<Diagnostic>,
    pub refs: Vec<RefSite>,
    /// The span of each field that was read, by (owner, key), for later checks.
    pub field_spans: BTreeMap<(String, &'static str), Span>,
}

impl Ctx {
    pub(crate) fn new(file: &str) -> Self {
        Self {
            file: file.into(),
            diagnostics: Vec::new(),
            refs: Vec::new(),
            field_spans: BTreeMap::new(),
        }
    }

    pub(crate) fn error(
        &mut self,
        code: &str,
        message: impl Into<String>,
        span: Span,
        label: &str,
    ) -> &mut Diagnostic {
        self.diagnostics.push(
            Diagnostic::error(code, message)
                .in_file(self.file.clone())
                .with_primary(span, label),
        );
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub(crate) fn warning(
        &mut self,
        code: &str,
        message: impl Into<String>,
        span: Span,
        label: &str,
    ) -> &mut Diagnostic {
        self.diagnostics.push(
            Diagnostic::warning(code, message)
                .in_file(self.file.clone())
                .with_primary(span, label),
        );
        self.diagnostics.last_mut().expect("just pushed")
    }

    pub(crate) fn wrong_type(&mut self, node: &Node, expected: &str) {
        let found = node.kind_name();
        self.error(
            codes::WRONG_TYPE,
            format!("expected {expected}, found {found}"),
            node.span,
            &format!("expected {expected}"),
        );
    }
}

/// Types read from a node, reporting problems into the context. `None` means "reported".
pub(crate) trait FromNode: Sized {
    fn from_node(cx: &mut Ctx, node: &Node) -> Option<Self>;
}

impl FromNode for String {
    fn from_node(cx: &mut Ctx, node: &Node) -> Option<Self> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            // People write `version: 2` or `port: "443"`; numbers are fine where text is expected.
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => node.scalar_text(),
            _ => {
                cx.wrong_type(node, "a string");
                None
            }
        }
    }
}

impl FromNode for bool {
    fn from_node(cx: &mut Ctx, node: &Node) -> Option<Self> {
        if let Some(b) = node.as_bool() {
            return Some(b);
        }
        cx.wrong_type(node, "`true` or `false`");
        None
    }
}

macro_rules! int_from_node {
    ($($t:ty),*) => {$(
        impl FromNode for $t {
            fn from_node(cx: &mut Ctx, node: &Node) -> Option<Self> {
                let Value::Int(i) = node.value else {
                    cx.wrong_type(node, "a whole number");
                    return None;
                };
                match <$t>::try_from(i) {
                    Ok(v) => Some(v),
                    Err(_) => {
                        cx.error(
                            codes::RANGE,
                            format!("{i} is out of range: expected {} to {}", <$t>::MIN, <$t>::MAX),
                            node.span,
                            "out of range",
                        );
                        None
                    }
                }
            }
        }
    )*};
}
int_from_node!(u8, u16, u32);

impl FromNode for f64 {
    fn from_node(cx: &mut Ctx, node: &Node) -> Option<Self> {
        if let Some(f) = node.as_f64() {
            return Some(f);
        }
        cx.wrong_type(node, "a number");
        None
    }
}

impl FromNode for Date {
    fn from_node(cx: &mut Ctx, node: &Node) -> Option<Self> {
        let text = String::from_node(cx, node)?;
        match text.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                cx.error(
                    codes::BAD_DATE,
                    format!("`{text}` is not a date"),
                    node.span,
                    "expected YYYY-MM-DD",
                )
                .help
                .push("write dates as YYYY-MM-DD, for example 2026-03-31".to_owned());
                None
            }
        }
    }
}

impl<T: FromNode> FromNode for Vec<T> {
    fn from_node(cx: &mut Ctx, node: &Node) -> Option<Self> {
        match &node.value {
            Value::Seq(items) => Some(items.iter().filter_map(|n| T::from_node(cx, n)).collect()),
            Value::Null => Some(Vec::new()),
            _ => {
                cx.wrong_type(node, "a list");
                None
            }
        }
    }
}

impl FromNode for BTreeMap<String, String> {
    fn from_node(cx: &mut Ctx, node: &Node) -> Option<Self> {
        let Some(map) = node.as_map() else {
            cx.wrong_type(node, "a mapping");
            return None;
        };
        Some(
            map.iter()
                .filter_map(|(k, v)| Some((k.text.clone(), String::from_node(cx, v)?)))
                .collect(),
        )
    }
}

/// Reads a string enum, listing the allowed values and the nearest one when the value is wrong.
pub(crate) fn enum_from_node<T: StringEnum>(cx: &mut Ctx, node: &Node, what: &str) -> Option<T> {
    let Some(text) = node.scalar_text() else {
        cx.wrong_type(node, "a string");
        return None;
    };
    if let Some(v) = T::parse(&text) {
        return Some(v);
    }
    let allowed: Vec<&str> = T::ALL.iter().map(|v| v.as_str()).collect();
    let suggestion = did_you_mean(&text, allowed.iter().copied());
    let list = allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let d = cx.error(
        codes::BAD_VALUE,
        format!("`{text}` is not a valid {what}"),
        node.span,
        &format!("not a valid {what}"),
    );
    if let Some(s) = suggestion {
        d.help.push(format!("did you mean `{s}`?"));
    }
    d.notes.push(format!("allowed values: {list}"));
    None
}

/// Declares `FromNode` for string enums, with the noun used in messages.
macro_rules! enums_from_node {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl FromNode for $t {
            fn from_node(cx: &mut Ctx, node: &Node) -> Option<Self> {
                enum_from_node(cx, node, $what)
            }
        }
    )*};
}
pub(crate) use enums_from_node;

/// Reads an id: non-empty, no white space, at most 200 characters.
pub(crate) fn id_from_node(cx: &mut Ctx, node: &Node) -> Option<String> {
    let text = String::from_node(cx, node)?;
    let bad = if text.is_empty() {
        Some("an id cannot be empty")
    } else if text.chars().any(char::is_whitespace) {
        Some("an id cannot contain white space")
    } else if text.chars().count() > 200 {
        Some("an id must be at most 200 characters")
    } else if text.chars().any(char::is_control) {
        Some("an id cannot contain control characters")
    } else {
        None
    };
    if let Some(why) = bad {
        cx.error(
            codes::BAD_ID,
            format!("malformed id `{text}`: {why}"),
            node.span,
            why,
        )
        .help
        .push("use letters, digits, `-`, `_` and `.`, like `payment-db`".to_owned());
        return None;
    }
    Some(text)
}

/// The fields of one mapping being read: records which keys were asked for, so that what is left
/// can be reported as unknown with a suggestion.
pub(crate) struct Fields<'n> {
    pub node: &'n Node,
    map: &'n Map,
    known: Vec<&'static str>,
    /// What the mapping is, for messages: "element `api`", "the system".
    pub owner: String,
    /// The span of the `id` value, once read.
    id_span: Option<Span>,
}

impl<'n> Fields<'n> {
    pub(crate) fn new(cx: &mut Ctx, node: &'n Node, owner: impl Into<String>) -> Option<Self> {
        let Some(map) = node.as_map() else {
            cx.wrong_type(node, "a mapping");
            return None;
        };
        Some(Self {
            node,
            map,
            known: Vec::new(),
            owner: owner.into(),
            id_span: None,
        })
    }

    /// The raw node under `key`, marking the key as known.
    pub(crate) fn raw(&mut self, key: &'static str) -> Option<&'n Node> {
        self.known.push(key);
        self.map.get(key).filter(|n| !n.is_null())
    }

    pub(crate) fn opt<T: FromNode>(&mut self, cx: &mut Ctx, key: &'static str) -> Option<T> {
        let node = self.raw(key)?;
        cx.field_spans.insert((self.owner.clone(), key), node.span);
        T::from_node(cx, node)
    }

    pub(crate) fn req<T: FromNode>(&mut self, cx: &mut Ctx, key: &'static str) -> Option<T> {
        if self.raw(key).is_none() {
            self.missing(cx, key);
            return None;
        }
        self.opt(cx, key)
    }

    pub(crate) fn list<T: FromNode>(&mut self, cx: &mut Ctx, key: &'static str) -> Vec<T> {
        self.opt(cx, key).unwrap_or_default()
    }

    pub(crate) fn flag(&mut self, cx: &mut Ctx, key: &'static str) -> bool {
        self.opt(cx, key).unwrap_or(false)
    }

    pub(crate) fn missing(&self, cx: &mut Ctx, key: &str) {
        let span = self.map_start();
        cx.error(
            codes::MISSING,
            format!("{} has no `{key}`", self.owner),
            span,
            &format!("`{key}` is required here"),
        );
    }

    fn map_start(&self) -> Span {
        self.map
            .entries
            .first()
            .map_or(self.node.span, |(k, _)| k.span)
    }

    /// Reads a required id (and names the owner after it).
    pub(crate) fn id(&mut self, cx: &mut Ctx, noun: &str) -> Option<String> {
        let Some(node) = self.raw("id") else {
            self.missing(cx, "id");
            return None;
        };
        self.id_span = Some(node.span);
        let id = id_from_node(cx, node)?;
        self.owner = format!("{noun} `{id}`");
        Some(id)
    }

    /// Where the entity is: its `id` value, or else the whole mapping.
    pub(crate) fn span(&self) -> Span {
        self.id_span.unwrap_or(self.node.span)
    }

    /// Reads an optional reference to another entity, recording it for the reference check.
    pub(crate) fn reference(
        &mut self,
        cx: &mut Ctx,
        key: &'static str,
        kind: RefKind,
    ) -> Option<String> {
        let node = self.raw(key)?;
        cx.field_spans.insert((self.owner.clone(), key), node.span);
        let id = id_from_node(cx, node)?;
        cx.refs.push(RefSite {
            kind,
            id: id.clone(),
            span: node.span,
            owner: self.owner.clone(),
            key,
        });
        Some(id)
    }

    /// Reads a required reference.
    pub(crate) fn req_reference(
        &mut self,
        cx: &mut Ctx,
        key: &'static str,
        kind: RefKind,
    ) -> Option<String> {
        if self.raw(key).is_none() {
            self.missing(cx, key);
            return None;
        }
        self.reference(cx, key, kind)
    }

    /// Reads a list of references.
    pub(crate) fn references(
        &mut self,
        cx: &mut Ctx,
        key: &'static str,
        kind: RefKind,
    ) -> Vec<String> {
        let Some(node) = self.raw(key) else {
            return Vec::new();
        };
        let Some(items) = node.as_seq() else {
            cx.wrong_type(node, "a list of ids");
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| {
                let id = id_from_node(cx, item)?;
                cx.refs.push(RefSite {
                    kind,
                    id: id.clone(),
                    span: item.span,
                    owner: self.owner.clone(),
                    key,
                });
                Some(id)
            })
            .collect()
    }

    /// Reports every key that was not asked for.
    pub(crate) fn finish(self, cx: &mut Ctx) {
        for (key, _) in self.map.iter() {
            if self.known.contains(&key.text.as_str()) {
                continue;
            }
            let suggestion = did_you_mean(&key.text, self.known.iter().copied());
            let mut expected: Vec<&str> = self.known.clone();
            expected.sort_unstable();
            expected.dedup();
            let d = cx.error(
                codes::UNKNOWN_KEY,
                format!("unknown key `{}` in {}", key.text, self.owner),
                key.span,
                "unknown key",
            );
            match suggestion {
                Some(s) => d.help.push(format!("did you mean `{s}`?")),
                None => d.notes.push(format!(
                    "expected one of: {}",
                    expected
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
    }
}

/// Reads a list of entities, each a mapping.
pub(crate) fn entities<T>(
    cx: &mut Ctx,
    node: Option<&Node>,
    mut read: impl FnMut(&mut Ctx, &Node) -> Option<T>,
) -> Vec<T> {
    let Some(node) = node else {
        return Vec::new();
    };
    match &node.value {
        Value::Seq(items) => items.iter().filter_map(|n| read(cx, n)).collect(),
        Value::Null => Vec::new(),
        _ => {
            cx.wrong_type(node, "a list");
            Vec::new()
        }
    }
}
