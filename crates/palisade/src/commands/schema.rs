//! `palisade schema`: prints the JSON Schema of the model format.

use std::path::PathBuf;

use crate::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the schema to this file (atomically) instead of standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let schema = palisade_model::model_schema_json();
    match &args.output {
        Some(path) => palisade_loader::write_atomic(path, schema.as_bytes())?,
        None => crate::output::print_stdout(&schema)?,
    }
    Ok(Outcome::Success)
}
