//! Fuzzes the Tm7 importer: any bytes give a model that validates or diagnostics, never a
//! panic or a hang; an imported model also exports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_interop::{Format, export, import};

fuzz_target!(|data: &[u8]| {
    let _ = palisade_interop::detect("fuzz", data);
    if let Ok(imported) = import(Format::Tm7, "fuzz", data) {
        let _ = export::threat_dragon::export(&imported.model, "fuzz", &imported.layout);
        let _ = export::otm::export(&imported.model, "fuzz", &imported.layout);
    }
});
