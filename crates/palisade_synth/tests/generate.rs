//! Generated models are valid Palisade models of the size asked for, the same for the same seed.

use palisade_model::{ElementKind, Model};

fn load(model: &Model) -> palisade_loader::Loaded {
    let text = palisade_loader::to_yaml(model).expect("serialises");
    match palisade_loader::load_str("synth.yaml", &text) {
        Ok(loaded) => loaded,
        Err(failure) => panic!(
            "generated model does not load: {:#?}",
            failure
                .diagnostics
                .iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
        ),
    }
}

#[test]
fn generated_models_validate_without_warnings_at_every_size() {
    for n in [1, 2, 5, 10, 200, 1000] {
        let model = palisade_synth::model(n, 7);
        assert_eq!(model.elements.len(), n, "{n} elements asked for");
        let loaded = load(&model);
        assert!(
            loaded.warnings.is_empty(),
            "{n}: {:?}",
            loaded
                .warnings
                .iter()
                .map(|w| &w.message)
                .collect::<Vec<_>>()
        );
        assert_eq!(loaded.model.elements.len(), n);
    }
}

#[test]
fn a_seed_gives_the_same_model_and_another_seed_a_different_one() {
    let a = palisade_synth::model(200, 42);
    assert_eq!(a, palisade_synth::model(200, 42));
    assert_ne!(a, palisade_synth::model(200, 43));
    assert_eq!(
        palisade_synth::pytm_script(&a),
        palisade_synth::pytm_script(&palisade_synth::model(200, 42))
    );
}

#[test]
fn models_look_like_real_systems() {
    let m = palisade_synth::model(200, 1);
    let count = |k: ElementKind| m.elements.iter().filter(|e| e.kind == k).count();
    assert!(count(ElementKind::ExternalEntity) >= 20);
    assert!(count(ElementKind::Process) >= 100);
    assert!(count(ElementKind::DataStore) >= 40);
    assert!(m.elements.iter().any(palisade_model::Element::is_log));
    assert!(
        m.elements.iter().any(|e| e.parent.is_some()),
        "some processes run in hosts"
    );
    assert!(
        m.boundaries.iter().any(|b| b.parent.is_some()),
        "boundaries nest"
    );
    assert!(m.flows.len() > m.elements.len());
    let crossing = m.flows.iter().filter(|f| m.crosses_boundary(f)).count();
    assert!(
        crossing > 20 && crossing < m.flows.len(),
        "{crossing} crossing flows"
    );
    let protocols: std::collections::BTreeSet<_> = m
        .flows
        .iter()
        .filter_map(|f| f.protocol.as_deref())
        .collect();
    assert!(protocols.len() >= 5, "{protocols:?}");
    assert!(m.apis.iter().all(|a| a.spec.is_none()));
    assert!(m.data.iter().all(|d| !d.categories.is_empty()));
}

#[test]
fn the_pytm_script_declares_every_element_and_flow_and_processes() {
    let m = palisade_synth::model(100, 3);
    let script = palisade_synth::pytm_script(&m);
    assert!(script.starts_with("#!/usr/bin/env python3"));
    assert!(script.contains("from pytm import TM,"));
    for (i, _) in m.elements.iter().enumerate() {
        assert!(script.contains(&format!("\ne{i} = ")), "element {i}");
    }
    assert_eq!(script.matches("= Dataflow(").count(), m.flows.len());
    assert!(script.contains(".inBoundary = b2"), "nested boundaries");
    assert!(script.trim_end().ends_with("tm.process()"));
}
