//! Reading the largest real documents (`../shared/corpus/real`): the whole `load` (parse,
//! resolve `$ref`s, normalize) beside the bare parse of the same text, by Palisade's own
//! span-keeping parser and by serde_json / serde-saphyr (which keep no positions). The issue's
//! aim: `load` costs at most twice the bare span-keeping parse.
//!
//! `cargo bench -p palisade_openapi --bench read`; set `PALISADE_BENCH_ALL=1` to run every
//! document of the corpus rather than the three largest.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use palisade_openapi::LoadOptions;
use palisade_syntax::{Format, Limits};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} is absent", dir.display());
        return Vec::new();
    };
    let all = std::env::var_os("PALISADE_BENCH_ALL").is_some();
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            matches!(ext, "json" | "yaml")
                && (all
                    || name.starts_with("kubernetes")
                    || name.starts_with("stripe")
                    || name.starts_with("openai"))
        })
        .collect();
    files.sort();
    files
}

fn read(c: &mut Criterion) {
    for path in corpus() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).expect("corpus file is UTF-8");
        let label = path.to_string_lossy().into_owned();
        let format = Format::detect(&label, &text);
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        group.bench_function("load (parse + refs + normalize)", |b| {
            b.iter(|| {
                palisade_openapi::load_from_str(&label, &text, &LoadOptions::default())
                    .expect("corpus document loads")
            });
        });
        group.bench_function("bare parse, with positions (palisade_syntax)", |b| {
            b.iter(|| {
                palisade_syntax::parse_str(&text, format, &Limits::SPEC).expect("corpus parses")
            });
        });
        if matches!(format, Format::Json) {
            group.bench_function("bare parse, no positions (serde_json)", |b| {
                b.iter(|| serde_json::from_str::<serde_json::Value>(&text).expect("JSON parses"));
            });
        } else {
            group.bench_function("bare parse, no positions (serde-saphyr)", |b| {
                b.iter(|| {
                    let mut budget = serde_saphyr::Budget::default();
                    budget.max_events = 50_000_000;
                    budget.max_nodes = 50_000_000;
                    budget.max_depth = 512;
                    let mut options = serde_saphyr::Options::default();
                    options.budget = Some(budget);
                    serde_saphyr::from_str_with_options::<serde_json::Value>(&text, options)
                        .expect("YAML parses")
                });
            });
        }
        group.finish();
    }
}

criterion_group!(benches, read);
criterion_main!(benches);
