//! Fuzzes the span-keeping YAML and JSON parser: any bytes give a tree or an error, never a
//! panic, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use palisade_syntax::{Format, Limits};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Yaml, Format::Json] {
        let _ = palisade_syntax::parse_bytes(data, format, &Limits::MODEL);
    }
});
