//! The report in every format, on the payments example and on odd models (no threats, no flows,
//! no boundaries, huge names, Unicode, hostile text): what a reader sees, snapshotted, and what
//! must never happen (injected markup, broken tables, formulas, a panic).

use std::path::{Path, PathBuf};

use palisade_check::{EffectivePolicy, Input as CheckInput, SpecInput};
use palisade_export::report::{self, Hashed, Report, SpecSource};
use palisade_model::{
    Boundary, Date, Element, ElementKind, Flow, Model, Status, ThreatEntry, ThreatTarget,
};
use palisade_project::Input;
use palisade_rules::Settings;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 25,
};

/// The report of a model and its documents, as `palisade report` builds it.
fn report_of(model: &Model, file: &str, specs: &[(String, palisade_openapi::Spec)]) -> Report {
    let policy = EffectivePolicy::resolve(model.policy.as_ref(), None);
    let settings = Settings {
        rating: Some(policy.rating),
        ..Settings::default()
    };
    let spec_refs: Vec<(&str, &palisade_openapi::Spec)> =
        specs.iter().map(|(a, s)| (a.as_str(), s)).collect();
    let threats = palisade_rules::analyze(model, file, &spec_refs, &settings);
    let check = palisade_check::check(
        &CheckInput {
            model,
            file,
            specs: spec_refs
                .iter()
                .map(|(api, spec)| SpecInput {
                    api,
                    spec,
                    hash: None,
                })
                .collect(),
            missing_specs: Vec::new(),
            threats: &threats,
            today: TODAY,
        },
        &policy,
    );
    report::build(&report::Input {
        model,
        model_file: Hashed {
            file: file.to_owned(),
            hash: Some("sha256:0123456789abcdef".to_owned()),
        },
        spec_files: model
            .apis
            .iter()
            .filter_map(|a| {
                a.spec.as_ref().map(|s| {
                    (
                        a.id.to_string(),
                        Hashed {
                            file: s.clone(),
                            hash: Some("sha256:fedcba9876543210".to_owned()),
                        },
                    )
                })
            })
            .collect(),
        specs: spec_refs
            .iter()
            .map(|(api, spec)| SpecSource { api, spec })
            .collect(),
        threats: &threats,
        check: &check,
        date: TODAY,
        version: "0.0.0-test",
    })
}

fn example(name: &str) -> (Model, Report) {
    // Relative to the repository, as a user in its root names it.
    let cwd = std::env::current_dir().expect("cwd");
    std::env::set_current_dir(repo()).expect("repository");
    let loaded = palisade_project::load(&[PathBuf::from(format!("examples/{name}.yaml"))]);
    std::env::set_current_dir(cwd).expect("cwd");
    assert!(!loaded.failed, "{:?}", loaded.diagnostics);
    let Some(Input::Model { model, file, specs }) = loaded.inputs.into_iter().next() else {
        panic!("a model");
    };
    let report = report_of(&model, &file, &specs);
    (*model, report)
}

fn payments() -> (Model, Report) {
    example("payments")
}

/// The HTML with the stylesheet, script and diagram bodies left out: the markup a reader sees.
fn html_outline(html: &str) -> String {
    let mut out = html.to_owned();
    for (open, close) in [
        ("<style>", "</style>"),
        ("<script>", "</script>"),
        ("<svg", "</svg>"),
    ] {
        let mut from = 0;
        while let Some(start) = out[from..].find(open).map(|i| i + from) {
            let Some(end) = out[start..].find(close).map(|i| i + start) else {
                break;
            };
            let placeholder = format!("{open}…{close}");
            out.replace_range(start..end + close.len(), &placeholder);
            from = start + placeholder.len();
        }
    }
    // The policy carries the hashes of the style and script.
    let mut lines: Vec<String> = out.lines().map(str::to_owned).collect();
    for l in &mut lines {
        if l.contains("Content-Security-Policy") {
            "<meta http-equiv=\"Content-Security-Policy\" content=\"…\">".clone_into(l);
        }
    }
    lines.join("\n")
}

#[test]
fn markdown_of_the_payments_example() {
    let (model, report) = payments();
    insta::assert_snapshot!(palisade_export::markdown::render(&report, &model));
}

#[test]
fn html_of_the_payments_example() {
    let (_, report) = payments();
    let html = palisade_export::html::render(&report);
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Self-contained: nothing is fetched.
    for needle in ["src=\"http", "href=\"//", "@import", "url(http", "<link "] {
        assert!(
            !html.contains(needle),
            "the report fetches something: {needle}"
        );
    }
    assert!(html.contains("<svg") && html.contains("role=\"img\""));
    insta::assert_snapshot!(html_outline(&html));
}

#[test]
fn csv_of_the_payments_example() {
    let (_, report) = payments();
    let text = palisade_export::csv::render(&report).expect("CSV");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .expect("headers")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(headers, palisade_export::csv::HEADERS);
    assert_eq!(reader.records().count(), report.threats.len());
    insta::assert_snapshot!(text);
}

#[test]
fn json_of_the_shop_example_matches_the_published_schema() {
    let (_, report) = example("shop");
    let text = palisade_export::json::render(&report);
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let schema_text =
        std::fs::read_to_string(repo().join("schema/report.schema.json")).expect("schema");
    assert!(
        schema_text == report::schema_json(),
        "schema/report.schema.json is stale: run `cargo xtask generate`"
    );
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The parts that do not depend on the rules (the Markdown snapshot shows the threats).
    insta::assert_json_snapshot!(serde_json::json!({
        "cover": value["cover"],
        "diagram": value["diagram"],
        "mitigations": value["mitigations"],
        "assumptions": value["assumptions"],
        "notes": value["notes"]["considerations"][0],
    }));
}

#[test]
fn sarif_of_the_payments_report_locates_threats_and_check_items() {
    let (model, report) = payments();
    let _ = model;
    let mut b = palisade_export::sarif::Builder::new(palisade_export::sarif::Options {
        version: "0.0.0-test".to_owned(),
        base: None,
    });
    for t in &report.threats {
        b.add_threat(t);
    }
    let log: serde_json::Value = serde_json::from_str(&b.render()).expect("JSON");
    let lines: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let l = &r["locations"][0]["physicalLocation"];
            format!(
                "{} {} {}:{}:{} {}",
                r["level"].as_str().unwrap_or(""),
                r["ruleId"].as_str().unwrap_or(""),
                l["artifactLocation"]["uri"].as_str().unwrap_or(""),
                l["region"]["startLine"],
                l["region"]["startColumn"],
                r["partialFingerprints"]["palisade/v1"]
                    .as_str()
                    .unwrap_or("")
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn the_sections_come_in_the_order_of_the_issue_in_every_text_format() {
    let (model, report) = payments();
    let md = palisade_export::markdown::render(&report, &model);
    let html = palisade_export::html::render(&report);
    let order = [
        "Summary",
        "Data-flow diagram",
        "Threats by diagram element",
        "Threats by threat type",
        "Threats by order of discovery",
        "Mitigations",
        "Completeness",
        "Assumptions",
        "External security notes",
        "API inventory",
        "Appendix",
    ];
    for text in [&md, &html] {
        let mut at = 0;
        for heading in order {
            let found = text[at..]
                .find(&format!("## {heading}"))
                .or_else(|| text[at..].find(&format!("<h2>{heading}")))
                .unwrap_or_else(|| panic!("section {heading} missing or out of order"));
            at += found + 1;
        }
    }
}

#[test]
fn the_payments_tables_hold_every_threat_and_the_seeds_columns() {
    let (_, report) = payments();
    let in_groups: usize = report.by_element.iter().map(|g| g.threats.len()).sum();
    assert_eq!(in_groups, report.threats.len());
    assert_eq!(report.by_discovery.len(), report.threats.len());
    // Every threat with a STRIDE category is under each of its categories.
    let by_type: usize = report.by_type.iter().map(|g| g.threats.len()).sum();
    let expected: usize = report.threats.iter().map(|t| t.stride.len().max(1)).sum();
    assert_eq!(by_type, expected);
    // The hand-written, mitigated webhook threat carries its ticket into the tables.
    let row = report
        .by_discovery
        .iter()
        .find(|r| r.id.as_str() == "webhook-replay")
        .expect("the hand-written threat");
    assert_eq!(row.status, Status::Mitigated);
    assert_eq!(
        row.ticket.as_ref().and_then(|t| t.id.as_deref()),
        Some("PAY-1432")
    );
    assert!(
        row.subject.label.starts_with("Data flow"),
        "{}",
        row.subject.label
    );
    // Order of discovery follows the model from top to bottom.
    let lines: Vec<u32> = report
        .by_discovery
        .iter()
        .filter_map(|r| r.location.as_ref())
        .filter(|l| l.file.ends_with("payments.yaml") && !l.file.contains("openapi"))
        .map(|l| l.line)
        .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    // Assumptions: Table 7.6's columns, both due after the report date.
    let a = &report.assumptions[0];
    assert_eq!(a.id, "processor-pci");
    assert_eq!(a.contact.as_deref(), Some("vendor-management@acme.example"));
    assert_eq!(a.state, "open");
    // The Security Considerations in the RFC's six parts.
    let titles: Vec<&str> = report
        .notes
        .considerations
        .iter()
        .map(|p| p.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "In scope",
            "Out of scope",
            "Foreseeable threats",
            "Residual risk",
            "Threats protected against",
            "Assumptions"
        ]
    );
    let protected = &report.notes.considerations[4].items;
    assert!(
        protected
            .iter()
            .any(|i| i.derived && i.text.starts_with("Processor webhooks replayed"))
    );
    // The appendix documents each rule that fired, once.
    let mut codes: Vec<&str> = report.threats.iter().map(|t| t.rule.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let documented: Vec<&str> = report.appendix.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, documented);
    // The inventory has the payments API's operations from its document.
    let api = &report.inventory[0];
    assert_eq!(api.id, "payments-api");
    assert!(
        api.document
            .as_ref()
            .is_some_and(|d| !d.operations.is_empty())
    );
}

/// A model that exercises every corner: hostile and huge names, Unicode, no flows.
fn odd_model(name: &str) -> Model {
    let mut m = Model::new(name);
    m.system.description = Some("Line one\n# not a heading\n| not | a | table |".to_owned());
    m.system.scope.in_scope = vec!["- not a list".to_owned(), "=1+1".to_owned()];
    let mut b = Boundary::with_id("zone");
    b.kind = Some(palisade_model::BoundaryKind::Internet);
    b.name = Some(format!("Zone {name}"));
    m.boundaries.push(b);
    let mut e = Element::new("svc", ElementKind::Process);
    e.name = Some(name.to_owned());
    e.boundary = Some(palisade_model::BoundaryId::new("zone"));
    m.elements.push(e);
    let mut db = Element::new("db", ElementKind::DataStore);
    db.name = Some("=HYPERLINK(\"http://evil.example\")".to_owned());
    m.elements.push(db);
    m.threats.push(ThreatEntry {
        id: palisade_model::ThreatId::new("hand"),
        title: Some(format!("{name} is abused")),
        target: Some(ThreatTarget {
            element: Some("svc".to_owned()),
            ..ThreatTarget::default()
        }),
        ticket: Some(palisade_model::Ticket {
            id: Some("BUG|1".to_owned()),
            title: None,
            url: Some("javascript:alert(1)".to_owned()),
        }),
        ..ThreatEntry::default()
    });
    m
}

const HOSTILE: &str = "<script>alert('x')</script> | *bold* `tick` ]]> & \"q\" 🛡️ 東京 مرحبا";

fn all_formats(model: &Model, report: &Report) -> Vec<(&'static str, String)> {
    #[cfg_attr(not(feature = "pdf"), allow(unused_mut))]
    let mut out = vec![
        ("md", palisade_export::markdown::render(report, model)),
        ("html", palisade_export::html::render(report)),
        ("json", palisade_export::json::render(report)),
        ("csv", palisade_export::csv::render(report).expect("CSV")),
    ];
    #[cfg(feature = "pdf")]
    {
        let doc = palisade_export::pdf::document(report).expect("the PDF typesets");
        out.push(("pdf", palisade_export::pdf::page_texts(&doc).join("\n")));
    }
    out
}

#[test]
fn hostile_text_is_shown_literally_in_every_format() {
    let model = odd_model(HOSTILE);
    let report = report_of(&model, "odd.yaml", &[]);
    for (format, text) in all_formats(&model, &report) {
        match format {
            "html" => {
                assert!(!text.contains("<script>alert"), "HTML runs the name");
                assert!(text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
                assert!(!text.contains("href=\"javascript:"), "a javascript: link");
                assert!(text.contains("東京 مرحبا"));
            }
            "md" => {
                assert!(!text.contains("<script>"), "Markdown passes HTML through");
                assert!(text.contains("\\<script\\>"));
                assert!(!text.contains("](javascript:"), "a javascript: link");
                // Every row of the threat table has exactly its five column separators.
                let table = text
                    .split("## Threats by diagram element")
                    .nth(1)
                    .expect("section");
                for row in table.lines().filter(|l| l.starts_with("| ")).take(5) {
                    let pipes = row.matches('|').count() - row.matches("\\|").count();
                    assert_eq!(pipes, 5, "{row}");
                }
            }
            "csv" => {
                let mut reader = csv::Reader::from_reader(text.as_bytes());
                for record in reader.records() {
                    let record = record.expect("a CSV record");
                    for cell in &record {
                        assert!(
                            !cell.starts_with(['=', '+', '-', '@']),
                            "a formula cell: {cell}"
                        );
                    }
                }
            }
            "json" => {
                let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
                assert_eq!(v["cover"]["system"], HOSTILE);
            }
            "pdf" => {
                assert!(text.contains("東京"), "the PDF shows CJK");
                assert!(text.contains("<script>"), "the PDF shows the name as text");
            }
            _ => {}
        }
    }
}

#[test]
fn empty_and_degenerate_models_render_in_every_format() {
    let huge = "W".repeat(5_000);
    let mut no_boundaries = Model::new("No boundaries");
    no_boundaries
        .elements
        .push(Element::new("a", ElementKind::ExternalEntity));
    no_boundaries
        .elements
        .push(Element::new("b", ElementKind::Process));
    no_boundaries.flows.push(Flow::new("a-b", "a", "b"));
    let cases = [
        ("nothing", Model::new("Nothing at all")),
        ("no boundaries", no_boundaries),
        ("huge name", odd_model(&huge)),
        ("unicode", odd_model("Zahlungsdienst — 決済サービス — 💳")),
    ];
    for (case, model) in cases {
        let report = report_of(&model, "m.yaml", &[]);
        // Compared without spaces: the PDF's text comes in runs, and long names wrap.
        let bare = |s: &str| {
            s.chars()
                .filter(|c| !c.is_whitespace() && *c != '\u{200b}')
                .collect::<String>()
        };
        let name = bare(&model.system.name.chars().take(40).collect::<String>());
        for (format, text) in all_formats(&model, &report) {
            assert!(
                bare(&text).contains(&name) || format == "csv",
                "{case}: the {format} report does not name the system"
            );
            if case == "nothing" && format != "csv" && format != "json" {
                assert!(
                    text.contains("No threats were found") || !report.threats.is_empty(),
                    "{case}: {format} says nothing about the missing threats"
                );
            }
        }
    }
}

#[cfg(feature = "pdf")]
#[test]
fn the_pdf_of_the_payments_example_shows_the_system_every_threat_and_the_diagram() {
    let (_, report) = payments();
    let doc = palisade_export::pdf::document(&report).expect("the PDF typesets");
    let pages = palisade_export::pdf::page_texts(&doc);
    assert!(pages.len() >= 10, "only {} pages", pages.len());
    let squash = |s: &str| {
        s.replace('\u{200b}', "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Table cells wrap titles over lines, anywhere a line may break: compare without spaces
    // (and without backticks: the `names` in titles are set as code).
    let bare = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{200b}' && *c != '`')
            .collect::<String>()
    };
    let all = bare(&pages.join(" "));
    assert!(all.contains("AcmePaymentsAPI"));
    for t in &report.threats {
        assert!(
            all.contains(&bare(&t.title)),
            "missing threat title: {}",
            t.title
        );
    }
    // The diagram has a page of its own, where it is drawn as an (SVG, vector) image.
    let diagram_page = pages
        .iter()
        .position(|p| p.contains("Data-flow diagram") && p.contains("trust boundaries."))
        .expect("a diagram page");
    assert_eq!(palisade_export::pdf::page_images(&doc)[diagram_page], 1);
    // The cover and the summary (the contents' dot leaders are left out).
    insta::assert_snapshot!(
        [0, 2]
            .iter()
            .filter_map(|&i| pages.get(i))
            .map(|p| squash(p))
            .collect::<Vec<_>>()
            .join("\n\n--- page ---\n\n")
    );

    let pdf = palisade_export::pdf::render(&report).expect("the PDF");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.windows(5).rev().take(64).any(|w| w == b"%%EOF"));
    // The same report gives the same bytes.
    assert_eq!(pdf, palisade_export::pdf::render(&report).expect("the PDF"));
}
