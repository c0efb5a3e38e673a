//! The engine: runs each rule on the targets of its kind, fills STRIDE baselines, turns findings
//! into threats with stable ids, attaches the model's decisions, and sorts.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use palisade_model::{Model, Severity, Stride, ThreatEntry};

use crate::RuleMeta;
use crate::context::{Finding, ModelCx};
use crate::risk::Risk;
use crate::rules::{
    self, API_RULES, ELEMENT_BASELINES, ELEMENT_RULES, FLOW_BASELINES, FLOW_RULES, OPERATION_RULES,
};
use crate::spec_context::{OpCx, SpecCx};
use crate::threat::{Target, Threat, fingerprint};

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
}

impl Settings {
    fn enabled(&self, code: &str) -> bool {
        let selected =
            self.select.is_empty() || self.select.iter().any(|s| code.starts_with(s.as_str()));
        let ignored = self.ignore.iter().any(|s| code.starts_with(s.as_str()));
        selected && !ignored && !(self.no_baselines && code.starts_with("ST"))
    }
}

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static RuleMeta> {
    rules::all()
        .into_iter()
        .find(|m| m.code.eq_ignore_ascii_case(code))
}

/// Runs every model rule on `model` (read from `file`) and returns the threats, sorted by
/// severity (highest first), then target, then rule.
pub fn analyze_model(model: &Model, file: &str, settings: &Settings) -> Vec<Threat> {
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
    let covered: HashSet<(Target, Stride)> = findings
        .iter()
        .flat_map(|f| f.meta.stride.iter().map(move |s| (f.target.clone(), *s)))
        .collect();
    let mut baselines = Vec::new();
    for element in &model.elements {
        for rule in ELEMENT_BASELINES {
            if rules::runs_on(rule.meta(), element.kind) && settings.enabled(rule.meta().code) {
                rule.check(&cx, element, &mut baselines);
            }
        }
    }
    for flow in &model.flows {
        for rule in FLOW_BASELINES {
            if settings.enabled(rule.meta().code) {
                rule.check(&cx, flow, &mut baselines);
            }
        }
    }
    findings.extend(baselines.into_iter().filter(|f| {
        !f.meta
            .stride
            .iter()
            .all(|s| covered.contains(&(f.target.clone(), *s)))
    }));
    finish(findings, &model.threats, settings)
}

/// Runs every operation and API rule on one OpenAPI document, filing threats under the API id
/// `api` (the model's `apis[].id`, or the document's file name when there is no model).
pub fn analyze_spec(
    spec: &palisade_openapi::Spec,
    api: &str,
    entries: &[ThreatEntry],
    settings: &Settings,
) -> Vec<Threat> {
    finish(spec_findings(spec, api, settings), entries, settings)
}

/// The findings of the operation and API rules on one document.
pub(crate) fn spec_findings(
    spec: &palisade_openapi::Spec,
    api: &str,
    settings: &Settings,
) -> Vec<Finding> {
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
    for op in &spec.operations {
        let op_cx = OpCx::new(&cx, op);
        for rule in &operation_rules {
            rule.check(&op_cx, &mut findings);
        }
    }
    findings
}

/// Analyzes a model together with its loaded OpenAPI documents (`(api id, spec)` pairs).
pub fn analyze(
    model: &Model,
    file: &str,
    specs: &[(&str, &palisade_openapi::Spec)],
    settings: &Settings,
) -> Vec<Threat> {
    let mut threats = analyze_model(model, file, settings);
    for (api, spec) in specs {
        threats.extend(analyze_spec(spec, api, &model.threats, settings));
    }
    sort(&mut threats);
    threats
}

fn sort(threats: &mut Vec<Threat>) {
    threats.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.target.cmp(&b.target))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    threats.dedup_by(|a, b| a.id == b.id);
}

/// Findings → threats: ids, taxonomy, default risk, decisions; filtered and sorted.
pub(crate) fn finish(
    findings: Vec<Finding>,
    entries: &[ThreatEntry],
    settings: &Settings,
) -> Vec<Threat> {
    let decisions: HashMap<&str, &ThreatEntry> = entries
        .iter()
        .filter(|e| !e.is_hand_written())
        .map(|e| (e.id.as_str(), e))
        .collect();
    let mut threats: Vec<Threat> = findings
        .into_iter()
        .map(|f| {
            let id = fingerprint(f.meta.code, &f.target);
            let decision = decisions.get(id.as_str()).map(|d| (*d).clone());
            let severity = decision
                .as_ref()
                .and_then(|d| d.risk.as_ref())
                .and_then(|r| r.severity)
                .unwrap_or(f.severity);
            let remote = matches!(f.target, Target::Operation { .. } | Target::Api { .. });
            let risk = decision
                .as_ref()
                .and_then(|d| d.risk.as_ref())
                .and_then(|r| r.dread)
                .map_or_else(|| Risk::default_for(severity, remote), Risk::from_dread);
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
                parent: None,
                decision,
            }
        })
        .filter(|t| settings.min_severity.is_none_or(|min| t.severity >= min))
        .collect();
    sort(&mut threats);
    threats
}
