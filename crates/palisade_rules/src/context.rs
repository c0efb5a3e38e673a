//! What rules read: the model with its lookups precomputed (by id, flows in and out of each
//! element, effective trust boundaries), so that every rule is a few map lookups and a model of
//! 10,000 elements stays linear.

use std::collections::HashMap;
use std::sync::Arc;

use palisade_diagnostics::Span;
use palisade_model::{
    BoundaryKind, Classification, DataAsset, DataCategory, Element, ElementKind, Flow,
    MitigationKind, Model, Severity,
};

use crate::declare::RuleMeta;
use crate::threat::{Location, Target};

/// The model and its indexes.
pub struct ModelCx<'m> {
    pub model: &'m Model,
    pub file: Arc<str>,
    elements: HashMap<&'m str, &'m Element>,
    data: HashMap<&'m str, &'m DataAsset>,
    boundary_of: HashMap<&'m str, Option<&'m str>>,
    inbound: HashMap<&'m str, Vec<&'m Flow>>,
    outbound: HashMap<&'m str, Vec<&'m Flow>>,
    controls: HashMap<&'m str, Vec<MitigationKind>>,
    /// Whether the model names an API gateway.
    pub has_gateway: bool,
}

impl<'m> ModelCx<'m> {
    pub fn new(model: &'m Model, file: Arc<str>) -> Self {
        let elements: HashMap<_, _> = model.elements.iter().map(|e| (e.id.as_str(), e)).collect();
        let data = model.data.iter().map(|d| (d.id.as_str(), d)).collect();
        let mut boundary_of = HashMap::with_capacity(elements.len());
        for e in &model.elements {
            // Walk up `parent` links (bounded: the loader refuses cycles) to the first boundary.
            let mut current = e;
            let mut found = None;
            for _ in 0..=model.elements.len().min(64) {
                if let Some(b) = &current.boundary {
                    found = Some(b.as_str());
                    break;
                }
                match current
                    .parent
                    .as_ref()
                    .and_then(|p| elements.get(p.as_str()))
                {
                    Some(parent) => current = parent,
                    None => break,
                }
            }
            boundary_of.insert(e.id.as_str(), found);
        }
        let mut inbound: HashMap<&str, Vec<&Flow>> = HashMap::new();
        let mut outbound: HashMap<&str, Vec<&Flow>> = HashMap::new();
        for f in &model.flows {
            inbound.entry(f.to.as_str()).or_default().push(f);
            outbound.entry(f.from.as_str()).or_default().push(f);
        }
        let mut controls: HashMap<&str, Vec<MitigationKind>> = HashMap::new();
        for m in &model.mitigations {
            if let Some(kind) = m.kind {
                for e in &m.elements {
                    controls.entry(e.as_str()).or_default().push(kind);
                }
            }
        }
        let has_gateway = model.elements.iter().any(|e| e.gateway);
        Self {
            model,
            file,
            elements,
            data,
            boundary_of,
            inbound,
            outbound,
            controls,
            has_gateway,
        }
    }

    pub fn element(&self, id: &str) -> Option<&'m Element> {
        self.elements.get(id).copied()
    }

    pub fn data_asset(&self, id: &str) -> Option<&'m DataAsset> {
        self.data.get(id).copied()
    }

    /// The trust boundary an element sits in (its own or its parent element's).
    pub fn boundary_of(&self, element: &str) -> Option<&'m str> {
        self.boundary_of.get(element).copied().flatten()
    }

    /// The kind of the boundary an element sits in.
    pub fn zone_kind(&self, element: &str) -> Option<BoundaryKind> {
        let b = self.boundary_of(element)?;
        self.model.boundary(b).and_then(|b| b.kind)
    }

    /// The boundary's display name.
    pub fn boundary_label(&self, id: &str) -> String {
        self.model
            .boundary(id)
            .map_or_else(|| id.to_owned(), |b| b.label().to_owned())
    }

    pub fn inbound(&self, element: &str) -> &[&'m Flow] {
        self.inbound.get(element).map_or(&[], Vec::as_slice)
    }

    pub fn outbound(&self, element: &str) -> &[&'m Flow] {
        self.outbound.get(element).map_or(&[], Vec::as_slice)
    }

    /// Whether the flow's ends sit in different trust zones.
    pub fn crosses(&self, flow: &Flow) -> bool {
        self.boundary_of(flow.from.as_str()) != self.boundary_of(flow.to.as_str())
    }

    /// The boundary a crossing flow enters from (its source's zone), named for messages.
    pub fn crossing_label(&self, flow: &Flow) -> String {
        match (
            self.boundary_of(flow.from.as_str()),
            self.boundary_of(flow.to.as_str()),
        ) {
            (Some(from), Some(to)) => format!(
                "from `{}` into `{}`",
                self.boundary_label(from),
                self.boundary_label(to)
            ),
            (Some(from), None) => format!("out of `{}`", self.boundary_label(from)),
            (None, Some(to)) => format!("into `{}`", self.boundary_label(to)),
            (None, None) => "between zones".to_owned(),
        }
    }

    /// Whether the element is outside our control: an external entity in the internet, a
    /// third-party zone, or with no zone.
    pub fn is_untrusted_source(&self, element: &str) -> bool {
        let Some(e) = self.element(element) else {
            return false;
        };
        e.kind == ElementKind::ExternalEntity
            || matches!(
                self.zone_kind(element),
                Some(BoundaryKind::Internet | BoundaryKind::ThirdParty)
            )
    }

    /// Whether the element sits in a third-party zone.
    pub fn is_third_party(&self, element: &str) -> bool {
        matches!(self.zone_kind(element), Some(BoundaryKind::ThirdParty))
    }

    /// The data assets a flow carries (unknown ids are skipped: the loader reports them).
    pub fn flow_data(&self, flow: &Flow) -> Vec<&'m DataAsset> {
        flow.data
            .iter()
            .filter_map(|d| self.data_asset(d.as_str()))
            .collect()
    }

    /// The data assets a store keeps.
    pub fn stored_data(&self, element: &Element) -> Vec<&'m DataAsset> {
        element
            .stores
            .iter()
            .filter_map(|d| self.data_asset(d.as_str()))
            .collect()
    }

    /// Whether a control of `kind` is recorded on the element.
    pub fn has_control(&self, element: &str, kind: MitigationKind) -> bool {
        self.controls
            .get(element)
            .is_some_and(|k| k.contains(&kind))
    }

    /// The element's display name in backquotes.
    pub fn name(&self, element: &str) -> String {
        self.element(element)
            .map_or_else(|| format!("`{element}`"), |e| format!("`{}`", e.label()))
    }

    /// `from → to` for a flow, with display names.
    pub fn flow_name(&self, flow: &Flow) -> String {
        match &flow.name {
            Some(n) => format!(
                "`{n}` ({} → {})",
                self.name(flow.from.as_str()),
                self.name(flow.to.as_str())
            ),
            None => format!(
                "{} → {}",
                self.name(flow.from.as_str()),
                self.name(flow.to.as_str())
            ),
        }
    }

    pub fn location(&self, span: Span) -> Option<Location> {
        (span.start.line > 0).then(|| Location::new(self.file.clone(), span))
    }
}

/// The most sensitive classification among `data` (`internal` when there is none).
pub fn max_classification(data: &[&DataAsset]) -> Classification {
    data.iter()
        .map(|d| d.effective_classification())
        .max()
        .unwrap_or(Classification::Internal)
}

/// Whether any asset is credentials, tokens or secrets.
pub fn carries_secrets(data: &[&DataAsset]) -> bool {
    data.iter().any(|d| {
        d.categories.iter().any(|c| {
            matches!(
                c,
                DataCategory::Credentials | DataCategory::Token | DataCategory::Secret
            )
        })
    })
}

/// `card data, customer PII` for messages (at most four, then "and N more").
pub fn data_list(data: &[&DataAsset]) -> String {
    let mut names: Vec<String> = data
        .iter()
        .take(4)
        .map(|d| format!("`{}`", d.label()))
        .collect();
    if data.len() > 4 {
        names.push(format!("and {} more", data.len() - 4));
    }
    names.join(", ")
}

/// A severity from how sensitive the data is.
pub fn severity_for(classification: Classification, high: Severity, low: Severity) -> Severity {
    if classification >= Classification::Confidential {
        high
    } else {
        low
    }
}

/// One finding of a rule, before the engine turns it into a [`crate::Threat`].
#[derive(Debug, Clone)]
pub struct Finding {
    pub meta: &'static RuleMeta,
    pub target: Target,
    pub title: String,
    pub description: String,
    pub evidence: Vec<String>,
    pub severity: Severity,
    pub location: Option<Location>,
    pub mitigations: Vec<String>,
}

impl Finding {
    pub fn new(meta: &'static RuleMeta, target: Target, title: impl Into<String>) -> Self {
        Self {
            meta,
            target,
            title: title.into(),
            description: String::new(),
            evidence: Vec::new(),
            severity: meta.severity,
            location: None,
            mitigations: Vec::new(),
        }
    }

    #[must_use]
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    #[must_use]
    pub fn evidence(mut self, text: impl Into<String>) -> Self {
        self.evidence.push(text.into());
        self
    }

    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    #[must_use]
    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    #[must_use]
    pub fn mitigation(mut self, text: impl Into<String>) -> Self {
        self.mitigations.push(text.into());
        self
    }
}
