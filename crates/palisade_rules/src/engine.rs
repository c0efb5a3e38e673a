//! The engine: runs each rule on the targets of its kind and the users' custom rules, fills STRIDE
//! baselines, adds the threats written by hand, turns findings into threats with stable ids and ratings, attaches the model's
//! decisions, derives second-order threats from the controls those decisions name, and ranks.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use palisade_model::{
    CustomRule, Model, RatingMethod, RuleTarget, Severity, Status, Stride, ThreatEntry, ThreatId,
};

use crate::RuleMeta;
use crate::context::{Finding, ModelCx};
use crate::custom::{self, CustomFinding};
use crate::owasp::{Owasp2019, Owasp2023};
use crate::risk::Risk;
use crate::rules::{
    self, API_RULES, ELEMENT_BASELINES, ELEMENT_RULES, FLOW_BASELINES, FLOW_RULES, OPERATION_RULES,
    SECOND_ORDER_RULES,
};
use crate::spec_context::{OpCx, SpecCx};
use crate::threat::{Location, Target, Threat, fingerprint, second_order_fingerprint};

/// The rule code of threats written by hand in the model.
pub const MANUAL: &str = "MANUAL";

/// How deep second-order threats go: a bypass of a control that mitigates a bypass …
const MAX_ORDER: usize = 3;

/// What to report.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Report only threats at or above this severity.
    pub min_severity: Option<Severity>,
    /// Run only these rule codes (prefixes allowed: `DF` selects the whole family).
    pub select: Vec<String>,
    /// Skip these rule codes (prefixes allowed).
    pub ignore: Vec<String>,
    /// Leave out the STRIDE-per-element baselines (family `ST`).
    pub no_baselines: bool,
    /// The risk rating method, overriding the model's `policy.rating` (default DREAD).
    pub rating: Option<RatingMethod>,
    /// Custom rules from outside the model (`palisade analyze --rules FILE`), run beside the
    /// model's own `custom_rules`.
    pub custom_rules: Vec<CustomRule>,
}

impl Settings {
    /// The custom rules to run on a model: its own, then those of the settings whose codes it
    /// does not define, selected like built-in rules.
    fn custom_rules<'a>(&'a self, model_rules: &'a [CustomRule]) -> Vec<&'a CustomRule> {
        let mut rules: Vec<&CustomRule> = model_rules.iter().collect();
        for r in &self.custom_rules {
            if !rules.iter().any(|m| m.code == r.code) {
                rules.push(r);
            }
        }
        rules.retain(|r| self.enabled(&r.code.to_ascii_uppercase()));
        rules
    }

    fn enabled(&self, code: &str) -> bool {
        let selected =
            self.select.is_empty() || self.select.iter().any(|s| code.starts_with(s.as_str()));
        let ignored = self.ignore.iter().any(|s| code.starts_with(s.as_str()));
        selected && !ignored && !(self.no_baselines && code.starts_with("ST"))
    }

    /// The rating method for `model`: this setting, else the model's policy, else DREAD.
    pub fn method_for(&self, model: Option<&Model>) -> RatingMethod {
        self.rating
            .or_else(|| model.and_then(|m| m.policy.as_ref()).and_then(|p| p.rating))
            .unwrap_or(RatingMethod::Dread)
    }
}

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static RuleMeta> {
    rules::all()
        .into_iter()
        .find(|m| m.code.eq_ignore_ascii_case(code))
}

/// Runs every model rule on `model` (read from `file`), adds the threats written in it and their
/// second-order threats, and returns them ranked (see [`rank`]).
pub fn analyze_model(model: &Model, file: &str, settings: &Settings) -> Vec<Threat> {
    let method = settings.method_for(Some(model));
    let mut threats = model_threats(model, file, settings, method);
    second_order(model, file, settings, method, &mut threats);
    rank(&mut threats);
    threats
}

/// The threats of the model's own rules and the ones written by hand, without second-order ones.
fn model_threats(
    model: &Model,
    file: &str,
    settings: &Settings,
    method: RatingMethod,
) -> Vec<Threat> {
    let cx = ModelCx::new(model, Arc::from(file));
    let mut findings: Vec<Finding> = Vec::new();
    for element in &model.elements {
        for rule in ELEMENT_RULES {
            if rules::runs_on(rule.meta(), element.kind) && settings.enabled(rule.meta().code) {
                rule.check(&cx, element, &mut findings);
            }
        }
    }
    for flow in &model.flows {
        for rule in FLOW_RULES {
            if settings.enabled(rule.meta().code) {
                rule.check(&cx, flow, &mut findings);
            }
        }
    }
    let manual = manual_threats(&cx, model, settings, method);
    let mut custom_findings = Vec::new();
    for rule in settings.custom_rules(&model.custom_rules) {
        for element in &model.elements {
            custom::check_element(rule, &cx, element, &mut custom_findings);
        }
        for flow in &model.flows {
            custom::check_flow(rule, &cx, flow, &mut custom_findings);
        }
    }
    // Baselines fill only the (target, category) pairs no specific, custom or hand-written
    // threat covers; a baseline whose categories are all covered is not even built.
    let mut baselines = Vec::new();
    {
        let covered: HashSet<(&Target, Stride)> = findings
            .iter()
            .flat_map(|f| f.meta.stride.iter().map(move |s| (&f.target, *s)))
            .chain(
                manual
                    .iter()
                    .flat_map(|t| t.stride.iter().map(move |s| (&t.target, *s))),
            )
            .chain(
                custom_findings
                    .iter()
                    .flat_map(|f| f.rule.stride.iter().map(move |s| (&f.target, *s))),
            )
            .collect();
        let uncovered = |target: &Target, meta: &RuleMeta| {
            !meta.stride.iter().all(|s| covered.contains(&(target, *s)))
        };
        for element in &model.elements {
            let target = rules::element_target(element);
            for rule in ELEMENT_BASELINES {
                if rules::runs_on(rule.meta(), element.kind)
                    && settings.enabled(rule.meta().code)
                    && uncovered(&target, rule.meta())
                {
                    rule.check(&cx, element, &mut baselines);
                }
            }
        }
        for flow in &model.flows {
            let target = rules::flow_target(flow);
            for rule in FLOW_BASELINES {
                if settings.enabled(rule.meta().code) && uncovered(&target, rule.meta()) {
                    rule.check(&cx, flow, &mut baselines);
                }
            }
        }
        // A baseline reports on its own target; keep the filter for any that does not.
        baselines.retain(|f| uncovered(&f.target, f.meta));
    }
    findings.extend(baselines);
    let mut threats = finish(findings, &model.threats, settings, method);
    threats.extend(finish_custom(
        custom_findings,
        &model.threats,
        settings,
        method,
    ));
    threats.extend(manual);
    threats
}

/// Runs every operation and API rule on one OpenAPI document, filing threats under the API id
/// `api` (the model's `apis[].id`, or the document's file name when there is no model).
/// `entries` are the decisions to attach (a model's `threats:`).
pub fn analyze_spec(
    spec: &palisade_openapi::Spec,
    api: &str,
    entries: &[ThreatEntry],
    settings: &Settings,
) -> Vec<Threat> {
    let method = settings.method_for(None);
    let mut threats = spec_threats(spec, api, entries, settings, method, &[]);
    rank(&mut threats);
    threats
}

/// The threats of one document: its operation and API rules, and the custom operation rules of
/// the model (`model_rules`) and the settings.
fn spec_threats(
    spec: &palisade_openapi::Spec,
    api: &str,
    entries: &[ThreatEntry],
    settings: &Settings,
    method: RatingMethod,
    model_rules: &[CustomRule],
) -> Vec<Threat> {
    let cx = SpecCx::new(spec, api);
    let mut findings = Vec::new();
    for rule in API_RULES {
        if settings.enabled(rule.meta().code) {
            rule.check(&cx, &mut findings);
        }
    }
    let operation_rules: Vec<_> = OPERATION_RULES
        .iter()
        .filter(|r| settings.enabled(r.meta().code))
        .collect();
    let custom_rules: Vec<&CustomRule> = settings
        .custom_rules(model_rules)
        .into_iter()
        .filter(|r| r.matches.target == RuleTarget::Operation)
        .collect();
    let mut threats = finish(findings, entries, settings, method);
    // Operations in blocks over the cores; the threads share `cx` (its memos are behind locks)
    // and the blocks come back in order, so the list is the one a single thread makes.
    let blocks = crate::parallel::in_blocks(spec.operations.len(), OPERATIONS_PER_BLOCK, |range| {
        let mut findings = Vec::new();
        let mut custom_findings = Vec::new();
        for op in &spec.operations[range] {
            let op_cx = OpCx::new(&cx, op);
            for rule in &operation_rules {
                rule.check(&op_cx, &mut findings);
            }
            for rule in &custom_rules {
                custom::check_operation(rule, &op_cx, &mut custom_findings);
            }
        }
        (
            finish(findings, entries, settings, method),
            finish_custom(custom_findings, entries, settings, method),
        )
    });
    let mut custom_threats = Vec::new();
    for (found, custom) in blocks {
        threats.extend(found);
        custom_threats.extend(custom);
    }
    threats.extend(custom_threats);
    threats
}

/// Operations one thread takes at a time in [`spec_threats`].
const OPERATIONS_PER_BLOCK: usize = 32;

/// Analyzes a model together with its loaded OpenAPI documents (`(api id, spec)` pairs).
pub fn analyze(
    model: &Model,
    file: &str,
    specs: &[(&str, &palisade_openapi::Spec)],
    settings: &Settings,
) -> Vec<Threat> {
    let method = settings.method_for(Some(model));
    let mut threats = model_threats(model, file, settings, method);
    for (api, spec) in specs {
        threats.extend(spec_threats(
            spec,
            api,
            &model.threats,
            settings,
            method,
            &model.custom_rules,
        ));
    }
    second_order(model, file, settings, method, &mut threats);
    rank(&mut threats);
    threats
}

/// Ranks threats from most to least severe: severity, then the risk score, then target and rule
/// (so that equal threats keep a stable order). Drops repeated ids.
pub fn rank(threats: &mut Vec<Threat>) {
    // Sorts positions rather than the threats themselves (large values), then moves each
    // threat once into its place.
    let mut order: Vec<usize> = (0..threats.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&threats[a], &threats[b]);
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.risk.score.total_cmp(&a.risk.score))
            .then_with(|| a.target.cmp(&b.target))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.id.cmp(&b.id))
    });
    let keep: Vec<bool> = {
        let mut seen = HashSet::with_capacity(threats.len());
        order
            .iter()
            .map(|&i| seen.insert(threats[i].id.as_str()))
            .collect()
    };
    // Applies the permutation in place, one cycle at a time: position `k` takes the threat at
    // `order[k]`. No second list of threats is allocated.
    for start in 0..order.len() {
        let mut k = start;
        loop {
            let from = std::mem::replace(&mut order[k], k);
            if from == start || from == k {
                break;
            }
            threats.swap(k, from);
            k = from;
        }
    }
    let mut keep = keep.into_iter();
    threats.retain(|_| keep.next().unwrap_or(true));
}

fn is_remote(target: &Target) -> bool {
    matches!(target, Target::Operation { .. } | Target::Api { .. })
}

/// Severity and rating of a threat: a person's severity wins; a person's factors set the
/// severity to their level; else the rule's severity and the default rating.
fn rated(
    method: RatingMethod,
    severity: Severity,
    target: &Target,
    stride: &[Stride],
    decision: Option<&ThreatEntry>,
) -> (Severity, Risk) {
    let person = decision.and_then(|d| d.risk.as_ref());
    let chosen = person.and_then(|r| r.severity);
    let base = chosen.unwrap_or(severity);
    let risk = Risk::rate(method, base, is_remote(target), stride, person);
    let severity = match chosen {
        Some(s) => s,
        None if risk.is_rated_by_a_person(person) => risk.level,
        None => severity,
    };
    (severity, risk)
}

/// Findings → threats: ids, taxonomy, rating, decisions; filtered.
fn finish(
    findings: Vec<Finding>,
    entries: &[ThreatEntry],
    settings: &Settings,
    method: RatingMethod,
) -> Vec<Threat> {
    let decisions: HashMap<&str, &ThreatEntry> = entries
        .iter()
        .filter(|e| !e.is_hand_written())
        .map(|e| (e.id.as_str(), e))
        .collect();
    let mut threats = Vec::with_capacity(findings.len());
    for f in findings {
        let id = fingerprint(f.meta.code, &f.target);
        let decision = decisions.get(id.as_str()).map(|d| (*d).clone());
        let t = to_threat(f, id, None, decision, method);
        if settings.min_severity.is_none_or(|min| t.severity >= min) {
            threats.push(t);
        }
    }
    threats
}

/// Custom-rule findings → threats, like [`finish`]: the id is the fingerprint of the rule's code
/// and the target, so decisions recorded against it survive re-runs.
fn finish_custom(
    findings: Vec<CustomFinding<'_>>,
    entries: &[ThreatEntry],
    settings: &Settings,
    method: RatingMethod,
) -> Vec<Threat> {
    findings
        .into_iter()
        .map(|f| {
            let rule = f.rule;
            let id = fingerprint(&rule.code, &f.target);
            let decision = entries
                .iter()
                .find(|e| !e.is_hand_written() && e.id == id)
                .cloned();
            let (severity, risk) = rated(
                method,
                f.severity(),
                &f.target,
                &rule.stride,
                decision.as_ref(),
            );
            Threat {
                id,
                rule: rule.code.clone(),
                title: f.title,
                description: f.description,
                evidence: f.evidence,
                target: f.target,
                location: f.location,
                stride: rule.stride.clone(),
                owasp_api_2023: rule
                    .owasp_api_2023
                    .iter()
                    .filter_map(|code| {
                        Owasp2023::ALL
                            .iter()
                            .copied()
                            .find(|o| o.code().eq_ignore_ascii_case(code.trim()))
                    })
                    .collect(),
                owasp_api_2019: Vec::new(),
                cwe: rule.cwe.clone(),
                capec: Vec::new(),
                severity,
                risk,
                mitigations: rule.mitigation.iter().cloned().collect(),
                parent: None,
                decision,
            }
        })
        .filter(|t| settings.min_severity.is_none_or(|min| t.severity >= min))
        .collect()
}

fn to_threat(
    f: Finding,
    id: ThreatId,
    parent: Option<ThreatId>,
    decision: Option<ThreatEntry>,
    method: RatingMethod,
) -> Threat {
    let (severity, risk) = rated(
        method,
        f.severity,
        &f.target,
        f.meta.stride,
        decision.as_ref(),
    );
    Threat {
        id,
        rule: f.meta.code.to_owned(),
        title: f.title,
        description: f.description,
        evidence: f.evidence,
        target: f.target,
        location: f.location,
        stride: f.meta.stride.to_vec(),
        owasp_api_2023: f.meta.owasp_2023.to_vec(),
        owasp_api_2019: f.meta.owasp_2019.to_vec(),
        cwe: f.meta.cwe.to_vec(),
        capec: f.meta.capec.to_vec(),
        severity,
        risk,
        mitigations: f.mitigations,
        parent,
        decision,
    }
}

/// The threats written by hand under `threats:` (entries with a `title`).
fn manual_threats(
    cx: &ModelCx,
    model: &Model,
    settings: &Settings,
    method: RatingMethod,
) -> Vec<Threat> {
    if !settings.enabled(MANUAL) {
        return Vec::new();
    }
    model
        .threats
        .iter()
        .filter(|e| e.is_hand_written())
        .map(|entry| {
            let target = manual_target(model, entry);
            let severity = entry.severity.unwrap_or(Severity::Medium);
            let (severity, risk) = rated(method, severity, &target, &entry.stride, Some(entry));
            let owasp_api_2023: Vec<Owasp2023> = entry
                .owasp_api_2023
                .iter()
                .filter_map(|c| {
                    Owasp2023::ALL
                        .iter()
                        .copied()
                        .find(|o| o.code().eq_ignore_ascii_case(c.trim()))
                })
                .collect();
            Threat {
                id: entry.id.clone(),
                rule: MANUAL.to_owned(),
                title: entry.title.clone().unwrap_or_default(),
                description: entry
                    .description
                    .clone()
                    .unwrap_or_else(|| entry.title.clone().unwrap_or_default()),
                evidence: vec!["written in the model".to_owned()],
                target,
                location: cx.location(entry.span),
                stride: entry.stride.clone(),
                owasp_api_2023,
                owasp_api_2019: Vec::<Owasp2019>::new(),
                cwe: entry.cwe.clone(),
                capec: entry.capec.clone(),
                severity,
                risk,
                mitigations: entry
                    .mitigations
                    .iter()
                    .filter_map(|m| model.mitigation(m.as_str()))
                    .map(|m| m.label().to_owned())
                    .collect(),
                parent: entry.parent.clone(),
                decision: Some(entry.clone()),
            }
        })
        .filter(|t| settings.min_severity.is_none_or(|min| t.severity >= min))
        .collect()
}

/// Where a hand-written threat applies. An operation without an API goes to the API whose spec
/// is named first; a threat without a target is about the whole system.
fn manual_target(model: &Model, entry: &ThreatEntry) -> Target {
    let Some(target) = &entry.target else {
        return Target::Element {
            element: String::new(),
        };
    };
    if let Some(operation) = &target.operation {
        let api = target.api.clone().unwrap_or_else(|| {
            model
                .apis
                .iter()
                .find(|a| a.spec.is_some())
                .or(model.apis.first())
                .map(|a| a.id.to_string())
                .unwrap_or_default()
        });
        return Target::Operation {
            api,
            operation: normalize_operation(operation),
        };
    }
    if let Some(flow) = &target.flow {
        return Target::Flow { flow: flow.clone() };
    }
    if let Some(element) = &target.element {
        return Target::Element {
            element: element.clone(),
        };
    }
    if let Some(api) = &target.api {
        return Target::Api { api: api.clone() };
    }
    Target::Element {
        element: String::new(),
    }
}

/// `post  /a` → `POST /a`.
fn normalize_operation(text: &str) -> String {
    let mut parts = text.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(method), Some(path)) => format!("{} {path}", method.to_ascii_uppercase()),
        _ => text.trim().to_owned(),
    }
}

/// Adds the second-order threats of every threat whose decision names a control with known
/// bypasses, and theirs in turn (up to [`MAX_ORDER`] levels). A threat marked not applicable or a
/// false positive brings none.
fn second_order(
    model: &Model,
    file: &str,
    settings: &Settings,
    method: RatingMethod,
    threats: &mut Vec<Threat>,
) {
    if model.mitigations.is_empty() {
        return;
    }
    let file: Arc<str> = Arc::from(file);
    let decisions: HashMap<&str, &ThreatEntry> = model
        .threats
        .iter()
        .filter(|e| !e.is_hand_written())
        .map(|e| (e.id.as_str(), e))
        .collect();
    let mut known: HashSet<ThreatId> = threats.iter().map(|t| t.id.clone()).collect();
    let mut parents: Vec<usize> = (0..threats.len()).collect();
    for _ in 0..MAX_ORDER {
        let mut found = Vec::new();
        for &i in &parents {
            let parent = &threats[i];
            let Some(decision) = &parent.decision else {
                continue;
            };
            if matches!(
                decision.status,
                Some(Status::NotApplicable | Status::FalsePositive)
            ) {
                continue;
            }
            for mitigation in decision
                .mitigations
                .iter()
                .filter_map(|m| model.mitigation(m.as_str()))
            {
                let Some(kind) = mitigation.kind else {
                    continue;
                };
                for rule in SECOND_ORDER_RULES {
                    if !rule.kinds().contains(&kind) || !settings.enabled(rule.meta().code) {
                        continue;
                    }
                    let location = (mitigation.span.start.line > 0)
                        .then(|| Location::new(file.clone(), mitigation.span));
                    let mut out = Vec::new();
                    rule.check(parent, mitigation, location, &mut out);
                    for mut f in out {
                        let id = second_order_fingerprint(f.meta.code, &parent.id);
                        if !known.insert(id.clone()) {
                            continue;
                        }
                        // Never rated above the threat it comes from: the attacker must first get
                        // past the control.
                        f.severity = f.severity.min(parent.severity);
                        let decision = decisions.get(id.as_str()).map(|d| (*d).clone());
                        let t = to_threat(f, id, Some(parent.id.clone()), decision, method);
                        if settings.min_severity.is_none_or(|min| t.severity >= min) {
                            found.push(t);
                        }
                    }
                }
            }
        }
        if found.is_empty() {
            break;
        }
        let start = threats.len();
        threats.extend(found);
        parents = (start..threats.len()).collect();
    }
}
