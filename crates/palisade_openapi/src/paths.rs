//! `paths` (and webhooks and callbacks): path items → operations, with parameters merged and security inherited.
//!
//! What differs between Swagger 2.0 and OpenAPI 3 (parameter shapes, request bodies, responses,
//! servers) lives in `swagger2.rs` and `oas3.rs`; this file walks the path items and builds the
//! operation around them. A malformed operation is reported and skipped; the others are still read.

use indexmap::IndexMap;
use palisade_syntax::{Key, Map, Node};

use crate::codes;
use crate::model::{Callback, Method, Operation, Parameter, ParameterLocation, Security, Server};
use crate::reader::{FileId, Reader, extensions};
use crate::security::SecurityRequirements;

/// Deepest nesting of callbacks (a callback's operations with callbacks of their own …).
const MAX_CALLBACK_DEPTH: usize = 4;

/// What every operation inherits from the document.
#[derive(Debug, Default)]
pub(crate) struct Inherited {
    pub security: Option<SecurityRequirements>,
    /// Swagger 2 `consumes` and `produces`.
    pub consumes: Vec<String>,
    pub produces: Vec<String>,
    pub scheme_names: Vec<String>,
}

impl<'a> Reader<'a> {
    /// Every operation of a `paths` mapping, in document order.
    pub fn paths(&mut self, file: FileId, paths: &'a Map, inherited: &Inherited) -> Vec<Operation> {
        let mut out = Vec::new();
        for (key, node) in paths.iter() {
            if key.text.starts_with("x-") {
                continue;
            }
            if !key.text.starts_with('/') {
                self.warn(
                    codes::INVALID_PATH,
                    file,
                    key.span,
                    format!("path `{}` does not start with `/`", key.text),
                    "paths must start with `/`",
                )
                .help
                .push(format!("write `/{}`", key.text));
            }
            self.path_item(file, &key.text, node, inherited, 0, &mut out);
        }
        out
    }

    /// The operations of one path item (after its `$ref`), appended to `out`.
    pub fn path_item(
        &mut self,
        file: FileId,
        path: &str,
        node: &'a Node,
        inherited: &Inherited,
        depth: usize,
        out: &mut Vec<Operation>,
    ) {
        let Some((file, node)) = self.deref(file, node) else {
            return;
        };
        let Some(item) = self.expect_map(file, node, &format!("path item `{path}`")) else {
            return;
        };
        let path_params = match item.get("parameters") {
            Some(list) => self.parameters(file, list, true),
            None => Vec::new(),
        };
        let path_servers = match item.get("servers") {
            Some(list) if !self.version.is_swagger2() => self.servers(file, list),
            _ => Vec::new(),
        };
        for (key, op_node) in item.iter() {
            let Some(method) = Method::from_key(&key.text) else {
                continue;
            };
            let context = OperationContext {
                path,
                method,
                key,
                path_params: &path_params,
                path_servers: &path_servers,
                inherited,
                depth,
            };
            if let Some(op) = self.operation(file, op_node, &context) {
                out.push(op);
            }
        }
    }

    fn operation(
        &mut self,
        file: FileId,
        node: &'a Node,
        cx: &OperationContext<'_, 'a>,
    ) -> Option<Operation> {
        let what = format!("operation `{} {}`", cx.method, cx.path);
        let map = self.expect_map(file, node, &what)?;
        let own_params = match map.get("parameters") {
            Some(list) => self.parameters(file, list, false),
            None => Vec::new(),
        };
        let parameters = merge_parameters(cx.path_params, own_params);
        let (security, declared) = match map.get("security") {
            Some(node) => {
                let reqs = self.security_requirements(file, node);
                self.check_requirements(file, node, &cx.inherited.scheme_names);
                (reqs, true)
            }
            None => (cx.inherited.security.clone(), false),
        };
        let mut op = Operation {
            method: cx.method,
            path: cx.path.to_owned(),
            operation_id: self.text_field(file, map, "operationId"),
            summary: self.text_field(file, map, "summary"),
            description: self.text_field(file, map, "description"),
            tags: self.text_list_field(file, map, "tags"),
            deprecated: self.bool_field(file, map, "deprecated"),
            parameters,
            request_body: None,
            responses: IndexMap::new(),
            security: Security {
                requirements: security,
                declared_on_operation: declared,
            },
            servers: cx.path_servers.to_vec(),
            consumes: Vec::new(),
            produces: Vec::new(),
            callbacks: Vec::new(),
            extensions: extensions(map),
            location: self.loc(file, cx.key.span),
        };
        if self.version.is_swagger2() {
            op.consumes = match map.get("consumes") {
                Some(n) => self.text_list(file, n, "`consumes`"),
                None => cx.inherited.consumes.clone(),
            };
            op.produces = match map.get("produces") {
                Some(n) => self.text_list(file, n, "`produces`"),
                None => cx.inherited.produces.clone(),
            };
            op.request_body = self.swagger2_request_body(&op);
            if let Some(responses) = self.map_field(file, map, "responses") {
                op.responses = self.swagger2_responses(file, responses, &op.produces);
            }
        } else {
            if let Some(servers) = map.get("servers") {
                op.servers = self.servers(file, servers);
            }
            if let Some(body) = map.get("requestBody") {
                op.request_body = self.oas3_request_body(file, body);
            }
            if let Some(responses) = self.map_field(file, map, "responses") {
                op.responses = self.oas3_responses(file, responses);
            }
            if let Some(callbacks) = self.map_field(file, map, "callbacks") {
                op.callbacks = self.callbacks(file, callbacks, cx.inherited, cx.depth);
            }
        }
        if map.get("responses").is_none() {
            self.warn(
                codes::MISSING_FIELD,
                file,
                cx.key.span,
                format!("{what} has no `responses`"),
                "`responses` is missing",
            );
        }
        Some(op)
    }

    /// A `parameters` list, each resolved.
    pub fn parameters(
        &mut self,
        file: FileId,
        node: &'a Node,
        from_path_item: bool,
    ) -> Vec<Parameter> {
        let Some(items) = self.expect_seq(file, node, "`parameters`") else {
            return Vec::new();
        };
        let mut out: Vec<Parameter> = Vec::new();
        for item in items {
            let Some(mut param) = self.parameter(file, item) else {
                continue;
            };
            param.from_path_item = from_path_item;
            out.retain(|p| !(p.name == param.name && p.r#in == param.r#in));
            out.push(param);
        }
        out
    }

    /// One parameter (after its `$ref`), or `None` when it lacks a name or a place.
    fn parameter(&mut self, file: FileId, node: &'a Node) -> Option<Parameter> {
        let (file, node) = self.deref(file, node)?;
        let key = std::ptr::from_ref(node) as usize;
        if let Some(cached) = self.parameter_cache.get(&key) {
            return cached.clone();
        }
        let param = self.parameter_uncached(file, node);
        self.parameter_cache.insert(key, param.clone());
        param
    }

    fn parameter_uncached(&mut self, file: FileId, node: &'a Node) -> Option<Parameter> {
        let map = self.expect_map(file, node, "a parameter")?;
        let name = self.text_field(file, map, "name");
        let place = self.text_field(file, map, "in");
        let (Some(name), Some(place)) = (name, place) else {
            let missing = if map.get("name").is_none() {
                "name"
            } else {
                "in"
            };
            self.warn(
                codes::MISSING_FIELD,
                file,
                node.span,
                format!("a parameter has no `{missing}`"),
                format!("`{missing}` is missing"),
            );
            return None;
        };
        let location = ParameterLocation::from_key(&place);
        let allowed = match location {
            Some(ParameterLocation::FormData | ParameterLocation::Body) => {
                self.version.is_swagger2()
            }
            Some(ParameterLocation::Cookie) => !self.version.is_swagger2(),
            Some(_) => true,
            None => false,
        };
        let Some(location) = location.filter(|_| allowed) else {
            let span = map.get("in").map_or(node.span, |n| n.span);
            let expected = if self.version.is_swagger2() {
                "`path`, `query`, `header`, `formData` or `body`"
            } else {
                "`path`, `query`, `header` or `cookie`"
            };
            self.warn(
                codes::INVALID_PARAMETER_LOCATION,
                file,
                span,
                format!(
                    "parameter `{name}` is `in: {place}`, which {} does not know",
                    self.version
                ),
                format!("expected {expected}"),
            );
            return None;
        };
        let mut param = Parameter {
            name,
            r#in: location,
            required: self.bool_field(file, map, "required"),
            deprecated: self.bool_field(file, map, "deprecated"),
            description: self.text_field(file, map, "description"),
            schema: None,
            content: IndexMap::new(),
            style: self.text_field(file, map, "style"),
            explode: map
                .get("explode")
                .map(|n| self.boolean(file, n, "`explode`")),
            allow_empty_value: self.bool_field(file, map, "allowEmptyValue"),
            from_path_item: false,
            extensions: extensions(map),
            location: self.loc(file, node.span),
        };
        if self.version.is_swagger2() {
            param.schema = if location == ParameterLocation::Body {
                map.get("schema").map(|s| self.schema(file, s))
            } else {
                // The parameter itself carries `type`, `format`, `maxLength` …
                Some(self.schema(file, node))
            };
        } else {
            param.schema = map.get("schema").map(|s| self.schema(file, s));
            if let Some(content) = self.map_field(file, map, "content") {
                param.content = self.content(file, content);
                if param.schema.is_none() {
                    param.schema = param.content.values().find_map(|m| m.schema);
                }
            }
        }
        Some(param)
    }

    fn callbacks(
        &mut self,
        file: FileId,
        callbacks: &'a Map,
        inherited: &Inherited,
        depth: usize,
    ) -> Vec<Callback> {
        let mut out = Vec::new();
        for (name, node) in callbacks.iter() {
            if name.text.starts_with("x-") {
                continue;
            }
            if depth >= MAX_CALLBACK_DEPTH {
                self.warn(
                    codes::LIMIT_REACHED,
                    file,
                    name.span,
                    format!(
                        "callbacks are nested more than {MAX_CALLBACK_DEPTH} deep; `{}` is skipped",
                        name.text
                    ),
                    "nested too deeply",
                );
                continue;
            }
            let Some((cb_file, cb_node)) = self.deref(file, node) else {
                continue;
            };
            let Some(map) = self.expect_map(cb_file, cb_node, &format!("callback `{}`", name.text))
            else {
                continue;
            };
            for (expression, item) in map.iter() {
                if expression.text.starts_with("x-") {
                    continue;
                }
                let mut operations = Vec::new();
                self.path_item(
                    cb_file,
                    &expression.text,
                    item,
                    inherited,
                    depth + 1,
                    &mut operations,
                );
                out.push(Callback {
                    name: name.text.clone(),
                    expression: expression.text.clone(),
                    operations,
                    location: self.loc(file, name.span),
                });
            }
        }
        out
    }
}

/// Where an operation sits and what it inherits.
struct OperationContext<'c, 'a> {
    path: &'c str,
    method: Method,
    key: &'a Key,
    path_params: &'c [Parameter],
    path_servers: &'c [Server],
    inherited: &'c Inherited,
    depth: usize,
}

/// Path-level parameters, replaced by operation-level ones with the same name and place.
fn merge_parameters(path_params: &[Parameter], own: Vec<Parameter>) -> Vec<Parameter> {
    let mut merged: Vec<Parameter> = path_params
        .iter()
        .filter(|p| !own.iter().any(|o| o.name == p.name && o.r#in == p.r#in))
        .cloned()
        .collect();
    merged.extend(own);
    merged
}
