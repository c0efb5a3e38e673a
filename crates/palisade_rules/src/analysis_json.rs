//! [`AnalysisRef`](crate::AnalysisRef) as pretty JSON, the threats serialized on several cores:
//! byte for byte what `serde_json::to_writer_pretty` writes (a test compares them).
//!
//! serde_json's `PrettyFormatter` cannot start at a given depth, so [`Indented`] is the same
//! formatter (two spaces) starting at the depth of the threats inside `{"threats": [...]}`.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

use crate::Threat;

/// Threats one thread serializes at a time.
const BLOCK: usize = 128;
/// Threats serialized before their text is written out: bounds the memory held in buffers (a
/// model of 10,000 elements has ~100,000 threats, over 100 MB of JSON).
const ROUND: usize = 8 * 1024;

/// Writes `{"threats": [...]}` as pretty JSON (no final newline).
pub fn write_analysis_json(threats: &[Threat], out: &mut impl Write) -> io::Result<()> {
    if threats.is_empty() {
        return out.write_all(b"{\n  \"threats\": []\n}");
    }
    out.write_all(b"{\n  \"threats\": [")?;
    for (round, part) in threats.chunks(ROUND).enumerate() {
        let texts = crate::parallel::in_blocks(part.len(), BLOCK, |range| {
            let mut text = Vec::with_capacity(range.len() * 2048);
            for (i, threat) in part[range.clone()].iter().enumerate() {
                let first = round == 0 && range.start == 0 && i == 0;
                text.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                let mut ser = serde_json::Serializer::with_formatter(
                    &mut text,
                    Indented {
                        level: 2,
                        has_value: false,
                    },
                );
                threat.serialize(&mut ser).map_err(io::Error::from)?;
            }
            Ok::<_, io::Error>(text)
        });
        for text in texts {
            out.write_all(&text?)?;
        }
    }
    out.write_all(b"\n  ]\n}")
}

/// serde_json's pretty formatter (two spaces) starting at nesting `level`.
struct Indented {
    level: usize,
    has_value: bool,
}

fn indent(out: &mut (impl Write + ?Sized), level: usize) -> io::Result<()> {
    const SPACES: &[u8] = b"                                                                ";
    let mut n = level * 2;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.write_all(&SPACES[..k])?;
        n -= k;
    }
    Ok(())
}

impl Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            indent(w, self.level)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        indent(w, self.level)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            indent(w, self.level)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        indent(w, self.level)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
