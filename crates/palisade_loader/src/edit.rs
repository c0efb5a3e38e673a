//! Editing a person's model file in place: set keys on one entry of `threats:` (a decision) and
//! leave every other byte as it was — comments, key order, quoting, blank lines.
//!
//! The serializer in `write.rs` rewrites the whole file and drops comments, which is fine for a
//! file Palisade generated but not for one a person wrote. This editor works on the text instead:
//! it parses the file into the span-keeping tree of `palisade_syntax` to find `threats:`, the entry
//! with the wanted `id`, and the keys already there, then splices new text at those offsets. It
//! handles block and flow style entries, a missing or empty `threats:`, and keeps the file's
//! indentation and line endings. JSON has no comments: a JSON model is re-serialized with its own
//! indentation, keys in their original order.
//!
//! Callers re-load the result and compare it with the original ([`only_threats_changed`]) before
//! writing it: the editor never has the last word on whether an edit is right.

use palisade_diagnostics::Pos;
use palisade_model::Model;
use palisade_syntax::{Format, Limits, Map, Node, Value};

/// A value to write under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// A scalar, quoted when YAML needs it.
    Text(String),
    /// A list of scalars, written as a flow sequence `[a, b]` in YAML.
    List(Vec<String>),
}

/// Why a model's text could not be edited.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error("{file} does not parse ({message}); fix it before recording decisions")]
    Parse { file: String, message: String },
    #[error("{file} is not a mapping at the top level")]
    NotAMapping { file: String },
    #[error("`threats` in {file} is {found} at line {line}, not a list")]
    ThreatsNotAList {
        file: String,
        found: &'static str,
        line: u32,
    },
    #[error("the entry of threat `{id}` in {file} at line {line} is not a mapping")]
    EntryNotAMapping { file: String, id: String, line: u32 },
    #[error("{file}: a value uses YAML anchors or aliases at line {line}; edit it by hand")]
    Alias { file: String, line: u32 },
}

/// Sets `fields` (in order) on the `threats:` entry whose `id` is `id`, adding the entry (and the
/// `threats:` section) when there is none. Returns the new text.
pub fn set_threat_fields(
    label: &str,
    text: &str,
    id: &str,
    fields: &[(&str, FieldValue)],
) -> Result<String, EditError> {
    match Format::detect(label, text) {
        Format::Json => json_set(label, text, id, fields),
        Format::Yaml => Yaml::new(label, text)?.set(id, fields),
    }
}

/// Whether `after` differs from `before` only in the `threats:` entries `ids` (added or changed),
/// and has all of them. Spans are not compared, so moved lines do not count as changes.
pub fn only_threats_changed(before: &Model, after: &Model, ids: &[&str]) -> bool {
    let strip = |m: &Model| {
        let mut m = m.clone();
        m.threats.retain(|t| !ids.contains(&t.id.as_str()));
        serde_json::to_value(&m).ok()
    };
    let (a, b) = (strip(before), strip(after));
    a.is_some()
        && a == b
        && ids
            .iter()
            .all(|id| after.threats.iter().any(|t| t.id.as_str() == *id))
}

// ---------------------------------------------------------------------------------------------
// YAML

struct Yaml<'t> {
    label: &'t str,
    text: &'t str,
    root: Node,
    line_starts: Vec<usize>,
    newline: &'static str,
}

/// Text to put at `start..end`.
struct Splice {
    start: usize,
    end: usize,
    text: String,
}

impl<'t> Yaml<'t> {
    fn new(label: &'t str, text: &'t str) -> Result<Self, EditError> {
        let root = palisade_syntax::parse_str(text, Format::Yaml, &Limits::MODEL).map_err(|e| {
            EditError::Parse {
                file: label.to_owned(),
                message: e.kind.to_string(),
            }
        })?;
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        Ok(Self {
            label,
            text,
            root,
            line_starts,
            newline,
        })
    }

    fn set(&self, id: &str, fields: &[(&str, FieldValue)]) -> Result<String, EditError> {
        let Some(root) = self.root.as_map() else {
            return Err(EditError::NotAMapping {
                file: self.label.to_owned(),
            });
        };
        let splices = match root.get_entry("threats") {
            None => vec![self.append_section(root, id, fields)],
            Some((key, value)) => self.edit_section(key.span.end, value, root, id, fields)?,
        };
        Ok(apply(self.text, splices))
    }

    // --- positions ---

    fn line_start(&self, line: u32) -> usize {
        let idx = (line as usize).saturating_sub(1);
        self.line_starts
            .get(idx)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The byte offset of the end of `line`'s content (before `\r\n` or `\n`).
    fn line_end(&self, line: u32) -> usize {
        let next = self
            .line_starts
            .get(line as usize)
            .copied()
            .unwrap_or(self.text.len() + 1);
        let mut end = next.saturating_sub(1).min(self.text.len());
        if end > 0 && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        end.max(self.line_start(line))
    }

    fn line_text(&self, line: u32) -> &str {
        &self.text[self.line_start(line)..self.line_end(line)]
    }

    fn offset(&self, pos: Pos) -> usize {
        let start = self.line_start(pos.line);
        let line = &self.text[start..self.line_end(pos.line).max(start)];
        let chars = (pos.col as usize).saturating_sub(1);
        start
            + line
                .char_indices()
                .nth(chars)
                .map_or(line.len(), |(i, _)| i)
    }

    fn char_at(&self, pos: Pos) -> Option<char> {
        self.text[self.offset(pos)..].chars().next()
    }

    /// The offset just after the `:` that follows a key ending at `key_end`.
    fn after_colon(&self, key_end: Pos) -> usize {
        let from = self.offset(key_end);
        self.text[from..]
            .find(':')
            .map_or(from, |i| from + i + ':'.len_utf8())
    }

    /// Whether a line holds nothing, or only a comment indented at most `col` (0-based), which
    /// belongs to what follows rather than to the value before it.
    fn is_trailing_filler(&self, line: u32, col: usize) -> bool {
        let text = self.line_text(line);
        let trimmed = text.trim_start();
        let indent = text.len() - trimmed.len();
        trimmed.is_empty() || (trimmed.starts_with('#') && indent <= col)
    }

    /// The last line with content of a block value that must end before `bound` (a position of
    /// the next token), for a key at 0-based column `key_col`.
    fn last_content_line(&self, first: u32, bound: Pos, key_col: usize) -> u32 {
        let before_bound = &self.text[self.line_start(bound.line)..self.offset(bound)];
        let mut line = if before_bound.trim().is_empty() {
            bound.line.saturating_sub(1)
        } else {
            bound.line
        };
        while line > first && self.is_trailing_filler(line, key_col) {
            line -= 1;
        }
        line.max(first)
    }

    // --- rendering ---

    fn indent_of_sequences(&self, root: &Map) -> (usize, usize) {
        // The dash and key columns of the first block sequence of mappings at the top level.
        for (key, value) in root.iter() {
            let Some(items) = value.as_seq() else {
                continue;
            };
            if value.span.start.line == key.span.start.line {
                continue;
            }
            if let Some(first) = items.first()
                && let Some((k, _)) = first.as_map().and_then(|m| m.entries.first())
            {
                let key_col = (k.span.start.col as usize).saturating_sub(1);
                let dash = self.dash_col(first).unwrap_or(key_col.saturating_sub(2));
                return (dash, key_col);
            }
        }
        (2, 4)
    }

    /// The 0-based column of the `-` before a block sequence item.
    fn dash_col(&self, item: &Node) -> Option<usize> {
        let line = self.line_text(item.span.start.line);
        let col = (item.span.start.col as usize).saturating_sub(1);
        let prefix: String = line.chars().take(col).collect();
        let dash = prefix.rfind('-')?;
        Some(prefix[..dash].chars().count())
    }

    fn block_entry(
        &self,
        dash: usize,
        key_col: usize,
        id: &str,
        fields: &[(&str, FieldValue)],
    ) -> String {
        let nl = self.newline;
        let gap = " ".repeat(key_col.saturating_sub(dash + 1).max(1));
        let mut out = format!("{}-{gap}id: {}", " ".repeat(dash), scalar(id));
        for (key, value) in fields {
            out.push_str(&format!(
                "{nl}{}{key}: {}",
                " ".repeat(key_col),
                render(value)
            ));
        }
        out
    }

    fn flow_entry(id: &str, fields: &[(&str, FieldValue)]) -> String {
        let mut parts = vec![format!("id: {}", scalar(id))];
        parts.extend(fields.iter().map(|(k, v)| format!("{k}: {}", render(v))));
        format!("{{ {} }}", parts.join(", "))
    }

    // --- edits ---

    fn append_section(&self, root: &Map, id: &str, fields: &[(&str, FieldValue)]) -> Splice {
        let nl = self.newline;
        let (dash, key_col) = self.indent_of_sequences(root);
        let mut text = String::new();
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            text.push_str(nl);
        }
        let last_blank = self.text.trim_end_matches(['\r', '\n']).len().eq(&0)
            || self.text.ends_with(&format!("{nl}{nl}"));
        if !last_blank {
            text.push_str(nl);
        }
        text.push_str(&format!("threats:{nl}"));
        text.push_str(&self.block_entry(dash, key_col, id, fields));
        text.push_str(nl);
        Splice {
            start: self.text.len(),
            end: self.text.len(),
            text,
        }
    }

    fn edit_section(
        &self,
        key_end: Pos,
        value: &Node,
        root: &Map,
        id: &str,
        fields: &[(&str, FieldValue)],
    ) -> Result<Vec<Splice>, EditError> {
        let nl = self.newline;
        match &value.value {
            Value::Null => {
                // `threats:` with nothing after it: the entries go on the following lines.
                let (dash, key_col) = self.indent_of_sequences(root);
                let at = self.line_end(key_end.line);
                Ok(vec![Splice {
                    start: at,
                    end: at,
                    text: format!("{nl}{}", self.block_entry(dash, key_col, id, fields)),
                }])
            }
            Value::Seq(items) if self.char_at(value.span.start) == Some('[') => {
                if items.is_empty() {
                    let (dash, key_col) = self.indent_of_sequences(root);
                    return Ok(vec![Splice {
                        start: self.after_colon(key_end),
                        end: self.offset(value.span.end),
                        text: format!("{nl}{}", self.block_entry(dash, key_col, id, fields)),
                    }]);
                }
                if let Some(entry) = find_entry(items, id) {
                    return self.edit_entry(entry, id, fields);
                }
                let close = self.closing(value, ']');
                Ok(vec![Splice {
                    start: close,
                    end: close,
                    text: format!(", {}", Self::flow_entry(id, fields)),
                }])
            }
            Value::Seq(items) => {
                if let Some(entry) = find_entry(items, id) {
                    return self.edit_entry(entry, id, fields);
                }
                let Some(last) = items.last() else {
                    let (dash, key_col) = self.indent_of_sequences(root);
                    let at = self.line_end(key_end.line);
                    return Ok(vec![Splice {
                        start: at,
                        end: at,
                        text: format!("{nl}{}", self.block_entry(dash, key_col, id, fields)),
                    }]);
                };
                let (dash, key_col) = match last.as_map().and_then(|m| m.entries.first()) {
                    Some((k, _)) => {
                        let key_col = (k.span.start.col as usize).saturating_sub(1);
                        (
                            self.dash_col(last).unwrap_or(key_col.saturating_sub(2)),
                            if self.char_at(last.span.start) == Some('{') {
                                self.dash_col(last).unwrap_or(0) + 2
                            } else {
                                key_col
                            },
                        )
                    }
                    None => {
                        let dash = self.dash_col(last).unwrap_or(2);
                        (dash, dash + 2)
                    }
                };
                let end_line = self.node_last_line(last, dash);
                let at = self.line_end(end_line);
                Ok(vec![Splice {
                    start: at,
                    end: at,
                    text: format!("{nl}{}", self.block_entry(dash, key_col, id, fields)),
                }])
            }
            other => Err(EditError::ThreatsNotAList {
                file: self.label.to_owned(),
                found: Node::new(value.span, other.clone()).kind_name(),
                line: value.span.start.line,
            }),
        }
    }

    /// The last line with content of a sequence item (a mapping or a scalar).
    fn node_last_line(&self, node: &Node, col: usize) -> u32 {
        if node.span.start.line == node.span.end.line || self.is_flow(node) {
            return node.span.end.line;
        }
        self.last_content_line(node.span.start.line, node.span.end, col)
    }

    fn is_flow(&self, node: &Node) -> bool {
        matches!(self.char_at(node.span.start), Some('[' | '{'))
    }

    /// The offset where text goes before the closing `bracket` of a flow collection: after its
    /// last value, before any spaces.
    fn closing(&self, node: &Node, bracket: char) -> usize {
        let end = self.offset(node.span.end);
        let start = self.offset(node.span.start);
        let inner = &self.text[start..end];
        let close = inner.rfind(bracket).map_or(end, |i| start + i);
        start + self.text[start..close].trim_end().len()
    }

    fn edit_entry(
        &self,
        entry: &Node,
        id: &str,
        fields: &[(&str, FieldValue)],
    ) -> Result<Vec<Splice>, EditError> {
        let Some(map) = entry.as_map() else {
            return Err(EditError::EntryNotAMapping {
                file: self.label.to_owned(),
                id: id.to_owned(),
                line: entry.span.start.line,
            });
        };
        let flow = self.is_flow(entry);
        let key_col = map
            .entries
            .first()
            .map_or(0, |(k, _)| (k.span.start.col as usize).saturating_sub(1));
        let mut splices = Vec::new();
        let mut missing = Vec::new();
        for (key, value) in fields {
            let position = map.entries.iter().position(|(k, _)| k.text == *key);
            match position {
                Some(i) => splices.push(self.replace_value(map, i, entry, key_col, flow, value)?),
                None => missing.push((*key, value.clone())),
            }
        }
        if missing.is_empty() {
            return Ok(splices);
        }
        if flow {
            let at = self.closing(entry, '}');
            let mut text = String::new();
            for (k, v) in &missing {
                text.push_str(&format!(", {k}: {}", render(v)));
            }
            splices.push(Splice {
                start: at,
                end: at,
                text,
            });
        } else {
            let last = map.entries.len() - 1;
            let end_line = self.value_last_line(map, last, entry, key_col);
            let at = self.line_end(end_line);
            let indent = " ".repeat(key_col);
            let mut text = String::new();
            for (k, v) in &missing {
                text.push_str(&format!("{}{indent}{k}: {}", self.newline, render(v)));
            }
            splices.push(Splice {
                start: at,
                end: at,
                text,
            });
        }
        Ok(splices)
    }

    /// The last line of the value of entry `i` of a block mapping.
    fn value_last_line(&self, map: &Map, i: usize, entry: &Node, key_col: usize) -> u32 {
        let (key, value) = &map.entries[i];
        if value.span.start.line == value.span.end.line
            && (value.span.start.line == key.span.start.line || self.is_flow(value))
        {
            return value.span.end.line.max(key.span.end.line);
        }
        if self.is_flow(value) {
            return value.span.end.line;
        }
        let bound = map
            .entries
            .get(i + 1)
            .map_or(entry.span.end, |(k, _)| k.span.start);
        self.last_content_line(key.span.start.line, bound, key_col)
    }

    fn replace_value(
        &self,
        map: &Map,
        i: usize,
        entry: &Node,
        key_col: usize,
        flow: bool,
        value: &FieldValue,
    ) -> Result<Splice, EditError> {
        let (key, old) = &map.entries[i];
        let start = self.after_colon(key.span.end);
        let single_line = old.span.start.line == old.span.end.line
            && (old.span.start.line == key.span.start.line || self.is_flow(old));
        let end = if old.is_null() {
            start
        } else if single_line || flow || self.is_flow(old) {
            self.offset(old.span.end)
        } else {
            self.line_end(self.value_last_line(map, i, entry, key_col))
        };
        if end < start {
            return Err(EditError::Alias {
                file: self.label.to_owned(),
                line: key.span.start.line,
            });
        }
        Ok(Splice {
            start,
            end,
            text: format!(" {}", render(value)),
        })
    }
}

fn find_entry<'n>(items: &'n [Node], id: &str) -> Option<&'n Node> {
    items.iter().find(|item| {
        item.get("id")
            .and_then(Node::scalar_text)
            .is_some_and(|text| text == id)
    })
}

fn apply(text: &str, mut splices: Vec<Splice>) -> String {
    splices.sort_by_key(|s| std::cmp::Reverse(s.start));
    let mut out = text.to_owned();
    for s in splices {
        out.replace_range(s.start..s.end, &s.text);
    }
    out
}

fn render(value: &FieldValue) -> String {
    match value {
        FieldValue::Text(text) => scalar(text),
        FieldValue::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| scalar(i))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A YAML scalar: plain when it cannot be mistaken for anything else, double-quoted otherwise.
pub(crate) fn scalar(text: &str) -> String {
    if is_plain_safe(text) {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.escape_default()))
    }
}

fn is_plain_safe(text: &str) -> bool {
    const RESERVED: &[&str] = &[
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    let Some(first) = text.chars().next() else {
        return false;
    };
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(text)) || text.ends_with(' ') {
        return false;
    }
    if first.is_ascii_digit() {
        // Only a date is safe: anything else may read as a number.
        return text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
    }
    (first.is_alphanumeric() || first == '_')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " _-./@+()`'".contains(c))
}

// ---------------------------------------------------------------------------------------------
// JSON

fn json_set(
    label: &str,
    text: &str,
    id: &str,
    fields: &[(&str, FieldValue)],
) -> Result<String, EditError> {
    use serde_json::Value as J;
    let mut root: J = serde_json::from_str(text).map_err(|e| EditError::Parse {
        file: label.to_owned(),
        message: e.to_string(),
    })?;
    let Some(object) = root.as_object_mut() else {
        return Err(EditError::NotAMapping {
            file: label.to_owned(),
        });
    };
    let threats = object
        .entry("threats")
        .or_insert_with(|| J::Array(Vec::new()));
    if threats.is_null() {
        *threats = J::Array(Vec::new());
    }
    let Some(list) = threats.as_array_mut() else {
        return Err(EditError::ThreatsNotAList {
            file: label.to_owned(),
            found: "not an array",
            line: 0,
        });
    };
    let position = list
        .iter()
        .position(|t| t.get("id").and_then(J::as_str) == Some(id));
    let entry = match position {
        Some(i) => &mut list[i],
        None => {
            let mut fresh = serde_json::Map::new();
            fresh.insert("id".to_owned(), J::String(id.to_owned()));
            list.push(J::Object(fresh));
            list.last_mut().expect("just pushed")
        }
    };
    let Some(entry) = entry.as_object_mut() else {
        return Err(EditError::EntryNotAMapping {
            file: label.to_owned(),
            id: id.to_owned(),
            line: 0,
        });
    };
    for (key, value) in fields {
        let v = match value {
            FieldValue::Text(t) => J::String(t.clone()),
            FieldValue::List(items) => J::Array(items.iter().cloned().map(J::String).collect()),
        };
        entry.insert((*key).to_owned(), v);
    }
    let indent = json_indent(text);
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(&root, &mut ser).map_err(|e| EditError::Parse {
        file: label.to_owned(),
        message: e.to_string(),
    })?;
    let mut out = String::from_utf8(out).unwrap_or_default();
    if text.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Replaces the top-level section `key` with `value` (or adds it at the end), leaving every other
/// byte as it was. In YAML the section is written in block style from `value`, a JSON value;
/// comment and blank lines just before the next top-level key stay with that key. In JSON the
/// document is re-serialized with its own indentation, keys in their original order.
pub fn set_top_level(
    label: &str,
    text: &str,
    key: &str,
    value: &serde_json::Value,
) -> Result<String, EditError> {
    let parse_error = |message: String| EditError::Parse {
        file: label.to_owned(),
        message,
    };
    if Format::detect(label, text) == Format::Json {
        let mut root: serde_json::Value =
            serde_json::from_str(text).map_err(|e| parse_error(e.to_string()))?;
        let Some(object) = root.as_object_mut() else {
            return Err(EditError::NotAMapping {
                file: label.to_owned(),
            });
        };
        object.insert(key.to_owned(), value.clone());
        let indent = json_indent(text);
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        serde::Serialize::serialize(&root, &mut ser).map_err(|e| parse_error(e.to_string()))?;
        let mut out = String::from_utf8(out).unwrap_or_default();
        if text.ends_with('\n') {
            out.push('\n');
        }
        return Ok(out);
    }
    let root = palisade_syntax::parse_str(text, Format::Yaml, &Limits::MODEL)
        .map_err(|e| parse_error(e.kind.to_string()))?;
    let Some(map) = root.as_map() else {
        return Err(EditError::NotAMapping {
            file: label.to_owned(),
        });
    };
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut block = format!("{key}:");
    yaml_block(value, 1, &mut block);
    let block = block.replace('\n', newline) + newline;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let entries: Vec<_> = map.iter().collect();
    let Some(at) = entries.iter().position(|(k, _)| k.text == key) else {
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str(&block);
        return Ok(out);
    };
    let first = entries[at].0.span.start.line as usize - 1;
    let mut end = entries
        .get(at + 1)
        .map_or(lines.len(), |(k, _)| k.span.start.line as usize - 1);
    // Comments and blank lines right before the next key belong to it.
    if at + 1 < entries.len() {
        while end > first + 1 {
            let line = lines[end - 1].trim();
            if line.is_empty() || line.starts_with('#') {
                end -= 1;
            } else {
                break;
            }
        }
    }
    let mut out: String = lines[..first].concat();
    out.push_str(&block);
    out.push_str(&lines[end..].concat());
    Ok(out)
}

/// A JSON value in YAML block style, indented by `depth` levels of two spaces, after a key.
fn yaml_block(value: &serde_json::Value, depth: usize, out: &mut String) {
    use serde_json::Value as J;
    let pad = "  ".repeat(depth);
    match value {
        J::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                out.push('\n');
                out.push_str(&pad);
                out.push_str(&yaml_scalar(k));
                out.push(':');
                yaml_block(v, depth + 1, out);
            }
        }
        J::Array(items) if !items.is_empty() => {
            for v in items {
                out.push('\n');
                out.push_str(&pad);
                out.push('-');
                yaml_block(v, depth + 1, out);
            }
        }
        J::Object(_) => out.push_str(" {}"),
        J::Array(_) => out.push_str(" []"),
        J::String(text) => {
            out.push(' ');
            out.push_str(&yaml_scalar(text));
        }
        other => {
            out.push(' ');
            out.push_str(&other.to_string());
        }
    }
}

/// A string as a YAML scalar: plain when that reads back as the same string, else double-quoted.
fn yaml_scalar(text: &str) -> String {
    if is_plain_safe(text) {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
    }
}

/// The indentation of the first indented line of a JSON text (two spaces when there is none).
fn json_indent(text: &str) -> String {
    text.lines()
        .skip(1)
        .map(|l| {
            l.chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect::<String>()
        })
        .find(|i| !i.is_empty())
        .unwrap_or_else(|| "  ".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, id: &str, fields: &[(&str, FieldValue)]) -> String {
        set_threat_fields("m.yaml", text, id, fields).unwrap()
    }

    fn t(s: &str) -> FieldValue {
        FieldValue::Text(s.to_owned())
    }

    #[test]
    fn appends_a_threats_section_at_the_end() {
        let text = "palisade: 1\nsystem: { name: X }\nelements:\n- id: a\n  kind: process\n";
        let out = set(text, "TH-1", &[("status", t("mitigated"))]);
        assert_eq!(
            out,
            "palisade: 1\nsystem: { name: X }\nelements:\n- id: a\n  kind: process\n\nthreats:\n- id: TH-1\n  status: mitigated\n"
        );
    }

    #[test]
    fn appends_without_a_final_newline_and_with_default_indentation() {
        let out = set(
            "palisade: 1\nsystem: { name: X }",
            "TH-1",
            &[("status", t("open"))],
        );
        assert_eq!(
            out,
            "palisade: 1\nsystem: { name: X }\n\nthreats:\n  - id: TH-1\n    status: open\n"
        );
    }

    #[test]
    fn replaces_existing_values_and_keeps_comments() {
        let text = "\
threats:
  # the webhook
  - id: TH-1   # a comment on the id
    status: open # still open
    justification: >-
      folded
      text

    owner: me
  - id: TH-2
    status: open
# the end
policy: {}
";
        let out = set(
            text,
            "TH-1",
            &[
                ("status", t("accepted")),
                ("justification", t("risk: low")),
                ("ticket", t("PAY-1")),
            ],
        );
        assert_eq!(
            out,
            "\
threats:
  # the webhook
  - id: TH-1   # a comment on the id
    status: accepted # still open
    justification: \"risk: low\"

    owner: me
    ticket: PAY-1
  - id: TH-2
    status: open
# the end
policy: {}
"
        );
    }

    #[test]
    fn adds_keys_after_a_block_value_of_the_last_entry() {
        let text = "\
threats:
  - id: TH-1
    ticket:
      id: P-1
      url: https://x

  # next section
policy: {}
";
        let out = set(text, "TH-1", &[("status", t("mitigated"))]);
        assert_eq!(
            out,
            "\
threats:
  - id: TH-1
    ticket:
      id: P-1
      url: https://x
    status: mitigated

  # next section
policy: {}
"
        );
        let out = set(text, "TH-1", &[("ticket", t("P-2"))]);
        assert_eq!(
            out,
            "threats:\n  - id: TH-1\n    ticket: P-2\n\n  # next section\npolicy: {}\n"
        );
    }

    #[test]
    fn appends_an_entry_after_the_last_one_with_its_indentation() {
        let text = "threats:\n    -   id: a\n        status: open\npolicy: {}\n";
        let out = set(text, "b", &[("status", t("open"))]);
        assert_eq!(
            out,
            "threats:\n    -   id: a\n        status: open\n    -   id: b\n        status: open\npolicy: {}\n"
        );
    }

    #[test]
    fn edits_flow_entries_and_flow_lists() {
        let text = "threats:\n  - { id: a, status: open }\n";
        let out = set(
            text,
            "a",
            &[
                ("status", t("mitigated")),
                (
                    "mitigations",
                    FieldValue::List(vec!["m1".into(), "m2".into()]),
                ),
            ],
        );
        assert_eq!(
            out,
            "threats:\n  - { id: a, status: mitigated, mitigations: [m1, m2] }\n"
        );
        let out = set("threats: [{ id: a }]\n", "b", &[("status", t("open"))]);
        assert_eq!(out, "threats: [{ id: a }, { id: b, status: open }]\n");
        let out = set("threats: []\nx: 1\n", "b", &[("status", t("open"))]);
        assert_eq!(out, "threats:\n  - id: b\n    status: open\nx: 1\n");
        let out = set("threats:\nx: 1\n", "b", &[("status", t("open"))]);
        assert_eq!(out, "threats:\n  - id: b\n    status: open\nx: 1\n");
    }

    #[test]
    fn keeps_crlf_line_endings() {
        let text = "threats:\r\n  - id: a\r\n    status: open\r\n";
        let out = set(text, "a", &[("owner", t("me")), ("status", t("mitigated"))]);
        assert_eq!(
            out,
            "threats:\r\n  - id: a\r\n    status: mitigated\r\n    owner: me\r\n"
        );
    }

    #[test]
    fn quotes_only_what_needs_quoting() {
        assert_eq!(scalar("payments-team"), "payments-team");
        assert_eq!(scalar("2026-11-24"), "2026-11-24");
        assert_eq!(scalar("element `db`"), "element `db`");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("12"), "\"12\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("https://x.example/1"), "\"https://x.example/1\"");
        assert_eq!(scalar("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
        assert_eq!(scalar("-x"), "\"-x\"");
        assert_eq!(scalar(""), "\"\"");
    }

    #[test]
    fn refuses_what_it_cannot_edit() {
        assert!(matches!(
            set_threat_fields("m.yaml", "threats: 3\n", "a", &[]),
            Err(EditError::ThreatsNotAList { .. })
        ));
        assert!(matches!(
            set_threat_fields("m.yaml", "- a\n", "a", &[]),
            Err(EditError::NotAMapping { .. })
        ));
        assert!(matches!(
            set_threat_fields("m.yaml", "a: [\n", "a", &[]),
            Err(EditError::Parse { .. })
        ));
    }

    #[test]
    fn edits_json_keeping_key_order_and_indentation() {
        let text = "{\n    \"palisade\": 1,\n    \"system\": { \"name\": \"X\" },\n    \"threats\": [ { \"id\": \"a\", \"status\": \"open\", \"owner\": \"me\" } ]\n}\n";
        let out = set_threat_fields("m.json", text, "a", &[("status", t("mitigated"))]).unwrap();
        assert_eq!(
            out,
            "{\n    \"palisade\": 1,\n    \"system\": {\n        \"name\": \"X\"\n    },\n    \"threats\": [\n        {\n            \"id\": \"a\",\n            \"status\": \"mitigated\",\n            \"owner\": \"me\"\n        }\n    ]\n}\n"
        );
        let out = set_threat_fields("m.json", "{\"palisade\": 1}", "b", &[("status", t("open"))])
            .unwrap();
        assert_eq!(
            out,
            "{\n  \"palisade\": 1,\n  \"threats\": [\n    {\n      \"id\": \"b\",\n      \"status\": \"open\"\n    }\n  ]\n}"
        );
    }

    #[test]
    fn top_level_sections_are_replaced_or_added_in_place() {
        let value = serde_json::json!({ "date": "2026-11-20", "specs": { "a.yaml": "sha256:00" } });
        // Replaced: the comment before the next key stays with it.
        let text = "palisade: 1\n# who checked\nreviewed:\n  date: 2026-01-01\n\n# the policy\npolicy:\n  fail_on: high\n";
        let out = set_top_level("m.yaml", text, "reviewed", &value).unwrap();
        assert_eq!(
            out,
            "palisade: 1\n# who checked\nreviewed:\n  date: 2026-11-20\n  specs:\n    a.yaml: \"sha256:00\"\n\n# the policy\npolicy:\n  fail_on: high\n"
        );
        // Added at the end, keeping CRLF line endings.
        let out = set_top_level("m.yaml", "palisade: 1\r\n", "reviewed", &value).unwrap();
        assert_eq!(
            out,
            "palisade: 1\r\nreviewed:\r\n  date: 2026-11-20\r\n  specs:\r\n    a.yaml: \"sha256:00\"\r\n"
        );
        // JSON keeps its key order and indentation.
        let out = set_top_level(
            "m.json",
            "{\n    \"palisade\": 1,\n    \"system\": {}\n}\n",
            "reviewed",
            &value,
        )
        .unwrap();
        assert!(
            out.starts_with("{\n    \"palisade\": 1,\n    \"system\": {},\n    \"reviewed\": {"),
            "{out}"
        );
        assert!(out.ends_with("}\n"));
    }
}
