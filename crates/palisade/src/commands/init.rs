//! `palisade init`: writes a commented starter model that validates and teaches the format.

use std::path::PathBuf;

use anyhow::{Context as _, bail};

use crate::Outcome;

const TEMPLATE: &str = include_str!("init_template.yaml");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The system's name (default: the current folder's name).
    #[arg(long)]
    name: Option<String>,
    /// Where to write the model.
    #[arg(short, long, default_value = "palisade.yaml")]
    output: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    force: bool,
}

/// The starter model for a system called `name`.
pub fn starter_model(name: &str) -> String {
    // A JSON string is a valid YAML double-quoted scalar, whatever the name holds.
    let quoted = serde_json::to_string(name).unwrap_or_else(|_| "\"My system\"".to_owned());
    TEMPLATE.replace("{{name}}", &quoted)
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    if args.output.exists() && !args.force {
        bail!(
            "{} already exists; use --force to overwrite it",
            args.output.display()
        );
    }
    let name = match &args.name {
        Some(n) => n.clone(),
        None => std::env::current_dir()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "My system".to_owned()),
    };
    let text = starter_model(&name);
    palisade_loader::write_atomic(&args.output, text.as_bytes())
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    eprintln!(
        "wrote {} — check it with `palisade validate {}`",
        args.output.display(),
        args.output.display()
    );
    Ok(Outcome::Success)
}
