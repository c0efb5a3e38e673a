//! Inputs shared by Palisade's benchmarks (`benches/`): the documents of the real corpus in
//! `../shared/corpus/real`, and generated models written to disk as a user would have them.
//!
//! Timing lives here and in `bench/compare`, never in tests. Run `cargo bench -p palisade_bench`
//! (`--bench corpus` or `--bench models`); `PALISADE_BENCH_SIZES=100,1000` narrows the model sizes.

use std::path::{Path, PathBuf};

/// The model sizes benchmarked by default: the 100, 1,000 and 10,000 elements.
pub const SIZES: &[usize] = &[100, 1_000, 10_000];

/// The folder of the real corpus, or `None` (after saying so on stderr) when `../shared` is absent.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

/// The OpenAPI documents of the real corpus, sorted by name (empty without `../shared`).
pub fn corpus() -> Vec<PathBuf> {
    let Some(dir) = corpus_dir() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
        })
        .collect();
    files.sort();
    files
}

/// The sizes to benchmark: `PALISADE_BENCH_SIZES` (comma-separated) or [`SIZES`].
pub fn sizes() -> Vec<usize> {
    std::env::var("PALISADE_BENCH_SIZES")
        .ok()
        .map(|v| {
            v.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect::<Vec<usize>>()
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| SIZES.to_vec())
}

/// Writes the generated model of `elements` elements (seed 1, as `cargo xtask synth` does) as
/// YAML into `dir` and returns its path.
pub fn write_model(dir: &Path, elements: usize) -> Result<PathBuf, palisade_loader::WriteError> {
    let model = palisade_synth::model(elements, 1);
    let path = dir.join(format!("synth-{elements}.yaml"));
    palisade_loader::write_atomic(&path, palisade_loader::to_yaml(&model)?.as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_model_loads_with_its_elements() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = write_model(dir.path(), 100).expect("model written");
        let loaded = palisade_loader::load_file(&path).expect("generated model loads");
        assert_eq!(loaded.model.elements.len(), 100);
    }

    #[test]
    fn corpus_lists_only_openapi_documents() {
        for path in corpus() {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            assert!(matches!(ext, "json" | "yaml" | "yml"), "{}", path.display());
        }
    }
}
