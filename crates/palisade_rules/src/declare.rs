//! `declare_rule!`: one macro declares a rule's documentation and metadata, so that the doc
//! comment is the single source of `palisade rules CODE`, the generated docs and SARIF help.

use palisade_model::{Severity, Stride};

use crate::owasp::{Owasp2019, Owasp2023};

/// What kind of target a rule looks at; the engine runs a rule only on its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    ExternalEntity,
    Process,
    DataStore,
    Flow,
    Operation,
    Api,
    /// A control in the model: second-order threats (bypasses of the control).
    Mitigation,
}

impl AppliesTo {
    /// The kind's name as people write it.
    pub fn word(self) -> &'static str {
        match self {
            Self::ExternalEntity => "external entities",
            Self::Process => "processes",
            Self::DataStore => "data stores",
            Self::Flow => "data flows",
            Self::Operation => "API operations",
            Self::Api => "APIs",
            Self::Mitigation => "mitigations (second-order threats)",
        }
    }
}

/// The metadata of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RuleMeta {
    /// Stable code: a family prefix and three digits; never reused.
    pub code: &'static str,
    /// The name, stating the bad pattern: `PlaintextFlowAcrossBoundary`.
    pub name: &'static str,
    pub applies_to: &'static [AppliesTo],
    pub stride: &'static [Stride],
    pub owasp_2023: &'static [Owasp2023],
    pub owasp_2019: &'static [Owasp2019],
    pub cwe: &'static [u32],
    pub capec: &'static [u32],
    /// The default severity; a rule may raise or lower it per finding.
    pub severity: Severity,
    /// The documentation, in Markdown, from the rule's doc comment.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation as Markdown (doc-comment lines without their leading space).
    pub fn markdown(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first paragraph of "What it detects", on one line.
    pub fn summary(&self) -> String {
        let section = self.section("What it detects").unwrap_or_default();
        let paragraph: Vec<&str> = section
            .lines()
            .map(str::trim)
            .take_while(|l| !l.is_empty())
            .collect();
        if paragraph.is_empty() {
            self.name.to_owned()
        } else {
            paragraph.join(" ")
        }
    }

    /// The rule's page in Markdown: title, a metadata table, and the documentation. This is what
    /// `palisade rules CODE` prints and what `docs/rules/CODE.md` holds.
    pub fn page(&self) -> String {
        let dash = |v: Vec<String>| {
            if v.is_empty() {
                "—".to_owned()
            } else {
                v.join(", ")
            }
        };
        let stride = self.stride.iter().map(|s| s.title().to_owned()).collect();
        let owasp23 = self
            .owasp_2023
            .iter()
            .map(|o| format!("{} {}", o.code(), o.title()))
            .collect();
        let owasp19 = self
            .owasp_2019
            .iter()
            .map(|o| format!("{} {}", o.code(), o.title()))
            .collect();
        let cwe = self.cwe.iter().map(|c| format!("CWE-{c}")).collect();
        let capec = self.capec.iter().map(|c| format!("CAPEC-{c}")).collect();
        let applies = self
            .applies_to
            .iter()
            .map(|a| a.word().to_owned())
            .collect();
        format!(
            "# {code}: {name}\n\n| | |\n|---|---|\n| Applies to | {} |\n| Default severity | {} |\n| STRIDE | {} |\n| OWASP API Security Top 10 2023 | {} |\n| OWASP API Security Top 10 2019 | {} |\n| CWE | {} |\n| CAPEC | {} |\n\n{}\n",
            dash(applies),
            palisade_model::StringEnum::as_str(self.severity),
            dash(stride),
            dash(owasp23),
            dash(owasp19),
            dash(cwe),
            dash(capec),
            self.markdown().trim(),
            code = self.code,
            name = self.name,
        )
    }

    /// The text of a `## Heading` section of the documentation.
    pub fn section(&self, heading: &str) -> Option<String> {
        let doc = self.markdown();
        let marker = format!("## {heading}\n");
        let start = doc.find(&marker)? + marker.len();
        let rest = &doc[start..];
        let end = rest.find("\n## ").unwrap_or(rest.len());
        Some(rest[..end].trim().to_owned())
    }
}

/// Declares a rule: a unit struct with its documentation (the doc comment) and metadata.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub(crate) $name:ident {
            code: $code:literal,
            applies_to: [$($applies:ident),* $(,)?],
            stride: [$($stride:ident),* $(,)?],
            owasp_2023: [$($o23:ident),* $(,)?],
            owasp_2019: [$($o19:ident),* $(,)?],
            cwe: [$($cwe:literal),* $(,)?],
            capec: [$($capec:literal),* $(,)?],
            severity: $severity:ident,
        }
    ) => {
        $(#[doc = $doc])*
        pub(crate) struct $name;

        impl $name {
            pub(crate) const META: $crate::RuleMeta = $crate::RuleMeta {
                code: $code,
                name: stringify!($name),
                applies_to: &[$($crate::AppliesTo::$applies),*],
                stride: &[$(palisade_model::Stride::$stride),*],
                owasp_2023: &[$($crate::Owasp2023::$o23),*],
                owasp_2019: &[$($crate::Owasp2019::$o19),*],
                cwe: &[$($cwe),*],
                capec: &[$($capec),*],
                severity: palisade_model::Severity::$severity,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
