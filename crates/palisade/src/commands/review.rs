//! `palisade review`: records that the model was reviewed against its OpenAPI documents — the
//! date, the reviewer, and the content hash of each document — in the model's `reviewed:` block,
//! so that `palisade check` reports a document that changes afterwards (drift) and a review that
//! grows old. Edits the model's text in place (comments and formatting stay), re-loads it, and
//! writes it atomically only when nothing but `reviewed` changed.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use palisade_diagnostics::SourceMap;
use palisade_model::Date;

use crate::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file.
    #[arg(default_value = "palisade.yaml")]
    model: PathBuf,
    /// Who reviewed it (default: the reviewer recorded last time).
    #[arg(long)]
    by: Option<String>,
    /// The day of the review, `YYYY-MM-DD` (default: today).
    #[arg(long, value_parser = super::check::parse_date)]
    date: Option<Date>,
}

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    let loaded = match palisade_loader::load_file(&args.model) {
        Ok(loaded) => loaded,
        Err(failure) => {
            let mut sources = SourceMap::new();
            if let Some(source) = failure.source {
                sources.add(source);
            }
            crate::output::print_diagnostics(&failure.diagnostics, &sources, color)?;
            return Ok(Outcome::InputError);
        }
    };
    let model = loaded.model;
    let by = args
        .by
        .clone()
        .or_else(|| model.reviewed.as_ref().and_then(|r| r.by.clone()));
    let date = args.date.unwrap_or_else(super::check::today);
    let mut specs = serde_json::Map::new();
    for api in &model.apis {
        let Some(spec) = &api.spec else {
            continue;
        };
        let path = palisade_project::spec_file(&args.model, spec);
        let hash = palisade_project::content_hash(&path).with_context(|| {
            format!(
                "cannot read `{}`, the OpenAPI document of API `{}`",
                path.display(),
                api.id
            )
        })?;
        specs.insert(spec.clone(), serde_json::Value::String(hash));
    }
    let mut block = serde_json::Map::new();
    block.insert(
        "date".to_owned(),
        serde_json::Value::String(date.to_string()),
    );
    if let Some(by) = &by {
        block.insert("by".to_owned(), serde_json::Value::String(by.clone()));
    }
    if !specs.is_empty() {
        block.insert("specs".to_owned(), serde_json::Value::Object(specs.clone()));
    }
    let label = args.model.display().to_string();
    let text =
        std::fs::read_to_string(&args.model).with_context(|| format!("cannot read {label}"))?;
    let edited = palisade_loader::set_top_level(
        &label,
        &text,
        "reviewed",
        &serde_json::Value::Object(block),
    )?;
    // Refuse anything but a valid model that differs only in `reviewed`.
    let Ok(after) = palisade_loader::load_str(&label, &edited) else {
        bail!("recording the review would leave {label} invalid; nothing was written");
    };
    let without_review = |m: &palisade_model::Model| {
        let mut m = m.clone();
        m.reviewed = None;
        serde_json::to_value(m).unwrap_or_default()
    };
    if without_review(&after.model) != without_review(&model) {
        bail!(
            "recording the review would change more than `reviewed` in {label}; nothing was written"
        );
    }
    palisade_loader::write_atomic(&args.model, edited.as_bytes())
        .with_context(|| format!("cannot write {label}"))?;
    eprintln!(
        "{label}: reviewed {date}{} — {} OpenAPI document{} hashed",
        by.map(|b| format!(" by {b}")).unwrap_or_default(),
        specs.len(),
        if specs.len() == 1 { "" } else { "s" }
    );
    Ok(Outcome::Success)
}
