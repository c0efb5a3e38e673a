//! `write_analysis_json` (threats serialized on several cores) writes exactly what serde_json's
//! pretty printer writes for the same analysis.

use std::path::Path;

use palisade_rules::{AnalysisRef, Settings, Threat, write_analysis_json};

fn threats_of(path: &Path) -> Vec<Threat> {
    let text = std::fs::read_to_string(path).expect("the example is readable");
    let loaded = palisade_openapi::load_from_str(
        &path.display().to_string(),
        &text,
        &palisade_openapi::LoadOptions::default(),
    )
    .unwrap_or_else(|f| panic!("{}: {:?}", path.display(), f.diagnostics));
    palisade_rules::analyze_spec(&loaded.spec, "api", &[], &Settings::default())
}

fn same_as_serde(threats: &[Threat]) {
    let mut expected = Vec::new();
    serde_json::to_writer_pretty(&mut expected, &AnalysisRef { threats }).expect("serializes");
    let mut written = Vec::new();
    write_analysis_json(threats, &mut written).expect("serializes");
    assert!(
        expected == written,
        "{} threats: the JSON differs from serde_json's",
        threats.len()
    );
}

#[test]
fn the_json_is_serde_jsons_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shop = threats_of(&root.join("examples/openapi/shop.yaml"));
    assert!(!shop.is_empty());
    same_as_serde(&[]);
    same_as_serde(&shop[..1]);
    same_as_serde(&shop);
    // Enough threats for several blocks and several rounds of blocks.
    let many: Vec<Threat> = shop.iter().cycle().take(20_000).cloned().collect();
    same_as_serde(&many);
}
