//! The normalized form of an API description: one set of types for Swagger 2.0, OpenAPI 3.0 and 3.1.

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;
use palisade_diagnostics::Span;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::schema::{SchemaId, Schemas};
use crate::security::{SecurityRequirements, SecurityScheme};

/// `x-` extensions as written, in source order.
pub type Extensions = IndexMap<String, serde_json::Value>;

/// Where something was written: the file (as the user named it) and the span of its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: Arc<str>,
    pub span: Span,
}

impl Location {
    pub fn new(file: Arc<str>, span: Span) -> Self {
        Self { file, span }
    }

    /// The 1-based line of the start.
    pub fn line(&self) -> u32 {
        self.span.start.line
    }

    /// The 1-based column (in characters) of the start.
    pub fn column(&self) -> u32 {
        self.span.start.col
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line(), self.column())
    }
}

impl Serialize for Location {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Location", 5)?;
        s.serialize_field("file", &*self.file)?;
        s.serialize_field("line", &self.span.start.line)?;
        s.serialize_field("column", &self.span.start.col)?;
        s.serialize_field("end_line", &self.span.end.line)?;
        s.serialize_field("end_column", &self.span.end.col)?;
        s.end()
    }
}

/// Which specification the document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SpecVersion {
    #[serde(rename = "swagger-2.0")]
    Swagger2,
    #[serde(rename = "openapi-3.0")]
    OpenApi30,
    #[serde(rename = "openapi-3.1")]
    OpenApi31,
}

impl SpecVersion {
    pub fn is_swagger2(self) -> bool {
        self == Self::Swagger2
    }
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Swagger2 => "Swagger 2.0",
            Self::OpenApi30 => "OpenAPI 3.0",
            Self::OpenApi31 => "OpenAPI 3.1",
        })
    }
}

/// The whole API description, normalized.
#[derive(Debug, Clone, Serialize)]
pub struct Spec {
    pub version: SpecVersion,
    /// The version as written (`2.0`, `3.0.3`, `3.1.0`).
    pub version_text: String,
    pub info: Info,
    /// Server URLs; Swagger 2's `schemes`, `host` and `basePath` become one server per scheme.
    pub servers: Vec<Server>,
    /// Security schemes by name (`components/securitySchemes` or `securityDefinitions`).
    pub security_schemes: IndexMap<String, SecurityScheme>,
    /// The top-level `security`, when the document declares one.
    pub security: Option<SecurityRequirements>,
    /// Every operation under `paths`, in document order.
    pub operations: Vec<Operation>,
    /// OpenAPI 3.1 `webhooks`: operations the API calls, keyed by webhook name in `path`.
    pub webhooks: Vec<Operation>,
    /// Every schema reached, once each; `$ref`s to one schema share its [`SchemaId`].
    pub schemas: Schemas,
    /// Named schemas (`components/schemas` or `definitions`) of the root document.
    pub named_schemas: IndexMap<String, SchemaId>,
    pub tags: Vec<Tag>,
    pub extensions: Extensions,
    /// Every file read, the root document first.
    pub files: Vec<Arc<str>>,
    /// The root of the document.
    pub location: Location,
}

/// `info`: title, version, description.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Info {
    pub title: Option<String>,
    /// The API's own version (`info.version`), as text.
    pub version: Option<String>,
    pub description: Option<String>,
    pub extensions: Extensions,
}

/// A declared tag.
#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    pub name: String,
    pub description: Option<String>,
    pub location: Location,
}

/// One server the API is reachable at.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// The URL as written (with `{variables}`), or built from Swagger 2's scheme, host and basePath.
    pub url: String,
    /// The URL scheme (`https`, `http`, `wss` …) once variables take their defaults, when known.
    pub scheme: Option<String>,
    pub description: Option<String>,
    pub variables: IndexMap<String, ServerVariable>,
    pub location: Location,
}

/// A `{variable}` in a server URL.
#[derive(Debug, Clone, Serialize)]
pub struct ServerVariable {
    pub default: Option<String>,
    #[serde(rename = "enum")]
    pub enum_values: Vec<String>,
    pub description: Option<String>,
}

/// An HTTP method that can carry an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Every method, in the order the specification lists them.
    pub const ALL: [Self; 8] = [
        Self::Get,
        Self::Put,
        Self::Post,
        Self::Delete,
        Self::Options,
        Self::Head,
        Self::Patch,
        Self::Trace,
    ];

    /// The method for a lower-case path item key (`get`, `post` …).
    pub fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "get" => Self::Get,
            "put" => Self::Put,
            "post" => Self::Post,
            "delete" => Self::Delete,
            "options" => Self::Options,
            "head" => Self::Head,
            "patch" => Self::Patch,
            "trace" => Self::Trace,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One operation: a method on a path.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    pub method: Method,
    /// The path exactly as the key under `paths` (or the webhook's name, or a callback's expression).
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub deprecated: bool,
    /// Path-level and operation-level parameters merged (the operation's win), `$ref`s resolved.
    pub parameters: Vec<Parameter>,
    /// The request body by media type; Swagger 2 `in: body` and `in: formData` parameters land here too.
    pub request_body: Option<RequestBody>,
    /// Responses by status code (`200`, `4XX`, `default`), in document order.
    pub responses: IndexMap<String, Response>,
    /// The security that applies: the operation's own, else the document's.
    pub security: Security,
    /// Servers declared on the operation or its path item (they override the document's).
    pub servers: Vec<Server>,
    /// Swagger 2 `consumes` in force (operation's, else document's); empty for OpenAPI 3.
    pub consumes: Vec<String>,
    /// Swagger 2 `produces` in force (operation's, else document's); empty for OpenAPI 3.
    pub produces: Vec<String>,
    pub callbacks: Vec<Callback>,
    pub extensions: Extensions,
    /// The method key (`get:`) of the operation.
    pub location: Location,
}

impl Operation {
    /// `METHOD /path`, the way operations are addressed.
    pub fn address(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The parameters found in `location`.
    pub fn parameters_in(&self, location: ParameterLocation) -> impl Iterator<Item = &Parameter> {
        self.parameters.iter().filter(move |p| p.r#in == location)
    }
}

/// The security in force for one operation.
#[derive(Debug, Clone, Serialize)]
pub struct Security {
    /// The alternatives (any one satisfies); `None` when neither the operation nor the document says.
    pub requirements: Option<SecurityRequirements>,
    /// Whether the operation declares `security` itself (rather than inheriting the document's).
    pub declared_on_operation: bool,
}

/// How an operation is protected, at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthState {
    /// At least one scheme must be satisfied.
    Required,
    /// One alternative is `{}`: callers may come without credentials.
    Optional,
    /// No security applies (`security: []`, or none declared anywhere).
    None,
}

impl Security {
    pub fn state(&self) -> AuthState {
        match &self.requirements {
            None => AuthState::None,
            Some(reqs) if reqs.alternatives.is_empty() => AuthState::None,
            Some(reqs) if reqs.alternatives.iter().any(|a| a.schemes.is_empty()) => {
                AuthState::Optional
            }
            Some(_) => AuthState::Required,
        }
    }

    /// The names of every scheme named in any alternative, without repeats, in order.
    pub fn scheme_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for alt in self.requirements.iter().flat_map(|r| &r.alternatives) {
            for name in alt.schemes.keys() {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
        names
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
    Cookie,
    /// Swagger 2 only.
    FormData,
    /// Swagger 2 only.
    Body,
}

impl ParameterLocation {
    pub fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "path" => Self::Path,
            "query" => Self::Query,
            "header" => Self::Header,
            "cookie" => Self::Cookie,
            "formData" => Self::FormData,
            "body" => Self::Body,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
            Self::FormData => "formData",
            Self::Body => "body",
        }
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    pub name: String,
    /// Where the parameter travels (`in:`).
    pub r#in: ParameterLocation,
    pub required: bool,
    pub deprecated: bool,
    pub description: Option<String>,
    /// The schema of the value (Swagger 2's inline `type`, `format`, `maxLength` … become one too).
    pub schema: Option<SchemaId>,
    /// OpenAPI 3 `content` instead of `schema`: media type → schema.
    pub content: IndexMap<String, MediaType>,
    pub style: Option<String>,
    pub explode: Option<bool>,
    pub allow_empty_value: bool,
    /// Declared on the path item rather than on the operation.
    pub from_path_item: bool,
    pub extensions: Extensions,
    /// The parameter's definition (after `$ref`).
    pub location: Location,
}

/// A request body.
#[derive(Debug, Clone, Serialize)]
pub struct RequestBody {
    pub description: Option<String>,
    pub required: bool,
    /// Media type → schema.
    pub content: IndexMap<String, MediaType>,
    pub location: Location,
}

/// The schema of one media type.
#[derive(Debug, Clone, Serialize)]
pub struct MediaType {
    pub schema: Option<SchemaId>,
    pub location: Location,
}

/// One response of an operation.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub description: Option<String>,
    /// Media type → schema (Swagger 2: one entry per `produces` type).
    pub content: IndexMap<String, MediaType>,
    pub headers: IndexMap<String, Header>,
    pub extensions: Extensions,
    /// The status key (`'200':`).
    pub location: Location,
}

/// A response header.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub description: Option<String>,
    pub required: bool,
    pub schema: Option<SchemaId>,
    pub location: Location,
}

/// An OpenAPI 3 callback: requests the API makes back to the caller.
#[derive(Debug, Clone, Serialize)]
pub struct Callback {
    pub name: String,
    /// The runtime expression (`{$request.body#/callbackUrl}`) as written.
    pub expression: String,
    pub operations: Vec<Operation>,
    pub location: Location,
}
