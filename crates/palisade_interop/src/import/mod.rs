//! Importers, one module per format, and the detection of a file's format from its content.

mod otm;
mod pytm;
mod threagile;
mod threat_composer;
mod threat_dragon;
mod tm7;
mod zones;

use palisade_diagnostics::Diagnostic;
use palisade_syntax::{Format as Syntax, Limits};

use crate::cx::{Cx, top};
use crate::{Format, Imported, codes};

/// Tells the format from the content: the same recognition `palisade validate` uses to name
/// foreign files, and XML for `.tm7`.
pub(crate) fn detect(label: &str, bytes: &[u8]) -> Result<Format, Box<Diagnostic>> {
    let text = String::from_utf8_lossy(bytes);
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if body.starts_with('<') {
        return Ok(Format::Tm7);
    }
    let unknown = |why: String| {
        let d = Diagnostic::error(
            codes::UNKNOWN_FORMAT,
            format!("cannot tell which tool wrote `{label}`"),
        )
        .in_file(label.to_owned())
        .with_primary(top(), "not recognised")
        .with_note(why)
        .with_help(format!(
            "name the format: `palisade import FORMAT {label}`, FORMAT one of {}",
            Format::ALL
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        Box::new(d)
    };
    let syntax = Syntax::detect(label, &text);
    let root = match palisade_syntax::parse_bytes(bytes, syntax, &Limits::MODEL) {
        Ok(root) => root,
        Err(e) => return Err(Box::new(e.to_diagnostic(label))),
    };
    match palisade_loader::recognize(&root) {
        Some(foreign) => foreign
            .import
            .and_then(Format::from_name)
            .ok_or_else(|| unknown(format!("it looks like {}", foreign.what))),
        None if root.get("palisade").is_some() => Err(unknown(
            "it is already a Palisade model: `palisade validate` checks it".to_owned(),
        )),
        None => Err(unknown(
            "its keys match none of the formats Palisade imports".to_owned(),
        )),
    }
}

/// Runs the importer of `format`.
pub(crate) fn run(format: Format, label: &str, bytes: &[u8]) -> Result<Imported, Vec<Diagnostic>> {
    let mut cx = Cx::new(label);
    if format == Format::Tm7 {
        return tm7::import(cx, bytes);
    }
    // Every other format is JSON or YAML.
    let Some(root) = cx.parse(bytes) else {
        return Err(cx.into_errors());
    };
    match format {
        Format::ThreatDragon => threat_dragon::import(cx, &root),
        Format::Otm => otm::import(cx, &root),
        Format::Threagile => threagile::import(cx, &root),
        Format::Pytm => pytm::import(cx, &root),
        Format::ThreatComposer => threat_composer::import(cx, &root),
        Format::Tm7 => tm7::import(cx, bytes),
    }
}
