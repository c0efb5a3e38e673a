//! The engine: runs each rule on the targets of its kind, fills STRIDE baselines, turns findings
//! into threats with stable ids, attaches the model's decisions, and sorts.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use palisade_model::{CustomRule, Model, Severity, Stride, ThreatEntry};

use crate::RuleMeta;
use crate::context::{Finding, ModelCx};
use crate::custom::{self, CustomFinding};
use crate::owasp::{Owasp2019, Owasp2023};
use crate::risk::Risk;
use crate::rules::{
    self, API_RULES, ELEMENT_BASELINES, ELEMENT_RULES, FLOW_BASELINES, FLOW_RULES, OPERATION_RULES,
};
use crate::spec_context::{OpCx, SpecCx};
use crate::threat::Location;
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
    /// Custom rules from outside the model (`palisade analyze --rules FILE`), run beside the
    /// model's own `custom_rules`.
    pub custom_rules: Vec<CustomRule>,
}

impl Settings {
    /// The custom rules to run on `model`: its own, then those of the settings whose codes it
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
    let mut custom_findings = Vec::new();
    for rule in settings.custom_rules(&model.custom_rules) {
        for element in &model.elements {
            custom::check_element(rule, &cx, element, &mut custom_findings);
        }
        for flow in &model.flows {
            custom::check_flow(rule, &cx, flow, &mut custom_findings);
        }
    }
    let covered: HashSet<(Target, Stride)> = covered
        .into_iter()
        .chain(
            custom_findings
                .iter()
                .flat_map(|f| f.rule.stride.iter().map(move |s| (f.target.clone(), *s))),
        )
        .collect();
    findings.extend(baselines.into_iter().filter(|f| {
        !f.meta
            .stride
            .iter()
            .all(|s| covered.contains(&(f.target.clone(), *s)))
    }));
    finish(findings, custom_findings, &model.threats, settings)
}

/// Runs every operation and API rule on one OpenAPI document, filing threats under the API id
/// `api` (the model's `apis[].id`, or the document's file name when there is no model).
pub fn analyze_spec(
    spec: &palisade_openapi::Spec,
    api: &str,
    entries: &[ThreatEntry],
    settings: &Settings,
) -> Vec<Threat> {
    analyze_spec_with(spec, api, entries, settings, &[])
}

/// [`analyze_spec`] with the custom rules of a model beside those of the settings.
fn analyze_spec_with(
    spec: &palisade_openapi::Spec,
    api: &str,
    entries: &[ThreatEntry],
    settings: &Settings,
    model_rules: &[CustomRule],
) -> Vec<Threat> {
    let rules = settings.custom_rules(model_rules);
    let cx = SpecCx::new(spec, api);
    let mut custom_findings = Vec::new();
    if rules
        .iter()
        .any(|r| r.matches.target == palisade_model::RuleTarget::Operation)
    {
        for op in &spec.operations {
            let op_cx = OpCx::new(&cx, op);
            for rule in &rules {
                custom::check_operation(rule, &op_cx, &mut custom_findings);
            }
        }
    }
    finish(
        spec_findings_in(&cx, settings),
        custom_findings,
        entries,
        settings,
    )
}

/// The findings of the operation and API rules on one document.
fn spec_findings_in<'s>(cx: &'s SpecCx<'s>, settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in API_RULES {
        if settings.enabled(rule.meta().code) {
            rule.check(cx, &mut findings);
        }
    }
    let operation_rules: Vec<_> = OPERATION_RULES
        .iter()
        .filter(|r| settings.enabled(r.meta().code))
        .collect();
    for op in &cx.spec.operations {
        let op_cx = OpCx::new(cx, op);
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
        threats.extend(analyze_spec_with(
            spec,
            api,
            &model.threats,
            settings,
            &model.custom_rules,
        ));
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

/// What every threat is made from, whichever kind of rule found it.
struct Parts {
    code: String,
    target: Target,
    title: String,
    description: String,
    evidence: Vec<String>,
    location: Option<Location>,
    stride: Vec<Stride>,
    owasp_api_2023: Vec<Owasp2023>,
    owasp_api_2019: Vec<Owasp2019>,
    cwe: Vec<u32>,
    capec: Vec<u32>,
    severity: Severity,
    mitigations: Vec<String>,
}

impl From<Finding> for Parts {
    fn from(f: Finding) -> Self {
        Self {
            code: f.meta.code.to_owned(),
            target: f.target,
            title: f.title,
            description: f.description,
            evidence: f.evidence,
            location: f.location,
            stride: f.meta.stride.to_vec(),
            owasp_api_2023: f.meta.owasp_2023.to_vec(),
            owasp_api_2019: f.meta.owasp_2019.to_vec(),
            cwe: f.meta.cwe.to_vec(),
            capec: f.meta.capec.to_vec(),
            severity: f.severity,
            mitigations: f.mitigations,
        }
    }
}

impl From<CustomFinding<'_>> for Parts {
    fn from(f: CustomFinding<'_>) -> Self {
        let severity = f.severity();
        let rule = f.rule;
        Self {
            code: rule.code.clone(),
            target: f.target,
            title: f.title,
            description: f.description,
            evidence: f.evidence,
            location: f.location,
            stride: rule.stride.clone(),
            owasp_api_2023: rule
                .owasp_api_2023
                .iter()
                .filter_map(|code| {
                    Owasp2023::ALL
                        .iter()
                        .copied()
                        .find(|o| o.code().eq_ignore_ascii_case(code))
                })
                .collect(),
            owasp_api_2019: Vec::new(),
            cwe: rule.cwe.clone(),
            capec: Vec::new(),
            severity,
            mitigations: rule.mitigation.iter().cloned().collect(),
        }
    }
}

/// Findings → threats: ids, taxonomy, default risk, decisions; filtered and sorted.
pub(crate) fn finish(
    findings: Vec<Finding>,
    custom_findings: Vec<CustomFinding<'_>>,
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
        .map(Parts::from)
        .chain(custom_findings.into_iter().map(Parts::from))
        .map(|p| {
            let id = fingerprint(&p.code, &p.target);
            let decision = decisions.get(id.as_str()).map(|d| (*d).clone());
            let severity = decision
                .as_ref()
                .and_then(|d| d.risk.as_ref())
                .and_then(|r| r.severity)
                .unwrap_or(p.severity);
            let remote = matches!(p.target, Target::Operation { .. } | Target::Api { .. });
            let risk = decision
                .as_ref()
                .and_then(|d| d.risk.as_ref())
                .and_then(|r| r.dread)
                .map_or_else(|| Risk::default_for(severity, remote), Risk::from_dread);
            Threat {
                id,
                rule: p.code,
                title: p.title,
                description: p.description,
                evidence: p.evidence,
                target: p.target,
                location: p.location,
                stride: p.stride,
                owasp_api_2023: p.owasp_api_2023,
                owasp_api_2019: p.owasp_api_2019,
                cwe: p.cwe,
                capec: p.capec,
                severity,
                risk,
                mitigations: p.mitigations,
                parent: None,
                decision,
            }
        })
        .filter(|t| settings.min_severity.is_none_or(|min| t.severity >= min))
        .collect();
    sort(&mut threats);
    threats
}
