//! SARIF 2.1.0, for GitHub code scanning and every other SARIF viewer.
//!
//! The types are written by hand (the subset Palisade emits; `serde-sarif` is unmaintained). Each
//! rule carries `shortDescription`, `fullDescription` and `help` (text and Markdown) from its doc
//! comment, a `helpUri` to its page, and GitHub's `security-severity`. Each result has a
//! repository-relative `uri` with a line/column region, a level from its severity, and
//! `partialFingerprints` from the stable threat id, so an alert follows its threat when lines
//! move. Decided threats (mitigated, accepted …) are kept with a `suppressions` entry that carries
//! the decision's justification. At most [`MAX_RESULTS`] results are written, most severe first.
//!
//! [`render`] turns a plain analysis into a log; [`Builder`] lets callers (such as `palisade
//! check`) add results of their own.

use std::collections::BTreeMap;
use std::path::Path;

use palisade_model::{Severity, Status};
use palisade_rules::{MANUAL, RuleMeta, Threat};
use serde::Serialize;

/// GitHub code scanning ingests at most this many results per run.
pub const MAX_RESULTS: usize = 25_000;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where rule documentation lives, for `helpUri`.
const DOCS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs");

// ------------------------------------------------------------------------------------------
// The SARIF subset.

/// A SARIF log.
#[derive(Debug, Clone, Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invocations: Vec<Invocation>,
    pub results: Vec<SarifResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub version: String,
    pub semantic_version: String,
    pub information_uri: String,
    pub rules: Vec<Rule>,
}

/// A `reportingDescriptor`: one rule.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub short_description: Text,
    pub full_description: Text,
    pub help: Help,
    pub help_uri: String,
    pub default_configuration: Configuration,
    pub properties: RuleProperties,
}

#[derive(Debug, Clone, Serialize)]
pub struct Text {
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Help {
    pub text: String,
    pub markdown: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Configuration {
    pub level: Level,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleProperties {
    pub tags: Vec<String>,
    /// GitHub's severity scale: 9.0+ critical, 7.0+ high, 4.0+ medium, below low.
    #[serde(rename = "security-severity")]
    pub security_severity: String,
    pub precision: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    /// critical and high → error, medium → warning, low and info → note.
    pub fn of(severity: Severity) -> Self {
        match severity {
            Severity::Critical | Severity::High => Self::Error,
            Severity::Medium => Self::Warning,
            Severity::Low | Severity::Info => Self::Note,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    pub execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub level: Level,
    pub message: Text,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    pub level: Level,
    pub message: Text,
    pub locations: Vec<ResultLocation>,
    pub partial_fingerprints: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub properties: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultLocation {
    pub physical_location: PhysicalLocation,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArtifactLocation {
    pub uri: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: u32,
    pub start_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Suppression {
    pub kind: &'static str,
    pub status: &'static str,
    pub justification: String,
}

// ------------------------------------------------------------------------------------------
// Building a log.

/// How to write the log.
#[derive(Debug, Clone)]
pub struct Options {
    /// The tool version written in the log.
    pub version: String,
    /// The folder paths are made relative to (the repository root, normally the working folder):
    /// absolute paths under it lose the prefix.
    pub base: Option<std::path::PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            base: None,
        }
    }
}

/// A result to add, before it is turned into SARIF.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// `(file, line, column, end line, end column)`; a result without one points at `fallback`.
    pub location: Option<(String, u32, u32, u32, u32)>,
    /// A stable identity: the threat id, or the check code and what it is about.
    pub fingerprint: String,
    /// For a decided threat: the justification of the decision.
    pub suppression: Option<String>,
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// Collects rules and results, then writes the log.
pub struct Builder {
    options: Options,
    rules: BTreeMap<String, Rule>,
    findings: Vec<Finding>,
    /// Where results without a location point (the model file).
    fallback: Option<String>,
}

impl Builder {
    /// A builder that declares every rule of the registry, so that a viewer can tell a rule that
    /// found nothing from one that does not exist (and close alerts that went away).
    pub fn new(options: Options) -> Self {
        let mut b = Self {
            options,
            rules: BTreeMap::new(),
            findings: Vec::new(),
            fallback: None,
        };
        for meta in palisade_rules::all_rules() {
            b.add_rule(rule_of(meta));
        }
        b.add_rule(manual_rule());
        b
    }

    /// Declares a rule (replacing one with the same id).
    pub fn add_rule(&mut self, rule: Rule) {
        self.rules.insert(rule.id.clone(), rule);
    }

    /// The file results without a location point at (line 1).
    pub fn fallback(&mut self, file: &str) {
        self.fallback = Some(file.to_owned());
    }

    /// Adds a threat: unresolved ones as alerts, decided ones with a suppression.
    pub fn add_threat(&mut self, t: &Threat) {
        let mut properties = serde_json::Map::new();
        properties.insert("threatId".into(), t.id.to_string().into());
        properties.insert("severity".into(), t.severity.to_string().into());
        properties.insert("status".into(), t.status().to_string().into());
        properties.insert("target".into(), t.target.label().into());
        properties.insert(
            "riskScore".into(),
            serde_json::Number::from_f64((t.risk.score * 10.0).round() / 10.0)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
        );
        if let Some(p) = &t.parent {
            properties.insert("parentThreatId".into(), p.to_string().into());
        }
        let suppression = (!t.status().is_unresolved()).then(|| {
            let d = t.decision.as_ref();
            let why = d
                .and_then(|d| d.justification.clone())
                .unwrap_or_else(|| format!("marked {} in the model", t.status()));
            match t.status() {
                Status::FalsePositive | Status::NotApplicable => {
                    format!("{}: {why}", t.status())
                }
                _ => why,
            }
        });
        self.findings.push(Finding {
            rule: t.rule.clone(),
            severity: t.severity,
            message: format!("{} {}", t.title, sentence(&t.description)),
            location: t.location.as_ref().map(|l| {
                (
                    l.file.to_string(),
                    l.line,
                    l.column,
                    l.span.end.line,
                    l.span.end.col,
                )
            }),
            fingerprint: t.id.to_string(),
            suppression,
            properties,
        });
    }

    /// Declares the check codes of `palisade check` and adds the items of `report` that are not
    /// about a threat (threats are added with [`Builder::add_threat`]); results without a
    /// location point at the report's model file.
    pub fn add_check_report(&mut self, report: &palisade_check::Report) {
        for meta in palisade_check::codes::CHECKS {
            if !self.rules.contains_key(meta.code) {
                self.add_rule(check_rule(meta));
            }
        }
        self.fallback(&report.file);
        for item in report
            .items
            .iter()
            .filter(|i| i.code != palisade_check::codes::UNRESOLVED_THREAT)
        {
            let mut properties = serde_json::Map::new();
            properties.insert("failsPolicy".into(), item.fails.into());
            properties.insert("category".into(), item.category.title().into());
            self.add(Finding {
                rule: item.code.to_owned(),
                severity: if item.fails {
                    Severity::High
                } else {
                    Severity::Medium
                },
                message: format!("{}. {}", item.message, item.help.join(" ")),
                location: item.location.as_ref().map(|l| {
                    (
                        l.file.to_string(),
                        l.line,
                        l.column,
                        l.span.end.line,
                        l.span.end.col,
                    )
                }),
                fingerprint: format!("{}:{}:{}", report.file, item.code, item.key),
                suppression: None,
                properties,
            });
        }
    }

    /// Adds a result of the caller's own (its rule must be declared with [`Builder::add_rule`]).
    pub fn add(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// The log: results most severe first, at most [`MAX_RESULTS`], and a notification when some
    /// were left out.
    pub fn finish(mut self) -> Log {
        self.findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.suppression.is_some().cmp(&b.suppression.is_some()))
        });
        let total = self.findings.len();
        self.findings.truncate(MAX_RESULTS);
        let mut notifications = Vec::new();
        if total > MAX_RESULTS {
            notifications.push(Notification {
                level: Level::Warning,
                message: Text {
                    text: format!(
                        "{} of {total} results were left out: code scanning takes at most {MAX_RESULTS} per run. The least severe were dropped.",
                        total - MAX_RESULTS
                    ),
                },
            });
        }
        let base = self.options.base.clone();
        let fallback = self.fallback.clone();
        let results = self
            .findings
            .into_iter()
            .map(|f| result(f, base.as_deref(), fallback.as_deref()))
            .collect();
        Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: "Palisade",
                        version: self.options.version.clone(),
                        semantic_version: self.options.version.clone(),
                        information_uri: env!("CARGO_PKG_REPOSITORY").to_owned(),
                        rules: self.rules.into_values().collect(),
                    },
                },
                invocations: vec![Invocation {
                    execution_successful: true,
                    tool_execution_notifications: notifications,
                }],
                results,
            }],
        }
    }

    /// The log as pretty JSON with a final newline.
    pub fn render(self) -> String {
        to_json(&self.finish())
    }
}

/// The SARIF log of a plain analysis.
pub fn render(threats: &[Threat], options: &Options) -> String {
    let mut b = Builder::new(options.clone());
    for t in threats {
        b.add_threat(t);
    }
    b.render()
}

/// A log as pretty JSON with a final newline.
pub fn to_json(log: &Log) -> String {
    let mut s = serde_json::to_string_pretty(log).unwrap_or_default();
    s.push('\n');
    s
}

fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() || t.ends_with('.') {
        t.to_owned()
    } else {
        format!("{t}.")
    }
}

fn result(f: Finding, base: Option<&Path>, fallback: Option<&str>) -> SarifResult {
    let (file, line, col, end_line, end_col) = match f.location {
        Some(l) => l,
        None => (fallback.unwrap_or("palisade.yaml").to_owned(), 1, 1, 0, 0),
    };
    let region = Region {
        start_line: line.max(1),
        start_column: col.max(1),
        end_line: (end_line >= line && end_line > 0).then_some(end_line),
        end_column: (end_line >= line && end_line > 0 && (end_line > line || end_col > col))
            .then_some(end_col),
    };
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("palisade/v1".to_owned(), f.fingerprint.clone());
    // GitHub matches alerts across runs by this key: the stable id keeps an alert on its threat
    // when lines move.
    fingerprints.insert(
        "primaryLocationLineHash".to_owned(),
        format!("{}:1", f.fingerprint),
    );
    SarifResult {
        rule_id: f.rule,
        level: Level::of(f.severity),
        message: Text { text: f.message },
        locations: vec![ResultLocation {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(&file, base),
                },
                region,
            },
        }],
        partial_fingerprints: fingerprints,
        suppressions: f
            .suppression
            .map(|justification| Suppression {
                kind: "external",
                status: "accepted",
                justification,
            })
            .into_iter()
            .collect(),
        properties: f.properties,
    }
}

/// A repository-relative URI: `/` separators, no `./`, the base folder removed from absolute
/// paths, and characters outside RFC 3986's unreserved set and `/` percent-encoded.
pub fn uri(file: &str, base: Option<&Path>) -> String {
    let path = Path::new(file);
    let relative = match base {
        Some(base) if path.is_absolute() => path.strip_prefix(base).unwrap_or(path),
        _ => path,
    };
    let text = relative.to_string_lossy().replace('\\', "/");
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if path.is_absolute() && relative == path {
        format!("file://{out}")
    } else {
        out
    }
}

fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// The SARIF description of one rule, from its documentation.
pub fn rule_of(meta: &RuleMeta) -> Rule {
    let mut tags = vec!["security".to_owned()];
    tags.extend(meta.stride.iter().map(|s| format!("STRIDE/{}", s.title())));
    tags.extend(
        meta.owasp_2023
            .iter()
            .map(|o| format!("OWASP-API-2023/{}", o.code())),
    );
    tags.extend(meta.cwe.iter().map(|c| format!("external/cwe/cwe-{c}")));
    let why = meta.section("Why it matters").unwrap_or_default();
    let fix = meta.section("Mitigation").unwrap_or_default();
    Rule {
        id: meta.code.to_owned(),
        name: meta.name.to_owned(),
        short_description: Text {
            text: meta.summary(),
        },
        full_description: Text {
            text: format!("{} {}", meta.summary(), one_line(&why)),
        },
        help: Help {
            text: one_line(&format!("{why}\n\nMitigation: {fix}")),
            markdown: meta.page(),
        },
        help_uri: format!("{DOCS}/rules/{}.md", meta.code),
        default_configuration: Configuration {
            level: Level::of(meta.severity),
        },
        properties: RuleProperties {
            tags,
            security_severity: security_severity(meta.severity).to_owned(),
            precision: if meta.code.starts_with("ST") || meta.code.starts_with("SO") {
                "low"
            } else {
                "medium"
            },
        },
    }
}

/// The rule of threats written by hand in the model.
pub fn manual_rule() -> Rule {
    let text = "A threat written by hand under `threats:` in the model.";
    Rule {
        id: MANUAL.to_owned(),
        name: "ThreatWrittenInTheModel".to_owned(),
        short_description: Text {
            text: text.to_owned(),
        },
        full_description: Text {
            text: format!("{text} Its title, target, STRIDE categories and severity are the model's."),
        },
        help: Help {
            text: "Decide it in the model: palisade threat set ID --status …".to_owned(),
            markdown: "Decide it in the model: `palisade threat set ID --status …` (see the model format, `threats:`).".to_owned(),
        },
        help_uri: format!("{DOCS}/model.md"),
        default_configuration: Configuration {
            level: Level::Warning,
        },
        properties: RuleProperties {
            tags: vec!["security".to_owned()],
            security_severity: security_severity(Severity::Medium).to_owned(),
            precision: "high",
        },
    }
}

/// The SARIF description of a check code of `palisade check`.
pub fn check_rule(meta: &palisade_check::codes::CheckMeta) -> Rule {
    Rule {
        id: meta.code.to_owned(),
        name: meta.name.to_owned(),
        short_description: Text {
            text: meta.summary.to_owned(),
        },
        full_description: Text {
            text: format!(
                "{} It fails the check under `{}`.",
                meta.summary, meta.policy
            ),
        },
        help: Help {
            text: meta.help.to_owned(),
            markdown: format!(
                "**{}** ({})\n\n{}\n\nFails the check under `{}`.\n\n{}",
                meta.name, meta.code, meta.summary, meta.policy, meta.help
            ),
        },
        help_uri: format!("{DOCS}/checks.md#{}", meta.code),
        default_configuration: Configuration {
            level: Level::Warning,
        },
        properties: RuleProperties {
            tags: vec!["security".to_owned(), "threat-model".to_owned()],
            security_severity: security_severity(Severity::Medium).to_owned(),
            precision: "high",
        },
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_repository_relative_and_encoded() {
        assert_eq!(uri("./examples/a b.yaml", None), "examples/a%20b.yaml");
        assert_eq!(
            uri("/repo/examples/x.yaml", Some(Path::new("/repo"))),
            "examples/x.yaml"
        );
        assert_eq!(
            uri("/elsewhere/x.yaml", Some(Path::new("/repo"))),
            "file:///elsewhere/x.yaml"
        );
        assert_eq!(uri("specs\\v1#.yaml", None), "specs/v1%23.yaml");
    }

    #[test]
    fn severities_map_to_levels() {
        assert_eq!(Level::of(Severity::High), Level::Error);
        assert_eq!(Level::of(Severity::Medium), Level::Warning);
        assert_eq!(Level::of(Severity::Info), Level::Note);
    }
}
