//! `palisade inventory`: what an OpenAPI document exposes, at a glance.

use std::path::PathBuf;

use palisade_openapi::{Inventory, LoadOptions};

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The OpenAPI (or Swagger) document.
    spec: PathBuf,
    /// `human` summary, or `json` with one entry per operation.
    #[arg(short, long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fetch `$ref`s to `http(s)://` documents (and theirs) instead of refusing them.
    #[arg(long)]
    allow_remote_refs: bool,
}

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    let loaded = match palisade_openapi::load(
        &args.spec,
        &LoadOptions {
            allow_remote_refs: args.allow_remote_refs,
            fetch: crate::fetch::remote(args.allow_remote_refs),
            ..LoadOptions::default()
        },
    ) {
        Ok(loaded) => loaded,
        Err(failed) => {
            crate::output::print_diagnostics(&failed.diagnostics, &failed.sources, color)?;
            return Ok(Outcome::InputError);
        }
    };
    crate::output::print_diagnostics(&loaded.diagnostics, &loaded.sources, color)?;
    let inventory = Inventory::of(&loaded.spec);
    match args.format {
        Format::Human => {
            crate::output::print_stdout(&palisade_openapi::render_summary(&inventory))?;
        }
        Format::Json => {
            crate::output::print_stdout(&format!(
                "{}\n",
                serde_json::to_string_pretty(&inventory)?
            ))?;
        }
    }
    Ok(Outcome::Success)
}
