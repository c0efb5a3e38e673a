//! Generated models of 100, 1,000 and 10,000 elements (`palisade_synth`, seed 1, written to
//! disk as YAML): loading, analyzing, checking, and rendering what users read — the JSON of the
//! threats, SARIF, and the data-flow diagram as SVG, DOT and Mermaid. Time should grow linearly
//! with the size (the aim: 10,000 / 1,000 at most 12).
//!
//! `cargo bench -p palisade_bench --bench models`; `PALISADE_BENCH_SIZES=100,1000` narrows the
//! sizes, and a filter such as `model-1000/` one group.

use criterion::{Criterion, criterion_group, criterion_main};
use palisade_check::EffectivePolicy;
use palisade_rules::{AnalysisRef, Settings};

fn models(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let settings = Settings::default();
    let today = palisade_model::Date::new(2026, 11, 25).expect("a valid date");
    for n in palisade_bench::sizes() {
        let path = palisade_bench::write_model(dir.path(), n).expect("model written");
        let file = path.display().to_string();
        let model = palisade_loader::load_file(&path)
            .expect("generated model loads")
            .model;
        let threats = palisade_rules::analyze_model(&model, &file, &settings);
        let mut group = c.benchmark_group(format!("model-{n}"));
        group.sample_size(10);
        group.bench_function("load", |b| {
            b.iter(|| palisade_loader::load_file(&path).expect("generated model loads"));
        });
        group.bench_function("analyze", |b| {
            b.iter(|| palisade_rules::analyze_model(&model, &file, &settings));
        });
        group.bench_function("check", |b| {
            let input = palisade_check::Input {
                model: &model,
                file: &file,
                specs: Vec::new(),
                missing_specs: Vec::new(),
                threats: &threats,
                today,
            };
            let policy = EffectivePolicy::default();
            b.iter(|| palisade_check::check(&input, &policy));
        });
        group.bench_function("render JSON", |b| {
            b.iter(|| {
                serde_json::to_vec_pretty(&AnalysisRef { threats: &threats })
                    .expect("threats serialize")
            });
        });
        group.bench_function("render SARIF", |b| {
            let options = palisade_export::sarif::Options::default();
            b.iter(|| palisade_export::sarif::render(&threats, &options));
        });
        // Report rendering (`palisade report`: Markdown, HTML) belongs here beside SARIF once the
        // `report` branch lands on main; it is not there yet.
        let options = palisade_diagram::Options::default();
        group.bench_function("diagram SVG", |b| {
            b.iter(|| palisade_diagram::svg(&model, &options));
        });
        group.bench_function("diagram DOT", |b| {
            b.iter(|| palisade_diagram::dot(&model, &options));
        });
        group.bench_function("diagram Mermaid", |b| {
            b.iter(|| palisade_diagram::mermaid(&model, &options));
        });
        group.finish();
    }
}

criterion_group!(benches, models);
criterion_main!(benches);
