//! What users see, per format: snapshots of the payments example in SVG, DOT and Mermaid, and
//! names that try to break out of each format staying inert text.

use std::path::Path;

use palisade_diagram::{Badge, Options};
use palisade_model::{Model, Severity};

fn load(path: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    palisade_loader::load_file(&path)
        .unwrap_or_else(|f| panic!("{} does not load: {:?}", path.display(), f.diagnostics))
        .model
}

fn payments() -> Model {
    load("../../examples/payments.yaml")
}

fn with_badges() -> Options {
    let mut options = Options::default();
    options.badges.insert(
        "payments-service".into(),
        Badge {
            count: 5,
            severity: Some(Severity::High),
        },
    );
    options.badges.insert(
        "gateway-to-payments".into(),
        Badge {
            count: 2,
            severity: Some(Severity::Critical),
        },
    );
    options
}

#[test]
fn payments_svg() {
    let svg = palisade_diagram::svg(&payments(), &with_badges());
    insta::assert_snapshot!(svg);
}

#[test]
fn payments_dot() {
    insta::assert_snapshot!(palisade_diagram::dot(&payments(), &with_badges()));
}

#[test]
fn payments_mermaid() {
    insta::assert_snapshot!(palisade_diagram::mermaid(&payments(), &with_badges()));
}

#[test]
fn svg_is_self_contained_accessible_and_addressable() {
    let model = payments();
    let svg = palisade_diagram::svg(&model, &with_badges());
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert!(root.attribute("aria-labelledby").is_some());
    assert!(!svg.contains("href"), "no external references");
    for e in &model.elements {
        let g = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(&format!("el-{}", e.id)))
            .unwrap_or_else(|| panic!("el-{} is drawn", e.id));
        assert!(
            g.children().any(|c| c.has_tag_name("title")),
            "el-{} has a title",
            e.id
        );
    }
    for f in &model.flows {
        assert!(svg.contains(&format!("id=\"flow-{}\"", f.id)));
    }
    for b in &model.boundaries {
        assert!(svg.contains(&format!("id=\"boundary-{}\"", b.id)));
    }
    // Flows crossing a boundary are highlighted, others not.
    assert!(svg.contains(r#"id="flow-mobile-to-gateway" class="flow crossing""#));
    assert!(svg.contains(r#"id="flow-payments-to-db" class="flow""#));
    // The badge shows and the element is marked.
    assert!(svg.contains(r#"class="element process has-threats severity-high""#));
    assert!(svg.contains("class=\"legend\""));
}

#[test]
fn hostile_names_stay_text_in_every_format() {
    let model = load("tests/fixtures/hostile.yaml");
    let options = Options::default();

    let svg = palisade_diagram::svg(&model, &options);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        doc.descendants()
            .any(|n| n.attribute("id") == Some("el-a<b"))
    );

    let dot = palisade_diagram::dot(&model, &options);
    insta::assert_snapshot!("hostile_dot", dot);
    for line in dot.lines() {
        // Every double quote that is not escaped opens or closes a string: they pair up.
        let mut unescaped = 0;
        let mut escaped = false;
        for c in line.chars() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                unescaped += 1;
            }
        }
        assert_eq!(unescaped % 2, 0, "unbalanced quotes in {line}");
    }
    assert!(
        !dot.contains("label=<<B><script>"),
        "markup in HTML-like labels is escaped"
    );
    if let Ok(out) = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(dot.as_bytes())?;
            child.wait_with_output()
        })
    {
        assert!(
            out.status.success(),
            "dot rejects it: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let drawn = String::from_utf8_lossy(&out.stdout);
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = roxmltree::Document::parse_with_options(&drawn, options)
            .expect("Graphviz draws well-formed SVG");
        assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
        assert!(drawn.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    } else {
        println!(
            "skipped: Graphviz `dot` is not installed; the DOT syntax is checked by the snapshot only"
        );
    }

    let mermaid = palisade_diagram::mermaid(&model, &options);
    insta::assert_snapshot!("hostile_mermaid", mermaid);
    for line in mermaid.lines() {
        // Labels are the quoted parts; outside them only generated ids and syntax remain.
        let outside: String = line.split('"').step_by(2).collect();
        assert!(!outside.contains("script"), "{line}");
        assert_eq!(line.matches('"').count() % 2, 0, "{line}");
    }
    assert!(!mermaid.contains("<script"));
    assert!(!mermaid.contains("DROP -->"));
}
