//! `palisade validate`: loads model files and reports every problem at once.

use std::path::PathBuf;

use palisade_diagnostics::{Diagnostic, SourceMap};

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Model files to check (default: `palisade.yaml` in the current folder).
    files: Vec<PathBuf>,
    /// Output format: `human` diagnostics on stderr, or a `json` report on stdout.
    #[arg(short, long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    let files = if args.files.is_empty() {
        vec![PathBuf::from("palisade.yaml")]
    } else {
        args.files.clone()
    };
    let mut sources = SourceMap::new();
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut report = Vec::new();
    let mut failed = false;
    for file in &files {
        let (valid, diagnostics, summary) = match palisade_loader::load_file(file) {
            Ok(loaded) => {
                let m = &loaded.model;
                let counts = [
                    count(m.elements.len(), "element", "elements"),
                    count(m.flows.len(), "flow", "flows"),
                    count(m.boundaries.len(), "trust boundary", "trust boundaries"),
                    count(m.data.len(), "data asset", "data assets"),
                    count(m.apis.len(), "API", "APIs"),
                    count(m.threats.len(), "threat entry", "threat entries"),
                ];
                let summary = format!(
                    "{}: valid — `{}`: {}",
                    file.display(),
                    m.system.name,
                    counts.join(", ")
                );
                sources.add(loaded.source);
                (true, loaded.warnings, Some(summary))
            }
            Err(failure) => {
                if let Some(source) = failure.source {
                    sources.add(source);
                }
                (false, failure.diagnostics, None)
            }
        };
        failed |= !valid;
        report.push(serde_json::json!({
            "file": file.display().to_string(),
            "valid": valid,
            "diagnostics": palisade_diagnostics::render::json(&diagnostics),
        }));
        if args.format == Format::Human {
            crate::output::print_diagnostics(&diagnostics, &sources, color)?;
            if let Some(summary) = summary {
                crate::output::print_stdout(&format!("{summary}\n"))?;
            } else {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                eprintln!(
                    "{}: invalid — {errors} error{}",
                    file.display(),
                    if errors == 1 { "" } else { "s" }
                );
            }
        }
        all.extend(diagnostics);
    }
    if args.format == Format::Json {
        let text = serde_json::to_string_pretty(&serde_json::json!({ "files": report }))?;
        crate::output::print_stdout(&format!("{text}\n"))?;
    }
    Ok(if failed {
        Outcome::InputError
    } else {
        Outcome::Success
    })
}

/// `1 flow`, `2 flows`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
