//! The `Diagnostic` type: one problem, with a stable code, a message, labels into a file and help.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::Span;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something the user may want to know; never fails a command.
    Note,
    /// Suspicious, but the input is still usable.
    Warning,
    /// The input is invalid.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Note => "note",
            Self::Warning => "warning",
            Self::Error => "error",
        })
    }
}

/// A span in the diagnostic's file with a short message drawn under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
    /// The primary label is underlined with `^` and gives the diagnostic its location.
    pub primary: bool,
}

/// One problem found in the user's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// A stable code such as `PAL-E0102`; never reused for another meaning.
    pub code: String,
    pub severity: Severity,
    /// What is wrong, in one sentence, naming the offending thing.
    pub message: String,
    /// The file the labels point into, as the user named it.
    pub file: Option<Arc<str>>,
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Vec<String>,
    /// Further context.
    pub notes: Vec<String>,
    /// A word shown instead of the severity in the human form (`high` for a threat).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            severity,
            message: message.into(),
            file: None,
            labels: Vec::new(),
            help: Vec::new(),
            notes: Vec::new(),
            headline: None,
        }
    }

    /// Shows `word` instead of the severity in the human form.
    #[must_use]
    pub fn with_headline(mut self, word: impl Into<String>) -> Self {
        self.headline = Some(word.into());
        self
    }

    pub fn error(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    #[must_use]
    pub fn in_file(mut self, file: impl Into<Arc<str>>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Adds the primary label: the place the user must change.
    #[must_use]
    pub fn with_primary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: true,
        });
        self
    }

    /// Adds a secondary label: related context, underlined with `-`.
    #[must_use]
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The span of the primary label, or of the first label.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or_else(|| self.labels.first())
            .map(|l| l.span)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// A one-line form: `file:line:col: error[CODE]: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let Some(span) = self.primary_span() {
                write!(f, ":{}:{}", span.start.line, span.start.col)?;
            }
            f.write_str(": ")?;
        }
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)
    }
}
