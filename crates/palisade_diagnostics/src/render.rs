//! Renderers for diagnostics: a compiler-style human form and a JSON form for tools.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::{Diagnostic, Severity, SourceMap, Span};

/// Longest source excerpt shown; longer lines (minified JSON) are cut around the label.
const MAX_EXCERPT: usize = 120;

/// Renders one diagnostic like a compiler error, with the source lines of its labels.
///
/// With `color` the output carries ANSI styles; without, it is plain text (for snapshots, pipes and
/// `NO_COLOR`).
pub fn human(diagnostic: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    let styles = Styles::new(color);
    let mut out = String::new();
    let sev_style = match diagnostic.severity {
        Severity::Error => styles.error,
        Severity::Warning => styles.warning,
        Severity::Note => styles.note,
    };
    let _ = writeln!(
        out,
        "{}{}[{}]{}{}: {}{}",
        sev_style.render(),
        diagnostic
            .headline
            .clone()
            .unwrap_or_else(|| diagnostic.severity.to_string()),
        diagnostic.code,
        sev_style.render_reset(),
        styles.bold.render(),
        diagnostic.message,
        styles.bold.render_reset()
    );

    let file = diagnostic.file.as_deref();
    let source = file.and_then(|f| sources.get(f));
    let mut labels: Vec<_> = diagnostic.labels.iter().collect();
    labels.sort_by_key(|l| (l.span.start, !l.primary));
    let gutter = labels
        .iter()
        .map(|l| l.span.start.line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(gutter);
    let (blue, blue_reset) = (styles.gutter.render(), styles.gutter.render_reset());

    if let Some(file) = file {
        match diagnostic.primary_span() {
            Some(span) => {
                let _ = writeln!(
                    out,
                    "{pad}{blue}-->{blue_reset} {file}:{}:{}",
                    span.start.line, span.start.col
                );
            }
            None => {
                let _ = writeln!(out, "{pad}{blue}-->{blue_reset} {file}");
            }
        }
    }

    if let Some(source) = source.filter(|_| !labels.is_empty()) {
        let _ = writeln!(out, "{pad} {blue}|{blue_reset}");
        let mut last_line = None;
        for label in &labels {
            let line_no = label.span.start.line;
            let Some(text) = source.line(line_no) else {
                continue;
            };
            let (shown, start_col, width) = excerpt(text, label.span);
            if last_line != Some(line_no) {
                let _ = writeln!(
                    out,
                    "{blue}{line_no:>gutter$} |{blue_reset} {}",
                    shown.trim_end()
                );
                last_line = Some(line_no);
            }
            let (mark, style) = if label.primary {
                ("^", sev_style)
            } else {
                ("-", styles.gutter)
            };
            let mut underline = " ".repeat(start_col);
            underline.push_str(&mark.repeat(width));
            if !label.message.is_empty() {
                underline.push(' ');
                underline.push_str(&label.message);
            }
            let _ = writeln!(
                out,
                "{pad} {blue}|{blue_reset} {}{underline}{}",
                style.render(),
                style.render_reset()
            );
        }
        if !diagnostic.help.is_empty() || !diagnostic.notes.is_empty() {
            let _ = writeln!(out, "{pad} {blue}|{blue_reset}");
        }
    }
    for note in &diagnostic.notes {
        let _ = writeln!(
            out,
            "{pad} {blue}={blue_reset} {}note{}: {note}",
            styles.bold.render(),
            styles.bold.render_reset()
        );
    }
    for help in &diagnostic.help {
        let _ = writeln!(
            out,
            "{pad} {blue}={blue_reset} {}help{}: {help}",
            styles.bold.render(),
            styles.bold.render_reset()
        );
    }
    out
}

/// The part of `line` to show for `span`: the text (tabs as spaces), the 0-based column where the
/// underline starts, and its width (at least 1).
fn excerpt(line: &str, span: Span) -> (String, usize, usize) {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let start = (span.start.col.max(1) as usize - 1).min(chars.len());
    let end = if span.end.line == span.start.line && span.end.col > span.start.col {
        (span.end.col as usize - 1).min(chars.len())
    } else if span.end.line > span.start.line {
        chars.len()
    } else {
        start + 1
    };
    let width = end.saturating_sub(start).max(1);
    if chars.len() <= MAX_EXCERPT {
        return (chars.into_iter().collect(), start, width);
    }
    // Long line: show a window that starts a little before the label.
    let from = start.saturating_sub(20);
    let to = (from + MAX_EXCERPT).min(chars.len());
    let mut shown = String::new();
    let mut offset = 0;
    if from > 0 {
        shown.push('…');
        offset = 1;
    }
    shown.extend(&chars[from..to]);
    if to < chars.len() {
        shown.push('…');
    }
    let width = width.min(to.saturating_sub(start)).max(1);
    (shown, start - from + offset, width)
}

struct Styles {
    error: Style,
    warning: Style,
    note: Style,
    bold: Style,
    gutter: Style,
}

impl Styles {
    fn new(color: bool) -> Self {
        if color {
            Self {
                error: AnsiColor::Red.on_default().bold(),
                warning: AnsiColor::Yellow.on_default().bold(),
                note: AnsiColor::Cyan.on_default().bold(),
                bold: Style::new().bold(),
                gutter: AnsiColor::Blue.on_default().bold(),
            }
        } else {
            let plain = Style::new();
            Self {
                error: plain,
                warning: plain,
                note: plain,
                bold: plain,
                gutter: plain,
            }
        }
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    labels: &'a [crate::Label],
    help: &'a [String],
    notes: &'a [String],
}

/// Renders diagnostics as a JSON array, one object per diagnostic with its primary location.
pub fn json(diagnostics: &[Diagnostic]) -> serde_json::Value {
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let span = d.primary_span();
            JsonDiagnostic {
                code: &d.code,
                severity: d.severity,
                message: &d.message,
                file: d.file.as_deref(),
                line: span.map(|s| s.start.line),
                column: span.map(|s| s.start.col),
                end_line: span.map(|s| s.end.line),
                end_column: span.map(|s| s.end.col),
                labels: &d.labels,
                help: &d.help,
                notes: &d.notes,
            }
        })
        .collect();
    serde_json::to_value(items).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Pos, SourceFile};

    fn sources() -> SourceMap {
        let mut map = SourceMap::new();
        map.add(SourceFile::new(
            "palisade.yaml",
            "elements:\n  - id: payment-db\nflows:\n  - from: web\n    to: paymnet-db\n",
        ));
        map
    }

    #[test]
    fn renders_like_a_compiler() {
        let d = Diagnostic::error(
            "PAL-E0102",
            "data flow `web-to-db` refers to unknown element `paymnet-db`",
        )
        .in_file("palisade.yaml")
        .with_primary(
            Span::new(Pos::new(5, 9), Pos::new(5, 19)),
            "no element with this id",
        )
        .with_help("did you mean `payment-db` (defined at palisade.yaml:2:9)?");
        insta::assert_snapshot!(human(&d, &sources(), false), @r"
        error[PAL-E0102]: data flow `web-to-db` refers to unknown element `paymnet-db`
         --> palisade.yaml:5:9
          |
        5 |     to: paymnet-db
          |         ^^^^^^^^^^ no element with this id
          |
          = help: did you mean `payment-db` (defined at palisade.yaml:2:9)?
        ");
    }

    #[test]
    fn long_lines_are_cut_around_the_label() {
        let long = format!("{{\"a\": \"{}\", \"bad\": 1}}", "x".repeat(500));
        let mut map = SourceMap::new();
        map.add(SourceFile::new("spec.json", long.as_str()));
        let col = u32::try_from(long.find("\"bad\"").unwrap() + 1).unwrap();
        let d = Diagnostic::error("PAL-E0001", "bad")
            .in_file("spec.json")
            .with_primary(Span::new(Pos::new(1, col), Pos::new(1, col + 5)), "here");
        let out = human(&d, &map, false);
        let excerpt_line = out.lines().nth(3).unwrap();
        assert!(excerpt_line.chars().count() < 140, "{excerpt_line}");
        assert!(out.contains("^^^^^ here"));
    }

    #[test]
    fn json_has_primary_location() {
        let d = Diagnostic::error("PAL-E0001", "bad")
            .in_file("m.yaml")
            .with_primary(Span::new(Pos::new(3, 4), Pos::new(3, 8)), "here");
        let v = json(&[d]);
        assert_eq!(v[0]["line"], 3);
        assert_eq!(v[0]["column"], 4);
        assert_eq!(v[0]["file"], "m.yaml");
    }
}
