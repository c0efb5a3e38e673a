//! What operation rules read: one OpenAPI document with its lookups precomputed (the guard of
//! every operation, which ids responses reveal, versions of the same path), and per operation the
//! properties of its request and response bodies, walked once.

use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use palisade_openapi::{
    AuthState, DeepProperty, Method, Operation, ParameterLocation, Schema, SchemaId, Spec,
};

use crate::threat::{Location, Target};

/// How deep request properties are walked (`a.b.c.d.e.f`).
const REQUEST_DEPTH: usize = 6;
/// How deep response properties are walked: what leaks is usually near the top.
const RESPONSE_DEPTH: usize = 4;

/// Header, query or cookie parameters that carry credentials when a spec declares auth as a
/// parameter instead of a security scheme.
const CREDENTIAL_PARAMETER_WORDS: &[&str] = &[
    "authorization",
    "token",
    "apikey",
    "api_key",
    "access_token",
    "accesstoken",
    "auth",
    "session",
    "sessionid",
    "jwt",
    "password",
    "secret",
    "x-access-token",
    "x-api-key",
    "x-auth-token",
];

/// The properties under one body schema, shared by the operations that use it.
type Properties<'s> = Arc<[DeepProperty<'s>]>;

/// What [`SpecCx::matching`] remembers a result by: the test's key, the root and the depth.
type MatchKey = (&'static str, SchemaId, usize);

/// The document and its indexes.
pub struct SpecCx<'s> {
    pub spec: &'s Spec,
    /// The API id threats are filed under (the model's `apis[].id`, or the file name).
    pub api: String,
    /// Path with version segments replaced by `{version}` → the operations found there.
    versions: HashMap<String, Vec<usize>>,
    /// Guards of the operations that are not administrative.
    user_guards: HashSet<Guard>,
    /// Lower-cased property names found in 2xx responses (ids that callers can learn).
    response_names: HashSet<String>,
    /// Whether some operation requires authentication: a security requirement in force, or a
    /// credential parameter.
    pub declares_auth: bool,
    /// The distinct properties under a body schema, by (root, depth): many operations share a
    /// response or request type, and each is walked once per document.
    properties: Mutex<HashMap<(SchemaId, usize), Properties<'s>>>,
    /// [`SpecCx::matching`]: positions of the properties under a root that a rule's test
    /// accepts, by (rule's key, root, depth).
    matching: Mutex<HashMap<MatchKey, Arc<[usize]>>>,
}

/// What protects an operation: its security alternatives (scheme → scopes) and credential
/// parameters, as a comparable value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guard {
    pub schemes: BTreeSet<(String, Vec<String>)>,
    pub parameters: BTreeSet<String>,
}

impl<'s> SpecCx<'s> {
    pub fn new(spec: &'s Spec, api: impl Into<String>) -> Self {
        let mut versions: HashMap<String, Vec<usize>> = HashMap::new();
        let mut user_guards = HashSet::new();
        let mut response_names = HashSet::new();
        let mut named_roots = HashSet::new();
        for (i, op) in spec.operations.iter().enumerate() {
            if let Some(normal) = version_free_path(&op.path) {
                versions
                    .entry(format!("{} {normal}", op.method))
                    .or_default()
                    .push(i);
            }
            if !is_admin_operation(op) {
                user_guards.insert(guard(op));
            }
            for status in op.responses.keys().filter(|s| s.starts_with('2')) {
                for media in op.responses[status].content.values() {
                    if let Some(root) = media.schema
                        && named_roots.insert(root)
                    {
                        for p in spec.schemas.distinct_properties(root, 2) {
                            response_names.insert(p.name.to_ascii_lowercase());
                        }
                    }
                }
            }
        }
        let declares_auth = spec.operations.iter().any(|op| {
            op.security.state() != AuthState::None
                || op
                    .parameters
                    .iter()
                    .any(|p| p.r#in != ParameterLocation::Path && is_credential_name(&p.name))
        });
        Self {
            spec,
            api: api.into(),
            versions,
            user_guards,
            response_names,
            declares_auth,
            properties: Mutex::default(),
            matching: Mutex::default(),
        }
    }

    /// The positions, in [`SpecCx::properties_of`]`(root, depth)`, of the properties that `test`
    /// accepts, computed once per document for each `key` (a name for the test, unique to the
    /// rule): operations share error and response types, and a rule that tests every property
    /// of each would repeat the same work for every operation.
    pub fn matching(
        &self,
        key: &'static str,
        root: SchemaId,
        depth: usize,
        test: impl Fn(&DeepProperty<'s>) -> bool,
    ) -> Arc<[usize]> {
        let memo_key = (key, root, depth);
        if let Some(found) = lock(&self.matching).get(&memo_key) {
            return Arc::clone(found);
        }
        // Computed without the lock (another thread may compute the same, equal, result).
        let found: Arc<[usize]> = self
            .properties_of(root, depth)
            .iter()
            .enumerate()
            .filter(|(_, p)| test(p))
            .map(|(i, _)| i)
            .collect();
        Arc::clone(lock(&self.matching).entry(memo_key).or_insert(found))
    }

    /// The distinct properties under `root` within `depth` (see
    /// [`palisade_openapi::Schemas::distinct_properties`]), computed once per document.
    pub fn properties_of(&self, root: SchemaId, depth: usize) -> Properties<'s> {
        if let Some(found) = lock(&self.properties).get(&(root, depth)) {
            return Arc::clone(found);
        }
        let walked: Properties<'s> = self.spec.schemas.distinct_properties(root, depth).into();
        Arc::clone(
            lock(&self.properties)
                .entry((root, depth))
                .or_insert(walked),
        )
    }

    pub fn schema(&self, id: SchemaId) -> Option<&'s Schema> {
        self.spec.schemas.get(id)
    }

    /// Whether some response reveals a property of this name (case-insensitive).
    pub fn responses_reveal(&self, name: &str) -> bool {
        self.response_names.contains(&name.to_ascii_lowercase())
    }

    /// Whether any non-administrative operation has exactly this guard.
    pub fn users_have_guard(&self, g: &Guard) -> bool {
        self.user_guards.contains(g)
    }

    /// The other operations with the same method on the same path in another version.
    pub fn other_versions(&self, op: &Operation) -> Vec<&'s Operation> {
        let Some(normal) = version_free_path(&op.path) else {
            return Vec::new();
        };
        self.versions
            .get(&format!("{} {normal}", op.method))
            .into_iter()
            .flatten()
            .map(|&i| &self.spec.operations[i])
            .filter(|o| o.path != op.path)
            .collect()
    }

    #[allow(clippy::unused_self, clippy::unnecessary_wraps)] // the same shape as `ModelCx::location`
    pub fn location(&self, loc: &palisade_openapi::Location) -> Option<Location> {
        Some(Location::new(loc.file.clone(), loc.span))
    }

    /// The API-level target.
    pub fn api_target(&self) -> Target {
        Target::Api {
            api: self.api.clone(),
        }
    }
}

/// A memo's map; a panic elsewhere cannot leave one half-written (each insert is one call).
fn lock<T>(memo: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    memo.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One operation and what rules ask about it.
pub struct OpCx<'s> {
    pub spec: &'s SpecCx<'s>,
    pub op: &'s Operation,
    request: OnceCell<Vec<Properties<'s>>>,
    response: OnceCell<Vec<Properties<'s>>>,
    words: OnceCell<Vec<String>>,
}

impl<'s> OpCx<'s> {
    pub fn new(spec: &'s SpecCx<'s>, op: &'s Operation) -> Self {
        Self {
            spec,
            op,
            request: OnceCell::new(),
            response: OnceCell::new(),
            words: OnceCell::new(),
        }
    }

    pub fn target(&self) -> Target {
        Target::Operation {
            api: self.spec.api.clone(),
            operation: self.op.address(),
        }
    }

    /// The operation's own location (its method key).
    pub fn location(&self) -> Option<Location> {
        self.spec.location(&self.op.location)
    }

    pub fn is_write(&self) -> bool {
        matches!(
            self.op.method,
            Method::Post | Method::Put | Method::Patch | Method::Delete
        )
    }

    /// The security in force, counting credential parameters as authentication.
    pub fn auth_state(&self) -> AuthState {
        match self.op.security.state() {
            AuthState::None if !self.credential_parameters().is_empty() => AuthState::Required,
            state => state,
        }
    }

    /// Whether the operation needs no credentials while the API requires them elsewhere: an
    /// operation left open, rather than an API whose authentication is simply not described.
    pub fn left_open(&self) -> bool {
        self.auth_state() == AuthState::None && self.spec.declares_auth
    }

    /// Header, query and cookie parameters that carry credentials.
    pub fn credential_parameters(&self) -> Vec<&'s palisade_openapi::Parameter> {
        self.op
            .parameters
            .iter()
            .filter(|p| {
                matches!(
                    p.r#in,
                    ParameterLocation::Header
                        | ParameterLocation::Query
                        | ParameterLocation::Cookie
                ) && is_credential_name(&p.name)
            })
            .collect()
    }

    pub fn guard(&self) -> Guard {
        guard(self.op)
    }

    /// Words of the path, operationId and tags, lower case: `/api/admin/Users/{id}` → `api admin users id`.
    pub fn words(&self) -> &[String] {
        self.words.get_or_init(|| {
            let mut w = words(&self.op.path);
            if let Some(id) = &self.op.operation_id {
                w.extend(words(id));
            }
            for t in &self.op.tags {
                w.extend(words(t));
            }
            w
        })
    }

    /// Whether a response with this status (or its `4XX` family) is declared.
    pub fn has_response(&self, status: &str) -> bool {
        let family = format!("{}XX", &status[..1]);
        self.op
            .responses
            .keys()
            .any(|k| k == status || k.eq_ignore_ascii_case(&family))
    }

    /// Whether the operation documents throttling: a 429 response or rate-limit headers.
    pub fn documents_rate_limit(&self) -> bool {
        documents_rate_limit(self.op)
    }

    /// Every property of the request bodies (all media types), walked once.
    pub fn request_properties(&self) -> impl Iterator<Item = &DeepProperty<'s>> {
        self.request
            .get_or_init(|| {
                let mut roots = Vec::new();
                if let Some(body) = &self.op.request_body {
                    roots.extend(body.content.values().filter_map(|m| m.schema));
                }
                self.walk(roots, REQUEST_DEPTH)
            })
            .iter()
            .flat_map(|props| props.iter())
    }

    /// The distinct properties under each distinct root.
    fn walk(&self, mut roots: Vec<SchemaId>, depth: usize) -> Vec<Properties<'s>> {
        roots.sort_unstable();
        roots.dedup();
        roots
            .into_iter()
            .map(|root| self.spec.properties_of(root, depth))
            .collect()
    }

    /// The root schemas of the request bodies.
    pub fn request_schemas(&self) -> Vec<(&'s str, &'s Schema)> {
        self.op
            .request_body
            .iter()
            .flat_map(|b| b.content.iter())
            .filter_map(|(media, m)| Some((media.as_str(), self.spec.schema(m.schema?)?)))
            .collect()
    }

    /// Every property of the 2xx response bodies, walked once.
    pub fn response_properties(&self) -> impl Iterator<Item = &DeepProperty<'s>> {
        self.response
            .get_or_init(|| {
                let roots = self
                    .op
                    .responses
                    .iter()
                    .filter(|(status, _)| status.starts_with('2'))
                    .flat_map(|(_, r)| r.content.values().filter_map(|m| m.schema))
                    .collect();
                self.walk(roots, RESPONSE_DEPTH)
            })
            .iter()
            .flat_map(|props| props.iter())
    }

    /// Every input value: parameters (with their schema) and request properties, as
    /// `(name, schema, location, where)`.
    pub fn inputs(&self) -> Vec<Input<'_>> {
        let mut out: Vec<Input<'_>> = self
            .op
            .parameters
            .iter()
            .filter(|p| p.r#in != ParameterLocation::Header || !is_credential_name(&p.name))
            .filter_map(|p| {
                let schema = p
                    .schema
                    .or_else(|| p.content.values().find_map(|m| m.schema))
                    .and_then(|id| self.spec.schema(id))?;
                Some(Input {
                    name: &p.name,
                    path: &p.name,
                    schema,
                    location: &p.location,
                    kind: InputKind::Parameter(p.r#in),
                })
            })
            .collect();
        for prop in self.request_properties() {
            if prop.schema.read_only {
                continue;
            }
            out.push(Input {
                name: prop.name,
                path: &prop.path,
                schema: prop.schema,
                location: prop.location,
                kind: InputKind::Body,
            });
        }
        out
    }
}

/// Whether an operation documents throttling: a 429 (or 4XX) response, rate-limit or
/// `Retry-After` headers, or a rate-limit extension.
pub fn documents_rate_limit(op: &Operation) -> bool {
    op.responses
        .keys()
        .any(|k| k == "429" || k.eq_ignore_ascii_case("4XX"))
        || op.responses.values().any(|r| {
            r.headers.keys().any(|h| {
                let h = h.to_ascii_lowercase();
                h.contains("ratelimit") || h.contains("rate-limit") || h == "retry-after"
            })
        })
        || op.extensions.keys().any(|k| {
            let k = k.to_ascii_lowercase();
            k.contains("ratelimit") || k.contains("rate-limit") || k.contains("throttl")
        })
}

/// One value a caller sends, borrowed from the document and the operation's walked bodies.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub name: &'a str,
    /// The dotted path for body properties (`order.items[].sku`), the name for parameters.
    pub path: &'a str,
    pub schema: &'a Schema,
    pub location: &'a palisade_openapi::Location,
    pub kind: InputKind,
}

/// Where an input travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Parameter(ParameterLocation),
    Body,
}

impl Input<'_> {
    /// `query parameter `q``, `body property `user.name``.
    pub fn describe(&self) -> String {
        match self.kind {
            InputKind::Parameter(at) => format!("{} parameter `{}`", at.as_str(), self.name),
            InputKind::Body => format!("body property `{}`", self.path),
        }
    }

    /// Whether the value's shape is constrained by an enum, a const, a pattern or a closed format.
    pub fn is_constrained_string(&self) -> bool {
        let s = self.schema;
        !s.enum_values.is_empty()
            || s.const_value.is_some()
            || s.pattern.is_some()
            || s.max_length.is_some()
            || matches!(
                s.format.as_deref(),
                Some(
                    "uuid"
                        | "date"
                        | "date-time"
                        | "time"
                        | "int32"
                        | "int64"
                        | "ipv4"
                        | "ipv6"
                        | "byte-length"
                        | "duration"
                )
            )
    }
}

pub use palisade_openapi::sensitive::words;

/// Whether a parameter name carries credentials (`token`, `x-api-key`, `Authorization` …).
pub fn is_credential_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if CREDENTIAL_PARAMETER_WORDS.contains(&lower.as_str()) {
        return true;
    }
    let w = words(name);
    let has = |x: &str| w.iter().any(|y| y == x);
    let pagination = [
        "page",
        "next",
        "continuation",
        "cursor",
        "sync",
        "resume",
        "idempotency",
        "count",
        "type",
        "csrf",
        "xsrf",
    ]
    .iter()
    .any(|x| has(x));
    has("token") && !pagination
        || (has("api") && has("key"))
        || has("apikey")
        || has("password")
        || has("authorization")
        || (has("access") && has("token"))
        || (has("session") && (has("id") || has("key") || has("token")))
}

/// Whether an operation is administrative: `admin`, `internal`, `manage` … in its path,
/// operationId or tags.
pub fn is_admin_operation(op: &Operation) -> bool {
    let mut w = words(&op.path);
    if let Some(id) = &op.operation_id {
        w.extend(words(id));
    }
    for t in &op.tags {
        w.extend(words(t));
    }
    w.iter().any(|x| {
        matches!(
            x.as_str(),
            "admin"
                | "admins"
                | "administrator"
                | "administration"
                | "superuser"
                | "sudo"
                | "backoffice"
                | "staff"
                | "internal"
        )
    })
}

fn guard(op: &Operation) -> Guard {
    let mut schemes = BTreeSet::new();
    for alt in op
        .security
        .requirements
        .iter()
        .flat_map(|r| &r.alternatives)
    {
        for (name, scopes) in &alt.schemes {
            let mut scopes = scopes.clone();
            scopes.sort();
            schemes.insert((name.clone(), scopes));
        }
    }
    let parameters = op
        .parameters
        .iter()
        .filter(|p| p.r#in != ParameterLocation::Path && is_credential_name(&p.name))
        .map(|p| p.name.to_ascii_lowercase())
        .collect();
    Guard {
        schemes,
        parameters,
    }
}

/// The path with its version segments (`v1`, `v2.1`, `2023-01-01`) replaced, or `None` when it has
/// no version segment.
pub fn version_free_path(path: &str) -> Option<String> {
    let mut found = false;
    let parts: Vec<&str> = path
        .split('/')
        .map(|seg| {
            if is_version_segment(seg) {
                found = true;
                "{version}"
            } else {
                seg
            }
        })
        .collect();
    found.then(|| parts.join("/"))
}

/// `v1`, `V2`, `v1.1`, `v2beta1`.
pub fn is_version_segment(seg: &str) -> bool {
    let Some(rest) = seg.strip_prefix(['v', 'V']) else {
        return false;
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return false;
    }
    let tail = &rest[digits.len()..];
    tail.is_empty()
        || tail
            .strip_prefix('.')
            .is_some_and(|t| t.chars().all(|c| c.is_ascii_digit()))
        || ["alpha", "beta"].iter().any(|p| {
            tail.strip_prefix(p)
                .is_some_and(|t| t.chars().all(|c| c.is_ascii_digit()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_identifiers() {
        assert_eq!(
            words("/api/adminUsers/{user_id}"),
            ["api", "admin", "users", "user", "id"]
        );
        assert_eq!(words("getHTTPStatus"), ["get", "http", "status"]);
    }

    #[test]
    fn credential_names() {
        for yes in [
            "token",
            "x-access-token",
            "Authorization",
            "api_key",
            "apiKey",
            "access_token",
            "sessionId",
        ] {
            assert!(is_credential_name(yes), "{yes}");
        }
        for no in [
            "tokenType",
            "page",
            "user_id",
            "next_page_token_count",
            "pageToken",
        ] {
            assert!(!is_credential_name(no), "{no}");
        }
    }

    #[test]
    fn versions() {
        assert_eq!(
            version_free_path("/v1/users/{id}").as_deref(),
            Some("/{version}/users/{id}")
        );
        assert_eq!(
            version_free_path("/users/v2beta1/x").as_deref(),
            Some("/users/{version}/x")
        );
        assert_eq!(version_free_path("/users/{id}"), None);
        assert!(!is_version_segment("values"));
    }
}
