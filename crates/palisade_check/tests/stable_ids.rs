//! Stable ids in practice, on a copy of the payments example: renaming an unrelated element,
//! reordering the file, or adding operations to the spec leaves every existing threat id and its
//! decision in place; a decision whose threat went away is reported as an orphan, with "did you
//! mean" the threat it most likely meant.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use palisade_check::{EffectivePolicy, Input as CheckInput, SpecInput, codes};
use palisade_project::Input;
use palisade_rules::{Settings, Threat};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A copy of `examples/` with decisions on three threats, in a temporary folder.
struct Copy {
    dir: tempfile::TempDir,
}

impl Copy {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("openapi")).expect("test setup works");
        for f in ["payments.yaml", "openapi/payments.yaml"] {
            std::fs::copy(repo().join("examples").join(f), dir.path().join(f))
                .expect("test setup works");
        }
        Self { dir }
    }

    fn model(&self) -> PathBuf {
        self.dir.path().join("payments.yaml")
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(rel)).expect("test setup works")
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.dir.path().join(rel), text).expect("test setup works");
    }

    fn analyze(&self) -> (palisade_model::Model, Vec<Threat>, palisade_project::Loaded) {
        let loaded = palisade_project::load(&[self.model()]);
        assert!(!loaded.failed, "{:?}", loaded.diagnostics);
        let Some(Input::Model { model, .. }) = loaded.inputs.first() else {
            panic!("a model");
        };
        let threats = loaded.inputs[0].analyze(&Settings::default());
        ((**model).clone(), threats, loaded)
    }
}

fn ids(threats: &[Threat]) -> BTreeSet<String> {
    threats.iter().map(|t| t.id.to_string()).collect()
}

fn decided(threats: &[Threat]) -> BTreeSet<(String, String)> {
    threats
        .iter()
        .filter_map(|t| {
            let status = t.decision.as_ref()?.status?;
            Some((t.id.to_string(), status.to_string()))
        })
        .collect()
}

/// Records decisions (with rule and subject, as `palisade threat set` does) on the threats of
/// DS001 (accounts-db), OP011 (an operation) and ST001 on `merchant-backend`.
fn with_decisions(copy: &Copy) -> Vec<Threat> {
    let (_, threats, _) = copy.analyze();
    let pick = |rule: &str, label: &str| {
        threats
            .iter()
            .find(|t| t.rule == rule && t.target.label() == label)
            .unwrap_or_else(|| panic!("{rule} on {label}"))
    };
    let chosen = [
        pick("DS001", "element `accounts-db`"),
        pick("OP011", "GET /v2/customers/{customerId}"),
        pick("ST001", "element `merchant-backend`"),
    ];
    let mut text = copy.read("payments.yaml");
    for t in chosen {
        text = palisade_loader::set_threat_fields(
            "payments.yaml",
            &text,
            t.id.as_str(),
            &[
                ("rule", palisade_loader::FieldValue::Text(t.rule.clone())),
                (
                    "subject",
                    palisade_loader::FieldValue::Text(t.target.label()),
                ),
                (
                    "status",
                    palisade_loader::FieldValue::Text("in_progress".into()),
                ),
            ],
        )
        .expect("the example is editable");
    }
    copy.write("payments.yaml", &text);
    let (_, threats, _) = copy.analyze();
    // The three, and the two threats the example writes by hand with their status.
    assert_eq!(decided(&threats).len(), 5);
    threats
}

#[test]
fn renaming_an_unrelated_element_keeps_ids_and_decisions() {
    let copy = Copy::new();
    let before = with_decisions(&copy);
    // `web-checkout` has no decision; rename it everywhere it is named.
    let text = copy
        .read("payments.yaml")
        .replace("web-checkout", "browser-checkout");
    copy.write("payments.yaml", &text);
    let (_, after, _) = copy.analyze();
    let touched = |t: &Threat| {
        let label = t.target.label();
        label.contains("web-checkout") || label.contains("web-to-gateway")
    };
    let kept: BTreeSet<String> = before
        .iter()
        .filter(|t| !touched(t))
        .map(|t| t.id.to_string())
        .collect();
    assert!(
        kept.is_subset(&ids(&after)),
        "ids of unrelated threats changed"
    );
    assert_eq!(decided(&before), decided(&after));
}

#[test]
fn reordering_the_file_keeps_ids_and_decisions() {
    let copy = Copy::new();
    let before = with_decisions(&copy);
    let (mut model, _, _) = copy.analyze();
    model.elements.reverse();
    model.flows.reverse();
    model.data.reverse();
    model.threats.reverse();
    copy.write(
        "payments.yaml",
        &palisade_loader::to_yaml(&model).expect("serializable"),
    );
    let (_, after, _) = copy.analyze();
    assert_eq!(ids(&before), ids(&after));
    assert_eq!(decided(&before), decided(&after));
}

#[test]
fn adding_operations_to_the_spec_keeps_ids_and_decisions() {
    let copy = Copy::new();
    let before = with_decisions(&copy);
    let spec = copy.read("openapi/payments.yaml").replacen(
        "paths:\n",
        "paths:\n  /v2/payouts/{payoutId}:\n    get:\n      operationId: getPayout\n      parameters:\n        - { name: payoutId, in: path, required: true, schema: { type: string } }\n      responses:\n        \"200\": { description: A payout }\n",
        1,
    );
    copy.write("openapi/payments.yaml", &spec);
    let (_, after, _) = copy.analyze();
    assert!(ids(&before).is_subset(&ids(&after)));
    assert!(
        ids(&after).len() > ids(&before).len(),
        "the new operation brings threats"
    );
    assert_eq!(decided(&before), decided(&after));
}

#[test]
fn a_decision_whose_threat_went_away_is_an_orphan_with_did_you_mean() {
    let copy = Copy::new();
    let before = with_decisions(&copy);
    let old = before
        .iter()
        .find(|t| t.rule == "ST001" && t.target.label() == "element `merchant-backend`")
        .unwrap()
        .id
        .clone();
    // Rename the element the ST001 decision is about: its threat gets a new id.
    let text = copy
        .read("payments.yaml")
        .replace("id: merchant-backend", "id: merchant-server")
        .replace("from: merchant-backend", "from: merchant-server")
        .replace("merchant-backend]", "merchant-server]");
    copy.write("payments.yaml", &text);
    let (model, threats, _) = copy.analyze();
    let new = threats
        .iter()
        .find(|t| t.rule == "ST001" && t.target.label() == "element `merchant-server`")
        .unwrap();
    assert_ne!(new.id, old);
    let report = palisade_check::check(
        &CheckInput {
            model: &model,
            file: "payments.yaml",
            specs: Vec::<SpecInput>::new(),
            missing_specs: Vec::new(),
            threats: &threats,
            today: "2026-11-24".parse().unwrap(),
        },
        &EffectivePolicy::default(),
    );
    let orphans: Vec<_> = report
        .items
        .iter()
        .filter(|i| i.code == codes::ORPHANED_DECISION)
        .collect();
    assert_eq!(orphans.len(), 1, "{orphans:#?}");
    let orphan = orphans[0];
    assert!(!orphan.fails, "an orphan is a warning");
    assert_eq!(
        orphan.message,
        format!("the decision {old} (ST001 on element `merchant-backend`) matches no threat")
    );
    assert!(
        orphan.help[0].starts_with(&format!(
            "did you mean {} (ST001 on element `merchant-server`",
            new.id
        )),
        "{:?}",
        orphan.help
    );
    // The other decisions still attach.
    assert_eq!(decided(&threats).len(), 4);
}

#[test]
fn a_mistyped_id_gets_the_nearest_id() {
    let copy = Copy::new();
    let (_, threats, _) = copy.analyze();
    let real = threats
        .iter()
        .find(|t| t.rule == "DS001")
        .unwrap()
        .id
        .to_string();
    let typo = format!("{}x", &real[..real.len() - 1]);
    let text = palisade_loader::set_threat_fields(
        "payments.yaml",
        &copy.read("payments.yaml"),
        &typo,
        &[(
            "status",
            palisade_loader::FieldValue::Text("mitigated".into()),
        )],
    )
    .unwrap();
    copy.write("payments.yaml", &text);
    let (model, threats, _) = copy.analyze();
    let report = palisade_check::check(
        &CheckInput {
            model: &model,
            file: "payments.yaml",
            specs: Vec::new(),
            missing_specs: Vec::new(),
            threats: &threats,
            today: "2026-11-24".parse().unwrap(),
        },
        &EffectivePolicy::default(),
    );
    let orphan = report
        .items
        .iter()
        .find(|i| i.code == codes::ORPHANED_DECISION)
        .expect("an orphan");
    assert!(
        orphan.help[0].starts_with(&format!("did you mean {real} (DS001")),
        "{:?}",
        orphan.help
    );
}
