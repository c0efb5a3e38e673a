//! Custom rules: declarative matches over elements, flows and operations, written in YAML.

use palisade_diagnostics::Span;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Authentication, ElementKind, Severity, Stride, string_enum};

string_enum! {
    /// What a custom rule looks at.
    pub enum RuleTarget {
        Element = "element",
        Flow = "flow",
        Operation = "operation",
    }
}

/// The conditions a target must meet for a custom rule to fire; all given conditions must hold.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleMatch {
    pub target: RuleTarget,
    /// Elements: the element kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ElementKind>,
    /// Elements: a glob over the technology (`*postgres*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technology: Option<String>,
    /// Elements and flows: a tag the target must carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Flows: the protocol is one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protocol: Vec<String>,
    /// Flows: the authentication is one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authentication: Vec<Authentication>,
    /// Flows: whether the flow crosses a trust boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crosses_boundary: Option<bool>,
    /// Flows: carries a data asset with one of these ids or categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carries: Vec<String>,
    /// Flows: the source element's id (glob).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Flows: the target element's id (glob).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Operations: the method is one of these (`get`, `post` …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub method: Vec<String>,
    /// Operations: a glob over the path (`/admin/*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Operations: whether the operation requires authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticated: Option<bool>,
    /// Operations: a parameter whose name matches this glob exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Operations: a request or response property whose name matches this glob exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
}

/// A rule written by a user, without recompiling Palisade.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomRule {
    /// A stable code of the user's, such as `X-PAY001` (must start with `X-`).
    pub code: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stride: Vec<Stride>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owasp_api_2023: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe: Vec<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<String>,
    #[serde(rename = "match")]
    pub matches: RuleMatch,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

// The enum comes from `string_enum!`, which does not derive `Default`.
#[allow(clippy::derivable_impls)]
impl Default for RuleTarget {
    fn default() -> Self {
        Self::Element
    }
}
