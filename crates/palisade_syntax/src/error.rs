//! Why a document could not be parsed, and where.

use palisade_diagnostics::{Diagnostic, Span};

/// What went wrong while parsing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("the file is not valid UTF-8 (first invalid byte at offset {offset})")]
    InvalidUtf8 { offset: usize },
    #[error("{message}")]
    Syntax { message: String },
    #[error("nesting is deeper than the limit of {limit} levels")]
    TooDeep { limit: usize },
    #[error(
        "the document expands to more than {limit} values (YAML aliases are counted each time they are used)"
    )]
    TooManyNodes { limit: usize },
    #[error("duplicate key `{key}`")]
    DuplicateKey { key: String, first: Span },
    #[error("the file holds more than one YAML document")]
    MultipleDocuments,
    #[error("unknown YAML alias")]
    UnknownAlias,
    #[error("a mapping key must be a plain value, not a sequence or mapping")]
    ComplexKey,
}

/// A parse failure at a position in the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at line {}, column {}", span.start.line, span.start.col)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub span: Span,
}

impl ParseError {
    pub fn new(kind: ParseErrorKind, span: Span) -> Self {
        Self { kind, span }
    }

    /// The stable diagnostic code of this kind of failure.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ParseErrorKind::Syntax { .. }
            | ParseErrorKind::MultipleDocuments
            | ParseErrorKind::UnknownAlias
            | ParseErrorKind::ComplexKey => "PAL-E0001",
            ParseErrorKind::Empty => "PAL-E0002",
            ParseErrorKind::InvalidUtf8 { .. } => "PAL-E0003",
            ParseErrorKind::TooLarge { .. }
            | ParseErrorKind::TooDeep { .. }
            | ParseErrorKind::TooManyNodes { .. } => "PAL-E0004",
            ParseErrorKind::DuplicateKey { .. } => "PAL-E0005",
        }
    }

    /// The error as a diagnostic in `file`.
    pub fn to_diagnostic(&self, file: &str) -> Diagnostic {
        let (label, help) = match &self.kind {
            ParseErrorKind::Empty => (
                "expected a document here",
                Some("write at least `palisade: 1` and `system: { name: … }`".to_owned()),
            ),
            ParseErrorKind::TooLarge { .. } => ("file starts here", None),
            ParseErrorKind::InvalidUtf8 { .. } => (
                "invalid byte here",
                Some("save the file as UTF-8".to_owned()),
            ),
            ParseErrorKind::Syntax { .. } => ("syntax error", None),
            ParseErrorKind::TooDeep { .. } => ("nested too deeply here", None),
            ParseErrorKind::TooManyNodes { .. } => (
                "expansion stopped here",
                Some(
                    "a YAML alias bomb (\"billion laughs\") or an unreasonably large document"
                        .to_owned(),
                ),
            ),
            ParseErrorKind::DuplicateKey { first, .. } => (
                "duplicate key",
                Some(format!(
                    "the key was first used at line {}, column {}; remove one of them",
                    first.start.line, first.start.col
                )),
            ),
            ParseErrorKind::MultipleDocuments => (
                "a second document starts here",
                Some("keep one document per file".to_owned()),
            ),
            ParseErrorKind::UnknownAlias => ("unknown alias", None),
            ParseErrorKind::ComplexKey => ("complex key", None),
        };
        let message = match &self.kind {
            ParseErrorKind::Syntax { message } => format!("syntax error: {message}"),
            other => other.to_string(),
        };
        let mut d = Diagnostic::error(self.code(), message)
            .in_file(file)
            .with_primary(self.span, label);
        if let Some(help) = help {
            d = d.with_help(help);
        }
        d
    }
}
