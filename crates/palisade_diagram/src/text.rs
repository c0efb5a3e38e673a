//! Text measurement without a font: widths estimated from a per-character table (Arial/Helvetica
//! metrics, widened a little so that DejaVu Sans, the usual Linux `system-ui`, still fits), and
//! wrapping or truncating to a width.

/// The font stack every diagram text uses; no font is embedded.
pub const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', sans-serif";

/// Advance widths of ASCII 32..=126 in thousandths of an em (Arial).
const ASCII: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0..9
    278, 278, 584, 584, 584, 556, 1015, // :..@
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
    611, 722, 667, 944, 667, 667, 611, // A..Z
    278, 278, 278, 469, 556, 333, // [..`
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
    278, 556, 500, 722, 500, 500, 500, // a..z
    334, 260, 334, 584, // {..~
];

/// Safety factor over Arial metrics: DejaVu Sans is about 10% wider.
const WIDEN: f64 = 1.12;

/// Whether a character is drawn double width (CJK, Hangul, full-width forms, emoji).
fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD)
}

/// Whether a character takes no room of its own (combining marks, joiners, variation selectors).
fn is_zero_width(c: char) -> bool {
    matches!(u32::from(c),
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x200B..=0x200F | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F)
        || c.is_control()
}

/// The width of one character in ems.
fn char_em(c: char) -> f64 {
    let code = u32::from(c);
    if (32..=126).contains(&code) {
        return f64::from(ASCII[(code - 32) as usize]) / 1000.0;
    }
    if is_zero_width(c) {
        0.0
    } else if is_wide(c) {
        1.0
    } else {
        0.62
    }
}

/// The estimated width of `text` in pixels at `size` pixels, `bold` or not.
pub fn width(text: &str, size: f64, bold: bool) -> f64 {
    let ems: f64 = text.chars().map(char_em).sum();
    ems * size * WIDEN * if bold { 1.07 } else { 1.0 }
}

/// Replaces control characters (newlines, tabs) with spaces and collapses runs of white space.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// `text` cut to fit `max` pixels, ending with `…` when cut.
pub fn truncate(text: &str, max: f64, size: f64, bold: bool) -> String {
    if width(text, size, bold) <= max {
        return text.to_owned();
    }
    let budget = max - width("…", size, bold);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = char_em(c) * size * WIDEN * if bold { 1.07 } else { 1.0 };
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    out
}

/// `text` wrapped into at most `max_lines` lines of at most `max` pixels, breaking at spaces
/// (and inside words that are too long alone); the last line ends with `…` when text is left.
pub fn wrap(text: &str, max: f64, size: f64, bold: bool, max_lines: usize) -> Vec<String> {
    let text = clean(text);
    // Pieces that each fit on a line, with whether a space precedes them.
    let mut pieces: Vec<(String, bool)> = Vec::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut piece = String::new();
        let mut first = true;
        for c in word.chars() {
            piece.push(c);
            if piece.chars().count() > 1 && width(&piece, size, bold) > max {
                piece.pop();
                pieces.push((std::mem::take(&mut piece), first));
                first = false;
                piece.push(c);
            }
        }
        pieces.push((piece, first));
    }
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for (piece, spaced) in pieces {
        if current.is_empty() {
            current = piece;
            continue;
        }
        let candidate = if spaced {
            format!("{current} {piece}")
        } else {
            format!("{current}{piece}")
        };
        if width(&candidate, size, bold) <= max {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, piece));
        }
    }
    lines.push(current);
    if lines.len() > max_lines.max(1) {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && width(&format!("{last}…"), size, bold) > max {
                last.pop();
            }
            let trimmed = last.trim_end().len();
            last.truncate(trimmed);
            last.push('…');
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_count_double() {
        assert!(width("支付服务", 10.0, false) > width("abcd", 10.0, false) * 1.5);
    }

    #[test]
    fn wrap_breaks_at_spaces_and_marks_what_is_left_out() {
        let lines = wrap(
            "Auth service (OAuth 2.0 / OIDC provider)",
            120.0,
            13.0,
            false,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| width(l, 13.0, false) <= 120.0));
        let long = "x".repeat(500);
        let lines = wrap(&long, 100.0, 13.0, false, 3);
        assert_eq!(lines.len(), 3);
        assert!(lines[2].ends_with('…'));
        assert!(lines.iter().all(|l| width(l, 13.0, false) <= 100.0));
    }

    #[test]
    fn clean_removes_newlines() {
        assert_eq!(clean("a\nb\t c\r\n"), "a b c");
    }

    #[test]
    fn truncate_keeps_short_text() {
        assert_eq!(truncate("abc", 100.0, 12.0, false), "abc");
        assert!(truncate(&"m".repeat(100), 50.0, 12.0, false).ends_with('…'));
    }
}
