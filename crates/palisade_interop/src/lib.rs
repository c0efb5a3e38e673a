//! Other threat modeling tools' formats, in and out: users come from OWASP Threat Dragon, Open
//! Threat Model, Threagile, pytm, AWS Threat Composer and the Microsoft Threat Modeling Tool, and
//! must be able to bring their models and leave with them.
//!
//! Every importer reads untrusted text with a bounded parser (YAML and JSON through
//! [`palisade_syntax`], so that a malformed file is a diagnostic with a line and column; TMT's XML
//! through `roxmltree` with DTDs refused), maps everything it can into a [`Model`] and a
//! [`Layout`], and returns what it could not map as warnings: nothing is dropped silently. The
//! model is checked with the loader before it is returned, so an import never yields a model
//! that does not validate.
//!
//! Exports write Threat Dragon v2 JSON and OTM JSON (with a generated layout when the model has
//! none), and open threats as Jira CSV or GitHub issues.

pub mod codes;
mod cx;
pub mod export;
mod geometry;
pub mod import;
pub mod layout;
mod mapping;
mod slug;

use palisade_diagnostics::Diagnostic;
use palisade_model::{Layout, Model};

pub use export::tracker::{TrackerItem, github_issues, jira_csv, tracker_items};

/// A format another tool reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// OWASP Threat Dragon, v2 JSON (and v1).
    ThreatDragon,
    /// Open Threat Model 0.1 and 0.2 (JSON or YAML).
    Otm,
    /// Threagile YAML.
    Threagile,
    /// What pytm's `tm.py --json` writes.
    Pytm,
    /// AWS Threat Composer's `.tc.json`.
    ThreatComposer,
    /// Microsoft Threat Modeling Tool `.tm7` XML.
    Tm7,
}

impl Format {
    /// Every format, in the order the command line lists them.
    pub const ALL: &'static [Format] = &[
        Self::ThreatDragon,
        Self::Otm,
        Self::Threagile,
        Self::Pytm,
        Self::ThreatComposer,
        Self::Tm7,
    ];

    /// The name on the command line: `threat-dragon`, `otm` …
    pub fn name(self) -> &'static str {
        match self {
            Self::ThreatDragon => "threat-dragon",
            Self::Otm => "otm",
            Self::Threagile => "threagile",
            Self::Pytm => "pytm",
            Self::ThreatComposer => "threat-composer",
            Self::Tm7 => "tm7",
        }
    }

    /// The tool's name, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Self::ThreatDragon => "OWASP Threat Dragon",
            Self::Otm => "Open Threat Model",
            Self::Threagile => "Threagile",
            Self::Pytm => "pytm",
            Self::ThreatComposer => "AWS Threat Composer",
            Self::Tm7 => "Microsoft Threat Modeling Tool",
        }
    }

    /// The format named `name` on the command line.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// What an import produced: a model that validates, its diagram positions, and every warning
/// about what could not be mapped (or was mapped only approximately).
#[derive(Debug, Clone)]
pub struct Imported {
    pub model: Model,
    pub layout: Layout,
    pub warnings: Vec<Diagnostic>,
}

/// Tells which format a file is from its content (and, for XML, its name).
pub fn detect(label: &str, bytes: &[u8]) -> Result<Format, Box<Diagnostic>> {
    import::detect(label, bytes)
}

/// Imports `bytes` (read from the file named `label`) as `format`. On failure, every diagnostic
/// found, each naming the file and, where the parser gives one, the line and column.
pub fn import(format: Format, label: &str, bytes: &[u8]) -> Result<Imported, Vec<Diagnostic>> {
    import::run(format, label, bytes)
}
