//! The published JSON Schema of the model format, generated from the types.

use crate::Model;

/// The JSON Schema (draft 2020-12) of a Palisade model file, as pretty JSON with a final newline.
pub fn model_schema_json() -> String {
    let schema = schemars::schema_for!(Model);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
