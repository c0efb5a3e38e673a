//! Exports, one module per format: Threat Dragon v2 and OTM models, and open threats for issue
//! trackers.

pub mod otm;
pub mod threat_dragon;
pub mod tracker;

use palisade_diagnostics::{Diagnostic, Span};
use palisade_model::{Model, Status, ThreatEntry};
use sha2::{Digest, Sha256};

use crate::codes;

/// An exported document and what could not be exported.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The document, pretty-printed, with a final newline.
    pub text: String,
    pub warnings: Vec<Diagnostic>,
}

/// A UUID-shaped id derived from `key`, so that exporting the same model twice gives the same
/// document (and a diff of two exports shows only what changed).
pub(crate) fn uuid(key: &str) -> String {
    let digest = Sha256::digest(format!("palisade:{key}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = b.iter().fold(String::with_capacity(32), |mut hex, x| {
        use std::fmt::Write as _;
        let _ = write!(hex, "{x:02x}");
        hex
    });
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A warning about something in the model that the format cannot hold.
pub(crate) fn not_exported(file: &str, span: Span, message: String, note: &str) -> Diagnostic {
    let mut d = Diagnostic::warning(codes::NOT_EXPORTED, message)
        .in_file(file.to_owned())
        .with_note(note.to_owned());
    if span.start.line > 0 {
        d = d.with_primary(span, "not exported");
    }
    d
}

/// Hand-written threats that cannot sit on a diagram cell, and decisions about generated
/// threats (which other tools do not have), reported once each.
pub(crate) fn unplaceable(model: &Model, file: &str, warnings: &mut Vec<Diagnostic>) {
    let decisions = model
        .threats
        .iter()
        .filter(|t| !t.is_hand_written())
        .count();
    if decisions > 0 {
        let first = model
            .threats
            .iter()
            .find(|t| !t.is_hand_written())
            .map(|t| t.span)
            .unwrap_or_default();
        warnings.push(not_exported(
            file,
            first,
            format!("{decisions} decisions about generated threats are not exported"),
            "other tools do not have Palisade's generated threats; export them to an issue tracker instead",
        ));
    }
}

/// The element or flow a hand-written threat sits on: its target, or for a threat on an API
/// (or on an operation of a named API) the element that serves the API.
pub(crate) fn cell_of<'m>(model: &'m Model, t: &'m ThreatEntry) -> Option<(&'m str, bool)> {
    let target = t.target.as_ref()?;
    if let Some(e) = &target.element {
        return Some((e.as_str(), true));
    }
    if let Some(f) = &target.flow {
        return Some((f.as_str(), false));
    }
    let api = model.api(target.api.as_deref()?)?;
    api.served_by.as_ref().map(|e| (e.as_str(), true))
}

/// Whether a threat still needs work (open when no status is written).
pub(crate) fn is_open(t: &ThreatEntry) -> bool {
    t.status.unwrap_or(Status::Open).is_unresolved()
}
