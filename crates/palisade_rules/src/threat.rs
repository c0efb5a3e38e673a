//! Threats: what the engine finds, each with a stable id, a target, a location and its taxonomy.

use std::fmt;
use std::sync::Arc;

use palisade_diagnostics::Span;
use palisade_model::{Severity, Stride, ThreatEntry, ThreatId};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::owasp::{Owasp2019, Owasp2023};
use crate::risk::Risk;

/// What a threat is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Target {
    Element {
        element: String,
    },
    Flow {
        flow: String,
    },
    /// `operation` is `METHOD /path`, the path exactly as the key under `paths`.
    Operation {
        api: String,
        operation: String,
    },
    Api {
        api: String,
    },
}

impl Target {
    /// The text the fingerprint is computed from; independent of everything but the target.
    pub fn key(&self) -> String {
        match self {
            Self::Element { element } => format!("element:{element}"),
            Self::Flow { flow } => format!("flow:{flow}"),
            Self::Operation { api, operation } => format!("operation:{api}:{operation}"),
            Self::Api { api } => format!("api:{api}"),
        }
    }

    /// A short human label: "element `db`", "GET /users/{id}".
    pub fn label(&self) -> String {
        match self {
            Self::Element { element } if element.is_empty() => "the system".to_owned(),
            Self::Element { element } => format!("element `{element}`"),
            Self::Flow { flow } => format!("flow `{flow}`"),
            Self::Operation { operation, .. } => operation.clone(),
            Self::Api { api } => format!("API `{api}`"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// Where a threat points: the line a person must change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
pub struct Location {
    #[schemars(with = "String")]
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

impl Location {
    pub fn new(file: Arc<str>, span: Span) -> Self {
        Self {
            file,
            line: span.start.line,
            column: span.start.col,
            span,
        }
    }
}

/// The stable id of the threat that `rule` finds on `target`: unchanged by edits elsewhere.
pub fn fingerprint(rule: &str, target: &Target) -> ThreatId {
    digest(rule, &target.key())
}

/// The stable id of the second-order threat that `rule` derives from the threat `parent`: a
/// bypass of the control that mitigates `parent`. Unchanged as long as `parent`'s id is.
pub fn second_order_fingerprint(rule: &str, parent: &ThreatId) -> ThreatId {
    digest(rule, &format!("parent:{parent}"))
}

fn digest(rule: &str, key: &str) -> ThreatId {
    let mut hasher = Sha256::new();
    hasher.update(rule.as_bytes());
    hasher.update([0]);
    hasher.update(key.as_bytes());
    let digest = hasher.finalize();
    let hex = digest[..6]
        .iter()
        .fold(String::with_capacity(12), |mut hex, b| {
            use std::fmt::Write as _;
            let _ = write!(hex, "{b:02x}");
            hex
        });
    ThreatId::new(format!("TH-{hex}"))
}

/// One thing that can go wrong, on one target.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Threat {
    /// Stable: a fingerprint of the rule and the target, `TH-` and 12 hex digits.
    pub id: ThreatId,
    /// The rule's code (`DF001`), or `MANUAL` for threats written in the model.
    pub rule: String,
    pub title: String,
    /// What can happen, naming the actual element or operation.
    pub description: String,
    /// What in the model or spec triggered the rule.
    pub evidence: Vec<String>,
    pub target: Target,
    pub location: Option<Location>,
    pub stride: Vec<Stride>,
    /// OWASP API Security Top 10 2023 categories, like `API1`.
    pub owasp_api_2023: Vec<Owasp2023>,
    pub owasp_api_2019: Vec<Owasp2019>,
    pub cwe: Vec<u32>,
    pub capec: Vec<u32>,
    pub severity: Severity,
    pub risk: Risk,
    /// Controls that would address it.
    pub mitigations: Vec<String>,
    /// The second-order threat's parent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<ThreatId>,
    /// The decision recorded in the model against this id, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<ThreatEntry>,
}

impl Threat {
    /// The status from the decision, `open` when none was recorded.
    pub fn status(&self) -> palisade_model::Status {
        self.decision
            .as_ref()
            .and_then(|d| d.status)
            .unwrap_or(palisade_model::Status::Open)
    }
}

/// What `palisade analyze --format json` prints.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(
    title = "Palisade analysis",
    description = "The threats `palisade analyze --format json` found, most severe first."
)]
pub struct Analysis {
    pub threats: Vec<Threat>,
}

/// [`Analysis`] borrowing its threats: the same JSON, written without copying a large list.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AnalysisRef<'a> {
    pub threats: &'a [Threat],
}

/// The JSON Schema of [`Analysis`], as pretty JSON with a final newline.
pub fn analysis_schema_json() -> String {
    let schema = schemars::schema_for!(Analysis);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
