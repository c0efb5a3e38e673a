//! Where and how the binary prints: colour choice, diagnostics, and plain errors.

use std::io::Write as _;

use palisade_diagnostics::{Diagnostic, SourceMap, render};

/// The `--color` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour stderr. `NO_COLOR` beats `CLICOLOR_FORCE`; `auto` colours only a terminal.
    pub fn resolve(self) -> bool {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        match self {
            Self::Never => false,
            Self::Always => true,
            Self::Auto if no_color => false,
            Self::Auto => {
                std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0")
                    || std::io::IsTerminal::is_terminal(&std::io::stderr())
            }
        }
    }
}

/// Prints diagnostics to stderr in the human form.
pub fn print_diagnostics(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    color: bool,
) -> anyhow::Result<()> {
    let mut err = anstream::AutoStream::new(
        std::io::stderr().lock(),
        if color {
            anstream::ColorChoice::Always
        } else {
            anstream::ColorChoice::Never
        },
    );
    for d in diagnostics {
        writeln!(err, "{}", render::human(d, sources, color))?;
    }
    Ok(())
}

/// Prints an error that has no location (IO, usage) to stderr.
pub fn print_error(error: &anyhow::Error, color: bool) {
    let mut err = anstream::AutoStream::new(
        std::io::stderr().lock(),
        if color {
            anstream::ColorChoice::Always
        } else {
            anstream::ColorChoice::Never
        },
    );
    let red = anstyle::AnsiColor::Red.on_default().bold();
    let _ = write!(err, "{}error{}: {error}", red.render(), red.render_reset());
    for cause in error.chain().skip(1) {
        let _ = write!(err, ": {cause}");
    }
    let _ = writeln!(err);
}

/// Writes `text` to stdout.
pub fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes an analysis to stdout as pretty JSON and a newline, streamed through a buffer rather
/// than built as one string (an analysis of a large model is over 100 MB of JSON), its threats
/// serialized on every core ([`palisade_rules::write_analysis_json`]).
pub fn print_analysis_json(threats: &[palisade_rules::Threat]) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    palisade_rules::write_analysis_json(threats, &mut out)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
