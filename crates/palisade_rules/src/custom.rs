//! Custom rules: the declarative matches users write under `custom_rules:` (in a model, or in a
//! rules file given to `palisade analyze --rules`), evaluated over elements, flows and API
//! operations without recompiling Palisade.
//!
//! Every condition given in a rule's `match` must hold; conditions left out match anything.
//! Globs (`technology`, `from`, `to`, `path`, `parameter`, `property`) know `*` (any run of
//! characters, `/` included) and `?` (one character), and ignore case; so do the lists of
//! protocols and methods. A flow with no `authentication` counts as `none`. `carries` names data
//! asset ids or data categories (`pii`, `payment` …). A custom rule yields at most one threat per
//! target, with the same stable id scheme as built-in rules, so decisions recorded against it
//! survive re-runs.

use palisade_model::{
    Authentication, CustomRule, Element, Flow, RuleMatch, RuleTarget, Severity, StringEnum,
};
use palisade_openapi::{AuthState, ParameterLocation};

use crate::context::ModelCx;
use crate::spec_context::OpCx;
use crate::threat::{Location, Target};

/// What a custom rule found on one target, before it becomes a threat.
#[derive(Debug, Clone)]
pub(crate) struct CustomFinding<'r> {
    pub rule: &'r CustomRule,
    pub target: Target,
    pub title: String,
    pub description: String,
    pub evidence: Vec<String>,
    pub location: Option<Location>,
}

impl CustomFinding<'_> {
    pub fn severity(&self) -> Severity {
        self.rule.severity.unwrap_or(Severity::Medium)
    }
}

/// `*` and `?` wildcards, case-insensitive, over the whole text.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    // Iterative matching with one backtrack point for the last `*`: linear in practice, and
    // never exponential.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn in_list(list: &[String], value: &str) -> bool {
    list.iter().any(|x| x.eq_ignore_ascii_case(value))
}

/// The rule's own description, with what matched appended.
fn describe(rule: &CustomRule, what: &str) -> String {
    match &rule.description {
        Some(d) if !d.trim().is_empty() => format!("{} ({what})", d.trim_end()),
        _ => format!("{} ({what}).", rule.title),
    }
}

/// Element rules on one element.
pub(crate) fn check_element<'r>(
    rule: &'r CustomRule,
    cx: &ModelCx,
    element: &Element,
    out: &mut Vec<CustomFinding<'r>>,
) {
    let m = &rule.matches;
    if m.target != RuleTarget::Element {
        return;
    }
    let mut evidence = Vec::new();
    if let Some(kind) = m.kind {
        if element.kind != kind {
            return;
        }
        evidence.push(format!("kind `{}`", kind.as_str()));
    }
    if let Some(pattern) = &m.technology {
        let Some(tech) = element
            .technology
            .as_deref()
            .filter(|t| glob_matches(pattern, t))
        else {
            return;
        };
        evidence.push(format!("technology `{tech}`"));
    }
    if let Some(tag) = &m.tag {
        if !in_list(&element.tags, tag) {
            return;
        }
        evidence.push(format!("tag `{tag}`"));
    }
    let name = cx.name(element.id.as_str());
    out.push(CustomFinding {
        rule,
        target: crate::rules::element_target(element),
        title: format!("{}: {name}", rule.title),
        description: describe(rule, &format!("element {name}")),
        evidence,
        location: cx.location(element.span),
    });
}

/// Flow rules on one flow.
pub(crate) fn check_flow<'r>(
    rule: &'r CustomRule,
    cx: &ModelCx,
    flow: &Flow,
    out: &mut Vec<CustomFinding<'r>>,
) {
    let m = &rule.matches;
    if m.target != RuleTarget::Flow {
        return;
    }
    let mut evidence = Vec::new();
    if !m.protocol.is_empty() {
        let Some(protocol) = flow.protocol.as_deref().filter(|p| in_list(&m.protocol, p)) else {
            return;
        };
        evidence.push(format!("protocol `{protocol}`"));
    }
    if !m.authentication.is_empty() {
        let auth = flow.authentication.unwrap_or(Authentication::None);
        if !m.authentication.contains(&auth) {
            return;
        }
        evidence.push(format!("authentication `{}`", auth.as_str()));
    }
    if let Some(wanted) = m.crosses_boundary {
        let crosses = cx.crosses(flow);
        if crosses != wanted {
            return;
        }
        evidence.push(if crosses {
            format!("crosses {}", cx.crossing_label(flow))
        } else {
            "stays inside one trust boundary".to_owned()
        });
    }
    if !m.carries.is_empty() {
        let carried: Vec<String> = cx
            .flow_data(flow)
            .into_iter()
            .filter(|d| {
                in_list(&m.carries, d.id.as_str())
                    || d.categories.iter().any(|c| in_list(&m.carries, c.as_str()))
            })
            .map(|d| format!("`{}`", d.id))
            .collect();
        if carried.is_empty() {
            return;
        }
        evidence.push(format!("carries {}", carried.join(", ")));
    }
    for (pattern, end, word) in [(&m.from, &flow.from, "from"), (&m.to, &flow.to, "to")] {
        if let Some(pattern) = pattern {
            if !glob_matches(pattern, end.as_str()) {
                return;
            }
            evidence.push(format!("{word} `{end}`"));
        }
    }
    if let Some(tag) = &m.tag {
        if !in_list(&flow.tags, tag) {
            return;
        }
        evidence.push(format!("tag `{tag}`"));
    }
    let name = cx.flow_name(flow);
    out.push(CustomFinding {
        rule,
        target: crate::rules::flow_target(flow),
        title: format!("{}: {name}", rule.title),
        description: describe(rule, &format!("flow {name}")),
        evidence,
        location: cx.location(flow.span),
    });
}

/// Operation rules on one operation.
pub(crate) fn check_operation<'r>(
    rule: &'r CustomRule,
    cx: &OpCx,
    out: &mut Vec<CustomFinding<'r>>,
) {
    let m: &RuleMatch = &rule.matches;
    if m.target != RuleTarget::Operation {
        return;
    }
    let op = cx.op;
    let mut evidence = Vec::new();
    let mut location = cx.location();
    if !m.method.is_empty() {
        if !in_list(&m.method, op.method.as_str()) {
            return;
        }
        evidence.push(format!("method {}", op.method));
    }
    if let Some(pattern) = &m.path {
        if !glob_matches(pattern, &op.path) {
            return;
        }
        evidence.push(format!("path `{}`", op.path));
    }
    if let Some(wanted) = m.authenticated {
        let authenticated = cx.auth_state() == AuthState::Required;
        if authenticated != wanted {
            return;
        }
        evidence.push(if authenticated {
            "requires authentication".to_owned()
        } else {
            "does not require authentication".to_owned()
        });
    }
    if let Some(pattern) = &m.parameter {
        let Some(p) = op
            .parameters
            .iter()
            .find(|p| p.r#in != ParameterLocation::Body && glob_matches(pattern, &p.name))
        else {
            return;
        };
        evidence.push(format!("{} parameter `{}`", p.r#in.as_str(), p.name));
        location = cx.spec.location(&p.location);
    }
    if let Some(pattern) = &m.property {
        let Some(p) = cx
            .request_properties()
            .chain(cx.response_properties())
            .find(|p| glob_matches(pattern, p.name))
        else {
            return;
        };
        evidence.push(format!("property `{}`", p.path));
        location = cx.spec.location(p.location);
    }
    let address = op.address();
    out.push(CustomFinding {
        rule,
        target: cx.target(),
        title: format!("{}: {address}", rule.title),
        description: describe(rule, &address),
        evidence,
        location,
    });
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn globs() {
        assert!(glob_matches("*postgres*", "PostgreSQL 16"));
        assert!(glob_matches("/admin/*", "/admin/users/{id}"));
        assert!(!glob_matches("/admin/*", "/v1/admin/users"));
        assert!(glob_matches("*admin*", "/v1/admin/users"));
        assert!(glob_matches("file?name", "file_name"));
        assert!(glob_matches("*", ""));
        assert!(!glob_matches("?", ""));
        assert!(glob_matches("a*b*c", "aXXbYYc"));
        assert!(!glob_matches("a*b*c", "aXXbYY"));
        // Many stars on a long text stay fast (no exponential backtracking).
        let text = "a".repeat(5000);
        assert!(!glob_matches(&format!("{}b", "*a".repeat(50)), &text));
    }
}
