//! `palisade report`: the threat model report of one model (or bare OpenAPI document) as HTML,
//! PDF, Markdown, JSON, CSV or SARIF. Exit 0 when the report is written, 2 on bad input; the
//! findings themselves never fail a report (that is `palisade check`'s job).

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use palisade_export::report::{Hashed, SpecSource};
use palisade_model::{Date, Model};
use palisade_project::{Input, Options};

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One self-contained HTML file (inline CSS and SVG, no external requests), printable.
    Html,
    /// PDF, made offline with Typst and its embedded fonts; the diagram as vector graphics.
    Pdf,
    /// GitHub-flavoured Markdown, with the diagram as a Mermaid flowchart.
    Md,
    /// The whole report as JSON (schema: `schema/report.schema.json`).
    Json,
    /// One row per threat, for spreadsheets and issue trackers.
    Csv,
    /// SARIF 2.1.0 for code scanning: every threat and every policy check item.
    Sarif,
}

impl Format {
    /// The format a file name asks for, by its extension.
    fn of_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "html" | "htm" => Self::Html,
            "pdf" => Self::Pdf,
            "md" | "markdown" => Self::Md,
            "json" => Self::Json,
            "csv" => Self::Csv,
            "sarif" => Self::Sarif,
            _ => return None,
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (default: `palisade.yaml` in the current folder), or a bare OpenAPI
    /// document.
    model: Option<PathBuf>,
    /// Output format (default: from the extension of `--output`, else `html`).
    #[arg(short, long, value_enum)]
    format: Option<Format>,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Date the report, and judge due dates, as of this day (`YYYY-MM-DD`) instead of today.
    #[arg(long, value_name = "DATE", value_parser = super::check::parse_date)]
    today: Option<Date>,
}

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    let file = args
        .model
        .clone()
        .unwrap_or_else(|| PathBuf::from("palisade.yaml"));
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(Format::of_path))
        .unwrap_or(Format::Html);
    if format == Format::Pdf && args.output.is_none() && std::io::stdout().is_terminal() {
        anyhow::bail!("a PDF is not for a terminal: write it to a file with `--output report.pdf`");
    }
    let loaded = palisade_project::load_with(
        std::slice::from_ref(&file),
        &Options {
            tolerate_missing_specs: true,
            ..Options::default()
        },
    );
    crate::output::print_diagnostics(&loaded.diagnostics, &loaded.sources, color)?;
    if loaded.failed {
        return Ok(Outcome::InputError);
    }
    let Some(input) = loaded.inputs.first() else {
        return Ok(Outcome::InputError);
    };
    let today = args.today.unwrap_or_else(super::check::today);
    let checked = super::check::check_one(input, &loaded.missing_specs, None, None, today)?;

    let bare;
    let (model, model_name, specs, spec_files) = match input {
        Input::Model { model, file, specs } => {
            let mut spec_files = Vec::new();
            for api in &model.apis {
                let Some(rel) = &api.spec else { continue };
                let path = palisade_project::spec_file(Path::new(file), rel);
                spec_files.push((
                    api.id.to_string(),
                    Hashed {
                        file: rel.clone(),
                        hash: palisade_project::content_hash(&path).ok(),
                    },
                ));
            }
            let specs: Vec<SpecSource> = specs
                .iter()
                .map(|(api, spec)| SpecSource { api, spec })
                .collect();
            (&**model, file.clone(), specs, spec_files)
        }
        Input::Spec { api, spec } => {
            bare = Model::new(spec.info.title.clone().unwrap_or_else(|| api.clone()));
            (
                &bare,
                file.display().to_string(),
                vec![SpecSource { api, spec }],
                Vec::new(),
            )
        }
    };
    let report = palisade_export::report::build(&palisade_export::report::Input {
        model,
        model_file: Hashed {
            file: model_name,
            hash: palisade_project::content_hash(&file).ok(),
        },
        spec_files,
        specs,
        threats: &checked.threats,
        check: &checked.report,
        date: today,
        version: env!("CARGO_PKG_VERSION"),
    });

    let bytes: Vec<u8> = match format {
        Format::Html => palisade_export::html::render(&report).into_bytes(),
        Format::Md => palisade_export::markdown::render(&report, model).into_bytes(),
        Format::Json => palisade_export::json::render(&report).into_bytes(),
        Format::Csv => palisade_export::csv::render(&report)?.into_bytes(),
        Format::Sarif => {
            let mut b = palisade_export::sarif::Builder::new(palisade_export::sarif::Options {
                base: std::env::current_dir().ok(),
                ..palisade_export::sarif::Options::default()
            });
            b.fallback(&checked.report.file);
            for t in &checked.threats {
                b.add_threat(t);
            }
            b.add_check_report(&checked.report);
            b.render().into_bytes()
        }
        Format::Pdf => pdf(&report)?,
    };
    match &args.output {
        Some(path) => palisade_loader::write_atomic(path, &bytes)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(Outcome::Success)
}

#[cfg(feature = "pdf")]
fn pdf(report: &palisade_export::report::Report) -> anyhow::Result<Vec<u8>> {
    Ok(palisade_export::pdf::render(report)?)
}

#[cfg(not(feature = "pdf"))]
fn pdf(_: &palisade_export::report::Report) -> anyhow::Result<Vec<u8>> {
    anyhow::bail!(
        "this build of palisade has no PDF support (it was built without the `pdf` feature); use `--format html` and print it, or rebuild with `--features pdf`"
    )
}
