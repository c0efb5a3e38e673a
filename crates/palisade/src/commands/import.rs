//! `palisade import`: reads another tool's model (Threat Dragon, OTM, Threagile, pytm, Threat
//! Composer, TMT), writes a Palisade model that validates and its layout file, and lists on
//! stderr everything that could not be imported.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use palisade_diagnostics::{SourceFile, SourceMap};
use palisade_interop::Format;

use crate::Outcome;

/// Largest file read (TMT files with embedded images can be large).
const MAX_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// `[FORMAT] FILE`: FORMAT is one of threat-dragon, otm, threagile, pytm, threat-composer,
    /// tm7; when it is left out, the file's content tells.
    #[arg(required = true, num_args = 1..=2, value_names = ["FORMAT", "FILE"])]
    inputs: Vec<String>,
    /// The model to write (`-` for stdout); its layout goes beside it as `<stem>.layout.yaml`.
    #[arg(short, long, default_value = "palisade.yaml")]
    output: PathBuf,
    /// Replace the output files if they exist.
    #[arg(long)]
    force: bool,
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        bail!("cannot read `{}`: it is a directory", path.display());
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    if bytes.len() as u64 > MAX_BYTES {
        bail!("`{}` is larger than {MAX_BYTES} bytes", path.display());
    }
    Ok(bytes)
}

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    let (format, file) = match args.inputs.as_slice() {
        [file] => (None, file),
        [name, file] => match Format::from_name(name) {
            Some(f) => (Some(f), file),
            None => bail!(
                "unknown format `{name}`: expected one of {}",
                Format::ALL
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        _ => bail!("expected `palisade import [FORMAT] FILE`"),
    };
    let path = Path::new(file);
    let bytes = read(path)?;
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(
        file.as_str(),
        String::from_utf8_lossy(&bytes).into_owned(),
    ));
    let format = match format {
        Some(f) => f,
        None => match palisade_interop::detect(file, &bytes) {
            Ok(f) => f,
            Err(d) => {
                crate::output::print_diagnostics(&[*d], &sources, color)?;
                return Ok(Outcome::InputError);
            }
        },
    };
    let imported = match palisade_interop::import(format, file, &bytes) {
        Ok(i) => i,
        Err(diagnostics) => {
            crate::output::print_diagnostics(&diagnostics, &sources, color)?;
            return Ok(Outcome::InputError);
        }
    };
    crate::output::print_diagnostics(&imported.warnings, &sources, color)?;
    let model = &imported.model;
    let to_stdout = args.output.as_os_str() == "-";
    let layout_path = palisade_loader::layout_path(&args.output);
    if !to_stdout && !args.force {
        for p in [&args.output, &layout_path] {
            if p.exists() {
                bail!("`{}` exists; pass --force to replace it", p.display());
            }
        }
    }
    let yaml = palisade_loader::to_yaml(model)?;
    if to_stdout {
        crate::output::print_stdout(&yaml)?;
    } else {
        palisade_loader::save(&args.output, model)?;
        if !imported.layout.elements.is_empty() || !imported.layout.boundaries.is_empty() {
            let text =
                palisade_interop::layout::to_yaml(&imported.layout).map_err(anyhow::Error::msg)?;
            palisade_loader::write_atomic(&layout_path, text.as_bytes())?;
        }
    }
    let hand_written = model.threats.iter().filter(|t| t.is_hand_written()).count();
    let mut summary = format!(
        "imported {} from `{file}`: {} elements, {} flows, {} trust boundaries, {} threats, {} mitigations, {} assumptions",
        format.title(),
        model.elements.len(),
        model.flows.len(),
        model.boundaries.len(),
        hand_written,
        model.mitigations.len(),
        model.assumptions.len(),
    );
    if !to_stdout {
        summary.push_str(&format!(" → `{}`", args.output.display()));
    }
    if !imported.warnings.is_empty() {
        summary.push_str(&format!(
            "; {} warnings above list what was not imported as it was",
            imported.warnings.len()
        ));
    }
    eprintln!("{summary}");
    Ok(Outcome::Success)
}
