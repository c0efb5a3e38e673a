//! `palisade report`: the threat model report of one model (or bare OpenAPI document) as HTML,
//! PDF, Markdown, JSON, CSV or SARIF. Exit 0 when the report is written, 2 on bad input; the
//! findings themselves never fail a report (that is `palisade check`'s job).

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use palisade_export::compose;
use palisade_model::Date;
use palisade_project::Options;

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
        let format = compose::Format::of_extension(path.extension()?.to_str()?)?;
        Some(match format {
            compose::Format::Html => Self::Html,
            compose::Format::Pdf => Self::Pdf,
            compose::Format::Md => Self::Md,
            compose::Format::Json => Self::Json,
            compose::Format::Csv => Self::Csv,
            compose::Format::Sarif => Self::Sarif,
        })
    }
}

impl From<Format> for compose::Format {
    fn from(format: Format) -> Self {
        match format {
            Format::Html => Self::Html,
            Format::Pdf => Self::Pdf,
            Format::Md => Self::Md,
            Format::Json => Self::Json,
            Format::Csv => Self::Csv,
            Format::Sarif => Self::Sarif,
        }
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
    let spec_hashes = palisade_project::spec_hashes(input)?;
    let checked = palisade_check::project::check(
        input,
        &palisade_check::project::Options {
            missing_specs: &loaded.missing_specs,
            file_policy: None,
            fail_on: None,
            spec_hashes: &spec_hashes,
            today,
        },
    );
    let model_hash = palisade_project::content_hash(&file).ok();
    let report = compose::report(
        input,
        &checked,
        &compose::Hashes {
            model: model_hash.as_deref(),
            specs: &spec_hashes,
        },
        today,
        env!("CARGO_PKG_VERSION"),
    );
    let bytes = match compose::render(
        format.into(),
        &report,
        input,
        &checked,
        std::env::current_dir().ok(),
    ) {
        Ok(bytes) => bytes,
        Err(compose::RenderError::NoPdf) => anyhow::bail!(
            "this build of palisade has no PDF support (it was built without the `pdf` feature); use `--format html` and print it, or rebuild with `--features pdf`"
        ),
        Err(e) => return Err(e.into()),
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
