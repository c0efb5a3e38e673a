//! `palisade check`: the CI gate. Evaluates the policy (`policy:` in the model, or `--policy FILE`)
//! on each model: unresolved threats at or above a severity, STRIDE coverage, drift against the
//! OpenAPI documents, the age of the last review, assumptions, tickets. Exit 0 pass, 1 fail, 2
//! input error.

use std::fmt::Write as _;
use std::path::PathBuf;

use palisade_check::Report;
use palisade_diagnostics::{Diagnostic, Severity as DiagSeverity, SourceMap, Span, render};
use palisade_model::{Date, Policy, Severity};
use palisade_project::{Input, Options};

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Each failed item with its location and what to do, then coverage, risk matrix and figures.
    Human,
    /// `{ "passed": …, "reports": [ … ] }`, one report per model.
    Json,
    /// SARIF 2.1.0 for code scanning: every threat and every check item.
    Sarif,
    /// JUnit XML: one test suite per model, one test case per gate and per threat at the level.
    Junit,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Model files (default: `palisade.yaml` in the current folder). A bare OpenAPI document is
    /// checked for its unresolved threats only.
    models: Vec<PathBuf>,
    /// A policy file (the keys of a model's `policy:` block); its keys win over the model's.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Fail on unresolved threats at or above this severity (wins over every policy).
    #[arg(long, value_parser = super::analyze::parse_severity)]
    fail_on: Option<Severity>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the output to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Judge due dates and review age as of this day (`YYYY-MM-DD`) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    today: Option<Date>,
    /// Fetch `$ref`s to `http(s)://` documents (and theirs) instead of refusing them.
    #[arg(long)]
    allow_remote_refs: bool,
}

pub(crate) fn parse_date(text: &str) -> Result<Date, String> {
    text.parse()
        .map_err(|_| "expected a date written YYYY-MM-DD".to_owned())
}

/// Today's date (UTC) from the system clock.
pub(crate) fn today() -> Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    Date::from_days_since_epoch(i64::try_from(days).unwrap_or(0))
}

/// One model's report, with what SARIF and JUnit need besides it.
pub(crate) use palisade_check::project::Checked;

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    let files = if args.models.is_empty() {
        vec![PathBuf::from("palisade.yaml")]
    } else {
        args.models.clone()
    };
    let loaded = palisade_project::load_with(
        &files,
        &Options {
            tolerate_missing_specs: true,
            remote: crate::fetch::remote(args.allow_remote_refs),
            ..Options::default()
        },
    );
    crate::output::print_diagnostics(&loaded.diagnostics, &loaded.sources, color)?;
    if loaded.failed {
        return Ok(Outcome::InputError);
    }
    let mut sources = loaded.sources;
    let file_policy = match &args.policy {
        None => None,
        Some(path) => match palisade_loader::load_policy_file(path) {
            Ok(p) => {
                sources.add(p.source);
                Some(p.policy)
            }
            Err(failure) => {
                let mut map = SourceMap::new();
                if let Some(s) = failure.source {
                    map.add(s);
                }
                crate::output::print_diagnostics(&failure.diagnostics, &map, color)?;
                return Ok(Outcome::InputError);
            }
        },
    };
    let today = args.today.unwrap_or_else(today);
    let mut checked = Vec::new();
    for input in &loaded.inputs {
        checked.push(check_one(
            input,
            &loaded.missing_specs,
            file_policy.as_ref(),
            args.fail_on,
            today,
        )?);
    }
    let text = match args.format {
        Format::Human => human(&checked, &sources, color && args.output.is_none()),
        Format::Json => {
            let reports: Vec<&Report> = checked.iter().map(|c| &c.report).collect();
            let passed = reports.iter().all(|r| r.passed);
            let mut s = serde_json::to_string_pretty(
                &serde_json::json!({ "passed": passed, "reports": reports }),
            )?;
            s.push('\n');
            s
        }
        Format::Sarif => sarif(&checked),
        Format::Junit => junit(&checked)?,
    };
    match &args.output {
        Some(path) => palisade_loader::write_atomic(path, text.as_bytes())?,
        None => crate::output::print_stdout(&text)?,
    }
    Ok(if checked.iter().all(|c| c.report.passed) {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}

pub(crate) fn check_one(
    input: &Input,
    missing: &[palisade_project::MissingSpec],
    file_policy: Option<&Policy>,
    fail_on: Option<Severity>,
    today: Date,
) -> anyhow::Result<Checked> {
    let spec_hashes = palisade_project::spec_hashes(input)?;
    Ok(palisade_check::project::check(
        input,
        &palisade_check::project::Options {
            missing_specs: missing,
            file_policy,
            fail_on,
            spec_hashes: &spec_hashes,
            today,
        },
    ))
}

fn diagnostic(item: &palisade_check::Item) -> Diagnostic {
    let severity = if item.fails {
        DiagSeverity::Error
    } else {
        DiagSeverity::Warning
    };
    let mut d = Diagnostic::new(severity, item.code, item.message.clone());
    if let Some(loc) = &item.location {
        let span = if loc.span.start.line > 0 {
            loc.span
        } else {
            Span::point(palisade_diagnostics::Pos::new(loc.line, loc.column))
        };
        d = d
            .in_file(loc.file.clone())
            .with_primary(span, item.label.clone());
    }
    for h in &item.help {
        d = d.with_help(h.clone());
    }
    d
}

/// Above this many rows, the human coverage table shows only the rows with a gap.
const MAX_COVERAGE_ROWS: usize = 60;

/// The human report of every model.
fn human(checked: &[Checked], sources: &SourceMap, color: bool) -> String {
    let mut out = String::new();
    for c in checked {
        let r = &c.report;
        for item in &r.items {
            out.push_str(&render::human(&diagnostic(item), sources, color));
            out.push('\n');
        }
        if !r.coverage.rows.is_empty() {
            let _ = writeln!(
                out,
                "STRIDE coverage of {} (elements, and flows that cross a trust boundary):\n",
                r.file
            );
            if r.coverage.rows.len() <= MAX_COVERAGE_ROWS {
                out.push_str(&indent(&r.coverage.text()));
            } else {
                // A big model: only the rows with a gap (`--format json` has them all).
                let mut gaps = r.coverage.clone();
                gaps.rows.retain(|row| row.cells.iter().any(|c| !c.covered));
                let hidden = r.coverage.rows.len() - gaps.rows.len();
                out.push_str(&indent(&gaps.text()));
                let _ = writeln!(
                    out,
                    "  ({hidden} fully covered rows not shown; `--format json` lists every row)"
                );
            }
            out.push('\n');
        }
        if r.figures.unresolved > 0 {
            let _ = writeln!(
                out,
                "Risk matrix of the {} unresolved threats ({} rating):\n",
                r.figures.unresolved, r.policy.rating
            );
            out.push_str(&indent(&r.risk_matrix.text()));
            out.push('\n');
        }
        if !r.ranked.is_empty() {
            let shown = r.ranked.len().min(10);
            let _ = writeln!(
                out,
                "Most severe unresolved threats ({shown} of {}):\n",
                r.ranked.len()
            );
            for t in r.ranked.iter().take(shown) {
                let _ = writeln!(
                    out,
                    "  {:<8} {:>4.1}  {}  {:<6} {} — {}",
                    t.severity.to_string(),
                    t.score,
                    t.id,
                    t.rule,
                    t.target,
                    t.title
                );
            }
            out.push('\n');
        }
        out.push_str(&summary(r));
    }
    out
}

fn indent(text: &str) -> String {
    text.lines().fold(String::new(), |mut s, l| {
        let _ = writeln!(s, "  {l}");
        s
    })
}

/// The closing lines: figures, then pass or fail with counts by category.
fn summary(r: &Report) -> String {
    let f = &r.figures;
    let mut figures = vec![format!(
        "{} threats ({} unresolved, {} second-order)",
        f.threats, f.unresolved, f.second_order
    )];
    if f.diagram_elements > 0 {
        figures.push(format!(
            "{:.1} threats per diagram element (about five is the rule of thumb)",
            f.threats_per_element
        ));
        figures.push(format!(
            "{} of {} STRIDE cells covered",
            r.coverage.covered, r.coverage.cells
        ));
    }
    let mut out = format!("{}: {}\n", r.file, figures.join("; "));
    let failures: Vec<&palisade_check::Item> = r.failures().collect();
    let warnings = r.warnings().count();
    let warn = match warnings {
        0 => String::new(),
        1 => "; 1 warning".to_owned(),
        n => format!("; {n} warnings"),
    };
    if failures.is_empty() {
        let _ = writeln!(out, "check passed ({}){warn}", r.policy.summary());
    } else {
        let mut parts = Vec::new();
        for cat in palisade_check::Category::ALL {
            let n = failures.iter().filter(|i| i.category == cat).count();
            if n > 0 {
                parts.push(format!("{} {n}", cat.title()));
            }
        }
        let _ = writeln!(
            out,
            "check failed: {} fail{} the policy ({}): {}{warn}",
            if failures.len() == 1 {
                "1 item".to_owned()
            } else {
                format!("{} items", failures.len())
            },
            if failures.len() == 1 { "s" } else { "" },
            r.policy.summary(),
            parts.join(", ")
        );
    }
    out
}

/// SARIF: every threat (decided ones suppressed, with their justification) and every check item
/// that is not about a threat already in the log.
fn sarif(checked: &[Checked]) -> String {
    use palisade_export::sarif::{Builder, Options};
    let mut b = Builder::new(Options {
        base: std::env::current_dir().ok(),
        ..Options::default()
    });
    for c in checked {
        b.fallback(&c.report.file);
        for t in &c.threats {
            b.add_threat(t);
        }
        b.add_check_report(&c.report);
    }
    b.render()
}

/// JUnit XML: one test suite per model.
fn junit(checked: &[Checked]) -> anyhow::Result<String> {
    let suites: Vec<palisade_export::junit::Suite> = checked
        .iter()
        .map(|c| palisade_export::junit::Suite {
            report: &c.report,
            threats: &c.threats,
        })
        .collect();
    Ok(palisade_export::junit::render(&suites)?)
}
