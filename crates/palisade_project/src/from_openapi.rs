//! A first model for an API, derived from its OpenAPI document (`palisade init --from-openapi`):
//! who calls it, what serves it, where trust changes hands, how callers authenticate, and the
//! sensitive data its schemas carry. Pure: the caller reads the document and writes the model.
//!
//! What is derived, and from what:
//!
//! - **The API** is one process, named after `info.title`, in a trust boundary named after the
//!   servers' hosts; its `apis[]` entry points at the document.
//! - **Exposure** is `internal` when every server is a private host (`10.x`, `192.168.x`,
//!   `*.internal`, `*.svc`, `*.local` …), `partner` when every operation needs mutual TLS, and
//!   `public` otherwise (`localhost` counts as public: it is a developer's server for an API that
//!   is deployed elsewhere, and an assumption says so).
//! - **Callers** are external entities by exposure (internet clients, partner systems or internal
//!   services, in their own boundary), plus an administrator when administrative operations exist
//!   and an identity provider when OAuth 2 or OpenID Connect is used.
//! - **Flows** carry the protocol and port of the first server, the authentication of the
//!   security scheme most operations use, and the data assets the operations exchange.
//! - **Data assets** group the sensitive properties and parameters (`palisade_openapi::sensitive`)
//!   by category, name the fields and the operations that send or return them, and are
//!   classified (credentials, secrets, payment and health data are restricted; personal data is
//!   confidential). Bearer, OAuth 2 and API-key schemes add the token or key they carry.

use std::collections::{BTreeMap, BTreeSet};

use palisade_model::{
    Api, Assumption, AssumptionId, Authentication, Boundary, BoundaryId, BoundaryKind, Cia,
    Classification, DataAsset, DataCategory, DataId, Element, ElementId, ElementKind, Exposure,
    Flow, Level, Lifecycle, Model, Scope,
};
use palisade_openapi::{
    AuthState, Operation, SecuritySchemeKind, SensitiveCategory, Spec, sensitive,
};

/// The model for the document `spec`, whose path relative to the model file is `spec_path`.
pub fn model_from_spec(spec: &Spec, spec_path: &str) -> Model {
    let title = spec
        .info
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "API".to_owned());
    let api_id = non_empty_slug(&title, "api");
    let exposure = exposure(spec);
    let hosts = server_hosts(spec);
    let mut model = Model::new(title.clone());
    model.system.description = spec
        .info
        .description
        .as_deref()
        .map(first_paragraph)
        .filter(|d| !d.is_empty());
    model.system.scope = Scope {
        in_scope: vec![format!(
            "the {title} API: {} operations described by `{spec_path}`",
            spec.operations.len()
        )],
        out_of_scope: Vec::new(),
    };

    // Data assets, before the flows that carry them.
    let assets = data_assets(spec);
    let carried: Vec<DataId> = assets.iter().map(|a| a.id.clone()).collect();
    model.data = assets;

    // Boundaries and elements.
    let hosting = BoundaryId::new(format!("{api_id}-hosting"));
    let (client_zone, client_kind, client_id, client_name) = match exposure {
        Exposure::Public => (
            "internet",
            BoundaryKind::Internet,
            "api-client",
            "API client",
        ),
        Exposure::Partner => (
            "partners",
            BoundaryKind::ThirdParty,
            "partner-system",
            "Partner system",
        ),
        Exposure::Internal => (
            "internal-callers",
            BoundaryKind::Internal,
            "internal-service",
            "Internal service",
        ),
    };
    model.boundaries.push(Boundary {
        name: Some(
            match exposure {
                Exposure::Public => "Internet",
                Exposure::Partner => "Partner networks",
                Exposure::Internal => "Internal callers",
            }
            .to_owned(),
        ),
        kind: Some(client_kind),
        ..Boundary::with_id(client_zone)
    });
    model.boundaries.push(Boundary {
        name: Some(if hosts.is_empty() {
            format!("{title} hosting")
        } else {
            format!("{title} servers ({})", hosts.join(", "))
        }),
        kind: Some(if exposure == Exposure::Internal {
            BoundaryKind::Internal
        } else {
            BoundaryKind::Dmz
        }),
        ..Boundary::with_id(hosting.as_str())
    });

    let client = Element {
        name: Some(client_name.to_owned()),
        description: Some(format!("Whoever calls the {title} API.")),
        boundary: Some(BoundaryId::new(client_zone)),
        ..Element::new(client_id, ElementKind::ExternalEntity)
    };
    let server = Element {
        name: Some(title.clone()),
        description: Some(format!("Serves the operations of `{spec_path}`.")),
        boundary: Some(hosting.clone()),
        exposure: Some(exposure),
        ..Element::new(api_id.as_str(), ElementKind::Process)
    };
    let mut consumers = vec![client.id.clone()];
    model.elements.push(client);
    model.elements.push(server);

    let (protocol, port) = transport(spec);
    let authentication = main_authentication(spec);
    let operation_count = spec.operations.len();
    model.flows.push(Flow {
        name: Some(format!("{client_name} calls {title}")),
        description: Some(flow_description(spec, operation_count)),
        protocol: protocol.clone(),
        port,
        authentication: Some(authentication),
        data: carried.clone(),
        api: Some(palisade_model::ApiId::new(api_id.as_str())),
        ..Flow::new(
            format!("{client_id}-to-{api_id}"),
            client_id,
            api_id.as_str(),
        )
    });

    let admin_ops: Vec<&Operation> = spec.operations.iter().filter(|o| is_admin(o)).collect();
    if !admin_ops.is_empty() {
        let admin_id = "administrator";
        model.elements.push(Element {
            name: Some("Administrator".to_owned()),
            description: Some(format!(
                "Calls the administrative operations: {}.",
                addresses(&admin_ops, 5)
            )),
            boundary: Some(BoundaryId::new(client_zone)),
            ..Element::new(admin_id, ElementKind::ExternalEntity)
        });
        consumers.push(ElementId::new(admin_id));
        model.flows.push(Flow {
            name: Some(format!("Administrator manages {title}")),
            protocol: protocol.clone(),
            port,
            authentication: Some(authentication),
            data: carried.clone(),
            api: Some(palisade_model::ApiId::new(api_id.as_str())),
            ..Flow::new(format!("{admin_id}-to-{api_id}"), admin_id, api_id.as_str())
        });
    }

    if let Some(provider) = identity_provider(spec) {
        let idp = "identity-provider";
        model.boundaries.push(Boundary {
            name: Some("Identity provider".to_owned()),
            kind: Some(BoundaryKind::ThirdParty),
            ..Boundary::with_id("identity-provider-zone")
        });
        model.elements.push(Element {
            name: Some("Identity provider".to_owned()),
            description: Some(match provider.host {
                Some(host) => format!("Issues the tokens callers present ({host})."),
                None => "Issues the tokens callers present.".to_owned(),
            }),
            boundary: Some(BoundaryId::new("identity-provider-zone")),
            ..Element::new(idp, ElementKind::ExternalEntity)
        });
        let tokens: Vec<DataId> = carried
            .iter()
            .filter(|d| d.as_str() == "credentials" || d.as_str() == "access-token")
            .cloned()
            .collect();
        model.flows.push(Flow {
            name: Some(format!("{client_name} signs in")),
            protocol: Some("https".to_owned()),
            authentication: Some(Authentication::Password),
            data: tokens,
            ..Flow::new(format!("{client_id}-to-{idp}"), client_id, idp)
        });
    }

    model.apis.push(Api {
        id: palisade_model::ApiId::new(api_id.as_str()),
        name: Some(title.clone()),
        spec: Some(spec_path.to_owned()),
        exposure: Some(exposure),
        version: spec.info.version.clone(),
        lifecycle: Some(Lifecycle::Current),
        served_by: Some(ElementId::new(api_id.as_str())),
        consumed_by: consumers,
        ..Api::default()
    });

    if exposure == Exposure::Public && hosts.iter().all(|h| is_loopback(h)) {
        model.assumptions.push(Assumption {
            id: AssumptionId::new("deployed-publicly"),
            assumption: format!(
                "The document lists only local servers ({}); the {title} API is assumed to be deployed where internet clients reach it.",
                if hosts.is_empty() {
                    "none".to_owned()
                } else {
                    hosts.join(", ")
                }
            ),
            impact: Some(
                "If it is internal only, the internet-facing threats are overstated.".to_owned(),
            ),
            ..Assumption::default()
        });
    }
    model
}

/// The first paragraph of a description, on one line, at most 300 characters.
fn first_paragraph(text: &str) -> String {
    let paragraph: Vec<&str> = text
        .trim()
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    let line = paragraph.join(" ");
    if line.chars().count() > 300 {
        let cut: String = line.chars().take(297).collect();
        format!("{}…", cut.trim_end())
    } else {
        line
    }
}

/// Lower-case letters and digits joined by `-`: `Acme Payments API` → `acme-payments-api`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

fn non_empty_slug(text: &str, fallback: &str) -> String {
    let s = slug(text);
    if s.is_empty() { fallback.to_owned() } else { s }
}

/// The hosts (with ports) of the document's servers, without repeats.
fn server_hosts(spec: &Spec) -> Vec<String> {
    let mut hosts: Vec<String> = Vec::new();
    for server in &spec.servers {
        let Some(host) = host_of(&server.url) else {
            continue;
        };
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    hosts
}

/// `https://api.example.com:8443/v1` → `api.example.com:8443`.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?.trim();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    (!host.is_empty() && !host.starts_with('{')).then(|| host.to_ascii_lowercase())
}

fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split(']').next().unwrap_or(host);
    }
    host.split(':').next().unwrap_or(host)
}

fn is_loopback(host: &str) -> bool {
    let name = host_name(host);
    name == "localhost" || name.starts_with("127.") || name == "[::1" || name == "0.0.0.0"
}

fn is_private(host: &str) -> bool {
    let name = host_name(host);
    let octets: Vec<u8> = name.split('.').filter_map(|o| o.parse().ok()).collect();
    let private_ip = octets.len() == 4
        && (octets[0] == 10
            || (octets[0] == 192 && octets[1] == 168)
            || (octets[0] == 172 && (16..=31).contains(&octets[1])));
    private_ip
        || [
            ".internal",
            ".local",
            ".svc",
            ".cluster.local",
            ".corp",
            ".lan",
        ]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

fn exposure(spec: &Spec) -> Exposure {
    let hosts = server_hosts(spec);
    if !hosts.is_empty() && hosts.iter().all(|h| is_private(h)) {
        return Exposure::Internal;
    }
    let mtls_everywhere = !spec.operations.is_empty()
        && spec.operations.iter().all(|op| {
            op.security.state() == AuthState::Required
                && op.security.scheme_names().iter().all(|name| {
                    spec.security_schemes
                        .get(*name)
                        .is_some_and(|s| s.kind == SecuritySchemeKind::MutualTls)
                })
        });
    if mtls_everywhere {
        Exposure::Partner
    } else {
        Exposure::Public
    }
}

/// The protocol and port of the first server with a known scheme.
fn transport(spec: &Spec) -> (Option<String>, Option<u16>) {
    for server in &spec.servers {
        let Some(scheme) = &server.scheme else {
            continue;
        };
        let port = host_of(&server.url)
            .and_then(|h| h.rsplit_once(':').map(|(_, p)| p.to_owned()))
            .and_then(|p| p.parse().ok());
        return (Some(scheme.to_ascii_lowercase()), port);
    }
    (Some("https".to_owned()), None)
}

/// The authentication of the scheme most operations require (`none` when none requires one).
fn main_authentication(spec: &Spec) -> Authentication {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for op in &spec.operations {
        if op.security.state() == AuthState::None {
            continue;
        }
        for name in op.security.scheme_names() {
            *counts.entry(name).or_default() += 1;
        }
    }
    let Some((name, _)) = counts
        .iter()
        .max_by_key(|(name, n)| (**n, std::cmp::Reverse(**name)))
    else {
        return Authentication::None;
    };
    match spec.security_schemes.get(*name).map(|s| &s.kind) {
        Some(SecuritySchemeKind::Http {
            scheme,
            bearer_format,
        }) => match scheme.as_str() {
            "basic" => Authentication::Basic,
            "bearer"
                if bearer_format
                    .as_deref()
                    .is_some_and(|f| f.eq_ignore_ascii_case("jwt")) =>
            {
                Authentication::Jwt
            }
            "bearer" => Authentication::Bearer,
            _ => Authentication::Other,
        },
        Some(SecuritySchemeKind::ApiKey { .. }) => Authentication::ApiKey,
        Some(SecuritySchemeKind::OAuth2 { .. }) => Authentication::Oauth2,
        Some(SecuritySchemeKind::OpenIdConnect { .. }) => Authentication::Oidc,
        Some(SecuritySchemeKind::MutualTls) => Authentication::Mtls,
        Some(SecuritySchemeKind::Unknown { .. }) | None => Authentication::Other,
    }
}

/// An identity provider issues the tokens: when OAuth 2 or OpenID Connect is declared.
struct IdentityProvider {
    /// The host of its token, authorization or discovery URL, when the document gives one.
    host: Option<String>,
}

fn identity_provider(spec: &Spec) -> Option<IdentityProvider> {
    let mut found: Option<IdentityProvider> = None;
    for scheme in spec.security_schemes.values() {
        let host = match &scheme.kind {
            SecuritySchemeKind::OAuth2 { flows } => flows
                .iter()
                .find_map(|f| f.token_url.as_deref().or(f.authorization_url.as_deref()))
                .and_then(host_of),
            SecuritySchemeKind::OpenIdConnect { url } => host_of(url),
            _ => continue,
        };
        let known = found.and_then(|f| f.host);
        found = Some(IdentityProvider {
            host: known.or(host),
        });
    }
    found
}

fn flow_description(spec: &Spec, count: usize) -> String {
    let mut text = format!("Calls the {count} operations of the API.");
    let sign_up: Vec<&Operation> = spec.operations.iter().filter(|o| is_sign_up(o)).collect();
    let sign_in: Vec<&Operation> = spec
        .operations
        .iter()
        .filter(|o| is_sign_in(o) && !is_sign_up(o))
        .collect();
    if !sign_in.is_empty() {
        text.push_str(&format!(" Signs in with {}.", addresses(&sign_in, 3)));
    }
    if !sign_up.is_empty() {
        text.push_str(&format!(" Registers with {}.", addresses(&sign_up, 3)));
    }
    let open: Vec<&Operation> = spec
        .operations
        .iter()
        .filter(|o| o.security.state() == AuthState::None)
        .collect();
    if !open.is_empty() && open.len() < count {
        text.push_str(&format!(" {} of them need no credentials.", open.len()));
    }
    text
}

fn words_of(op: &Operation) -> Vec<String> {
    let mut w = sensitive::words(&op.path);
    if let Some(id) = &op.operation_id {
        w.extend(sensitive::words(id));
    }
    w
}

/// Sign-in operations: where credentials are exchanged for a session or a token (an OAuth
/// token endpoint is one when its path ends in `token`).
fn is_sign_in(op: &Operation) -> bool {
    let w = words_of(op);
    let has = |x: &str| w.iter().any(|y| y == x);
    let path_words = sensitive::words(&op.path);
    op.method == palisade_openapi::Method::Post
        && (has("login")
            || has("logon")
            || has("signin")
            || (has("sign") && has("in"))
            || has("authenticate")
            || path_words.last().is_some_and(|l| l == "token"))
}

/// Sign-up operations: where accounts and their credentials are created.
fn is_sign_up(op: &Operation) -> bool {
    let w = words_of(op);
    let has = |x: &str| w.iter().any(|y| y == x);
    op.method == palisade_openapi::Method::Post
        && (has("register") || has("signup") || (has("sign") && has("up")))
}

fn is_admin(op: &Operation) -> bool {
    let w = words_of(op);
    w.iter()
        .any(|x| x == "admin" || x == "administrator" || x == "internal" || x == "management")
}

/// `GET /a, POST /b and 3 more`.
fn addresses(ops: &[&Operation], most: usize) -> String {
    let mut names: Vec<String> = ops
        .iter()
        .take(most)
        .map(|o| format!("`{}`", o.address()))
        .collect();
    if ops.len() > most {
        names.push(format!("{} more", ops.len() - most));
    }
    match names.len() {
        0 => String::new(),
        1 => names.remove(0),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} and {last}", names.join(", "))
        }
    }
}

/// One data asset per sensitive category found, naming its fields and operations.
fn data_assets(spec: &Spec) -> Vec<DataAsset> {
    // category → (field names, operations that send or return them)
    let mut found: BTreeMap<SensitiveCategory, (BTreeSet<String>, BTreeSet<String>)> =
        BTreeMap::new();
    for op in &spec.operations {
        let mut roots = Vec::new();
        if let Some(body) = &op.request_body {
            roots.extend(body.content.values().filter_map(|m| m.schema));
        }
        for (status, response) in &op.responses {
            if status.starts_with('2') {
                roots.extend(response.content.values().filter_map(|m| m.schema));
            }
        }
        roots.sort_unstable();
        roots.dedup();
        for root in roots {
            for p in spec.schemas.distinct_properties(root, 4) {
                if let Some(category) = p.sensitive {
                    let entry = found.entry(category).or_default();
                    entry.0.insert(p.name.to_owned());
                    entry.1.insert(op.address());
                }
            }
        }
    }
    for p in sensitive::sensitive_parameters(spec) {
        let entry = found.entry(p.category).or_default();
        entry.0.insert(p.parameter.name.clone());
        entry.1.insert(p.operation.address());
    }

    let mut assets = Vec::new();
    for (category, (fields, ops)) in &found {
        let (id, name, data_category, classification) = match category {
            SensitiveCategory::Credentials => (
                "credentials",
                "Credentials",
                DataCategory::Credentials,
                Classification::Restricted,
            ),
            SensitiveCategory::Secret => (
                "secrets",
                "Secrets and keys",
                DataCategory::Secret,
                Classification::Restricted,
            ),
            SensitiveCategory::Pii => (
                "personal-data",
                "Personal data",
                DataCategory::Pii,
                Classification::Confidential,
            ),
            SensitiveCategory::Payment => (
                "payment-data",
                "Payment data",
                DataCategory::Payment,
                Classification::Restricted,
            ),
            SensitiveCategory::Health => (
                "health-data",
                "Health data",
                DataCategory::Health,
                Classification::Restricted,
            ),
        };
        let fields: Vec<String> = fields.iter().take(12).map(|f| format!("`{f}`")).collect();
        let more = found[category].0.len().saturating_sub(fields.len());
        let ops: Vec<&String> = ops.iter().take(4).collect();
        let ops_more = found[category].1.len().saturating_sub(ops.len());
        assets.push(DataAsset {
            name: Some(name.to_owned()),
            description: Some(format!(
                "{} {}{} in {}{}.",
                if found[category].0.len() == 1 {
                    "Field"
                } else {
                    "Fields"
                },
                fields.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                },
                ops.iter()
                    .map(|o| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if ops_more > 0 {
                    format!(" and {ops_more} more operations")
                } else {
                    String::new()
                },
            )),
            classification: Some(classification),
            categories: vec![data_category],
            cia: Cia {
                confidentiality: Some(Level::High),
                integrity: Some(if classification == Classification::Restricted {
                    Level::High
                } else {
                    Level::Medium
                }),
                availability: None,
            },
            ..DataAsset::with_id(id)
        });
    }

    // The token or key the security schemes carry.
    let mut token_kinds = BTreeSet::new();
    for scheme in spec.security_schemes.values() {
        match &scheme.kind {
            SecuritySchemeKind::Http {
                scheme: s,
                bearer_format,
            } if s == "bearer" => {
                token_kinds.insert(match bearer_format.as_deref() {
                    Some(f) if !f.is_empty() => format!("bearer token ({f})"),
                    _ => "bearer token".to_owned(),
                });
            }
            SecuritySchemeKind::OAuth2 { .. } | SecuritySchemeKind::OpenIdConnect { .. } => {
                token_kinds.insert("OAuth 2 access token".to_owned());
            }
            SecuritySchemeKind::ApiKey { name, .. } => {
                token_kinds.insert(format!("API key `{name}`"));
            }
            _ => {}
        }
    }
    if !token_kinds.is_empty() {
        let kinds: Vec<String> = token_kinds.into_iter().collect();
        assets.push(DataAsset {
            name: Some("Access token".to_owned()),
            description: Some(format!(
                "What callers present on each request: {}.",
                kinds.join(", ")
            )),
            classification: Some(Classification::Restricted),
            categories: vec![DataCategory::Token],
            cia: Cia {
                confidentiality: Some(Level::High),
                integrity: Some(Level::High),
                availability: None,
            },
            ..DataAsset::with_id("access-token")
        });
    }
    assets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derive(yaml: &str) -> Model {
        let loaded = palisade_openapi::load_from_str(
            "api.yaml",
            yaml,
            &palisade_openapi::LoadOptions::default(),
        )
        .expect("the test document loads");
        let model = model_from_spec(&loaded.spec, "api.yaml");
        let text = palisade_loader::to_yaml(&model).expect("serializes");
        palisade_loader::load_str("palisade.yaml", &text).expect("the derived model validates");
        model
    }

    #[test]
    fn oauth_brings_an_identity_provider_and_internal_servers_an_internal_api() {
        let model = derive(
            r#"
openapi: 3.0.3
info: { title: "Billing (internal)", version: "2" }
servers: [{ url: "https://billing.prod.svc:8443/v2" }]
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials: { tokenUrl: "https://login.example.com/token", scopes: {} }
security: [{ oauth: [] }]
paths:
  /admin/invoices/{id}:
    delete:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "204": { description: gone } }
  /invoices:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { iban: { type: string }, email: { type: string } } }
      responses: { "201": { description: made } }
"#,
        );
        assert_eq!(model.apis[0].exposure, Some(Exposure::Internal));
        assert_eq!(model.apis[0].version.as_deref(), Some("2"));
        let ids: Vec<&str> = model.elements.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "internal-service",
                "billing-internal",
                "administrator",
                "identity-provider"
            ]
        );
        let idp = &model.elements[3];
        assert!(
            idp.description
                .as_deref()
                .unwrap()
                .contains("login.example.com")
        );
        let flow = &model.flows[0];
        assert_eq!(flow.authentication, Some(Authentication::Oauth2));
        assert_eq!(flow.protocol.as_deref(), Some("https"));
        assert_eq!(flow.port, Some(8443));
        let data: Vec<&str> = model.data.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(data, ["personal-data", "payment-data", "access-token"]);
        assert!(model.assumptions.is_empty());
        assert!(
            model.boundaries[1]
                .name
                .as_deref()
                .unwrap()
                .contains("billing.prod.svc:8443")
        );
    }

    #[test]
    fn an_open_api_on_localhost_is_public_with_an_assumption() {
        let model = derive(
            r#"
swagger: "2.0"
info: { title: Pets, version: "1" }
host: localhost:8080
schemes: [http]
paths:
  /pets:
    get:
      responses: { "200": { description: ok } }
"#,
        );
        assert_eq!(model.apis[0].exposure, Some(Exposure::Public));
        assert_eq!(model.flows[0].authentication, Some(Authentication::None));
        assert_eq!(model.flows[0].protocol.as_deref(), Some("http"));
        assert!(model.data.is_empty());
        assert_eq!(model.assumptions[0].id.as_str(), "deployed-publicly");
        assert_eq!(model.elements.len(), 2);
    }

    #[test]
    fn mutual_tls_everywhere_means_partners() {
        let model = derive(
            r#"
openapi: 3.1.0
info: { title: "", version: "1" }
servers: [{ url: "https://partners.example.com" }]
components: { securitySchemes: { mtls: { type: mutualTLS } } }
security: [{ mtls: [] }]
paths:
  /orders:
    get:
      responses: { "200": { description: ok } }
"#,
        );
        assert_eq!(model.system.name, "API");
        assert_eq!(model.apis[0].exposure, Some(Exposure::Partner));
        assert_eq!(model.elements[0].id.as_str(), "partner-system");
        assert_eq!(model.flows[0].authentication, Some(Authentication::Mtls));
    }

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slug("Acme Payments API"), "acme-payments-api");
        assert_eq!(slug("  --Ünïcode «API» v2.0!  "), "ünïcode-api-v2-0");
        assert_eq!(slug("***"), "");
        assert_eq!(non_empty_slug("***", "api"), "api");
        assert!(slug(&"x ".repeat(100)).len() <= 60);
    }
}
