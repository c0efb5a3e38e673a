//! Recognises files that are not Palisade models, so that the user is told what the file is and
//! which command reads it.

use palisade_syntax::{Node, Value};

/// A format other than Palisade's that a user may point `validate` at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreign {
    /// What the file is, for the message: "an OpenAPI 3.0 document".
    pub what: String,
    /// The command to try instead.
    pub hint: String,
    /// The `palisade import` format that reads it, when there is one.
    pub import: Option<&'static str>,
}

impl Foreign {
    fn new(what: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            hint: hint.into(),
            import: None,
        }
    }

    fn import(what: &str, format: &'static str) -> Self {
        Self {
            import: Some(format),
            ..Self::new(what, format!("try `palisade import {format} FILE`"))
        }
    }
}

/// What a parsed document is, when it is not a Palisade model.
pub fn recognize(root: &Node) -> Option<Foreign> {
    match &root.value {
        Value::Map(map) => {
            if map.get("palisade").is_some() {
                return None;
            }
            let has = |k: &str| map.get(k).is_some();
            if let Some(v) = map.get("openapi") {
                let version = v.scalar_text().unwrap_or_default();
                let short: String = version.split('.').take(2).collect::<Vec<_>>().join(".");
                return Some(Foreign::new(
                    format!("an OpenAPI {short} document"),
                    "try `palisade analyze FILE` or `palisade init --from-openapi FILE`",
                ));
            }
            if map.get("swagger").is_some() {
                return Some(Foreign::new(
                    "a Swagger 2.0 document",
                    "try `palisade analyze FILE` or `palisade init --from-openapi FILE`",
                ));
            }
            if has("otmVersion") {
                return Some(Foreign::import("an Open Threat Model (OTM) file", "otm"));
            }
            if has("threagile_version") || has("technical_assets") {
                return Some(Foreign::import("a Threagile model", "threagile"));
            }
            // Threat Dragon v2 has a `version`; v1 files have only these two.
            if has("summary") && has("detail") {
                return Some(Foreign::import(
                    "an OWASP Threat Dragon model",
                    "threat-dragon",
                ));
            }
            if has("schema") && (has("threats") || has("applicationInfo")) && has("mitigations") {
                return Some(Foreign::import(
                    "an AWS Threat Composer export",
                    "threat-composer",
                ));
            }
            if has("actors") && has("flows") && (has("boundaries") || has("threatsFile")) {
                return Some(Foreign::import("a pytm model (tm.py --json)", "pytm"));
            }
            if has("$schema") || (has("$id") && has("properties")) {
                return Some(Foreign::new(
                    "a JSON Schema",
                    "a Palisade model starts with `palisade: 1`; run `palisade init` for one",
                ));
            }
            if has("name") && has("elements") && !has("system") {
                return None;
            }
            None
        }
        Value::Seq(items) => {
            let first = items.first().and_then(Node::as_map);
            if first.is_some_and(|m| m.get("SID").is_some() && m.get("target").is_some()) {
                return Some(Foreign::new(
                    "a pytm threat library",
                    "it describes threats, not a system: run `palisade rules` for Palisade's own",
                ));
            }
            Some(Foreign::new(
                "a list, not a Palisade model",
                "a Palisade model is a mapping that starts with `palisade: 1`; run `palisade init`",
            ))
        }
        Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Null => {
            Some(Foreign::new(
                "a single value, not a Palisade model",
                "a Palisade model is a mapping that starts with `palisade: 1`; run `palisade init`",
            ))
        }
    }
}

/// What a file is from its name and first bytes, when it could not even be parsed.
pub fn sniff(path: &str, text: &str) -> Option<Foreign> {
    let ext = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if ext == "md" || ext == "markdown" {
        return Some(Foreign::new(
            "a Markdown document",
            "a Palisade model is a YAML or JSON file that starts with `palisade: 1`",
        ));
    }
    if ext == "tm7" || text.trim_start().starts_with('<') {
        return Some(Foreign::import(
            "an XML document (a Microsoft Threat Modeling Tool .tm7 file?)",
            "tm7",
        ));
    }
    let head: String = text.chars().take(4096).collect();
    if head.contains("\"swagger\"") || head.contains("swagger:") {
        return Some(Foreign::new(
            "a Swagger 2.0 document",
            "try `palisade analyze FILE`",
        ));
    }
    if head.contains("\"openapi\"") || head.contains("openapi:") {
        return Some(Foreign::new(
            "an OpenAPI document",
            "try `palisade analyze FILE`",
        ));
    }
    None
}
