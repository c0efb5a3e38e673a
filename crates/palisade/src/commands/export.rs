//! `palisade export`: writes a model as Threat Dragon v2 or OTM JSON (with its layout, or a
//! generated one), or its open threats without a ticket as Jira CSV or GitHub issues.

use std::path::PathBuf;

use anyhow::bail;
use palisade_interop::export::{Exported, otm, threat_dragon};
use palisade_model::{Layout, Severity};
use palisade_project::Input;
use palisade_rules::Settings;

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Threat Dragon v2 JSON.
    ThreatDragon,
    /// Open Threat Model 0.2 JSON.
    Otm,
    /// Jira's CSV import (Summary, Description, Issue Type, Priority, Labels).
    JiraCsv,
    /// A JSON array of `{title, body, labels}` for `gh issue create`.
    GithubIssues,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to write.
    #[arg(value_enum)]
    format: Format,
    /// The model (default: `palisade.yaml` in the current folder).
    model: Option<PathBuf>,
    /// Write to this file instead of stdout (atomically).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Issue trackers: only threats at or above this severity.
    #[arg(long, value_parser = crate::commands::analyze::parse_severity)]
    min_severity: Option<Severity>,
    /// Issue trackers: leave out the STRIDE-per-element baseline threats.
    #[arg(long)]
    no_baselines: bool,
}

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    let path = args
        .model
        .clone()
        .unwrap_or_else(|| PathBuf::from("palisade.yaml"));
    let loaded = palisade_project::load(std::slice::from_ref(&path));
    crate::output::print_diagnostics(&loaded.diagnostics, &loaded.sources, color)?;
    if loaded.failed {
        return Ok(Outcome::InputError);
    }
    let Some(input) = loaded.inputs.first() else {
        return Ok(Outcome::InputError);
    };
    let (text, warnings, summary) = match args.format {
        Format::ThreatDragon | Format::Otm => {
            let Input::Model { model, file, .. } = input else {
                bail!(
                    "`{}` is an OpenAPI document; export a Palisade model",
                    path.display()
                );
            };
            let layout =
                match palisade_loader::load_layout_file(&palisade_loader::layout_path(&path)) {
                    Ok(found) => found.map_or_else(Layout::default, |l| l.layout),
                    Err(failure) => {
                        let mut sources = palisade_diagnostics::SourceMap::new();
                        if let Some(source) = failure.source {
                            sources.add(source);
                        }
                        crate::output::print_diagnostics(&failure.diagnostics, &sources, color)?;
                        return Ok(Outcome::InputError);
                    }
                };
            let Exported { text, warnings } = if args.format == Format::ThreatDragon {
                threat_dragon::export(model, file, &layout)
            } else {
                otm::export(model, file, &layout)
            };
            (text, warnings, None)
        }
        Format::JiraCsv | Format::GithubIssues => {
            let settings = Settings {
                no_baselines: args.no_baselines,
                ..Settings::default()
            };
            let threats = input.analyze(&settings);
            let items = match input {
                Input::Model { model, file, .. } => {
                    palisade_interop::tracker_items(model, file, &threats, args.min_severity)
                }
                Input::Spec { .. } => palisade_interop::tracker_items(
                    &palisade_model::Model::default(),
                    "",
                    &threats,
                    args.min_severity,
                ),
            };
            let text = if args.format == Format::JiraCsv {
                palisade_interop::jira_csv(&items)?
            } else {
                palisade_interop::github_issues(&items)
            };
            let summary = format!(
                "{} open threats without a ticket exported; record each ticket in the model (`ticket:`) so the next export leaves it out",
                items.len()
            );
            (text, Vec::new(), Some(summary))
        }
    };
    crate::output::print_diagnostics(&warnings, &loaded.sources, color)?;
    match &args.output {
        Some(out) => palisade_loader::write_atomic(out, text.as_bytes())?,
        None => crate::output::print_stdout(&text)?,
    }
    if let Some(s) = summary {
        eprintln!("{s}");
    }
    Ok(Outcome::Success)
}
