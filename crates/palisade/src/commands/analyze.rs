//! `palisade analyze`: finds the threats in models (and their OpenAPI documents).

use std::path::PathBuf;

use palisade_model::Severity;
use palisade_rules::{Settings, Threat};

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Model files or OpenAPI documents (default: `palisade.yaml` in the current folder).
    files: Vec<PathBuf>,
    /// Output format: `human` on stdout, or `json` (an object with a `threats` array).
    #[arg(short, long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Report only threats at or above this severity.
    #[arg(long, value_parser = parse_severity)]
    min_severity: Option<Severity>,
    /// Exit 1 when a threat at or above this severity is unresolved (default: high).
    #[arg(long, value_parser = parse_severity, default_value = "high")]
    fail_on: Severity,
    /// Exit 0 whatever is found (input errors still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// Run only these rule codes or families (`DF001`, `DF`); repeatable, comma-separated.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rule codes or families; repeatable, comma-separated.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Leave out the STRIDE-per-element baseline threats (family ST).
    #[arg(long)]
    no_baselines: bool,
    /// Custom rules to run beside the built-in ones and the model's own: a YAML or JSON file
    /// with a `custom_rules:` list (see docs/custom-rules.md); repeatable.
    #[arg(long, value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Fetch `$ref`s to `http(s)://` documents (and theirs) instead of refusing them.
    #[arg(long)]
    allow_remote_refs: bool,
}

pub(crate) fn parse_severity(text: &str) -> Result<Severity, String> {
    palisade_model::StringEnum::parse(&text.to_ascii_lowercase())
        .ok_or_else(|| "expected one of: info, low, medium, high, critical".to_owned())
}

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    let files = if args.files.is_empty() {
        vec![PathBuf::from("palisade.yaml")]
    } else {
        args.files.clone()
    };
    let mut loaded = palisade_project::load_with(
        &files,
        &palisade_project::Options {
            remote: crate::fetch::remote(args.allow_remote_refs),
            // The process ends after printing: see the end of this function.
            leak_parsed: true,
            ..palisade_project::Options::default()
        },
    );
    let mut custom_rules = Vec::new();
    for path in &args.rules {
        match palisade_loader::load_rules_file(path) {
            Ok(rules) => {
                loaded.diagnostics.extend(rules.warnings);
                loaded.sources.add(rules.source);
                custom_rules.extend(rules.rules);
            }
            Err(failure) => {
                if let Some(source) = failure.source {
                    loaded.sources.add(source);
                }
                loaded.diagnostics.extend(failure.diagnostics);
                loaded.failed = true;
            }
        }
    }
    crate::output::print_diagnostics(&loaded.diagnostics, &loaded.sources, color)?;
    if loaded.failed {
        return Ok(Outcome::InputError);
    }
    let settings = Settings {
        min_severity: args.min_severity,
        select: args.select.iter().map(|s| s.to_ascii_uppercase()).collect(),
        ignore: args.ignore.iter().map(|s| s.to_ascii_uppercase()).collect(),
        no_baselines: args.no_baselines,
        custom_rules,
        ..Settings::default()
    };
    let sources = loaded.sources;
    // The first input's list is kept as it is: threats are large, and a model of 10,000
    // elements has ~100,000 of them, so a copy would double the peak memory.
    let mut threats: Vec<Threat> = Vec::new();
    for input in &loaded.inputs {
        let found = input.analyze(&settings);
        if threats.is_empty() {
            threats = found;
        } else {
            threats.extend(found);
        }
    }
    match args.format {
        Format::Human => {
            crate::output::print_stdout(&crate::threats::human(&threats, &sources, color))?;
        }
        Format::Json => {
            crate::output::print_analysis_json(&threats)?;
        }
    }
    let failing = threats
        .iter()
        .any(|t| t.severity >= args.fail_on && t.status().is_unresolved());
    // The process ends right after this: the system takes the memory back at once, whereas
    // freeing a large analysis (a model of 10,000 elements has ~100,000 threats, its documents
    // millions of nodes) piece by piece cost a tenth of the run.
    std::mem::forget(threats);
    std::mem::forget(loaded.inputs);
    std::mem::forget(sources);
    Ok(if failing && !args.exit_zero {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}
