//! `cargo xtask generate [--check]`: writes every generated file of the repository, or with
//! `--check` fails (exit 1) when a committed one differs from what would be generated.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One generated file: its path from the repository root and its content.
struct Generated {
    path: &'static str,
    content: String,
}

fn generated() -> Vec<Generated> {
    vec![Generated {
        path: "schema/palisade.schema.json",
        content: palisade_model::model_schema_json(),
    }]
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    match args.first().map(String::as_str) {
        Some("generate") => match generate(check) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(2)
            }
        },
        _ => {
            eprintln!("usage: cargo xtask generate [--check]");
            ExitCode::from(2)
        }
    }
}

fn generate(check: bool) -> anyhow::Result<bool> {
    let root = root();
    let mut fresh = true;
    for file in generated() {
        let path = root.join(file.path);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == file.content {
            continue;
        }
        if check {
            eprintln!("stale: {} (run `cargo xtask generate`)", file.path);
            fresh = false;
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, &file.content)?;
            eprintln!("wrote {}", file.path);
        }
    }
    if check && fresh {
        eprintln!("generated files are current");
    }
    Ok(fresh)
}
