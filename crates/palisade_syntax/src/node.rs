//! The value tree: every node knows where its text is.

use palisade_diagnostics::Span;

/// A value with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

/// A YAML or JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Map),
}

/// A mapping key: always text (YAML `200:` gives the key `"200"`), with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub text: String,
    pub span: Span,
}

/// A mapping in source order; keys are unique (duplicates are a parse error).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map {
    pub entries: Vec<(Key, Node)>,
}

impl Map {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.text == key)
            .map(|(_, v)| v)
    }

    pub fn get_entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.entries
            .iter()
            .find(|(k, _)| k.text == key)
            .map(|(k, v)| (k, v))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Node)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.text.as_str())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Node {
    pub fn new(span: Span, value: Value) -> Self {
        Self { span, value }
    }

    /// Words for the kind of value, for messages: "a string", "a mapping" …
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            #[allow(clippy::cast_precision_loss)]
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            #[allow(clippy::cast_precision_loss)]
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.get(key)
    }

    /// The scalar as text, as a person would write it (numbers and booleans too).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// Follows a JSON Pointer (RFC 6901, `""` is the node itself) through mappings and sequences.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut node = self;
        for raw in rest.split('/') {
            let token = unescape_pointer_token(raw);
            node = match &node.value {
                Value::Map(m) => m.get(&token)?,
                Value::Seq(s) => s.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The number of nodes in this tree (this one included).
    pub fn count(&self) -> usize {
        1 + match &self.value {
            Value::Seq(s) => s.iter().map(Node::count).sum(),
            Value::Map(m) => m.entries.iter().map(|(_, v)| v.count()).sum(),
            _ => 0,
        }
    }

    /// Converts to a `serde_json::Value` (for validating against a JSON Schema and for export).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Seq(s) => serde_json::Value::Array(s.iter().map(Node::to_json).collect()),
            Value::Map(m) => serde_json::Value::Object(
                m.entries
                    .iter()
                    .map(|(k, v)| (k.text.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Decodes `~1` to `/` and `~0` to `~` in one JSON Pointer token.
pub(crate) fn unescape_pointer_token(raw: &str) -> String {
    if raw.contains('~') {
        raw.replace("~1", "/").replace("~0", "~")
    } else {
        raw.to_owned()
    }
}

/// Builds a [`Map`], refusing duplicate keys (linear search for small maps, a hash set past that).
#[derive(Default)]
pub(crate) struct MapBuilder {
    map: Map,
    index: Option<std::collections::HashMap<String, usize>>,
}

const INDEX_FROM: usize = 16;

impl MapBuilder {
    pub(crate) fn insert(&mut self, key: Key, value: Node) -> Result<(), crate::ParseError> {
        let existing = match &self.index {
            Some(index) => index.get(&key.text).copied(),
            None => self
                .map
                .entries
                .iter()
                .position(|(k, _)| k.text == key.text),
        };
        if let Some(i) = existing {
            let first = self.map.entries[i].0.span;
            return Err(crate::ParseError::new(
                crate::ParseErrorKind::DuplicateKey {
                    key: key.text,
                    first,
                },
                key.span,
            ));
        }
        if let Some(index) = &mut self.index {
            index.insert(key.text.clone(), self.map.entries.len());
        } else if self.map.entries.len() + 1 >= INDEX_FROM {
            let mut index: std::collections::HashMap<String, usize> = self
                .map
                .entries
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.text.clone(), i))
                .collect();
            index.insert(key.text.clone(), self.map.entries.len());
            self.index = Some(index);
        }
        self.map.entries.push((key, value));
        Ok(())
    }

    pub(crate) fn finish(self) -> Map {
        self.map
    }
}
