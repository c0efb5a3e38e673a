//! `palisade init`: writes a commented starter model that validates and teaches the format, or
//! (`--from-openapi`) a first model of an API derived from its OpenAPI document.

use std::path::{Component, Path, PathBuf};

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
    /// Derive the model from this OpenAPI or Swagger document: its callers, the API, trust
    /// boundaries from its servers, authentication from its security schemes, and the sensitive
    /// data its schemas carry.
    #[arg(long, value_name = "SPEC")]
    from_openapi: Option<PathBuf>,
}

/// The starter model for a system called `name`.
pub fn starter_model(name: &str) -> String {
    // A JSON string is a valid YAML double-quoted scalar, whatever the name holds.
    let quoted = serde_json::to_string(name).unwrap_or_else(|_| "\"My system\"".to_owned());
    TEMPLATE.replace("{{name}}", &quoted)
}

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    if args.output.exists() && !args.force {
        bail!(
            "{} already exists; use --force to overwrite it",
            args.output.display()
        );
    }
    if let Some(spec) = &args.from_openapi {
        return from_openapi(args, spec, color);
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

/// `palisade init --from-openapi SPEC`.
fn from_openapi(args: &Args, spec_path: &Path, color: bool) -> anyhow::Result<Outcome> {
    let loaded = match palisade_openapi::load(spec_path, &palisade_openapi::LoadOptions::default())
    {
        Ok(loaded) => loaded,
        Err(failed) => {
            crate::output::print_diagnostics(&failed.diagnostics, &failed.sources, color)?;
            return Ok(Outcome::InputError);
        }
    };
    crate::output::print_diagnostics(&loaded.diagnostics, &loaded.sources, color)?;
    let model_dir = args
        .output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let relative = relative_path(model_dir, spec_path).with_context(|| {
        format!(
            "cannot find {} from {}",
            spec_path.display(),
            model_dir.display()
        )
    })?;
    let root = palisade_project::project_root(model_dir);
    if spec_path
        .canonicalize()
        .is_ok_and(|spec| !spec.starts_with(&root))
    {
        eprintln!(
            "warning: {} is outside the project root {}: `palisade analyze` will refuse to read it; copy it into the project and fix `apis[].spec`",
            spec_path.display(),
            root.display()
        );
    }
    let mut model = palisade_project::model_from_spec(&loaded.spec, &relative);
    if let Some(name) = &args.name {
        model.system.name.clone_from(name);
    }
    let body = palisade_loader::to_yaml(&model)?;
    let text = format!(
        "# Palisade threat model (format version 1), described in docs/model.md.\n\
         # For completion in your editor, run `palisade schema -o palisade.schema.json`.\n\
         # yaml-language-server: $schema=palisade.schema.json\n\
         #\n\
         # Derived by `palisade init --from-openapi` from {relative}.\n\
         # Review it: name the real clients and services, put them in the right trust boundaries,\n\
         # add the data stores behind the API, and record assumptions and decisions.\n\
         # `palisade analyze {out}` shows the threats; `palisade validate {out}` checks the file.\n\
         {body}",
        out = args.output.display(),
    );
    // Never write a model that does not load.
    let label = args.output.to_string_lossy();
    if let Err(failure) = palisade_loader::load_str(&label, &text) {
        let mut sources = palisade_diagnostics::SourceMap::default();
        if let Some(source) = failure.source {
            sources.add(source);
        }
        crate::output::print_diagnostics(&failure.diagnostics, &sources, color)?;
        bail!("the derived model does not validate; nothing was written");
    }
    palisade_loader::write_atomic(&args.output, text.as_bytes())
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    eprintln!(
        "wrote {}: {} elements, {} flows, {} data assets from {} operations — check it with `palisade validate {}`",
        args.output.display(),
        model.elements.len(),
        model.flows.len(),
        model.data.len(),
        loaded.spec.operations.len(),
        args.output.display()
    );
    Ok(Outcome::Success)
}

/// `to` relative to the folder `from`, with `/` separators: `../api/openapi.yaml`.
fn relative_path(from: &Path, to: &Path) -> anyhow::Result<String> {
    let from = from.canonicalize()?;
    let to = to.canonicalize()?;
    let from_parts: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from_parts
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from_parts.len() - common];
    parts.extend(
        to_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Ok(parts.join("/"))
}
