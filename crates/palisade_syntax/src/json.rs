//! JSON (RFC 8259) → [`Node`], by hand.
//!
//! Written here rather than taken from a crate because we need the line and column of every value
//! (serde_json keeps none) at close to serde_json's speed on multi-megabyte OpenAPI documents, and
//! must bound depth and size. Columns are counted in characters with a cursor cache, so a minified
//! single-line document stays linear.

use palisade_diagnostics::{Pos, Span};

use crate::node::MapBuilder;
use crate::{Key, Limits, Node, ParseError, ParseErrorKind, Value, to_u32};

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    line: u32,
    line_start: usize,
    /// The last (byte offset, column) computed on the current line.
    cache: (usize, u32),
    limits: &'a Limits,
    nodes: usize,
    depth: usize,
}

pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Node, ParseError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        i: 0,
        line: 1,
        line_start: 0,
        cache: (0, 1),
        limits,
        nodes: 0,
        depth: 0,
    };
    if p.text.starts_with('\u{feff}') {
        p.i = 3;
        p.cache = (3, 2);
    }
    p.skip_ws();
    let node = p.value()?;
    p.skip_ws();
    if p.i < p.bytes.len() {
        return Err(p.error("unexpected text after the end of the JSON value"));
    }
    Ok(node)
}

impl Parser<'_> {
    fn pos(&mut self) -> Pos {
        let (offset, col) = if self.cache.0 >= self.line_start && self.cache.0 <= self.i {
            self.cache
        } else {
            (self.line_start, 1)
        };
        let more = self.bytes[offset..self.i]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        let col = col + to_u32(more);
        self.cache = (self.i, col);
        Pos::new(self.line, col)
    }

    fn error(&mut self, message: &str) -> ParseError {
        let pos = self.pos();
        ParseError::new(
            ParseErrorKind::Syntax {
                message: message.to_owned(),
            },
            Span::point(pos),
        )
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.i) {
            match b {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\n' => {
                    self.i += 1;
                    self.line += 1;
                    self.line_start = self.i;
                }
                _ => break,
            }
        }
    }

    fn count(&mut self, start: Pos) -> Result<(), ParseError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(ParseError::new(
                ParseErrorKind::TooManyNodes {
                    limit: self.limits.max_nodes,
                },
                Span::point(start),
            ));
        }
        Ok(())
    }

    fn value(&mut self) -> Result<Node, ParseError> {
        let start = self.pos();
        self.count(start)?;
        let value = match self.bytes.get(self.i) {
            None => return Err(self.error("unexpected end of file: expected a value")),
            Some(b'{') => return self.object(start),
            Some(b'[') => return self.array(start),
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("expected a value")),
        };
        let end = self.pos();
        Ok(Node::new(Span::new(start, end), value))
    }

    fn enter(&mut self, start: Pos) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(ParseError::new(
                ParseErrorKind::TooDeep {
                    limit: self.limits.max_depth,
                },
                Span::point(start),
            ));
        }
        Ok(())
    }

    fn object(&mut self, start: Pos) -> Result<Node, ParseError> {
        self.enter(start)?;
        self.i += 1;
        let mut map = MapBuilder::default();
        self.skip_ws();
        if self.bytes.get(self.i) == Some(&b'}') {
            self.i += 1;
        } else {
            loop {
                self.skip_ws();
                if self.bytes.get(self.i) != Some(&b'"') {
                    return Err(self.error("expected a string key"));
                }
                let key_start = self.pos();
                let text = self.string()?;
                let key_end = self.pos();
                self.skip_ws();
                if self.bytes.get(self.i) != Some(&b':') {
                    return Err(self.error("expected `:` after the key"));
                }
                self.i += 1;
                self.skip_ws();
                let value = self.value()?;
                map.insert(
                    Key {
                        text,
                        span: Span::new(key_start, key_end),
                    },
                    value,
                )?;
                self.skip_ws();
                match self.bytes.get(self.i) {
                    Some(b',') => self.i += 1,
                    Some(b'}') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(self.error("expected `,` or `}`")),
                }
            }
        }
        self.depth -= 1;
        let end = self.pos();
        Ok(Node::new(Span::new(start, end), Value::Map(map.finish())))
    }

    fn array(&mut self, start: Pos) -> Result<Node, ParseError> {
        self.enter(start)?;
        self.i += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.i) == Some(&b']') {
            self.i += 1;
        } else {
            loop {
                self.skip_ws();
                items.push(self.value()?);
                self.skip_ws();
                match self.bytes.get(self.i) {
                    Some(b',') => self.i += 1,
                    Some(b']') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(self.error("expected `,` or `]`")),
                }
            }
        }
        self.depth -= 1;
        let end = self.pos();
        Ok(Node::new(Span::new(start, end), Value::Seq(items)))
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        if self.bytes[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        let b = self.bytes;
        let mut i = self.i;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => {
                self.i = i;
                return Err(self.error("invalid number"));
            }
        }
        let mut float = false;
        if b.get(i) == Some(&b'.') {
            float = true;
            i += 1;
            if !b.get(i).is_some_and(u8::is_ascii_digit) {
                self.i = i;
                return Err(self.error("invalid number: expected a digit after `.`"));
            }
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            float = true;
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !b.get(i).is_some_and(u8::is_ascii_digit) {
                self.i = i;
                return Err(self.error("invalid number: expected a digit in the exponent"));
            }
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        self.i = i;
        let text = &self.text[start..i];
        if !float && let Ok(n) = text.parse::<i64>() {
            return Ok(Value::Int(n));
        }
        text.parse::<f64>()
            .map(Value::Float)
            .map_err(|_| self.error("invalid number"))
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.i;
            while let Some(&b) = self.bytes.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.text[run_start..self.i]);
            match self.bytes.get(self.i) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = match self.bytes.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        _ => return Err(self.error("invalid escape in string")),
                    };
                    self.i += 1;
                    out.push(c);
                }
                Some(_) => return Err(self.error("control character in string")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .text
            .get(self.i..self.i + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(n) => {
                self.i += 4;
                Ok(n)
            }
            None => Err(self.error("invalid \\u escape")),
        }
    }

    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.bytes.get(self.i) == Some(&b'\\') && self.bytes.get(self.i + 1) == Some(&b'u') {
                self.i += 2;
                let second = self.hex4()?;
                if !(0xDC00..0xE000).contains(&second) {
                    return Err(self.error("invalid surrogate pair in \\u escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            } else {
                return Err(self.error("lone surrogate in \\u escape"));
            }
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Node, ParseError> {
        parse(text, &Limits::SPEC)
    }

    #[test]
    fn values_and_positions() {
        let n = p("{\n  \"a\": [1, -2.5e1, true, null],\n  \"é\": \"x\\u00e9\\ud83d\\ude00\"\n}")
            .unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.span.start, Pos::new(2, 8));
        let items = a.as_seq().unwrap();
        assert_eq!(items[0].value, Value::Int(1));
        assert_eq!(items[1].value, Value::Float(-25.0));
        assert_eq!(n.get("é").unwrap().as_str(), Some("xé😀"));
        assert_eq!(n.get("é").unwrap().span.start, Pos::new(3, 8));
    }

    #[test]
    fn agrees_with_serde_json() {
        let text = r#"{"a":{"b":[1,2,{"c":"d\n"}],"f":12345678901234567890},"g":[]}"#;
        let ours = p(text).unwrap().to_json();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        assert_eq!(ours["a"]["b"], theirs["a"]["b"]);
        assert_eq!(ours["g"], theirs["g"]);
    }

    #[test]
    fn errors_have_positions() {
        let err = p("{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!(err.span.start, Pos::new(3, 7));
        let err = p("[1, 2").unwrap_err();
        assert!(matches!(err.kind, ParseErrorKind::Syntax { .. }));
        let err = p("{\"a\": 1, \"a\": 2}").unwrap_err();
        assert!(matches!(err.kind, ParseErrorKind::DuplicateKey { .. }));
        let err = p("[1] x").unwrap_err();
        assert_eq!(err.span.start, Pos::new(1, 5));
    }

    #[test]
    fn depth_is_bounded() {
        let text = "[".repeat(100_000);
        let err = p(&text).unwrap_err();
        assert!(matches!(err.kind, ParseErrorKind::TooDeep { .. }));
    }
}
