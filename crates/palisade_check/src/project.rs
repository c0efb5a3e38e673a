//! The check and the diff of what `palisade_project` loads, shared by the command line and the
//! server so that both resolve the policy, rate the threats and name the sides alike. Still
//! pure: the caller passes the documents' hashes (read from disk, or from stored text) and the
//! date.

use std::collections::BTreeMap;

use palisade_model::{Date, Model, Policy, Severity};
use palisade_project::{Input, MissingSpec};
use palisade_rules::{Settings, Threat};

use crate::diff::Side;
use crate::{EffectivePolicy, Report, SpecInput};

/// What [`check`] needs besides the input.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The documents a model names that do not exist (drift).
    pub missing_specs: &'a [MissingSpec],
    /// A policy of its own (`palisade check --policy`); its keys win over the model's.
    pub file_policy: Option<&'a Policy>,
    /// Fail on unresolved threats at or above this severity, whatever the policies say.
    pub fail_on: Option<Severity>,
    /// `sha256:<hex>` of each loaded document's bytes, by API id (see
    /// `palisade_project::spec_hashes`); a document without one is not compared with
    /// `reviewed.specs`.
    pub spec_hashes: &'a BTreeMap<String, String>,
    pub today: Date,
}

/// One input, checked: its report, and its threats rated by the policy's method.
#[derive(Debug, Clone)]
pub struct Checked {
    pub report: Report,
    pub threats: Vec<Threat>,
}

/// Resolves the effective policy, analyzes `input` with its rating method, and checks it. A bare
/// OpenAPI document is checked as a model of that name with only its unresolved threats.
pub fn check(input: &Input, options: &Options) -> Checked {
    let bare;
    let (model, file, specs): (&Model, &str, Vec<(&str, &palisade_openapi::Spec)>) = match input {
        Input::Model { model, file, specs } => (
            model,
            file,
            specs.iter().map(|(a, s)| (a.as_str(), s)).collect(),
        ),
        Input::Spec { api, spec } => {
            bare = Model::new(api.clone());
            (
                &bare,
                spec.location.file.as_ref(),
                vec![(api.as_str(), &**spec)],
            )
        }
    };
    let mut policy = EffectivePolicy::resolve(model.policy.as_ref(), options.file_policy);
    if let Some(level) = options.fail_on {
        policy.fail_on = level;
    }
    let settings = Settings {
        rating: Some(policy.rating),
        ..Settings::default()
    };
    let threats = input.analyze(&settings);
    let is_model = matches!(input, Input::Model { .. });
    let spec_inputs = specs
        .iter()
        .map(|(api, spec)| SpecInput {
            api,
            spec,
            hash: if is_model {
                options.spec_hashes.get(*api).cloned()
            } else {
                None
            },
        })
        .collect();
    let report = crate::check(
        &crate::Input {
            model,
            file,
            specs: spec_inputs,
            missing_specs: options
                .missing_specs
                .iter()
                .filter(|m| m.model == file)
                .map(|m| m.api.as_str())
                .collect(),
            threats: &threats,
            today: options.today,
        },
        &policy,
    );
    Checked { report, threats }
}

/// Two inputs that cannot be compared: a model and a bare OpenAPI document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotSameKind;

/// The threats of both sides of a diff (default settings, as `palisade analyze`). Two bare
/// documents have their threats filed under the newer one's API name, so that ids match.
pub fn diff_threats(
    old: &mut Input,
    new: &mut Input,
) -> Result<(Vec<Threat>, Vec<Threat>), NotSameKind> {
    let is_model = |i: &Input| matches!(i, Input::Model { .. });
    if is_model(old) != is_model(new) {
        return Err(NotSameKind);
    }
    if let (Input::Spec { api: a, .. }, Input::Spec { api: b, .. }) = (&mut *old, &*new) {
        a.clone_from(b);
    }
    let settings = Settings::default();
    Ok((old.analyze(&settings), new.analyze(&settings)))
}

/// The level a diff fails on: `explicit`, else the newer model's `policy.fail_on`, else high.
pub fn diff_fail_on(new: &Input, explicit: Option<Severity>) -> Severity {
    explicit.unwrap_or_else(|| match new {
        Input::Model { model, .. } => model
            .policy
            .as_ref()
            .and_then(|p| p.fail_on)
            .unwrap_or(Severity::High),
        Input::Spec { .. } => Severity::High,
    })
}

impl<'a> Side<'a> {
    /// One side of a diff: `input` with its threats, named `label`.
    pub fn of(label: impl Into<String>, input: &'a Input, threats: &'a [Threat]) -> Self {
        let label = label.into();
        match input {
            Input::Model { model, specs, .. } => Side {
                label,
                model: Some(model),
                specs: specs.iter().map(|(a, s)| (a.as_str(), s)).collect(),
                threats,
            },
            Input::Spec { api, spec } => Side {
                label,
                model: None,
                specs: vec![(api.as_str(), &**spec)],
                threats,
            },
        }
    }
}
