//! Source files as read from disk, the positions inside them, and a map from path to file.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

/// A position in a source file: 1-based line and 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const fn new(line: u32, col: u32) -> Self {
        Self { line, col }
    }
}

/// A range of text in one source file, `start` inclusive and `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub const fn new(start: Pos, end: Pos) -> Self {
        Self { start, end }
    }

    /// A span covering a single position (rendered as one caret).
    pub const fn point(pos: Pos) -> Self {
        Self {
            start: pos,
            end: pos,
        }
    }
}

/// One text file that diagnostics can point into.
#[derive(Debug, Clone)]
pub struct SourceFile {
    path: Arc<str>,
    text: Arc<str>,
    line_starts: Arc<[usize]>,
}

impl SourceFile {
    pub fn new(path: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self {
            path: path.into(),
            text,
            line_starts: line_starts.into(),
        }
    }

    /// The path as the user named it (relative paths stay relative).
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn path_arc(&self) -> Arc<str> {
        self.path.clone()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn text_arc(&self) -> Arc<str> {
        self.text.clone()
    }

    /// The number of lines in the file.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of 1-based line `line`, without its line terminator; `None` past the end.
    pub fn line(&self, line: u32) -> Option<&str> {
        let idx = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(idx)?;
        let end = self
            .line_starts
            .get(idx + 1)
            .map_or(self.text.len(), |next| next - 1);
        let raw = self.text.get(start..end)?;
        Some(raw.strip_suffix('\r').unwrap_or(raw))
    }

    /// The position of a byte offset (clamped to the end of the file).
    pub fn pos_of_offset(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Pos::new(to_u32(line_idx + 1), to_u32(col + 1))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The files a set of diagnostics may point into, by path.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: BTreeMap<Arc<str>, SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, file: SourceFile) {
        self.files.insert(file.path_arc(), file);
    }

    pub fn get(&self, path: &str) -> Option<&SourceFile> {
        self.files.get(path)
    }

    pub fn iter(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_offsets() {
        let f = SourceFile::new("a.yaml", "ab\r\ncé\nx");
        assert_eq!(f.line(1), Some("ab"));
        assert_eq!(f.line(2), Some("cé"));
        assert_eq!(f.line(3), Some("x"));
        assert_eq!(f.line(4), None);
        assert_eq!(f.line(0), None);
        assert_eq!(f.pos_of_offset(4), Pos::new(2, 1));
        // 'x' is after "cé\n": c(1) é(2 bytes)
        assert_eq!(f.pos_of_offset(8), Pos::new(3, 1));
        assert_eq!(f.pos_of_offset(7), Pos::new(2, 3));
    }
}
