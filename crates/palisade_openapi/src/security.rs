//! Security schemes and security requirements, read from Swagger 2.0 and OpenAPI 3.x into one form.
//!
//! Swagger 2's `basic` becomes HTTP `basic`; its single OAuth 2 `flow` (`implicit`, `password`,
//! `application`, `accessCode`) becomes the OpenAPI 3 flow of the same meaning. A security
//! requirement list is a set of alternatives: `security: []` means no security, and an empty
//! alternative `{}` means the credentials are optional.

use indexmap::IndexMap;
use palisade_syntax::{Map, Node};
use serde::Serialize;

use crate::codes;
use crate::model::{Extensions, Location};
use crate::reader::{FileId, Reader, extensions};

/// A named way to authenticate.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityScheme {
    pub name: String,
    #[serde(flatten)]
    pub kind: SecuritySchemeKind,
    pub description: Option<String>,
    pub extensions: Extensions,
    pub location: Location,
}

/// What kind of credentials a scheme takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SecuritySchemeKind {
    /// HTTP authentication: `basic`, `bearer` (with an optional `bearerFormat` such as `JWT`), `digest` …
    Http {
        /// Lower-cased.
        scheme: String,
        bearer_format: Option<String>,
    },
    /// An API key sent in a header, a query parameter or a cookie.
    ApiKey {
        name: String,
        #[serde(rename = "in")]
        location: ApiKeyLocation,
    },
    OAuth2 {
        flows: Vec<OAuthFlow>,
    },
    OpenIdConnect {
        url: String,
    },
    MutualTls,
    /// A `type` this reader does not know (kept so requirements naming it still resolve).
    Unknown {
        declared_type: String,
    },
}

/// Where an API key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

/// One OAuth 2 flow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OAuthFlow {
    pub kind: OAuthFlowKind,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub refresh_url: Option<String>,
    /// Scope → description.
    pub scopes: IndexMap<String, String>,
}

/// The OAuth 2 grant a flow uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthFlowKind {
    Implicit,
    Password,
    ClientCredentials,
    AuthorizationCode,
}

/// A `security` list: any one alternative satisfies it.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityRequirements {
    pub alternatives: Vec<SecurityRequirement>,
    pub location: Location,
}

/// One alternative: every scheme in it is needed (scheme name → scopes). Empty means "no credentials".
#[derive(Debug, Clone, Default, Serialize)]
pub struct SecurityRequirement {
    pub schemes: IndexMap<String, Vec<String>>,
}

impl<'a> Reader<'a> {
    /// `components/securitySchemes` (3.x) or `securityDefinitions` (2.0).
    pub fn security_schemes(
        &mut self,
        file: FileId,
        map: &'a Map,
    ) -> IndexMap<String, SecurityScheme> {
        let mut out = IndexMap::new();
        for (name, node) in map.iter() {
            if name.text.starts_with("x-") && self.version.is_swagger2() {
                continue;
            }
            let Some((def_file, def)) = self.deref(file, node) else {
                continue;
            };
            if let Some(scheme) = self.security_scheme(def_file, &name.text, def) {
                out.insert(name.text.clone(), scheme);
            }
        }
        out
    }

    fn security_scheme(
        &mut self,
        file: FileId,
        name: &str,
        node: &'a Node,
    ) -> Option<SecurityScheme> {
        let map = self.expect_map(file, node, &format!("security scheme `{name}`"))?;
        let Some(type_node) = map.get("type") else {
            self.warn(
                codes::MISSING_FIELD,
                file,
                node.span,
                format!("security scheme `{name}` has no `type`"),
                "`type` is missing",
            )
            .help
            .push(
                "add `type: http`, `apiKey`, `oauth2`, `openIdConnect` or `mutualTLS`".to_owned(),
            );
            return None;
        };
        let declared = self.text(file, type_node, "`type`").unwrap_or_default();
        let kind = match declared.as_str() {
            "basic" if self.version.is_swagger2() => SecuritySchemeKind::Http {
                scheme: "basic".to_owned(),
                bearer_format: None,
            },
            "http" => SecuritySchemeKind::Http {
                scheme: self
                    .text_field(file, map, "scheme")
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                bearer_format: self.text_field(file, map, "bearerFormat"),
            },
            "apiKey" => {
                let key_name = self.text_field(file, map, "name").unwrap_or_default();
                let place = self.text_field(file, map, "in").unwrap_or_default();
                let location = match place.as_str() {
                    "header" => ApiKeyLocation::Header,
                    "query" => ApiKeyLocation::Query,
                    "cookie" if !self.version.is_swagger2() => ApiKeyLocation::Cookie,
                    other => {
                        let span = map.get("in").map_or(node.span, |n| n.span);
                        self.warn(
                            codes::INVALID_SECURITY_SCHEME,
                            file,
                            span,
                            format!("API key `{name}` is sent `in: {other}`, which is not a place for an API key"),
                            "expected `header`, `query` or `cookie`",
                        );
                        ApiKeyLocation::Header
                    }
                };
                SecuritySchemeKind::ApiKey {
                    name: key_name,
                    location,
                }
            }
            "oauth2" => SecuritySchemeKind::OAuth2 {
                flows: if self.version.is_swagger2() {
                    self.swagger2_flow(file, map).into_iter().collect()
                } else {
                    self.oauth_flows(file, map)
                },
            },
            "openIdConnect" => SecuritySchemeKind::OpenIdConnect {
                url: self
                    .text_field(file, map, "openIdConnectUrl")
                    .unwrap_or_default(),
            },
            "mutualTLS" => SecuritySchemeKind::MutualTls,
            other => {
                let swagger2 = self.version.is_swagger2();
                self.warn(
                    codes::INVALID_SECURITY_SCHEME,
                    file,
                    type_node.span,
                    format!("security scheme `{name}` has an unknown type `{other}`"),
                    "unknown type",
                )
                .help
                .push(if swagger2 {
                    "Swagger 2.0 knows `basic`, `apiKey` and `oauth2`".to_owned()
                } else {
                    "OpenAPI 3 knows `http`, `apiKey`, `oauth2`, `openIdConnect` and `mutualTLS`"
                        .to_owned()
                });
                SecuritySchemeKind::Unknown {
                    declared_type: other.to_owned(),
                }
            }
        };
        Some(SecurityScheme {
            name: name.to_owned(),
            kind,
            description: self.text_field(file, map, "description"),
            extensions: extensions(map),
            location: self.loc(file, node.span),
        })
    }

    /// Swagger 2: one `flow` with `authorizationUrl`, `tokenUrl` and `scopes` beside it.
    fn swagger2_flow(&mut self, file: FileId, map: &'a Map) -> Option<OAuthFlow> {
        let flow = self.text_field(file, map, "flow")?;
        let kind = match flow.as_str() {
            "implicit" => OAuthFlowKind::Implicit,
            "password" => OAuthFlowKind::Password,
            "application" => OAuthFlowKind::ClientCredentials,
            "accessCode" => OAuthFlowKind::AuthorizationCode,
            other => {
                let span = map.get("flow").map_or_else(Default::default, |n| n.span);
                self.warn(
                    codes::INVALID_SECURITY_SCHEME,
                    file,
                    span,
                    format!("unknown OAuth 2 flow `{other}`"),
                    "expected `implicit`, `password`, `application` or `accessCode`",
                );
                return None;
            }
        };
        Some(self.oauth_flow(file, kind, map))
    }

    /// OpenAPI 3: `flows` with one entry per grant.
    fn oauth_flows(&mut self, file: FileId, map: &'a Map) -> Vec<OAuthFlow> {
        let Some(flows) = self.map_field(file, map, "flows") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, node) in flows.iter() {
            let kind = match key.text.as_str() {
                "implicit" => OAuthFlowKind::Implicit,
                "password" => OAuthFlowKind::Password,
                "clientCredentials" => OAuthFlowKind::ClientCredentials,
                "authorizationCode" => OAuthFlowKind::AuthorizationCode,
                k if k.starts_with("x-") => continue,
                other => {
                    self.warn(
                        codes::INVALID_SECURITY_SCHEME,
                        file,
                        key.span,
                        format!("unknown OAuth 2 flow `{other}`"),
                        "expected `implicit`, `password`, `clientCredentials` or `authorizationCode`",
                    );
                    continue;
                }
            };
            if let Some(flow_map) = self.expect_map(file, node, &format!("flow `{}`", key.text)) {
                out.push(self.oauth_flow(file, kind, flow_map));
            }
        }
        out
    }

    fn oauth_flow(&mut self, file: FileId, kind: OAuthFlowKind, map: &'a Map) -> OAuthFlow {
        let mut scopes = IndexMap::new();
        if let Some(scope_map) = self.map_field(file, map, "scopes") {
            for (scope, description) in scope_map.iter() {
                if scope.text.starts_with("x-") && self.version.is_swagger2() {
                    continue;
                }
                let description = description.scalar_text().unwrap_or_default();
                scopes.insert(scope.text.clone(), description);
            }
        }
        OAuthFlow {
            kind,
            authorization_url: self.text_field(file, map, "authorizationUrl"),
            token_url: self.text_field(file, map, "tokenUrl"),
            refresh_url: self.text_field(file, map, "refreshUrl"),
            scopes,
        }
    }

    /// A `security` list.
    pub fn security_requirements(
        &mut self,
        file: FileId,
        node: &'a Node,
    ) -> Option<SecurityRequirements> {
        let items = self.expect_seq(file, node, "`security`")?;
        let mut alternatives = Vec::new();
        for item in items {
            let Some(map) = self.expect_map(file, item, "a security requirement") else {
                continue;
            };
            let mut requirement = SecurityRequirement::default();
            for (name, scopes) in map.iter() {
                let scopes = if scopes.is_null() {
                    Vec::new()
                } else {
                    self.text_list(file, scopes, &format!("the scopes of `{}`", name.text))
                };
                requirement.schemes.insert(name.text.clone(), scopes);
            }
            alternatives.push(requirement);
        }
        Some(SecurityRequirements {
            alternatives,
            location: self.loc(file, node.span),
        })
    }

    /// Reports scheme names in `requirements` that `schemes` does not define.
    pub fn check_requirements(&mut self, file: FileId, node: &'a Node, schemes: &[String]) {
        let Some(items) = node.as_seq() else {
            return;
        };
        for item in items {
            let Some(map) = item.as_map() else {
                continue;
            };
            for (name, _) in map.iter() {
                if schemes.contains(&name.text) {
                    continue;
                }
                let suggestion = palisade_diagnostics::did_you_mean(
                    &name.text,
                    schemes.iter().map(String::as_str),
                )
                .map(str::to_owned);
                let d = self.warn(
                    codes::UNKNOWN_SECURITY_SCHEME,
                    file,
                    name.span,
                    format!(
                        "security requirement names an undefined scheme `{}`",
                        name.text
                    ),
                    "no security scheme with this name",
                );
                match suggestion {
                    Some(s) => d.help.push(format!("did you mean `{s}`?")),
                    None if schemes.is_empty() => d.help.push(
                        "define it under `components/securitySchemes` (or `securityDefinitions` in Swagger 2.0)".to_owned(),
                    ),
                    None => d.help.push(format!(
                        "defined schemes: {}",
                        schemes.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    )),
                }
            }
        }
    }
}
