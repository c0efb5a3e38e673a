//! Layout files (`<model>.layout.yaml`): diagram positions kept apart from the model, read with
//! the same diagnostics as models (unknown keys, wrong types, missing `x`/`y`, with locations).

use std::collections::BTreeMap;
use std::path::Path;

use palisade_diagnostics::{Diagnostic, SourceFile};
use palisade_model::{Layout, Placement};
use palisade_syntax::{Format, Limits, Node, Value};

use crate::read::{Ctx, Fields};
use crate::{LoadFailure, codes};

/// A layout file that loaded, with its source (for rendering warnings).
#[derive(Debug, Clone)]
pub struct LoadedLayout {
    pub layout: Layout,
    pub source: SourceFile,
}

/// The layout file beside a model: `payments.yaml` → `payments.layout.yaml`.
pub fn layout_path(model: &Path) -> std::path::PathBuf {
    let stem = model
        .file_stem()
        .map_or_else(|| "palisade".into(), |s| s.to_string_lossy().into_owned());
    model.with_file_name(format!("{stem}.layout.yaml"))
}

/// Reads a layout file; `Ok(None)` when there is none.
pub fn load_layout_file(path: &Path) -> Result<Option<LoadedLayout>, LoadFailure> {
    if !path.exists() {
        return Ok(None);
    }
    let label = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => load_layout_bytes(&label, &bytes).map(Some),
        Err(e) => Err(LoadFailure {
            source: None,
            diagnostics: vec![
                Diagnostic::error(codes::UNREADABLE, format!("cannot read `{label}`: {e}"))
                    .in_file(label),
            ],
        }),
    }
}

/// Reads a layout from bytes; `label` names the file in diagnostics.
pub fn load_layout_bytes(label: &str, bytes: &[u8]) -> Result<LoadedLayout, LoadFailure> {
    let text = String::from_utf8_lossy(bytes);
    let source = SourceFile::new(label, text.as_ref());
    let format = Format::detect(label, &text);
    let root = match palisade_syntax::parse_bytes(bytes, format, &Limits::MODEL) {
        Ok(root) => root,
        Err(e) => {
            return Err(LoadFailure {
                source: Some(source),
                diagnostics: vec![e.to_diagnostic(label)],
            });
        }
    };
    let mut cx = Ctx::new(label);
    let mut layout = Layout::default();
    if let Some(mut fields) = Fields::new(&mut cx, &root, "the layout") {
        layout.elements = placements(&mut cx, fields.raw("elements"), "element");
        layout.boundaries = placements(&mut cx, fields.raw("boundaries"), "boundary");
        fields.finish(&mut cx);
    }
    if cx.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(LoadFailure {
            source: Some(source),
            diagnostics: cx.diagnostics,
        });
    }
    Ok(LoadedLayout { layout, source })
}

fn placements(cx: &mut Ctx, node: Option<&Node>, noun: &str) -> BTreeMap<String, Placement> {
    let mut out = BTreeMap::new();
    let Some(node) = node else {
        return out;
    };
    if matches!(node.value, Value::Null) {
        return out;
    }
    let Some(map) = node.as_map() else {
        cx.wrong_type(node, "a mapping of ids to positions");
        return out;
    };
    for (key, value) in map.iter() {
        let Some(mut fields) =
            Fields::new(cx, value, format!("the position of {noun} `{}`", key.text))
        else {
            continue;
        };
        let x: Option<f64> = fields.req(cx, "x");
        let y: Option<f64> = fields.req(cx, "y");
        let width: Option<f64> = fields.opt(cx, "width");
        let height: Option<f64> = fields.opt(cx, "height");
        fields.finish(cx);
        for (v, span) in [(width, value.get("width")), (height, value.get("height"))] {
            if let (Some(v), Some(n)) = (v, span)
                && v <= 0.0
            {
                cx.error(
                    codes::RANGE,
                    format!("{v} is not a positive size"),
                    n.span,
                    "must be above 0",
                );
            }
        }
        if let (Some(x), Some(y)) = (x, y) {
            out.insert(
                key.text.clone(),
                Placement {
                    x,
                    y,
                    width,
                    height,
                },
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_positions_and_reports_mistakes_with_locations() {
        let ok = load_layout_bytes(
            "p.layout.yaml",
            b"elements:\n  api: { x: 10, y: 20.5, width: 150 }\nboundaries:\n  dmz: { x: 0, y: 0 }\n",
        )
        .expect("valid layout");
        let api = ok.layout.elements["api"];
        assert_eq!(
            (api.x, api.y, api.width, api.height),
            (10.0, 20.5, Some(150.0), None)
        );
        assert!(ok.layout.boundaries.contains_key("dmz"));

        let bad = load_layout_bytes(
            "p.layout.yaml",
            b"elements:\n  api: { x: left, y: 2 }\n  db: { y: 2, colour: red }\n",
        )
        .expect_err("invalid layout");
        let messages: Vec<String> = bad
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {}",
                    d.primary_span().map_or(0, |s| s.start.line),
                    d.code,
                    d.message
                )
            })
            .collect();
        assert_eq!(
            messages,
            [
                "2:PAL-E0103 expected a number, found a string",
                "3:PAL-E0012 the position of element `db` has no `x`",
                "3:PAL-E0101 unknown key `colour` in the position of element `db`",
            ]
        );
    }

    #[test]
    fn layout_path_sits_beside_the_model() {
        assert_eq!(
            layout_path(Path::new("examples/payments.yaml")),
            Path::new("examples/payments.layout.yaml")
        );
    }
}
