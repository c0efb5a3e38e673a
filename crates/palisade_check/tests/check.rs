//! The policy checks on small models: coverage, drift, review age, assumptions, tickets.

use palisade_check::{CellState, EffectivePolicy, Input, Report, SpecInput, check, codes};
use palisade_model::{Date, Model, Severity};
use palisade_openapi::{LoadOptions, Spec, load_from_str};
use palisade_rules::{Settings, Threat, analyze};

fn model(text: &str) -> Model {
    palisade_loader::load_str("m.yaml", text)
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics))
        .model
}

fn spec(text: &str) -> Spec {
    load_from_str("api.yaml", text, &LoadOptions::default())
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics))
        .spec
}

fn date(s: &str) -> Date {
    s.parse().expect("test setup works")
}

struct Case {
    model: Model,
    specs: Vec<(String, Spec, Option<String>)>,
    missing: Vec<String>,
    threats: Vec<Threat>,
}

impl Case {
    fn new(model_text: &str) -> Self {
        Self::with_specs(model_text, &[])
    }

    fn with_specs(model_text: &str, specs: &[(&str, &str, Option<&str>)]) -> Self {
        let model = model(model_text);
        let specs: Vec<(String, Spec, Option<String>)> = specs
            .iter()
            .map(|(api, text, hash)| ((*api).to_owned(), spec(text), hash.map(str::to_owned)))
            .collect();
        let pairs: Vec<(&str, &Spec)> = specs.iter().map(|(a, s, _)| (a.as_str(), s)).collect();
        let threats = analyze(&model, "m.yaml", &pairs, &Settings::default());
        Self {
            model,
            specs,
            missing: Vec::new(),
            threats,
        }
    }

    fn run(&self, policy: &EffectivePolicy, today: &str) -> Report {
        check(
            &Input {
                model: &self.model,
                file: "m.yaml",
                specs: self
                    .specs
                    .iter()
                    .map(|(api, spec, hash)| SpecInput {
                        api,
                        spec,
                        hash: hash.clone(),
                    })
                    .collect(),
                missing_specs: self.missing.iter().map(String::as_str).collect(),
                threats: &self.threats,
                today: date(today),
            },
            policy,
        )
    }
}

fn codes_of(r: &Report) -> Vec<(&'static str, bool)> {
    r.items.iter().map(|i| (i.code, i.fails)).collect()
}

const SMALL: &str = "\
palisade: 1
system: { name: Shop }
boundaries: [{ id: internet, kind: internet }, { id: dc, kind: internal }]
elements:
  - { id: client, kind: external_entity, boundary: internet }
  - { id: api, kind: process, boundary: dc, audit_log: true }
  - { id: db, kind: data_store, store: database, boundary: dc, encrypted_at_rest: true }
flows:
  - { id: client-to-api, from: client, to: api, protocol: https, authentication: oauth2 }
  - { id: api-to-db, from: api, to: db, protocol: postgres, encryption: tls, authentication: password }
mitigations:
  - { id: limits, kind: rate_limiting, elements: [api] }
";

#[test]
fn coverage_lists_every_applicable_cell() {
    let case = Case::new(SMALL);
    let r = case.run(&EffectivePolicy::default(), "2026-11-24");
    let rows: Vec<(&str, usize)> = r
        .coverage
        .rows
        .iter()
        .map(|row| (row.label.as_str(), row.cells.len()))
        .collect();
    // External entity S R; process S T R I D E; data store T I D; the crossing flow T I D (the
    // flow inside `dc` is not a row).
    assert_eq!(
        rows,
        [("client", 2), ("api", 6), ("db", 3), ("client-to-api", 3)]
    );
    assert_eq!(r.coverage.covered, r.coverage.cells);
    insta::assert_snapshot!(r.coverage.text());
}

#[test]
fn without_baselines_a_cell_needs_a_real_threat_or_a_reason() {
    let text = format!("{SMALL}policy: {{ baselines_cover: false, require_coverage: true }}\n");
    let case = Case::new(&text);
    let policy = EffectivePolicy::resolve(case.model.policy.as_ref(), None);
    let r = case.run(&policy, "2026-11-24");
    assert!(!r.passed);
    let gaps = r
        .items
        .iter()
        .filter(|i| i.code == codes::STRIDE_GAP && i.fails)
        .count();
    assert!(gaps > 0, "{:#?}", codes_of(&r));
    // Dismiss spoofing on the client with a reason, and repudiation without one.
    let client = |stride: palisade_model::Stride| {
        case.threats
            .iter()
            .find(|t| t.target.label() == "element `client`" && t.stride.contains(&stride))
            .unwrap()
            .id
            .clone()
    };
    let s = client(palisade_model::Stride::Spoofing);
    let rep = client(palisade_model::Stride::Repudiation);
    let decided = format!(
        "{text}threats:\n  - id: {s}\n    status: not_applicable\n    justification: clients are anonymous by design\n  - id: {rep}\n    status: not_applicable\n"
    );
    let case = Case::new(&decided);
    let r = case.run(&policy, "2026-11-24");
    let row = &r.coverage.rows[0];
    assert_eq!(row.label, "client");
    assert_eq!(row.cells[0].state, CellState::NotApplicable);
    assert_eq!(
        row.cells[0].reason.as_deref(),
        Some("clients are anonymous by design")
    );
    assert_eq!(row.cells[1].state, CellState::Missing);
    let unjustified: Vec<_> = r
        .items
        .iter()
        .filter(|i| i.code == codes::UNJUSTIFIED_NOT_APPLICABLE)
        .collect();
    assert_eq!(unjustified.len(), 1);
    assert!(
        unjustified[0]
            .message
            .contains("external entity `client`: repudiation")
    );
}

const SPEC: &str = "\
openapi: 3.0.3
info: { title: Shop, version: '1' }
security: [{ key: [] }]
paths:
  /orders:
    get:
      responses: { '200': { description: ok }, '401': { description: no } }
  /orders/{orderId}:
    get:
      parameters: [{ name: orderId, in: path, required: true, schema: { type: string, format: uuid } }]
      responses: { '200': { description: ok }, '401': { description: no } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
";

#[test]
fn drift_finds_shadow_and_zombie_operations_and_changed_specs() {
    let text = format!(
        "{SMALL}apis:\n  - id: shop\n    spec: api.yaml\n    served_by: api\n    operations: [GET /orders, 'GET /orders/{{id}}', 'DELETE /orders/{{id}}']\nreviewed:\n  date: 2026-10-01\n  specs: {{ api.yaml: 'sha256:aaaa' }}\n"
    );
    let case = Case::with_specs(&text, &[("shop", SPEC, Some("sha256:bbbb"))]);
    let r = case.run(&EffectivePolicy::default(), "2026-11-24");
    let drift: Vec<_> = r
        .items
        .iter()
        .filter(|i| i.category == palisade_check::Category::Drift)
        .map(|i| (i.code, i.message.as_str()))
        .collect();
    assert_eq!(
        drift,
        [
            (
                codes::ZOMBIE_OPERATION,
                "API `shop` lists DELETE /orders/{id}, which its OpenAPI document no longer has (a zombie API)"
            ),
            (
                codes::SPEC_CHANGED,
                "the OpenAPI document `api.yaml` of API `shop` changed since the model was reviewed on 2026-10-01"
            ),
        ],
        "GET /orders/{{orderId}} matches `GET /orders/{{id}}`"
    );
    assert!(!r.passed);
    let changed = r
        .items
        .iter()
        .find(|i| i.code == codes::SPEC_CHANGED)
        .unwrap();
    assert!(
        changed.help[0].contains("sha256:bbbb"),
        "{:?}",
        changed.help
    );

    // Listing fewer operations than the spec has: the rest are shadow APIs, at their line.
    let short = text.replace(", 'GET /orders/{id}', 'DELETE /orders/{id}'", "");
    let case = Case::with_specs(&short, &[("shop", SPEC, Some("sha256:aaaa"))]);
    let r = case.run(&EffectivePolicy::default(), "2026-11-24");
    let shadow: Vec<_> = r
        .items
        .iter()
        .filter(|i| i.code == codes::SHADOW_OPERATION)
        .collect();
    assert_eq!(shadow.len(), 1);
    assert!(
        shadow[0]
            .message
            .starts_with("GET /orders/{orderId} is in the OpenAPI document")
    );
    assert_eq!(shadow[0].location.as_ref().map(|l| l.line), Some(9));
    assert!(shadow[0].fails);

    // With `fail_on_drift: false` the same items are warnings.
    let lenient = EffectivePolicy {
        fail_on_drift: false,
        ..EffectivePolicy::default()
    };
    let r = case.run(&lenient, "2026-11-24");
    assert!(
        r.items
            .iter()
            .all(|i| !i.fails || i.category != palisade_check::Category::Drift)
    );
}

#[test]
fn drift_reports_missing_specs_and_deprecated_apis_in_use() {
    let text = format!(
        "{SMALL}apis:\n  - id: v1\n    spec: gone.yaml\n    lifecycle: deprecated\n    served_by: api\n    consumed_by: [client]\n"
    );
    let mut case = Case::new(&text);
    case.missing.push("v1".to_owned());
    let r = case.run(&EffectivePolicy::default(), "2026-11-24");
    let drift: Vec<_> = r
        .items
        .iter()
        .filter(|i| i.category == palisade_check::Category::Drift)
        .map(|i| {
            (
                i.code,
                i.message.as_str(),
                i.location.as_ref().map(|l| l.line),
            )
        })
        .collect();
    assert_eq!(
        drift,
        [
            (
                codes::MISSING_SPEC,
                "API `v1` names the OpenAPI document `gone.yaml`, which no longer exists",
                Some(14)
            ),
            (
                codes::DEPRECATED_API_EXPOSED,
                "API `v1` is deprecated but still has consumers `client`",
                Some(14)
            ),
        ]
    );
}

#[test]
fn hand_written_threats_on_vanished_operations_are_zombies() {
    let text = format!(
        "{SMALL}apis:\n  - {{ id: shop, spec: api.yaml, served_by: api }}\nthreats:\n  - id: old-export\n    title: Bulk export leaks orders\n    target: {{ operation: GET /orders/export }}\n    severity: low\n"
    );
    let case = Case::with_specs(&text, &[("shop", SPEC, None)]);
    let r = case.run(&EffectivePolicy::default(), "2026-11-24");
    let zombie = r
        .items
        .iter()
        .find(|i| i.code == codes::ZOMBIE_OPERATION)
        .expect("a zombie");
    assert_eq!(
        zombie.message,
        "threat `old-export` is about GET /orders/export, which no OpenAPI document of the model has (a zombie API)"
    );
}

#[test]
fn assumptions_come_due_by_the_injected_clock() {
    let text = format!(
        "{SMALL}assumptions:\n  - id: vpn\n    assumption: Only the VPN reaches the admin port.\n    owner: platform\n    due: 2027-01-15\n  - id: loose\n    assumption: Nobody scrapes the catalogue.\n"
    );
    let case = Case::new(&text);
    let before = case.run(&EffectivePolicy::default(), "2027-01-15");
    assert_eq!(
        codes_of(&before)
            .into_iter()
            .filter(|(c, _)| c.starts_with("CK01"))
            .collect::<Vec<_>>(),
        [(codes::ASSUMPTION_UNTRACKED, true)],
        "due today is not overdue; the undated one fails"
    );
    assert_eq!(
        before.items[0].message,
        "assumption `loose` has no owner and no due date: nobody will follow it up"
    );
    let after = case.run(&EffectivePolicy::default(), "2027-01-16");
    let overdue = after
        .items
        .iter()
        .find(|i| i.code == codes::ASSUMPTION_OVERDUE)
        .unwrap();
    assert_eq!(
        overdue.message,
        "assumption `vpn` was due for follow-up on 2027-01-15, 1 day ago: Only the VPN reaches the admin port."
    );
    assert!(overdue.fails && !after.passed);
    let confirmed = Case::new(&text.replace(
        "    due: 2027-01-15\n",
        "    due: 2027-01-15\n    confirmed: true\n",
    ));
    assert!(
        !confirmed
            .run(&EffectivePolicy::default(), "2027-06-01")
            .items
            .iter()
            .any(|i| i.code == codes::ASSUMPTION_OVERDUE)
    );
}

#[test]
fn review_age_and_tickets_follow_the_policy() {
    let text = format!("{SMALL}reviewed: {{ date: 2026-01-01, by: sec }}\n");
    let case = Case::new(&text);
    let policy = EffectivePolicy {
        max_review_age_days: Some(90),
        require_ticket: Some(Severity::Low),
        fail_on: Severity::Critical,
        ..EffectivePolicy::default()
    };
    let r = case.run(&policy, "2026-11-24");
    let old = r
        .items
        .iter()
        .find(|i| i.code == codes::REVIEW_TOO_OLD)
        .unwrap();
    assert_eq!(
        old.message,
        "the model was last reviewed on 2026-01-01, 327 days ago; the policy allows 90"
    );
    let tickets = r
        .items
        .iter()
        .filter(|i| i.code == codes::MISSING_TICKET)
        .count();
    let low_or_above = case
        .threats
        .iter()
        .filter(|t| t.severity >= Severity::Low)
        .count();
    assert_eq!(tickets, low_or_above);
    assert!(r.items.iter().all(|i| i.code != codes::UNRESOLVED_THREAT));
}

#[test]
fn figures_and_matrix_count_what_is_open() {
    let case = Case::new(SMALL);
    let r = case.run(&EffectivePolicy::default(), "2026-11-24");
    assert_eq!(r.figures.threats, case.threats.len());
    assert_eq!(r.figures.unresolved, case.threats.len());
    assert_eq!(r.risk_matrix.total(), case.threats.len());
    assert_eq!(r.figures.diagram_elements, 5);
    assert!(r.figures.threats_per_element > 2.0);
    assert_eq!(r.ranked.len(), case.threats.len());
    assert!(r.ranked.windows(2).all(|w| w[0].severity >= w[1].severity));
}

#[test]
fn diff_lists_entities_threats_and_decisions() {
    use palisade_check::diff::{Change, diff};
    let old = Case::new(SMALL);
    let target = old.threats[0].id.clone();
    let changed = SMALL
        .replace(
            "protocol: https, authentication: oauth2",
            "protocol: http, authentication: oauth2",
        )
        .replace(
            "  - { id: limits, kind: rate_limiting, elements: [api] }\n",
            "  - { id: limits, kind: rate_limiting, elements: [api] }\nthreats:\n",
        )
        + &format!("  - id: {target}\n    status: mitigated\n    mitigations: [limits]\n");
    let new = Case::new(&changed);
    let d = diff(&side(&old, "old"), &side(&new, "new"), Severity::Medium);
    assert_eq!(d.model.len(), 1);
    assert_eq!(d.model[0].kind, "flow");
    assert_eq!(
        d.model[0].change,
        Change::Changed {
            fields: vec!["protocol".to_owned()]
        }
    );
    assert!(
        d.new_threats.iter().any(|t| t.rule == "DF001"),
        "plaintext across a boundary"
    );
    assert!(d.fails());
    let decision = d.decisions.iter().find(|c| c.id == target).unwrap();
    assert!(
        decision
            .fields
            .contains(&("status".to_owned(), None, Some("mitigated".to_owned())))
    );
    let md = d.markdown();
    assert!(md.contains("### Decisions changed"), "{md}");
    assert!(
        md.contains("| changed | flow | `client-to-api` | protocol |"),
        "{md}"
    );
    let same = diff(&side(&old, "a"), &side(&old, "a"), Severity::High);
    assert!(same.is_empty() && !same.fails());
}

fn side<'a>(c: &'a Case, label: &str) -> palisade_check::diff::Side<'a> {
    palisade_check::diff::Side {
        label: label.to_owned(),
        model: Some(&c.model),
        specs: Vec::new(),
        threats: &c.threats,
    }
}
