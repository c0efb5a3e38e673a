//! YAML and JSON text → a tree of [`Node`]s that remembers the line and column of every value.
//!
//! Both the model loader and the OpenAPI reader start here, so that every later diagnostic or threat
//! can point at the line a person must change. Parsing is bounded by [`Limits`] (size, depth, and
//! the number of nodes, which also bounds YAML alias expansion: a "billion laughs" document is
//! refused after at most `max_nodes` nodes have been built).

mod error;
mod json;
mod limits;
mod node;
mod yaml;

pub use error::{ParseError, ParseErrorKind};
pub use limits::Limits;
pub use node::{Key, Map, Node, Value};

use palisade_diagnostics::{Pos, Span};

/// The syntax of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// Guesses the format from the file name and, failing that, from the first non-blank byte.
    pub fn detect(path: &str, text: &str) -> Self {
        let ext = std::path::Path::new(path)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if ext.eq_ignore_ascii_case("json") {
            return Self::Json;
        }
        if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") {
            return Self::Yaml;
        }
        match text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .as_bytes()
            .first()
        {
            Some(b'{' | b'[') => Self::Json,
            _ => Self::Yaml,
        }
    }
}

/// Parses bytes read from a file: checks size and UTF-8, then parses `format`.
pub fn parse_bytes(bytes: &[u8], format: Format, limits: &Limits) -> Result<Node, ParseError> {
    if bytes.len() > limits.max_bytes {
        return Err(ParseError::new(
            ParseErrorKind::TooLarge {
                size: bytes.len(),
                limit: limits.max_bytes,
            },
            Span::point(Pos::new(1, 1)),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let line = prefix.matches('\n').count() + 1;
            let col = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let pos = Pos::new(to_u32(line), to_u32(col));
            return Err(ParseError::new(
                ParseErrorKind::InvalidUtf8 {
                    offset: e.valid_up_to(),
                },
                Span::point(pos),
            ));
        }
    };
    parse_str(text, format, limits)
}

/// Parses text as `format`.
pub fn parse_str(text: &str, format: Format, limits: &Limits) -> Result<Node, ParseError> {
    if text.len() > limits.max_bytes {
        return Err(ParseError::new(
            ParseErrorKind::TooLarge {
                size: text.len(),
                limit: limits.max_bytes,
            },
            Span::point(Pos::new(1, 1)),
        ));
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.trim().is_empty() {
        return Err(ParseError::new(
            ParseErrorKind::Empty,
            Span::point(Pos::new(1, 1)),
        ));
    }
    match format {
        Format::Json => json::parse(text, limits),
        Format::Yaml => yaml::parse(text, limits),
    }
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
