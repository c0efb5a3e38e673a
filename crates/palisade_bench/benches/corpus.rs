//! Reading and analyzing each document of the real corpus (`../shared/corpus/real`), as
//! `palisade analyze FILE` does: `read` is `palisade_project::load` (parse, `$ref`s, normalize),
//! `analyze` the engine on the loaded document, `analyze + JSON` adds the `--format json` output.
//!
//! `cargo bench -p palisade_bench --bench corpus`; a document's name as a filter runs only it.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use palisade_rules::{AnalysisRef, Settings};

fn corpus(c: &mut Criterion) {
    let settings = Settings::default();
    for path in palisade_bench::corpus() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let files: Vec<PathBuf> = vec![path.clone()];
        let loaded = palisade_project::load(&files);
        assert!(!loaded.failed, "{} does not load", path.display());
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        group.bench_function("read", |b| b.iter(|| palisade_project::load(&files)));
        group.bench_function("analyze", |b| {
            b.iter(|| {
                loaded
                    .inputs
                    .iter()
                    .map(|input| input.analyze(&settings).len())
                    .sum::<usize>()
            });
        });
        let threats: Vec<_> = loaded
            .inputs
            .iter()
            .flat_map(|input| input.analyze(&settings))
            .collect();
        group.bench_function("JSON of the threats", |b| {
            b.iter(|| {
                serde_json::to_vec_pretty(&AnalysisRef { threats: &threats })
                    .expect("threats serialize")
            });
        });
        group.finish();
    }
}

criterion_group!(benches, corpus);
criterion_main!(benches);
