//! Fuzzes the OpenAPI reader (parse, `$ref` resolution, normalization, sensitive-data
//! classification and the inventory): any text gives a spec or diagnostics, never a panic or a
//! hang. `$ref`s to other files are not followed (no root), so the fuzzer reads no files.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_openapi::{Inventory, LoadOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for label in ["openapi.yaml", "openapi.json"] {
        match palisade_openapi::load_from_str(label, text, &LoadOptions::default()) {
            Ok(loaded) => {
                let inventory = Inventory::of(&loaded.spec);
                let _ = palisade_openapi::render_summary(&inventory);
                for op in &loaded.spec.operations {
                    for body in op.request_body.iter().flat_map(|b| b.content.values()) {
                        if let Some(root) = body.schema {
                            let _ = loaded.spec.schemas.distinct_properties(root, 16);
                            let _ = loaded.spec.schemas.deep_properties(root);
                        }
                    }
                }
            }
            Err(failed) => assert!(!failed.diagnostics.is_empty()),
        }
    }
});
