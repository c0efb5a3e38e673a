//! `palisade report` as a user runs it: every format of both examples, exit codes, files written
//! whole or not at all, and the PDF read back with `pdftotext` when it is installed.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn palisade() -> Command {
    let mut cmd = Command::cargo_bin("palisade").expect("test setup works");
    cmd.current_dir(repo()).env("NO_COLOR", "1");
    cmd
}

/// `palisade report examples/NAME.yaml --format FORMAT -o DIR/report.EXT`: the file's bytes.
fn report(name: &str, format: &str, dir: &Path) -> Vec<u8> {
    let out = dir.join(format!("{name}.{format}"));
    palisade()
        .args([
            "report",
            &format!("examples/{name}.yaml"),
            "--format",
            format,
        ])
        .args(["--today", "2026-11-25", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    std::fs::read(&out).expect("the report was written")
}

#[test]
fn both_examples_report_in_every_format() {
    let dir = tempfile::tempdir().expect("test setup works");
    for name in ["payments", "shop"] {
        let json = report(name, "json", dir.path());
        let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        let system = value["cover"]["system"].as_str().expect("a system name");
        let titles: Vec<&str> = value["threats"]
            .as_array()
            .expect("threats")
            .iter()
            .filter_map(|t| t["title"].as_str())
            .collect();
        assert!(!titles.is_empty());

        let html = String::from_utf8(report(name, "html", dir.path())).expect("UTF-8");
        assert!(html.contains(&format!("<h1>{system}</h1>")));
        let md = String::from_utf8(report(name, "md", dir.path())).expect("UTF-8");
        assert!(md.starts_with(&format!("# Threat model: {system}")));
        assert!(md.contains("```mermaid"));
        let csv = String::from_utf8(report(name, "csv", dir.path())).expect("UTF-8");
        assert_eq!(csv.lines().count(), titles.len() + 1);
        let sarif: serde_json::Value =
            serde_json::from_slice(&report(name, "sarif", dir.path())).expect("SARIF JSON");
        assert_eq!(sarif["version"], "2.1.0");
        let results = sarif["runs"][0]["results"].as_array().expect("results");
        assert!(results.len() >= titles.len());

        let pdf = report(name, "pdf", dir.path());
        assert!(pdf.starts_with(b"%PDF-"), "{name}: not a PDF");
        match pdf_text(&dir.path().join(format!("{name}.pdf"))) {
            None => eprintln!("skipped: pdftotext is not installed, the PDF's text was not read"),
            Some(text) => {
                assert!(
                    text.contains(&squash(system)),
                    "{name}: the PDF does not name {system}"
                );
                for title in &titles {
                    let title = squash(title);
                    assert!(text.contains(&title), "{name}: the PDF lacks `{title}`");
                }
            }
        }
    }
}

/// Without spaces, line breaks and zero-width break points (table cells wrap titles anywhere a
/// line may break), and without backticks (the `names` in titles are set as code).
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200b}' && *c != '`')
        .collect()
}

/// `pdftotext -raw` (content-stream order, so a wrapped table cell stays together), squashed; `None` when `pdftotext` is not installed.
fn pdf_text(pdf: &Path) -> Option<String> {
    let out = Process::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    Some(squash(&String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn the_format_follows_the_output_file_name() {
    let dir = tempfile::tempdir().expect("test setup works");
    let out = dir.path().join("payments.md");
    palisade()
        .args([
            "report",
            "examples/payments.yaml",
            "--today",
            "2026-11-25",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(text.starts_with("# Threat model: Acme Payments API"));
    // Standard output gets HTML when nothing says otherwise.
    let html = palisade()
        .args(["report", "examples/payments.yaml", "--today", "2026-11-25"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(html.starts_with(b"<!DOCTYPE html>"));
}

#[test]
fn a_broken_model_is_an_input_error_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("test setup works");
    let model = dir.path().join("palisade.yaml");
    std::fs::write(
        &model,
        "palisade: 1\nsystem: { name: X }\nflows:\n  - { id: f, from: a, to: b }\n",
    )
    .expect("test setup works");
    let out = dir.path().join("report.html");
    let assert = palisade()
        .arg("report")
        .arg(&model)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("PAL-E0102"), "{stderr}");
    assert!(stderr.contains("palisade.yaml:4:"), "{stderr}");
    assert!(!out.exists(), "a report was written for a broken model");
    // A missing file is an input error too.
    palisade()
        .args(["report", "does-not-exist.yaml", "--format", "md"])
        .assert()
        .code(2);
}

#[test]
fn a_bare_openapi_document_gets_a_report_of_its_operations() {
    let out = palisade()
        .args(["report", "examples/openapi/shop.yaml", "--format", "json"])
        .args(["--today", "2026-11-25"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let value: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    let inventory = value["inventory"].as_array().expect("inventory");
    assert_eq!(inventory.len(), 1);
    assert!(
        inventory[0]["document"]["operations"]
            .as_array()
            .is_some_and(|ops| !ops.is_empty())
    );
    assert!(!value["threats"].as_array().expect("threats").is_empty());
}
