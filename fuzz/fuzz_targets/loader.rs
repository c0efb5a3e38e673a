//! Fuzzes the model loader: any bytes give a model or diagnostics, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for label in ["palisade.yaml", "palisade.json"] {
        if let Err(failure) = palisade_loader::load_bytes(label, data) {
            // A refused file always says why.
            assert!(!failure.diagnostics.is_empty());
        }
    }
});
