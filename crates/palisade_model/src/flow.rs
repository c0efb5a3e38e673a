//! Data flows: directed edges between elements, with how they are protected and what they carry.

use palisade_diagnostics::Span;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ApiId, DataId, ElementId, FlowId, string_enum};

string_enum! {
    /// How the sender of a flow proves who it is.
    pub enum Authentication {
        None = "none",
        Basic = "basic",
        ApiKey = "api_key",
        Bearer = "bearer",
        Jwt = "jwt",
        Oauth2 = "oauth2",
        Oidc = "oidc",
        Mtls = "mtls",
        Session = "session",
        Saml = "saml",
        Signature = "signature",
        Password = "password",
        Other = "other",
    }
}

string_enum! {
    /// How the receiver of a flow decides what the sender may do.
    pub enum Authorization {
        None = "none",
        Rbac = "rbac",
        Abac = "abac",
        Scopes = "scopes",
        Ownership = "ownership",
        Acl = "acl",
        Other = "other",
    }
}

string_enum! {
    /// How a flow is protected in transit.
    pub enum Encryption {
        None = "none",
        Tls = "tls",
        Mtls = "mtls",
        EndToEnd = "end_to_end",
    }
}

/// A directed edge of the data-flow diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub id: FlowId,
    pub from: ElementId,
    pub to: ElementId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Protocol, lower case: `https`, `http`, `grpc`, `amqp`, `postgres`, `kafka` …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<Authentication>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<Authorization>,
    /// Transport protection; when absent it is derived from the protocol (`https` → TLS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<Encryption>,
    /// The data assets this flow carries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<DataId>,
    /// The API this flow calls, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ApiId>,
    /// Data goes both ways (a request and its response are one flow anyway).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bidirectional: bool,
    /// The receiver validates what arrives against a schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validated: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

impl Flow {
    /// A flow with only an id and its two ends.
    pub fn new(id: impl Into<String>, from: impl Into<String>, to: impl Into<String>) -> Self {
        Self {
            id: FlowId::new(id),
            from: ElementId::new(from),
            to: ElementId::new(to),
            name: None,
            description: None,
            protocol: None,
            port: None,
            authentication: None,
            authorization: None,
            encryption: None,
            data: Vec::new(),
            api: None,
            bidirectional: false,
            validated: None,
            tags: Vec::new(),
            span: Span::default(),
        }
    }

    /// The name to show: the name, or `from → to`.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("{} → {}", self.from, self.to))
    }

    /// The transport protection, from `encryption` or else from the protocol.
    pub fn effective_encryption(&self) -> Option<Encryption> {
        if self.encryption.is_some() {
            return self.encryption;
        }
        let protocol = self.protocol.as_deref()?.to_ascii_lowercase();
        match protocol.as_str() {
            "https" | "tls" | "wss" | "grpcs" | "sftp" | "ssh" | "amqps" | "mqtts" | "ldaps"
            | "smtps" | "ftps" | "h2" | "http2" | "https2" => Some(Encryption::Tls),
            "http" | "ws" | "ftp" | "telnet" | "amqp" | "mqtt" | "ldap" | "smtp" => {
                Some(Encryption::None)
            }
            _ => None,
        }
    }
}
