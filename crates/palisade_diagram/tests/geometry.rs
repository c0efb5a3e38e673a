//! The geometry of the produced SVG, read back from the SVG text: no two element boxes overlap,
//! no flow label is drawn over a box, every element lies inside exactly the clusters of its
//! boundary chain, and clusters nest without partial overlaps.

use std::collections::{BTreeMap, BTreeSet};

use palisade_model::Model;

#[derive(Debug, Clone, Copy)]
struct Box2 {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

const EPS: f64 = 0.01;

impl Box2 {
    fn overlaps(&self, o: &Box2) -> bool {
        self.x < o.x + o.w - EPS
            && o.x < self.x + self.w - EPS
            && self.y < o.y + o.h - EPS
            && o.y < self.y + self.h - EPS
    }
    fn contains(&self, o: &Box2) -> bool {
        o.x >= self.x - EPS
            && o.y >= self.y - EPS
            && o.x + o.w <= self.x + self.w + EPS
            && o.y + o.h <= self.y + self.h + EPS
    }
}

fn rect(node: roxmltree::Node) -> Box2 {
    let num = |a: &str| -> f64 {
        node.attribute(a)
            .unwrap_or_else(|| panic!("rect without {a}"))
            .parse()
            .expect("a number")
    };
    Box2 {
        x: num("x"),
        y: num("y"),
        w: num("width"),
        h: num("height"),
    }
}

fn has_class(node: roxmltree::Node, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|w| w == class))
}

struct Drawn {
    elements: BTreeMap<String, (Box2, bool)>,
    boundaries: BTreeMap<String, Box2>,
    labels: BTreeMap<String, Box2>,
}

fn read(svg: &str) -> Drawn {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let mut drawn = Drawn {
        elements: BTreeMap::new(),
        boundaries: BTreeMap::new(),
        labels: BTreeMap::new(),
    };
    for g in doc.descendants().filter(|n| n.has_tag_name("g")) {
        let Some(id) = g.attribute("data-id") else {
            continue;
        };
        if has_class(g, "element") {
            let r = g
                .children()
                .find(|c| c.has_tag_name("rect") && has_class(*c, "box"))
                .expect("an element has a box");
            drawn
                .elements
                .insert(id.to_owned(), (rect(r), has_class(g, "container")));
        } else if has_class(g, "boundary") {
            let r = g
                .children()
                .find(|c| c.has_tag_name("rect"))
                .expect("a boundary has a frame");
            drawn.boundaries.insert(id.to_owned(), rect(r));
        } else if has_class(g, "flow") {
            let r = g
                .descendants()
                .find(|c| c.has_tag_name("rect") && has_class(*c, "label-bg"))
                .expect("a flow has a label");
            drawn.labels.insert(id.to_owned(), rect(r));
        }
    }
    drawn
}

/// The boundaries enclosing `b`, itself included; a cycle (only a model built in code has one)
/// is drawn as no nesting, so it counts as `b` alone.
fn chain(model: &Model, b: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut current = Some(b.to_owned());
    while let Some(id) = current {
        if !out.insert(id.clone()) {
            return BTreeSet::from([b.to_owned()]);
        }
        current = model
            .boundary(&id)
            .and_then(|x| x.parent.as_ref())
            .filter(|p| model.boundary(p.as_str()).is_some())
            .map(ToString::to_string);
    }
    out
}

/// Checks every geometric promise; returns the number of checks made.
fn check(model: &Model, svg: &str) -> usize {
    let d = read(svg);
    let mut checks = 0;
    assert_eq!(
        d.elements.len(),
        model.elements.len(),
        "every element is drawn"
    );
    assert_eq!(
        d.boundaries.len(),
        model.boundaries.len(),
        "every boundary is drawn"
    );
    assert_eq!(d.labels.len(), model.flows.len(), "every flow is drawn");
    // Element containment (an element drawn inside another) follows `parent`.
    let inside_of = |id: &str| -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut current = model.element(id).and_then(|e| e.parent.clone());
        while let Some(p) = current {
            if !out.insert(p.to_string()) {
                // A cycle (only a model built in code has one): drawn as no nesting at all.
                return BTreeSet::new();
            }
            current = model.element(p.as_str()).and_then(|e| e.parent.clone());
        }
        out
    };
    let elements: Vec<(&String, &(Box2, bool))> = d.elements.iter().collect();
    for (i, (a, (ra, _))) in elements.iter().enumerate() {
        for (b, (rb, _)) in elements.iter().skip(i + 1) {
            checks += 1;
            if inside_of(a).contains(*b) {
                assert!(rb.contains(ra), "`{a}` lies inside its container `{b}`");
            } else if inside_of(b).contains(*a) {
                assert!(ra.contains(rb), "`{b}` lies inside its container `{a}`");
            } else {
                assert!(
                    !ra.overlaps(rb),
                    "boxes of `{a}` and `{b}` overlap: {ra:?} {rb:?}"
                );
            }
        }
    }
    for (f, l) in &d.labels {
        for (e, (r, container)) in &d.elements {
            checks += 1;
            if *container {
                // A container is a frame, like a cluster: a label is inside it or clear of it.
                assert!(
                    !l.overlaps(r) || r.contains(l),
                    "label of flow `{f}` straddles the frame of `{e}`: {l:?} {r:?}"
                );
            } else {
                assert!(
                    !l.overlaps(r),
                    "label of flow `{f}` is drawn over `{e}`: {l:?} {r:?}"
                );
            }
        }
    }
    for e in &model.elements {
        let chain: BTreeSet<String> = model
            .boundary_of(e)
            .map(|b| chain(model, b.as_str()))
            .unwrap_or_default();
        let (r, _) = d.elements[e.id.as_str()];
        for (b, c) in &d.boundaries {
            checks += 1;
            if chain.contains(b) {
                assert!(c.contains(&r), "`{}` lies inside its boundary `{b}`", e.id);
            } else {
                assert!(
                    !c.overlaps(&r),
                    "`{}` is drawn over boundary `{b}`, which it is not in",
                    e.id
                );
            }
        }
    }
    let clusters: Vec<(&String, &Box2)> = d.boundaries.iter().collect();
    for (i, (a, ra)) in clusters.iter().enumerate() {
        for (b, rb) in clusters.iter().skip(i + 1) {
            checks += 1;
            assert!(
                !ra.overlaps(rb) || ra.contains(rb) || rb.contains(ra),
                "boundaries `{a}` and `{b}` overlap partly: {ra:?} {rb:?}"
            );
            let a_in_b = chain(model, a).contains(b.as_str());
            let b_in_a = chain(model, b).contains(a.as_str());
            assert_eq!(
                rb.contains(ra) && ra.overlaps(rb),
                a_in_b,
                "`{a}` inside `{b}`"
            );
            assert_eq!(
                ra.contains(rb) && ra.overlaps(rb),
                b_in_a,
                "`{b}` inside `{a}`"
            );
        }
    }
    checks
}

#[test]
fn a_generated_200_element_model_is_drawn_without_overlaps() {
    let model = palisade_synth::model(200, 1);
    let svg = palisade_diagram::svg(&model, &palisade_diagram::Options::default());
    let checks = check(&model, &svg);
    assert!(checks > 40_000, "{checks} checks");
}

#[test]
fn generated_models_of_other_sizes_and_seeds_are_drawn_without_overlaps() {
    for (n, seed) in [(10, 2), (60, 3), (200, 4), (400, 5)] {
        let model = palisade_synth::model(n, seed);
        let svg = palisade_diagram::svg(&model, &palisade_diagram::Options::default());
        check(&model, &svg);
    }
}

#[test]
fn the_examples_are_drawn_without_overlaps() {
    for file in ["payments.yaml", "shop.yaml"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples")
            .join(file);
        let model = palisade_loader::load_file(&path)
            .expect("example loads")
            .model;
        let svg = palisade_diagram::svg(&model, &palisade_diagram::Options::default());
        check(&model, &svg);
    }
}

fn element(
    id: &str,
    kind: palisade_model::ElementKind,
    name: &str,
    boundary: Option<&str>,
) -> palisade_model::Element {
    let mut e = palisade_model::Element::new(id, kind);
    e.name = Some(name.to_owned());
    e.boundary = boundary.map(palisade_model::BoundaryId::new);
    e
}

fn flow(id: &str, from: &str, to: &str) -> palisade_model::Flow {
    let text = format!(
        "palisade: 1\nsystem: {{ name: x }}\nelements:\n  - {{ id: a, kind: process }}\n  - {{ id: b, kind: process }}\nflows:\n  - {{ id: {id}, from: a, to: b, protocol: https }}\n"
    );
    let mut m = palisade_loader::load_str("f.yaml", &text)
        .expect("a flow")
        .model;
    let mut f = m.flows.remove(0);
    f.from = palisade_model::ElementId::new(from);
    f.to = palisade_model::ElementId::new(to);
    f
}

/// Models that have tripped layouts elsewhere: nothing at all, no flows, no boundaries, huge and
/// Unicode names, dangling references and cycles (only a model built in code can have those).
#[test]
fn odd_models_render_and_keep_the_geometry() {
    use palisade_model::ElementKind::{DataStore, ExternalEntity, Process};
    let empty = Model::new("Empty");
    let svg = palisade_diagram::svg(&empty, &palisade_diagram::Options::default());
    assert!(svg.contains("Data-flow diagram: Empty"));
    check(&empty, &svg);

    let mut no_flows = Model::new("No flows");
    for i in 0..30 {
        no_flows.elements.push(element(
            &format!("e{i}"),
            Process,
            &format!("Service {i}"),
            None,
        ));
    }
    check(
        &no_flows,
        &palisade_diagram::svg(&no_flows, &palisade_diagram::Options::default()),
    );

    let mut odd = Model::new("Odd — 支付系统 🚀");
    odd.boundaries.push(palisade_model::Boundary {
        id: palisade_model::BoundaryId::new("loop-a"),
        parent: Some(palisade_model::BoundaryId::new("loop-b")),
        ..Default::default()
    });
    odd.boundaries.push(palisade_model::Boundary {
        id: palisade_model::BoundaryId::new("loop-b"),
        name: Some("ملف عربي".repeat(40)),
        parent: Some(palisade_model::BoundaryId::new("loop-a")),
        ..Default::default()
    });
    odd.elements.push(element(
        "huge",
        Process,
        &"Extraordinarily-long-name-".repeat(400),
        Some("loop-a"),
    ));
    odd.elements.push(element(
        "cjk",
        DataStore,
        "支付数据库（主库）Ｆｕｌｌｗｉｄｔｈ",
        Some("loop-b"),
    ));
    odd.elements.push(element(
        "combining",
        ExternalEntity,
        "Zalgo z̴̢̛a̶l̷g̸o and e\u{301}",
        None,
    ));
    let mut a = element("cycle-a", Process, "Cycle A", None);
    a.parent = Some(palisade_model::ElementId::new("cycle-b"));
    let mut b = element("cycle-b", Process, "Cycle B", None);
    b.parent = Some(palisade_model::ElementId::new("cycle-a"));
    odd.elements.extend([a, b]);
    odd.flows.push(flow("f1", "huge", "cjk"));
    odd.flows.push(flow("f2", "combining", "huge"));
    odd.flows.push(flow("f3", "cycle-a", "cycle-b"));
    let dangling = flow("dangling", "huge", "nowhere");
    let svg = palisade_diagram::svg(&odd, &palisade_diagram::Options::default());
    let mut with_dangling = odd.clone();
    with_dangling.flows.push(dangling);
    let svg2 = palisade_diagram::svg(&with_dangling, &palisade_diagram::Options::default());
    assert_eq!(svg, svg2, "a flow to nowhere is left out");
    check(&odd, &svg);
    let d = read(&svg);
    let huge = d.elements["huge"].0;
    assert!(
        huge.w < 260.0 && huge.h < 120.0,
        "a huge name is wrapped and cut: {huge:?}"
    );
    assert!(
        svg.contains("Extraordinarily-long-name-Extraordinarily"),
        "the tooltip keeps the full name"
    );
    let dot = palisade_diagram::dot(&odd, &palisade_diagram::Options::default());
    let mermaid = palisade_diagram::mermaid(&odd, &palisade_diagram::Options::default());
    assert!(dot.contains("支付数据库") && mermaid.contains("支付数据库"));
}
