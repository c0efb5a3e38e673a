//! What an API exposes at a glance: operations by method and by protection, schemes, servers, versions.
//!
//! [`Inventory`] serializes (for `--format json`) with one entry per operation; [`render_summary`]
//! gives the same as plain text for a terminal.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Serialize;

use crate::model::{AuthState, Location, Operation, Spec};
use crate::security::SecuritySchemeKind;
use crate::sensitive::{SensitiveCategory, sensitive_parameters, sensitive_properties};

/// A summary of a [`Spec`].
#[derive(Debug, Clone, Serialize)]
pub struct Inventory {
    pub title: Option<String>,
    /// `info.version`.
    pub api_version: Option<String>,
    /// `2.0`, `3.0.3`, `3.1.0` …
    pub spec_version: String,
    pub files: Vec<String>,
    pub servers: Vec<ServerEntry>,
    pub security_schemes: Vec<SchemeEntry>,
    pub operation_count: usize,
    /// Method → number of operations, in the order of [`crate::Method::ALL`].
    pub by_method: IndexMap<String, usize>,
    /// Operations that require credentials.
    pub secured: usize,
    /// Operations with no security at all.
    pub unsecured: usize,
    /// Operations where credentials are optional (`{}` among the alternatives).
    pub optional_auth: usize,
    /// API versions seen in paths (`/v1/`, `/v2beta1/`), with how many operations each.
    pub versions: Vec<VersionEntry>,
    /// `METHOD /path` of every deprecated operation.
    pub deprecated: Vec<String>,
    /// Number of sensitive schema properties and parameters, by category.
    pub sensitive: BTreeMap<SensitiveCategory, usize>,
    pub schema_count: usize,
    pub webhook_count: usize,
    pub operations: Vec<OperationEntry>,
}

/// One server.
#[derive(Debug, Clone, Serialize)]
pub struct ServerEntry {
    pub url: String,
    pub scheme: Option<String>,
}

/// One security scheme, described in a few words.
#[derive(Debug, Clone, Serialize)]
pub struct SchemeEntry {
    pub name: String,
    /// `http bearer (JWT)`, `apiKey in header X-API-Key`, `oauth2 (authorization_code, implicit)` …
    pub kind: String,
    /// Operations whose effective security names the scheme.
    pub operations: usize,
}

/// A version segment of paths.
#[derive(Debug, Clone, Serialize)]
pub struct VersionEntry {
    pub version: String,
    pub operations: usize,
}

/// One operation.
#[derive(Debug, Clone, Serialize)]
pub struct OperationEntry {
    pub method: String,
    pub path: String,
    pub operation_id: Option<String>,
    pub deprecated: bool,
    /// `required`, `optional` or `none`.
    pub auth: AuthState,
    /// The scheme names of the effective security (empty when `auth` is `none`).
    pub security: Vec<String>,
    /// Whether the operation declares `security` itself rather than inheriting it.
    pub security_declared: bool,
    pub location: Location,
}

impl Inventory {
    /// The inventory of `spec`.
    pub fn of(spec: &Spec) -> Self {
        let mut by_method: IndexMap<String, usize> = IndexMap::new();
        for method in crate::Method::ALL {
            let n = spec
                .operations
                .iter()
                .filter(|o| o.method == method)
                .count();
            if n > 0 {
                by_method.insert(method.as_str().to_owned(), n);
            }
        }
        let states: Vec<AuthState> = spec.operations.iter().map(|o| o.security.state()).collect();
        let count = |s: AuthState| states.iter().filter(|x| **x == s).count();

        let mut versions: IndexMap<String, usize> = IndexMap::new();
        for op in &spec.operations {
            if let Some(v) = path_version(&op.path) {
                *versions.entry(v.to_owned()).or_default() += 1;
            }
        }

        let mut sensitive: BTreeMap<SensitiveCategory, usize> = BTreeMap::new();
        for p in sensitive_properties(spec) {
            *sensitive.entry(p.category).or_default() += 1;
        }
        for p in sensitive_parameters(spec) {
            *sensitive.entry(p.category).or_default() += 1;
        }

        let security_schemes = spec
            .security_schemes
            .values()
            .map(|s| SchemeEntry {
                name: s.name.clone(),
                kind: describe_scheme(&s.kind),
                operations: spec
                    .operations
                    .iter()
                    .filter(|o| o.security.scheme_names().contains(&s.name.as_str()))
                    .count(),
            })
            .collect();

        Self {
            title: spec.info.title.clone(),
            api_version: spec.info.version.clone(),
            spec_version: spec.version_text.clone(),
            files: spec.files.iter().map(ToString::to_string).collect(),
            servers: spec
                .servers
                .iter()
                .map(|s| ServerEntry {
                    url: s.url.clone(),
                    scheme: s.scheme.clone(),
                })
                .collect(),
            security_schemes,
            operation_count: spec.operations.len(),
            by_method,
            secured: count(AuthState::Required),
            unsecured: count(AuthState::None),
            optional_auth: count(AuthState::Optional),
            versions: versions
                .into_iter()
                .map(|(version, operations)| VersionEntry {
                    version,
                    operations,
                })
                .collect(),
            deprecated: spec
                .operations
                .iter()
                .filter(|o| o.deprecated)
                .map(Operation::address)
                .collect(),
            sensitive,
            schema_count: spec.schemas.len(),
            webhook_count: spec.webhooks.len(),
            operations: spec.operations.iter().map(entry).collect(),
        }
    }
}

fn entry(op: &Operation) -> OperationEntry {
    let auth = op.security.state();
    OperationEntry {
        method: op.method.as_str().to_owned(),
        path: op.path.clone(),
        operation_id: op.operation_id.clone(),
        deprecated: op.deprecated,
        auth,
        security: if auth == AuthState::None {
            Vec::new()
        } else {
            op.security
                .scheme_names()
                .into_iter()
                .map(str::to_owned)
                .collect()
        },
        security_declared: op.security.declared_on_operation,
        location: op.location.clone(),
    }
}

/// The first path segment that names a version: `v1`, `v2beta1`, `v1.2` (case-insensitive).
pub fn path_version(path: &str) -> Option<&str> {
    path.split('/').find(|seg| {
        let mut chars = seg.chars();
        matches!(chars.next(), Some('v' | 'V'))
            && chars.next().is_some_and(|c| c.is_ascii_digit())
            && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
    })
}

fn describe_scheme(kind: &SecuritySchemeKind) -> String {
    match kind {
        SecuritySchemeKind::Http {
            scheme,
            bearer_format,
        } => match bearer_format {
            Some(format) => format!("http {scheme} ({format})"),
            None => format!("http {scheme}"),
        },
        SecuritySchemeKind::ApiKey { name, location } => {
            let place = serde_json::to_value(location)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            format!("apiKey in {place} `{name}`")
        }
        SecuritySchemeKind::OAuth2 { flows } => {
            let names: Vec<String> = flows
                .iter()
                .filter_map(|f| serde_json::to_value(f.kind).ok())
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            format!("oauth2 ({})", names.join(", "))
        }
        SecuritySchemeKind::OpenIdConnect { url } => format!("openIdConnect {url}"),
        SecuritySchemeKind::MutualTls => "mutualTLS".to_owned(),
        SecuritySchemeKind::Unknown { declared_type } => format!("unknown type `{declared_type}`"),
    }
}

/// The inventory as plain text for a terminal.
pub fn render_summary(inventory: &Inventory) -> String {
    let mut out = String::new();
    let title = inventory.title.as_deref().unwrap_or("(untitled API)");
    let _ = write!(out, "{title}");
    if let Some(v) = &inventory.api_version {
        let _ = write!(out, " {v}");
    }
    let _ = writeln!(out, " — OpenAPI/Swagger {}", inventory.spec_version);
    if inventory.files.len() > 1 {
        let _ = writeln!(out, "files: {}", inventory.files.join(", "));
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "servers:");
    if inventory.servers.is_empty() {
        let _ = writeln!(out, "  (none declared)");
    }
    for s in &inventory.servers {
        let warn = if s.scheme.as_deref() == Some("http") {
            "  (plain HTTP)"
        } else {
            ""
        };
        let _ = writeln!(out, "  {}{warn}", s.url);
    }

    let _ = writeln!(out, "security schemes:");
    if inventory.security_schemes.is_empty() {
        let _ = writeln!(out, "  (none declared)");
    }
    for s in &inventory.security_schemes {
        let _ = writeln!(
            out,
            "  {}: {} — used by {} operations",
            s.name, s.kind, s.operations
        );
    }

    let methods: Vec<String> = inventory
        .by_method
        .iter()
        .map(|(m, n)| format!("{m} {n}"))
        .collect();
    let _ = writeln!(
        out,
        "operations: {} ({})",
        inventory.operation_count,
        methods.join(", ")
    );
    let _ = writeln!(
        out,
        "  secured {}, optional auth {}, unsecured {}",
        inventory.secured, inventory.optional_auth, inventory.unsecured
    );
    if inventory.webhook_count > 0 {
        let _ = writeln!(out, "webhooks: {}", inventory.webhook_count);
    }
    if !inventory.versions.is_empty() {
        let versions: Vec<String> = inventory
            .versions
            .iter()
            .map(|v| format!("{} ({})", v.version, v.operations))
            .collect();
        let _ = writeln!(out, "versions in paths: {}", versions.join(", "));
    }
    if !inventory.deprecated.is_empty() {
        let _ = writeln!(out, "deprecated operations: {}", inventory.deprecated.len());
        for d in &inventory.deprecated {
            let _ = writeln!(out, "  {d}");
        }
    }
    if !inventory.sensitive.is_empty() {
        let parts: Vec<String> = inventory
            .sensitive
            .iter()
            .map(|(c, n)| format!("{} {n}", c.as_str()))
            .collect();
        let _ = writeln!(out, "sensitive fields: {}", parts.join(", "));
    }
    let _ = writeln!(out, "schemas: {}", inventory.schema_count);

    let unsecured: Vec<&OperationEntry> = inventory
        .operations
        .iter()
        .filter(|o| o.auth == AuthState::None)
        .collect();
    if !unsecured.is_empty() && unsecured.len() < inventory.operations.len() {
        let _ = writeln!(out, "unsecured operations:");
        for o in unsecured {
            let _ = writeln!(out, "  {} {}  ({})", o.method, o.path, o.location);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::path_version;

    #[test]
    fn finds_versions_in_paths() {
        assert_eq!(path_version("/api/v1/users"), Some("v1"));
        assert_eq!(
            path_version("/apis/apps/v1beta2/deployments"),
            Some("v1beta2")
        );
        assert_eq!(path_version("/V2/x"), Some("V2"));
        assert_eq!(path_version("/videos/{id}"), None);
        assert_eq!(path_version("/users"), None);
    }
}
