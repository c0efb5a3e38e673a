//! A fast reader for the block-style YAML that tools and people write (OpenAPI documents, models),
//! feeding the same [`Builder`] as saphyr's events, with the same spans.
//!
//! It reads block mappings and sequences, plain, quoted and block scalars, comments, and flow
//! collections on one line. On anything else (anchors, aliases, tags, directives, several
//! documents, tabs, carriage returns, explicit keys, indentation indicators, multi-line flow
//! collections) and on every error it returns `None`, and the caller reads the document with
//! saphyr: errors and rare constructs cost a second parse, and are exactly saphyr's.
//!
//! The spans reproduce saphyr's markers: a scalar from its first character (the quote of a quoted
//! one, the first character of a block scalar's content) to the end of its text (a quoted one
//! ends after the blanks and comment that follow it, as does a flow collection; a block scalar after the indentation of the
//! line that ends it); a block collection from its first key or
//! `-` to the next token after it; an empty value at the `:` (or, in a sequence, after `-` and
//! the rest of its line). Tests compare the two readers node for node on the corpus and on
//! generated documents.

use std::borrow::Cow;

use palisade_diagnostics::{Pos, Span};
use saphyr_parser::ScalarStyle;

use super::{Builder, Frame, resolve_scalar};
use crate::node::MapBuilder;
use crate::{Limits, Node, ParseError, to_u32};

/// The fast path gives up: saphyr reads the document. `at` is the line of this file that gave up
/// (for tests and debugging).
#[derive(Debug)]
struct Bail {
    #[allow(dead_code)]
    at: u32,
}

impl Bail {
    #[track_caller]
    #[cold]
    fn here() -> Self {
        Bail {
            at: std::panic::Location::caller().line(),
        }
    }
}

impl From<ParseError> for Bail {
    #[track_caller]
    fn from(_: ParseError) -> Self {
        Bail::here()
    }
}

type R<T> = Result<T, Bail>;

#[track_caller]
fn bail() -> Bail {
    Bail::here()
}

/// Saphyr refuses simple keys longer than this (in characters); give up well before.
const MAX_KEY: usize = 1000;

/// Reads `text`, or `None` when saphyr must.
pub(super) fn parse(text: &str, limits: &Limits) -> Option<Node> {
    if !eligible(text.as_bytes()) {
        return None;
    }
    let mut p = Reader {
        b: text.as_bytes(),
        text,
        i: 0,
        line: 1,
        line_start: 0,
        cache: (0, 0),
        builder: Builder::new(limits),
    };
    p.document().ok()?;
    p.builder.root
}

/// Where the fast path gave up on `text`: (line of the document, line of this file).
#[cfg(test)]
fn gave_up_at(text: &str) -> Option<(u32, u32)> {
    let mut p = Reader {
        b: text.as_bytes(),
        text,
        i: 0,
        line: 1,
        line_start: 0,
        cache: (0, 0),
        builder: Builder::new(&Limits::SPEC),
    };
    p.document().err().map(|b| (p.line, b.at))
}

/// Bytes the fast path does not handle anywhere: tabs, carriage returns, other control
/// characters, byte order marks, NEL, the Unicode line and paragraph separators, U+FFFE/U+FFFF;
/// and a document that does not end with a line break (saphyr's end-of-input marks differ).
fn eligible(b: &[u8]) -> bool {
    if b.last() != Some(&b'\n') {
        return false;
    }
    let mut k = 0;
    while k < b.len() {
        let c = b[k];
        if c < 0x20 {
            if c != b'\n' {
                return false;
            }
        } else if c >= 0x7f {
            match c {
                0x7f => return false,
                0xC2 if matches!(b.get(k + 1), Some(0x80..=0xA0)) => return false,
                0xE2 if b.get(k + 1) == Some(&0x80)
                    && matches!(b.get(k + 2), Some(0xA8 | 0xA9)) =>
                {
                    return false;
                }
                0xEF if (b.get(k + 1) == Some(&0xBB) && b.get(k + 2) == Some(&0xBF))
                    || (b.get(k + 1) == Some(&0xBF)
                        && matches!(b.get(k + 2), Some(0xBE | 0xBF))) =>
                {
                    return false;
                }
                _ => {}
            }
        }
        k += 1;
    }
    true
}

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    line: u32,
    line_start: usize,
    /// The last (byte offset, 0-based column) computed on the current line.
    cache: (usize, u32),
    builder: Builder<'a>,
}

fn is_break_or_space(c: Option<&u8>) -> bool {
    matches!(c, Some(b' ' | b'\n') | None)
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn at(&self, k: usize) -> Option<u8> {
        self.b.get(k).copied()
    }

    /// The position of byte `k` of the current line (1-based column in characters).
    fn pos_of(&mut self, k: usize) -> Pos {
        let (from, col) = if self.cache.0 >= self.line_start && self.cache.0 <= k {
            self.cache
        } else {
            (self.line_start, 0)
        };
        let seg = &self.b[from..k];
        let more = if seg.is_ascii() {
            seg.len()
        } else {
            seg.iter().filter(|&&c| (c & 0xC0) != 0x80).count()
        };
        let col = col + to_u32(more);
        self.cache = (k, col);
        Pos::new(self.line, col + 1)
    }

    fn pos(&mut self) -> Pos {
        self.pos_of(self.i)
    }

    /// Byte column of the cursor; equal to the character column wherever it is used (only spaces
    /// and `- ` precede a block token on its line).
    fn col(&self) -> usize {
        self.i - self.line_start
    }

    fn newline(&mut self) {
        // The cursor is on a `\n`.
        self.i += 1;
        self.line += 1;
        self.line_start = self.i;
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }

    fn skip_to_eol(&mut self) {
        match memchr::memchr(b'\n', &self.b[self.i..]) {
            Some(n) => self.i += n,
            None => self.i = self.b.len(),
        }
    }

    /// Skips spaces, comments and line breaks: the cursor ends on the next token (or the end).
    fn skip_blank(&mut self) {
        loop {
            self.skip_spaces();
            match self.peek() {
                Some(b'#') => self.skip_to_eol(),
                Some(b'\n') => self.newline(),
                _ => return,
            }
        }
    }

    /// After a value on its line: spaces, then a comment (after a space) or the line break.
    fn end_of_line(&mut self) -> R<()> {
        let before = self.i;
        self.skip_spaces();
        match self.peek() {
            Some(b'\n') => Ok(()),
            Some(b'#') if self.i > before => {
                self.skip_to_eol();
                Ok(())
            }
            _ => Err(Bail::here()),
        }
    }

    fn document(&mut self) -> R<()> {
        self.skip_blank();
        if self.peek().is_none() || self.col() != 0 {
            return Err(Bail::here());
        }
        match self.peek() {
            Some(b'-') if is_break_or_space(self.b.get(self.i + 1)) => {
                self.block_sequence(false)?;
            }
            _ => {
                let Some(key) = self.try_key()? else {
                    return Err(Bail::here());
                };
                self.block_mapping(key)?;
            }
        }
        self.skip_blank();
        if self.peek().is_some() {
            return Err(Bail::here());
        }
        Ok(())
    }

    /// A block node whose first token is at the cursor, more indented than `parent`.
    fn block_node(&mut self, parent: usize) -> R<()> {
        if self.peek() == Some(b'-') && is_break_or_space(self.b.get(self.i + 1)) {
            return self.block_sequence(false);
        }
        if let Some(key) = self.try_key()? {
            return self.block_mapping(key);
        }
        self.scalar(parent)?;
        Ok(())
    }

    /// If a simple key starts at the cursor (a one-line plain or quoted scalar, then `:` and a
    /// space or line break), reads it and the `:`.
    fn try_key(&mut self) -> R<Option<ScannedKey>> {
        let start = self.i;
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => {
                // A key only if the closing quote is on this line and `:` follows it.
                let Some(close) = self.closing_quote(q) else {
                    return Ok(None);
                };
                if !(self.at(close + 1) == Some(b':') && is_break_or_space(self.b.get(close + 2))) {
                    return Ok(None);
                }
                if close - start > MAX_KEY {
                    return Err(Bail::here());
                }
                let start_pos = self.pos();
                let text = self.quoted(q, usize::MAX)?;
                let end_pos = self.pos();
                self.i += 1;
                Ok(Some(ScannedKey {
                    text: text.into_owned(),
                    span: Span::new(start_pos, end_pos),
                    col: start - self.line_start,
                    colon: end_pos,
                }))
            }
            Some(c) if plain_first(c, self.at(self.i + 1)) => {
                let (end, stop) = self.plain_line_end(self.i);
                if stop != Stop::Colon {
                    return Ok(None);
                }
                let text_end = trim_spaces_end(self.b, start, end);
                if text_end != end || text_end - start > MAX_KEY {
                    // `key :`, or a very long key: leave them to saphyr.
                    return Err(Bail::here());
                }
                let start_pos = self.pos();
                let end_pos = self.pos_of(end);
                let text = self.text[start..end].to_owned();
                self.i = end + 1;
                Ok(Some(ScannedKey {
                    text,
                    span: Span::new(start_pos, end_pos),
                    col: start - self.line_start,
                    colon: end_pos,
                }))
            }
            _ => Ok(None),
        }
    }

    /// The closing quote of the quoted scalar at the cursor when it is on the same line.
    fn closing_quote(&self, q: u8) -> Option<usize> {
        let mut k = self.i + 1;
        loop {
            let n = memchr::memchr3(q, b'\\', b'\n', &self.b[k..])?;
            k += n;
            match self.b[k] {
                b'\n' => return None,
                b'\\' if q == b'"' => k += 2,
                b'\\' => k += 1,
                _ if q == b'\'' && self.at(k + 1) == Some(b'\'') => k += 2,
                _ => return Some(k),
            }
        }
    }

    /// Where a plain scalar's text on this line stops, from `k`: at a line break, at `: ` (or
    /// `:` before a line break), or at ` #`.
    fn plain_line_end(&self, mut k: usize) -> (usize, Stop) {
        let b = self.b;
        loop {
            let Some(n) = memchr::memchr3(b'\n', b':', b'#', &b[k..]) else {
                return (b.len(), Stop::Eol);
            };
            k += n;
            match b[k] {
                b'\n' => return (k, Stop::Eol),
                b':' if is_break_or_space(b.get(k + 1)) => return (k, Stop::Colon),
                b'#' if b[k - 1] == b' ' => return (k, Stop::Comment),
                _ => k += 1,
            }
        }
    }

    /// A block mapping whose first key has been read (its indentation is `key.col`).
    fn block_mapping(&mut self, first: ScannedKey) -> R<()> {
        let indent = first.col;
        self.builder.open(Frame::Map {
            start: first.span.start,
            anchor: 0,
            map: MapBuilder::default(),
            key: None,
            merges: Vec::new(),
        })?;
        let mut key = first;
        loop {
            let colon = key.colon;
            self.builder.key(key.text, key.span)?;
            self.value(indent, colon)?;
            self.skip_blank();
            if self.peek().is_none() || self.col() < indent {
                break;
            }
            if self.col() > indent {
                return Err(Bail::here());
            }
            match self.try_key()? {
                Some(k) => key = k,
                // A `-` at the mapping's indentation after an indentless sequence ended, or text
                // that is not a key: errors, or constructs left to saphyr.
                None => return Err(Bail::here()),
            }
        }
        let end = self.pos();
        self.builder.close(end)?;
        Ok(())
    }

    /// The value after a key's `:` (the cursor is after the `:`) in a mapping at `indent`.
    fn value(&mut self, indent: usize, colon: Pos) -> R<()> {
        self.skip_spaces();
        let inline = match self.peek() {
            Some(b'\n') => false,
            Some(b'#') => {
                self.skip_to_eol();
                false
            }
            _ => true,
        };
        if inline {
            return self.inline_value(indent);
        }
        self.skip_blank();
        let col = self.col();
        let dash = self.peek() == Some(b'-') && is_break_or_space(self.b.get(self.i + 1));
        if self.peek().is_none() || col < indent || (col == indent && !dash) {
            return self.empty(colon);
        }
        if col == indent {
            return self.block_sequence(true);
        }
        self.block_node(indent)
    }

    /// A value that starts on the line of its key or `-`: a scalar (plain, quoted, block) or a
    /// flow collection; the collection it belongs to is at `parent`.
    fn inline_value(&mut self, parent: usize) -> R<()> {
        match self.peek() {
            Some(b'[' | b'{') => {
                self.flow()?;
                self.end_of_line()
            }
            _ => self.scalar(parent),
        }
    }

    fn empty(&mut self, at: Pos) -> R<()> {
        self.builder.scalar(
            Node::new(Span::point(at), crate::Value::Null),
            String::new(),
            0,
            ScalarStyle::Plain,
        )?;
        Ok(())
    }

    /// A block sequence whose first `-` is at the cursor. An indentless one (`key:` then `- …` at
    /// the key's indentation) starts where saphyr marks it: after the first `-` and its line's
    /// blanks.
    fn block_sequence(&mut self, indentless: bool) -> R<()> {
        let indent = self.col();
        let mut start = self.pos();
        let mut first = true;
        loop {
            // On a `-` at `indent`.
            self.i += 1;
            self.skip_spaces();
            let inline = match self.peek() {
                Some(b'\n') => false,
                Some(b'#') if self.b[self.i - 1] == b' ' => {
                    self.skip_to_eol();
                    false
                }
                _ => true,
            };
            let entry = self.pos();
            if first {
                first = false;
                if indentless {
                    start = entry;
                }
                self.builder.open(Frame::Seq {
                    start,
                    anchor: 0,
                    items: Vec::new(),
                })?;
            }
            if inline {
                if self.peek() == Some(b'-') && is_break_or_space(self.b.get(self.i + 1)) {
                    // `- - x`: left to saphyr.
                    return Err(Bail::here());
                }
                if let Some(key) = self.try_key()? {
                    self.block_mapping(key)?;
                } else {
                    self.inline_value(indent)?;
                }
            } else {
                self.skip_blank();
                if self.peek().is_some() && self.col() > indent {
                    self.block_node(indent)?;
                } else {
                    self.empty(entry)?;
                }
            }
            self.skip_blank();
            if self.peek().is_none() || self.col() < indent {
                break;
            }
            if self.col() > indent {
                return Err(Bail::here());
            }
            if !(self.peek() == Some(b'-') && is_break_or_space(self.b.get(self.i + 1))) {
                if indentless {
                    break;
                }
                return Err(Bail::here());
            }
        }
        let end = self.pos();
        self.builder.close(end)?;
        Ok(())
    }

    /// A scalar at the cursor in block context, in a collection at `parent`.
    fn scalar(&mut self, parent: usize) -> R<()> {
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => {
                let start = self.pos();
                let text = self.quoted(q, parent)?;
                // Saphyr's quoted scalars end after the blanks and comment that follow them.
                self.end_of_line()?;
                let end = self.pos();
                let style = if q == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                self.push_scalar(text, style, Span::new(start, end))
            }
            Some(c @ (b'|' | b'>')) => self.block_scalar(c, parent),
            Some(c) if plain_first(c, self.at(self.i + 1)) => self.plain(parent),
            _ => Err(Bail::here()),
        }
    }

    fn push_scalar(&mut self, text: Cow<'a, str>, style: ScalarStyle, span: Span) -> R<()> {
        let value = resolve_scalar(text, style, None);
        self.builder
            .scalar(Node::new(span, value), String::new(), 0, style)?;
        Ok(())
    }

    /// A plain scalar in block context, folded over the following lines more indented than
    /// `parent`.
    fn plain(&mut self, parent: usize) -> R<()> {
        let start = self.i;
        let start_pos = self.pos();
        let (end, stop) = self.plain_line_end(start);
        if stop == Stop::Colon {
            // `a: b: c`
            return Err(Bail::here());
        }
        let mut text_end = trim_spaces_end(self.b, start, end);
        let mut end_pos = self.pos_of(text_end);
        let mut owned: Option<String> = None;
        self.i = end;
        if stop == Stop::Comment {
            self.skip_to_eol();
        }
        // Continuation lines.
        while stop == Stop::Eol && self.peek() == Some(b'\n') {
            // Look ahead without moving: blank lines, then a line more indented than `parent`.
            let mut k = self.i + 1;
            let mut breaks = 0usize;
            let mut line_start = k;
            loop {
                while self.at(k) == Some(b' ') {
                    k += 1;
                }
                if self.at(k) == Some(b'\n') {
                    breaks += 1;
                    k += 1;
                    line_start = k;
                    continue;
                }
                break;
            }
            let indent = k - line_start;
            match self.at(k) {
                None | Some(b'#') => break,
                Some(_) if indent <= parent => break,
                Some(_) => {}
            }
            let (seg_end, seg_stop) = self.plain_line_end(k);
            if seg_stop == Stop::Colon {
                return Err(Bail::here());
            }
            let seg_text_end = trim_spaces_end(self.b, k, seg_end);
            let s = owned.get_or_insert_with(|| self.text[start..text_end].to_owned());
            if breaks == 0 {
                s.push(' ');
            } else {
                for _ in 0..breaks {
                    s.push('\n');
                }
            }
            s.push_str(&self.text[k..seg_text_end]);
            // Commit: move to that line.
            self.line += to_u32(breaks + 1);
            self.line_start = line_start;
            self.i = seg_end;
            text_end = seg_text_end;
            end_pos = self.pos_of(text_end);
            if seg_stop == Stop::Comment {
                self.skip_to_eol();
                break;
            }
        }
        let text = match owned {
            Some(s) => Cow::Owned(s),
            None => Cow::Borrowed(&self.text[start..text_end]),
        };
        self.push_scalar(text, ScalarStyle::Plain, Span::new(start_pos, end_pos))
    }

    /// A quoted scalar (`q` is its quote) at the cursor; the cursor ends after the closing quote.
    /// Continuation lines must be more indented than `parent`.
    fn quoted(&mut self, q: u8, parent: usize) -> R<Cow<'a, str>> {
        self.i += 1;
        let begin = self.i;
        let mut out: Option<String> = None;
        loop {
            let rest = &self.b[self.i..];
            let n = if q == b'"' {
                memchr::memchr3(b'"', b'\\', b'\n', rest)
            } else {
                memchr::memchr2(b'\'', b'\n', rest)
            }
            .ok_or_else(bail)?;
            let chunk_end = self.i + n;
            match self.b[chunk_end] {
                c if c == q => {
                    if q == b'\'' && self.at(chunk_end + 1) == Some(b'\'') {
                        let s = out.get_or_insert_with(String::new);
                        s.push_str(&self.text[self.i..=chunk_end]);
                        self.i = chunk_end + 2;
                        continue;
                    }
                    let text = match out {
                        Some(mut s) => {
                            s.push_str(&self.text[self.i..chunk_end]);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(&self.text[begin..chunk_end]),
                    };
                    self.i = chunk_end + 1;
                    return Ok(text);
                }
                b'\\' => {
                    let s = out.get_or_insert_with(String::new);
                    s.push_str(&self.text[self.i..chunk_end]);
                    self.i = chunk_end + 1;
                    if self.peek() == Some(b'\n') {
                        // An escaped line break: joined without a space.
                        self.newline();
                        self.continuation(parent)?;
                        if self.peek() == Some(b'\n') {
                            return Err(Bail::here());
                        }
                        continue;
                    }
                    self.escape(s)?;
                }
                _ => {
                    // A line break: trailing spaces go, the break folds.
                    let s = out.get_or_insert_with(String::new);
                    let kept = trim_spaces_end(self.b, self.i, chunk_end);
                    s.push_str(&self.text[self.i..kept]);
                    self.i = chunk_end;
                    let mut breaks = 0;
                    while self.peek() == Some(b'\n') {
                        self.newline();
                        self.skip_spaces();
                        breaks += 1;
                    }
                    let indent = self.col();
                    if indent <= parent || self.peek().is_none() {
                        return Err(Bail::here());
                    }
                    if self.col() == 0 {
                        return Err(Bail::here());
                    }
                    if breaks == 1 {
                        s.push(' ');
                    } else {
                        for _ in 1..breaks {
                            s.push('\n');
                        }
                    }
                }
            }
        }
    }

    /// After an escaped line break in a double-quoted scalar: the next line's indentation.
    fn continuation(&mut self, parent: usize) -> R<()> {
        self.skip_spaces();
        if self.col() <= parent || self.col() == 0 || self.peek().is_none() {
            return Err(Bail::here());
        }
        Ok(())
    }

    /// One escape sequence of a double-quoted scalar (the cursor is after the `\`).
    fn escape(&mut self, s: &mut String) -> R<()> {
        let c = self.peek().ok_or_else(bail)?;
        self.i += 1;
        let ch = match c {
            b'0' => '\0',
            b'a' => '\u{7}',
            b'b' => '\u{8}',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\u{b}',
            b'f' => '\u{c}',
            b'r' => '\r',
            b'e' => '\u{1b}',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => self.hex(2)?,
            b'u' => self.hex(4)?,
            b'U' => self.hex(8)?,
            _ => return Err(Bail::here()),
        };
        s.push(ch);
        Ok(())
    }

    fn hex(&mut self, digits: usize) -> R<char> {
        let end = self.i + digits;
        let h = self.text.get(self.i..end).ok_or_else(bail)?;
        if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(Bail::here());
        }
        let v = u32::from_str_radix(h, 16).map_err(|_| Bail::here())?;
        self.i = end;
        char::from_u32(v).ok_or_else(bail)
    }

    /// A literal (`|`) or folded (`>`) block scalar, header at the cursor, in a collection at
    /// `parent`; any chomping, no indentation indicator.
    fn block_scalar(&mut self, kind: u8, parent: usize) -> R<()> {
        self.i += 1;
        let chomp = match self.peek() {
            Some(b'-') => {
                self.i += 1;
                Chomp::Strip
            }
            Some(b'+') => {
                self.i += 1;
                Chomp::Keep
            }
            Some(b' ' | b'\n') => Chomp::Clip,
            _ => return Err(Bail::here()),
        };
        self.end_of_line()?;
        // The cursor is on the header's line break.
        self.newline();
        // Leading blank lines, then the first content line sets the indentation.
        let mut leading = 0usize;
        let mut max_blank = 0usize;
        loop {
            let s = self.i;
            self.skip_spaces();
            if self.peek() == Some(b'\n') {
                max_blank = max_blank.max(self.i - s);
                leading += 1;
                self.newline();
                continue;
            }
            break;
        }
        let indent = self.col();
        if self.peek().is_none() {
            // Saphyr marks an empty one at the end from its header.
            return Err(Bail::here());
        }
        if indent <= parent {
            // An empty block scalar (blank lines at most), marked where the next token starts.
            let at = self.pos();
            let text = if chomp == Chomp::Keep {
                "\n".repeat(leading)
            } else {
                String::new()
            };
            return self.push_scalar(Cow::Owned(text), style_of(kind), Span::point(at));
        }
        if max_blank > indent {
            return Err(Bail::here());
        }
        let start = self.pos();
        let mut out = String::new();
        for _ in 0..leading {
            out.push('\n');
        }
        // Lines, each without its indentation; `None` for an empty line.
        let mut prev: Option<bool> = None; // Some(spaced) of the last content line
        let mut blanks = 0usize;
        loop {
            // The cursor is after `indent` spaces of a content line.
            let line_begin = self.i;
            let line_end = match memchr::memchr(b'\n', &self.b[self.i..]) {
                Some(n) => self.i + n,
                None => return Err(Bail::here()),
            };
            let line = &self.text[line_begin..line_end];
            let spaced = line.starts_with(' ');
            match prev {
                None => {}
                Some(prev_spaced) => {
                    if kind == b'|' {
                        for _ in 0..=blanks {
                            out.push('\n');
                        }
                    } else if !prev_spaced && !spaced {
                        if blanks == 0 {
                            out.push(' ');
                        } else {
                            for _ in 0..blanks {
                                out.push('\n');
                            }
                        }
                    } else {
                        for _ in 0..=blanks {
                            out.push('\n');
                        }
                    }
                }
            }
            out.push_str(line);
            prev = Some(spaced);
            blanks = 0;
            self.i = line_end;
            // Next lines: blank ones, then content at `indent` or the end.
            self.newline();
            loop {
                let s = self.i;
                while self.peek() == Some(b' ') && self.i - s < indent {
                    self.i += 1;
                }
                match self.peek() {
                    Some(b'\n') => {
                        blanks += 1;
                        self.newline();
                    }
                    // More than `indent` spaces, even with nothing after them, is content.
                    _ => break,
                }
            }
            if self.peek().is_none() || self.col() < indent {
                break;
            }
        }
        // Chomping: clip keeps one line break, strip none, keep all (the trailing blank lines').
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => out.push('\n'),
            Chomp::Keep => {
                for _ in 0..=blanks {
                    out.push('\n');
                }
            }
        }
        let end = self.pos();
        self.push_scalar(Cow::Owned(out), style_of(kind), Span::new(start, end))
    }

    /// A flow sequence or mapping on one line, at the cursor.
    fn flow(&mut self) -> R<()> {
        let open = self.b[self.i];
        let start = self.pos();
        if open == b'[' {
            self.builder.open(Frame::Seq {
                start,
                anchor: 0,
                items: Vec::new(),
            })?;
        } else {
            self.builder.open(Frame::Map {
                start,
                anchor: 0,
                map: MapBuilder::default(),
                key: None,
                merges: Vec::new(),
            })?;
        }
        let close = if open == b'[' { b']' } else { b'}' };
        self.i += 1;
        self.skip_spaces();
        if self.peek() != Some(close) {
            loop {
                if open == b'{' {
                    let key_start = self.pos();
                    let text = self.flow_scalar_text()?;
                    let key_end = self.pos();
                    if !(self.peek() == Some(b':') && self.at(self.i + 1) == Some(b' ')) {
                        return Err(Bail::here());
                    }
                    self.builder
                        .key(text.into_owned(), Span::new(key_start, key_end))?;
                    self.i += 1;
                    self.skip_spaces();
                }
                self.flow_item()?;
                self.skip_spaces();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        self.skip_spaces();
                        if matches!(self.peek(), Some(b']' | b'}' | b',')) {
                            return Err(Bail::here());
                        }
                    }
                    Some(c) if c == close => break,
                    _ => return Err(Bail::here()),
                }
            }
        }
        // Saphyr's closing bracket takes the blanks and comment after it.
        self.i += 1;
        let before = self.i;
        self.skip_spaces();
        if self.peek() == Some(b'#') && self.i > before {
            self.skip_to_eol();
        }
        let end = self.pos();
        self.builder.close(end)?;
        Ok(())
    }

    /// A value inside a flow collection: a nested one or a one-line scalar.
    fn flow_item(&mut self) -> R<()> {
        match self.peek() {
            Some(b'[' | b'{') => self.flow(),
            Some(q @ (b'"' | b'\'')) => {
                let start = self.pos();
                let line = self.line;
                let text = self.quoted(q, usize::MAX)?;
                if self.line != line {
                    return Err(Bail::here());
                }
                self.skip_spaces();
                let end = self.pos();
                let style = if q == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                self.push_scalar(text, style, Span::new(start, end))
            }
            _ => {
                let start = self.pos();
                let text = self.flow_plain()?;
                let end = self.pos();
                self.push_scalar(
                    Cow::Borrowed(text),
                    ScalarStyle::Plain,
                    Span::new(start, end),
                )
            }
        }
    }

    /// A key inside a flow mapping: plain or quoted, on this line.
    fn flow_scalar_text(&mut self) -> R<Cow<'a, str>> {
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => {
                let line = self.line;
                let text = self.quoted(q, usize::MAX)?;
                if self.line != line {
                    return Err(Bail::here());
                }
                Ok(text)
            }
            _ => Ok(Cow::Borrowed(self.flow_plain()?)),
        }
    }

    /// A plain scalar inside a flow collection (`read:pets` is one); ends before `,`, `]`, `}` or
    /// `: `, trailing spaces excluded (gives up on `[`, `{`, ` #`, line breaks and a `:` before a
    /// flow indicator).
    fn flow_plain(&mut self) -> R<&'a str> {
        let start = self.i;
        let c = self.peek().ok_or_else(bail)?;
        if !plain_first(c, self.at(self.i + 1)) {
            return Err(Bail::here());
        }
        let mut k = self.i;
        loop {
            match self.at(k) {
                Some(b',' | b']' | b'}') => break,
                Some(b':') if self.at(k + 1) == Some(b' ') => break,
                Some(b':')
                    if !matches!(
                        self.at(k + 1),
                        Some(b',' | b'[' | b']' | b'{' | b'}' | b'\n') | None
                    ) =>
                {
                    k += 1;
                }
                Some(b'[' | b'{' | b'\n' | b':') | None => return Err(Bail::here()),
                Some(b'#') if self.b[k - 1] == b' ' => return Err(Bail::here()),
                Some(_) => k += 1,
            }
        }
        let end = trim_spaces_end(self.b, start, k);
        if end == start {
            return Err(Bail::here());
        }
        self.i = end;
        Ok(&self.text[start..end])
    }
}

struct ScannedKey {
    text: String,
    span: Span,
    /// Indentation of the key (its byte column).
    col: usize,
    /// Where the `:` is (an empty value is marked there).
    colon: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Eol,
    Colon,
    Comment,
}

fn style_of(kind: u8) -> ScalarStyle {
    if kind == b'|' {
        ScalarStyle::Literal
    } else {
        ScalarStyle::Folded
    }
}

/// Whether a plain scalar may start with `c` (followed by `next`) in this reader; indicators and
/// what saphyr treats specially are left to it.
fn plain_first(c: u8, next: Option<u8>) -> bool {
    match c {
        b'-' => !matches!(
            next,
            None | Some(b' ' | b'\n' | b'-' | b',' | b'[' | b']' | b'{' | b'}')
        ),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
        b'.' => next != Some(b'.'),
        _ => true,
    }
}

fn trim_spaces_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && b[end - 1] == b' ' {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    //! The fast reader against saphyr: wherever it reads a document, the tree (spans included)
    //! must be saphyr's.

    use std::path::Path;

    use super::parse;
    use crate::yaml::parse_with_saphyr;
    use crate::{Limits, Node, Value};

    /// Checks one document; returns whether the fast path read it.
    fn agree(text: &str) -> bool {
        let fast = parse(text, &Limits::SPEC);
        let Some(fast) = fast else {
            return false;
        };
        match parse_with_saphyr(text, &Limits::SPEC) {
            Ok(slow) => {
                assert!(
                    fast == slow,
                    "the readers disagree on:\n{text}\n{}",
                    difference(&fast, &slow, "")
                );
            }
            Err(e) => panic!("the fast path read a document saphyr refuses ({e}):\n{text}"),
        }
        true
    }

    /// The first place where two trees differ, for the failure message.
    fn difference(a: &Node, b: &Node, path: &str) -> String {
        match (&a.value, &b.value) {
            (Value::Map(x), Value::Map(y)) if x.len() == y.len() => {
                for ((ka, va), (kb, vb)) in x.entries.iter().zip(&y.entries) {
                    if ka != kb {
                        return format!("{path}: key fast {ka:?} saphyr {kb:?}");
                    }
                    if va != vb {
                        return difference(va, vb, &format!("{path}/{}", ka.text));
                    }
                }
            }
            (Value::Seq(x), Value::Seq(y)) if x.len() == y.len() => {
                for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                    if va != vb {
                        return difference(va, vb, &format!("{path}/{i}"));
                    }
                }
            }
            _ => {
                return format!(
                    "{path}: fast {:?} {:?}, saphyr {:?} {:?}",
                    a.span, a.value, b.span, b.value
                );
            }
        }
        format!("{path}: fast span {:?}, saphyr span {:?}", a.span, b.span)
    }

    #[test]
    fn small_documents_agree() {
        let docs = [
            "a: 1\nb:\n  c: \"x y\"\n  d: |\n    lit\n    more\n\n  e: >-\n    fold\n    ed\n  f:\n  - x\n  - y: 1\n    z: 2\n  g: [1, {h: 2}]\n  i: plain\n    multi\n\nj: k # comment\n",
            "a:\nb: 1\n",
            "a:\n",
            "- \n- x\n-\n",
            "-   # c\n- x\n",
            "a: # c\nb: 1\n",
            "a:\n- x\n  y\n- z\n",
            "a:\n  - x\n   y\n",
            "a: x\n y\n",
            "a:\n  -\n  - b\n",
            "a: [ ]\nb: { }\nc: [x , y ]\n",
            "\"a b\": 1\n'c': 2\n",
            "a:\n  b\n  c\nd: e\n",
            "a: x\n\n\n  y\n\n  z\nb: 1\n",
            "a: |-\n  x\n\n  y\n\n\nb: 1\n",
            "a: |\n    lit\n  # c\nb: 2\n",
            "a: |\nb: 2\n",
            "a: >\n  x\n",
            "a: \"x\n  y\n\n  z\"\n",
            "a: 'it''s\n  \n  y'\n",
            "a: b # c\n# d\n\n  # e\nc: d\n",
            "a:\n  b\n  - c\n",
            "a: >\n  x\n  y\n\n  z\n   sp\n  w\n\n\n   sp2\n  v\nb: 1\n",
            "a: \"x\n b\"\n",
            "a: \"x\\\n   y \\t  \n  z\"\n",
            "k: [\"a\", 'b', c d]\n",
            "- a: 1\n  b: [x]\n- c: \"\\u00e9\\x41\"\n",
            "é: ü\nkey: värde med å\n  fortsättning\n",
            "a: 1\nb: -2\nc: 3.5\nd: true\ne: ~\nf: null\ng: 0x1F\nh: .5\n",
            "paths:\n  /pets/{id}:\n    get:\n      responses:\n        '200':\n          description: ok\n",
            "a: b:c\nd: http://x.y/z#frag\n",
            "list:\n  - >-\n    folded\n    item\n  - |\n    lit\n",
            "a: |\n  x\n\n",
            "a: >\n\n  x\n",
            "a: |+\n  x\n\n\nb: 1\n",
            "a: >+\n  x\n  y\n\n",
            "a: {b: c, 'd': \"e\"}\n",
            "a: |\n  x\n      \nb: 1\n",
            "a: >\n  x\n   \n\n  y\nb: 1\n",
            "a: |+\n  x\n      \n   \nb: 1\n",
            "a:\n  b: |+\n      \n  c: 1\n  d: |-\n\n  e: >+\n \n\n  f: |\n  g: 1\n",
            "security:\n  - oauth: [payments:read, 'a:b']\n",
        ];
        for doc in docs {
            assert!(
                agree(doc),
                "the fast path gave up on:\n{doc}\n{:?}",
                super::gave_up_at(doc)
            );
        }
    }

    #[test]
    fn errors_and_rare_constructs_are_left_to_saphyr() {
        for doc in [
            "a: 1\na: 2\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "--- \na: 1\n",
            "a: b: c\n",
            "a:\n\t- b\n",
            "a: 1\r\nb: 2\r\n",
            "a: 1",
            "a: [1,\n 2]\n",
            "? a\n: b\n",
            "a: |2\n   x\n",
            "k:\n  a: x\n  y\n",
            "a: \"x\n\"\n",
        ] {
            assert!(parse(doc, &Limits::SPEC).is_none(), "{doc}");
        }
    }

    /// Every YAML document of the shared corpus and the examples takes the fast path and gives
    /// saphyr's tree.
    #[test]
    fn corpus_documents_agree() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut dirs = vec![root.join("examples"), root.join("examples/openapi")];
        let shared = root.join("../shared/corpus");
        if shared.is_dir() {
            for sub in ["real", "vuln"] {
                dirs.push(shared.join(sub));
            }
        } else {
            eprintln!("../shared is absent: the corpus part of this test is skipped");
        }
        let mut read = 0;
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if !matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml")
                ) {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                if agree(&text) {
                    read += 1;
                } else {
                    eprintln!(
                        "left to saphyr: {} {:?}",
                        path.display(),
                        super::gave_up_at(&text)
                    );
                }
            }
        }
        assert!(read > 0);
    }

    /// Small edits of real documents (a character inserted, removed or replaced): wherever the
    /// fast path reads the result, it agrees with saphyr.
    #[test]
    fn mutations_agree() {
        let seeds = [
            "a: 1\nb:\n  c: \"x y\"\n  d: |\n    lit\n    more\n\n  e: >-\n    fold\n    ed\n  f:\n  - x\n  - y: 1\n    z: 2\n  g: [1, {h: 2}]\n  i: plain\n    multi\n\nj: k # comment\n",
            "paths:\n  /a:\n    get:\n      description: >-\n        One\n        two\n\n        three\n      parameters:\n        - in: query\n          name: 'x'\n          required: true\n      responses:\n        '200':\n          description: \"ok\\n\"\n",
            "list:\n- a\n-\n- 'b''c'\n- \"d\\\n  e\"\n-   # c\n  k: v\nz: |-\n  a\n   b\n\n  c\n",
            "# top\n\"k\": {a: [1, 'x:y'], b: \"é\"}  # c\nsecurity:\n  - oauth: [read:pets, b]\n    other: []\nx:\n  y: |+\n    keep\n\n  z: >\n    a\n      b\n\n    c\n",
            "a:\n  - - x\n  - b: 1\n    c:\n    - d\n    - e\n  - |\n    t\n  - 'q\n    r'\nf: plain text\n  more text\n\n  last\n",
        ];
        let alphabet = [
            " ", "\n", ":", "-", "#", "'", "\"", "|", ">", "[", "]", "{", "}", ",", "x", "\\",
            "  ", "- ", ": ", "é",
        ];
        let mut state = std::env::var("PALISADE_YAML_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0x2545_f491_4f6c_dd1d_u64);
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n as u64).unwrap()
        };
        let rounds: usize = std::env::var("PALISADE_YAML_MUTATIONS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20_000);
        let mut read = 0;
        for _ in 0..rounds {
            let mut doc = seeds[next(seeds.len())].to_owned();
            for _ in 0..=next(3) {
                let mut at = next(doc.len() + 1);
                while !doc.is_char_boundary(at) {
                    at -= 1;
                }
                match next(3) {
                    0 => doc.insert_str(at, alphabet[next(alphabet.len())]),
                    1 if at < doc.len() => {
                        doc.remove(at);
                    }
                    _ if at < doc.len() => {
                        doc.remove(at);
                        doc.insert_str(at, alphabet[next(alphabet.len())]);
                    }
                    _ => {}
                }
            }
            if !doc.ends_with('\n') {
                doc.push('\n');
            }
            if agree(&doc) {
                read += 1;
            }
        }
        assert!(
            read > rounds / 10,
            "the fast path read only {read} of {rounds}"
        );
    }
}
