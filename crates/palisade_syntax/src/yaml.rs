//! YAML (1.2, with 1.1 merge keys) → [`Node`], built from the events of `saphyr-parser`.
//!
//! Anchors are kept as finished nodes; an alias copies its anchor after checking that the copy
//! keeps the document within [`Limits::max_nodes`], which stops alias bombs before they allocate.
//!
//! Most documents take the fast path first ([`fast`]): a reader of the block-style subset that
//! tools write, which feeds the same [`Builder`] and gives up (returns `None`) on anything else,
//! errors included, so that saphyr reads those and the tree, its spans and every error stay
//! saphyr's.

mod fast;

use std::borrow::Cow;

use std::collections::HashMap;

use palisade_diagnostics::{Pos, Span};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use crate::node::MapBuilder;
use crate::{Key, Limits, Map, Node, ParseError, ParseErrorKind, Value, to_u32};

enum Frame {
    Seq {
        start: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: Pos,
        anchor: usize,
        map: MapBuilder,
        key: Option<Key>,
        merges: Vec<Node>,
    },
}

struct Builder<'l> {
    limits: &'l Limits,
    nodes: usize,
    anchors: HashMap<usize, (Node, usize)>,
    stack: Vec<Frame>,
    root: Option<Node>,
}

fn pos(m: &Marker) -> Pos {
    Pos::new(to_u32(m.line()), to_u32(m.col() + 1))
}

pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Node, ParseError> {
    if let Some(node) = fast::parse(text, limits) {
        return Ok(node);
    }
    parse_with_saphyr(text, limits)
}

/// The whole document through `saphyr-parser` (the reference the fast path is checked against).
pub(crate) fn parse_with_saphyr(text: &str, limits: &Limits) -> Result<Node, ParseError> {
    let mut builder = Builder::new(limits);
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let p = pos(e.marker());
            ParseError::new(
                ParseErrorKind::Syntax {
                    message: e.info().to_owned(),
                },
                Span::point(p),
            )
        })?;
        let span = Span::new(pos(&span.start), pos(&span.end));
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(ParseError::new(ParseErrorKind::MultipleDocuments, span));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if builder.wants_key() {
                    let value = resolve_scalar(Cow::Borrowed(&text), style, tag.as_deref());
                    let key_text = if matches!(style, ScalarStyle::Plain) && text.is_empty() {
                        String::new()
                    } else {
                        text.into_owned()
                    };
                    builder.scalar(Node::new(span, value), key_text, anchor, style)?;
                } else {
                    let value = resolve_scalar(text, style, tag.as_deref());
                    builder.scalar(Node::new(span, value), String::new(), anchor, style)?;
                }
            }
            Event::SequenceStart(anchor, _) => {
                builder.open(Frame::Seq {
                    start: span.start,
                    anchor,
                    items: Vec::new(),
                })?;
            }
            Event::MappingStart(anchor, _) => {
                builder.open(Frame::Map {
                    start: span.start,
                    anchor,
                    map: MapBuilder::default(),
                    key: None,
                    merges: Vec::new(),
                })?;
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close(span.end)?,
            Event::Alias(id) => {
                let Some(&(_, count)) = builder.anchors.get(&id) else {
                    return Err(ParseError::new(ParseErrorKind::UnknownAlias, span));
                };
                builder.count(count, span)?;
                let mut node = builder.anchors[&id].0.clone();
                // Diagnostics on an aliased value point at the alias, not the anchor.
                node.span = span;
                builder.push(node, None)?;
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
    builder
        .root
        .ok_or_else(|| ParseError::new(ParseErrorKind::Empty, Span::point(Pos::new(1, 1))))
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Self {
        Self {
            limits,
            nodes: 0,
            anchors: HashMap::new(),
            stack: Vec::new(),
            root: None,
        }
    }

    /// Whether the next scalar is a mapping key.
    fn wants_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    /// A mapping key (the caller knows a key is wanted); the same as [`Builder::scalar`] for a
    /// key that is not an empty plain scalar.
    fn key(&mut self, text: String, span: Span) -> Result<(), ParseError> {
        self.count(1, span)?;
        if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
            *key = Some(Key { text, span });
        }
        Ok(())
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), ParseError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(ParseError::new(
                ParseErrorKind::TooManyNodes {
                    limit: self.limits.max_nodes,
                },
                span,
            ));
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame) -> Result<(), ParseError> {
        let start = match &frame {
            Frame::Seq { start, .. } | Frame::Map { start, .. } => *start,
        };
        if self.stack.len() >= self.limits.max_depth {
            return Err(ParseError::new(
                ParseErrorKind::TooDeep {
                    limit: self.limits.max_depth,
                },
                Span::point(start),
            ));
        }
        if let Some(Frame::Map { key: None, .. }) = self.stack.last() {
            return Err(ParseError::new(
                ParseErrorKind::ComplexKey,
                Span::point(start),
            ));
        }
        self.count(1, Span::point(start))?;
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, end: Pos) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (node, anchor) = match frame {
            Frame::Seq {
                start,
                anchor,
                items,
            } => (Node::new(Span::new(start, end), Value::Seq(items)), anchor),
            Frame::Map {
                start,
                anchor,
                map,
                merges,
                ..
            } => {
                let mut map = map.finish();
                apply_merges(&mut map, merges);
                (Node::new(Span::new(start, end), Value::Map(map)), anchor)
            }
        };
        self.push(node, Some(anchor))
    }

    fn scalar(
        &mut self,
        node: Node,
        key_text: String,
        anchor: usize,
        style: ScalarStyle,
    ) -> Result<(), ParseError> {
        self.count(1, node.span)?;
        if let Some(Frame::Map { key, .. }) = self.stack.last_mut()
            && key.is_none()
        {
            let text =
                if matches!(style, ScalarStyle::Plain) && node.is_null() && key_text.is_empty() {
                    "null".to_owned()
                } else {
                    key_text
                };
            *key = Some(Key {
                text,
                span: node.span,
            });
            return Ok(());
        }
        self.push(node, Some(anchor))
    }

    fn push(&mut self, node: Node, anchor: Option<usize>) -> Result<(), ParseError> {
        if let Some(anchor) = anchor.filter(|&a| a > 0) {
            let count = node.count();
            self.anchors.insert(anchor, (node.clone(), count));
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map {
                map, key, merges, ..
            }) => match key.take() {
                None => {
                    // An alias used as a key.
                    match node.scalar_text() {
                        Some(text) => {
                            *key = Some(Key {
                                text,
                                span: node.span,
                            });
                            Ok(())
                        }
                        None => Err(ParseError::new(ParseErrorKind::ComplexKey, node.span)),
                    }
                }
                Some(k)
                    if k.text == "<<" && matches!(node.value, Value::Map(_) | Value::Seq(_)) =>
                {
                    merges.push(node);
                    Ok(())
                }
                Some(k) => map.insert(k, node),
            },
        }
    }
}

/// YAML merge keys (`<<: *base` or `<<: [*a, *b]`): keys written in the mapping win, then earlier
/// sources win over later ones.
fn apply_merges(map: &mut Map, merges: Vec<Node>) {
    for source in merges {
        let sources = match source.value {
            Value::Map(m) => vec![m],
            Value::Seq(items) => items
                .into_iter()
                .filter_map(|n| match n.value {
                    Value::Map(m) => Some(m),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for m in sources {
            for (k, v) in m.entries {
                if map.get(&k.text).is_none() {
                    map.entries.push((k, v));
                }
            }
        }
    }
}

/// Resolves a scalar by the YAML 1.2 core schema; quoted and block scalars are always strings.
fn resolve_scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag
        && tag.handle == "tag:yaml.org,2002:"
    {
        match tag.suffix.as_str() {
            "str" => return Value::Str(text.into_owned()),
            "null" => return Value::Null,
            _ => {}
        }
    }
    if !matches!(style, ScalarStyle::Plain) {
        return Value::Str(text.into_owned());
    }
    match &*text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let bytes = text.as_bytes();
    let first = bytes[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::Str(text.into_owned());
    }
    if first.is_ascii_digit() || ((first == b'-' || first == b'+') && bytes.len() > 1) {
        if let Some(hex) = text.strip_prefix("0x")
            && let Ok(i) = i64::from_str_radix(hex, 16)
        {
            return Value::Int(i);
        }
        if let Some(oct) = text.strip_prefix("0o")
            && let Ok(i) = i64::from_str_radix(oct, 8)
        {
            return Value::Int(i);
        }
        if (bytes[1..].iter().all(u8::is_ascii_digit)
            || (first.is_ascii_digit() && bytes.iter().all(u8::is_ascii_digit)))
            && let Ok(i) = text.parse::<i64>()
        {
            return Value::Int(i);
        }
        if is_yaml_float(&text)
            && let Ok(f) = text.parse::<f64>()
        {
            return Value::Float(f);
        }
    } else if first == b'.'
        && is_yaml_float(&text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(text.into_owned())
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_yaml_float(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i > int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits |= i > frac_start;
    }
    if !digits {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Node, ParseError> {
        parse(text, &Limits::MODEL)
    }

    #[test]
    fn scalars_resolve_by_the_core_schema() {
        let n =
            p("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: 1.0.0\ng: yes\nh: 0x1F\n200: x\n").unwrap();
        let m = n.as_map().unwrap();
        assert_eq!(m.get("a").unwrap().value, Value::Int(1));
        assert_eq!(m.get("b").unwrap().value, Value::Str("1".into()));
        assert_eq!(m.get("c").unwrap().value, Value::Bool(true));
        assert!(m.get("d").unwrap().is_null());
        assert_eq!(m.get("e").unwrap().value, Value::Float(1.5));
        assert_eq!(m.get("f").unwrap().value, Value::Str("1.0.0".into()));
        assert_eq!(m.get("g").unwrap().value, Value::Str("yes".into()));
        assert_eq!(m.get("h").unwrap().value, Value::Int(31));
        assert!(m.get("200").is_some());
    }

    #[test]
    fn spans_are_one_based() {
        let n = p("system:\n  name: Payments\n").unwrap();
        let name = n.pointer("/system/name").unwrap();
        assert_eq!(name.span.start, Pos::new(2, 9));
        assert_eq!(name.span.end, Pos::new(2, 17));
        let (key, _) = n
            .get("system")
            .unwrap()
            .as_map()
            .unwrap()
            .get_entry("name")
            .unwrap();
        assert_eq!(key.span.start, Pos::new(2, 3));
    }

    #[test]
    fn merge_keys_and_anchors() {
        let n = p("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n").unwrap();
        let thing = n.get("thing").unwrap();
        assert_eq!(thing.get("x").unwrap().value, Value::Int(1));
        assert_eq!(thing.get("y").unwrap().value, Value::Int(3));
        assert!(thing.get("<<").is_none());
    }

    #[test]
    fn alias_bomb_is_refused() {
        use std::fmt::Write as _;
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            let items = vec![format!("*a{prev}"); 10].join(", ");
            let _ = writeln!(doc, "a{i}: &a{i} [{items}]");
        }
        let err = p(&doc).unwrap_err();
        assert!(
            matches!(err.kind, ParseErrorKind::TooManyNodes { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = p("a: 1\nb: 2\na: 3\n").unwrap_err();
        match err.kind {
            ParseErrorKind::DuplicateKey { key, first } => {
                assert_eq!(key, "a");
                assert_eq!(first.start, Pos::new(1, 1));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(err.span.start, Pos::new(3, 1));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let doc = "[".repeat(1000);
        let err = p(&doc).unwrap_err();
        assert!(matches!(
            err.kind,
            ParseErrorKind::TooDeep { .. } | ParseErrorKind::Syntax { .. }
        ));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = p("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(matches!(err.kind, ParseErrorKind::Syntax { .. }));
        assert!(err.span.start.line >= 1);
    }

    #[test]
    fn tabs_are_a_syntax_error() {
        let err = p("a:\n\t- b\n").unwrap_err();
        assert!(matches!(err.kind, ParseErrorKind::Syntax { .. }), "{err:?}");
    }
}
