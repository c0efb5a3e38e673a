//! The `Model`: the whole file, and lookups across its parts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    Api, Assumption, Boundary, BoundaryId, CustomRule, DataAsset, Element, Flow, Mitigation, Notes,
    Objective, Policy, Reviewed, System, ThreatEntry,
};

/// The model format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// One system's threat model, as written in `palisade.yaml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Palisade threat model",
    description = "One system described for threat modeling with Palisade (model format version 1)."
)]
pub struct Model {
    /// The format version; always `1`.
    #[schemars(range(min = 1, max = 1))]
    pub palisade: u32,
    pub system: System,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectives: Vec<Objective>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<DataAsset>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boundaries: Vec<Boundary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<Element>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<Flow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apis: Vec<Api>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<Mitigation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threats: Vec<ThreatEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<Assumption>,
    #[serde(default, skip_serializing_if = "Notes::is_empty")]
    pub notes: Notes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed: Option<Reviewed>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_rules: Vec<CustomRule>,
}

impl Model {
    /// A minimal model: just a version and a system name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            palisade: FORMAT_VERSION,
            system: System {
                name: name.into(),
                ..System::default()
            },
            ..Self::default()
        }
    }

    pub fn element(&self, id: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.id.as_str() == id)
    }

    pub fn flow(&self, id: &str) -> Option<&Flow> {
        self.flows.iter().find(|f| f.id.as_str() == id)
    }

    pub fn boundary(&self, id: &str) -> Option<&Boundary> {
        self.boundaries.iter().find(|b| b.id.as_str() == id)
    }

    pub fn data_asset(&self, id: &str) -> Option<&DataAsset> {
        self.data.iter().find(|d| d.id.as_str() == id)
    }

    pub fn api(&self, id: &str) -> Option<&Api> {
        self.apis.iter().find(|a| a.id.as_str() == id)
    }

    pub fn mitigation(&self, id: &str) -> Option<&Mitigation> {
        self.mitigations.iter().find(|m| m.id.as_str() == id)
    }

    /// The trust boundary an element sits in: its own, or else its parent element's.
    pub fn boundary_of<'a>(&'a self, element: &'a Element) -> Option<&'a BoundaryId> {
        let mut current = element;
        for _ in 0..=self.elements.len() {
            if let Some(b) = &current.boundary {
                return Some(b);
            }
            current = self.element(current.parent.as_ref()?.as_str())?;
        }
        None
    }

    /// The boundaries enclosing `boundary`, innermost first, itself included.
    pub fn boundary_chain<'a>(&'a self, boundary: &'a BoundaryId) -> Vec<&'a BoundaryId> {
        let mut chain = Vec::new();
        let mut current = Some(boundary);
        while let Some(id) = current {
            if chain.contains(&id) || chain.len() > self.boundaries.len() {
                break;
            }
            chain.push(id);
            current = self.boundary(id.as_str()).and_then(|b| b.parent.as_ref());
        }
        chain
    }

    /// Whether a flow's ends sit in different trust zones.
    pub fn crosses_boundary(&self, flow: &Flow) -> bool {
        let from = self
            .element(flow.from.as_str())
            .and_then(|e| self.boundary_of(e));
        let to = self
            .element(flow.to.as_str())
            .and_then(|e| self.boundary_of(e));
        from != to
    }
}
