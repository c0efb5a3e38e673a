//! Threats written by hand, and decisions recorded against generated threats.

use palisade_diagnostics::Span;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{AssumptionId, Date, MitigationId, ThreatId, string_enum};

string_enum! {
    /// STRIDE categories.
    pub enum Stride {
        Spoofing = "spoofing",
        Tampering = "tampering",
        Repudiation = "repudiation",
        InformationDisclosure = "information_disclosure",
        DenialOfService = "denial_of_service",
        ElevationOfPrivilege = "elevation_of_privilege",
    }
}

impl Stride {
    /// The six categories in STRIDE order.
    pub const ALL_CATEGORIES: &'static [Stride] = &[
        Self::Spoofing,
        Self::Tampering,
        Self::Repudiation,
        Self::InformationDisclosure,
        Self::DenialOfService,
        Self::ElevationOfPrivilege,
    ];

    /// The one-letter abbreviation.
    pub fn letter(self) -> char {
        match self {
            Self::Spoofing => 'S',
            Self::Tampering => 'T',
            Self::Repudiation => 'R',
            Self::InformationDisclosure => 'I',
            Self::DenialOfService => 'D',
            Self::ElevationOfPrivilege => 'E',
        }
    }

    /// The category's name as people write it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Spoofing => "Spoofing",
            Self::Tampering => "Tampering",
            Self::Repudiation => "Repudiation",
            Self::InformationDisclosure => "Information disclosure",
            Self::DenialOfService => "Denial of service",
            Self::ElevationOfPrivilege => "Elevation of privilege",
        }
    }
}

string_enum! {
    /// How bad a threat is, from least to most.
    pub enum Severity {
        Info = "info",
        Low = "low",
        Medium = "medium",
        High = "high",
        Critical = "critical",
    }
}

string_enum! {
    /// Where the team stands on a threat.
    pub enum Status {
        Open = "open",
        NeedsInvestigation = "needs_investigation",
        InProgress = "in_progress",
        Mitigated = "mitigated",
        Accepted = "accepted",
        Transferred = "transferred",
        Avoided = "avoided",
        NotApplicable = "not_applicable",
        FalsePositive = "false_positive",
    }
}

impl Status {
    /// Whether the threat still needs work (it counts against a CI policy).
    pub fn is_unresolved(self) -> bool {
        matches!(
            self,
            Self::Open | Self::NeedsInvestigation | Self::InProgress
        )
    }
}

string_enum! {
    /// The strategy chosen for a threat.
    pub enum Strategy {
        Reduce = "reduce",
        Transfer = "transfer",
        Avoid = "avoid",
        Accept = "accept",
    }
}

/// A bug or work item that tracks a threat. In a model file it may also be written as a bare
/// string: an id (`PAY-123`) or a URL.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    /// The bug ID, such as `PAY-123` or `#42`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// DREAD factors, each 0–10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dread {
    #[schemars(range(max = 10))]
    pub damage: u8,
    #[schemars(range(max = 10))]
    pub reproducibility: u8,
    #[schemars(range(max = 10))]
    pub exploitability: u8,
    #[schemars(range(max = 10))]
    pub affected_users: u8,
    #[schemars(range(max = 10))]
    pub discoverability: u8,
}

/// OWASP Risk Rating likelihood factors, each 0–9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwaspLikelihood {
    #[schemars(range(max = 9))]
    pub skill_level: u8,
    #[schemars(range(max = 9))]
    pub motive: u8,
    #[schemars(range(max = 9))]
    pub opportunity: u8,
    #[schemars(range(max = 9))]
    pub size: u8,
    #[schemars(range(max = 9))]
    pub ease_of_discovery: u8,
    #[schemars(range(max = 9))]
    pub ease_of_exploit: u8,
    #[schemars(range(max = 9))]
    pub awareness: u8,
    #[schemars(range(max = 9))]
    pub intrusion_detection: u8,
}

/// OWASP Risk Rating impact factors, each 0–9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwaspImpact {
    #[schemars(range(max = 9))]
    pub loss_of_confidentiality: u8,
    #[schemars(range(max = 9))]
    pub loss_of_integrity: u8,
    #[schemars(range(max = 9))]
    pub loss_of_availability: u8,
    #[schemars(range(max = 9))]
    pub loss_of_accountability: u8,
    #[schemars(range(max = 9))]
    pub financial_damage: u8,
    #[schemars(range(max = 9))]
    pub reputation_damage: u8,
    #[schemars(range(max = 9))]
    pub non_compliance: u8,
    #[schemars(range(max = 9))]
    pub privacy_violation: u8,
}

/// OWASP Risk Rating factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwaspRisk {
    pub likelihood: OwaspLikelihood,
    pub impact: OwaspImpact,
}

/// A person's rating of a threat, replacing the rule's default, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dread: Option<Dread>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owasp: Option<OwaspRisk>,
    /// A new severity, when a person judges the rule's one wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Why the rating differs from the default (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Where a hand-written threat applies: one of element, flow, operation or API.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreatTarget {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<String>,
    /// An API operation, `METHOD /path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
}

/// An entry under `threats:`. With a `title` it is a threat written by hand; without, it records
/// a decision about the generated threat whose stable id it names.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreatEntry {
    pub id: ThreatId,
    /// For a decision: the rule that found the threat (`palisade threat set` writes it), so that a
    /// reader knows what the decision is about and an orphaned decision can be matched again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// For a decision: what the threat is on, as shown in reports (`element db`,
    /// `GET /users/{id}`); written by `palisade threat set`, never checked as a reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Set for threats written by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<ThreatTarget>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stride: Vec<Stride>,
    /// OWASP API Security Top 10 (2023) categories, like `API1`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owasp_api_2023: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capec: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// Why this strategy: required for `accept` and `transfer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
    /// When the decision was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Who verified the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskOverride>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mitigations: Vec<MitigationId>,
    /// The assumptions this threat's assessment relies on (Threat Composer links them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<AssumptionId>,
    /// The threat this one is a second-order threat of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ThreatId>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

impl ThreatEntry {
    /// A threat written by hand (it has its own title), as opposed to a decision.
    pub fn is_hand_written(&self) -> bool {
        self.title.is_some()
    }
}

impl schemars::JsonSchema for Ticket {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Ticket".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A bug or work item that tracks this: an id such as `PAY-123`, a URL, or both with a title.",
            "anyOf": [
                { "type": "string", "minLength": 1 },
                {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "id": { "type": "string" },
                        "title": { "type": "string" },
                        "url": { "type": "string" }
                    }
                }
            ]
        })
    }
}
