//! `palisade diagram`: draws a model's data-flow diagram as SVG, Graphviz DOT or Mermaid.

use std::path::PathBuf;

use palisade_diagnostics::SourceMap;
use palisade_diagram::{Format as DiagramFormat, Options};
use palisade_rules::Settings;

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A self-contained SVG image laid out by Palisade.
    Svg,
    /// Graphviz DOT (`dot -Tsvg`), with the same clusters, shapes and highlights.
    Dot,
    /// A Mermaid `flowchart`, for Markdown.
    Mermaid,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (default: `palisade.yaml` in the current folder). Positions in
    /// `<model>.layout.yaml` beside it are honoured.
    model: Option<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Svg)]
    format: Format,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Mark each element and flow with the number of its unresolved threats.
    #[arg(long)]
    threats: bool,
    /// Leave out the legend.
    #[arg(long)]
    no_legend: bool,
}

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    let file = args
        .model
        .clone()
        .unwrap_or_else(|| PathBuf::from("palisade.yaml"));
    if palisade_project::looks_like_openapi(&file) {
        anyhow::bail!(
            "`{}` is an OpenAPI document, not a model: there is no data-flow diagram to draw (start a model with `palisade init`)",
            file.display()
        );
    }
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    // The drawing needs only the model; its OpenAPI documents matter only for `--threats`.
    let model = match palisade_loader::load_file(&file) {
        Ok(loaded) => {
            sources.add(loaded.source);
            diagnostics.extend(loaded.warnings);
            Some(loaded.model)
        }
        Err(failure) => {
            if let Some(source) = failure.source {
                sources.add(source);
            }
            diagnostics.extend(failure.diagnostics);
            None
        }
    };
    let layout = match palisade_loader::load_layout_file(&palisade_loader::layout_path(&file)) {
        Ok(layout) => layout.map(|l| l.layout),
        Err(failure) => {
            if let Some(source) = failure.source {
                sources.add(source);
            }
            diagnostics.extend(failure.diagnostics);
            None
        }
    };
    let failed = diagnostics
        .iter()
        .any(palisade_diagnostics::Diagnostic::is_error);
    crate::output::print_diagnostics(&diagnostics, &sources, color)?;
    let Some(model) = model.filter(|_| !failed) else {
        return Ok(Outcome::InputError);
    };
    let mut options = Options {
        layout,
        legend: !args.no_legend,
        ..Options::default()
    };
    if args.threats {
        let loaded = palisade_project::load(std::slice::from_ref(&file));
        crate::output::print_diagnostics(&loaded.diagnostics, &loaded.sources, color)?;
        if loaded.failed {
            return Ok(Outcome::InputError);
        }
        let threats: Vec<_> = loaded
            .inputs
            .iter()
            .flat_map(|input| input.analyze(&Settings::default()))
            .collect();
        options = options.with_unresolved_threats(&threats);
    }
    let format = match args.format {
        Format::Svg => DiagramFormat::Svg,
        Format::Dot => DiagramFormat::Dot,
        Format::Mermaid => DiagramFormat::Mermaid,
    };
    let text = palisade_diagram::render(&model, format, &options);
    match &args.output {
        Some(path) => palisade_loader::write_atomic(path, text.as_bytes())?,
        None => crate::output::print_stdout(&text)?,
    }
    Ok(Outcome::Success)
}
