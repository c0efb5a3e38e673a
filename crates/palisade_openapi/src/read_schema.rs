//! Schema nodes → the schema arena, with `$ref`s resolved to shared ids.
//!
//! Every schema node gets one id, remembered by the node's address, so that every `$ref` to it
//! (from any file) finds the same id. A `$ref` is not followed on the spot: its target gets an id at
//! once and is queued, and [`Reader::finish_schemas`] builds the queue. The Rust stack therefore only
//! grows with the nesting of one schema's text (bounded by the parser's depth limit), never with a
//! chain or cycle of references.

use palisade_syntax::{Map, Node, Value};

use crate::codes;
use crate::model::SpecVersion;
use crate::reader::{FileId, Reader};
use crate::refs::ref_value;
use crate::schema::{AdditionalProperties, Property, SchemaId};

/// Keys that may sit beside an OpenAPI 3.1 `$ref` without making it a new schema.
fn is_annotation(key: &str) -> bool {
    matches!(key, "$ref" | "description" | "summary" | "$comment") || key.starts_with("x-")
}

impl<'a> Reader<'a> {
    /// The id of the schema written at `node` in `file`, building it (and queuing its `$ref`s).
    pub fn schema(&mut self, file: FileId, node: &'a Node) -> SchemaId {
        let key = std::ptr::from_ref(node) as usize;
        if let Some(id) = self.schema_ids.get(&key) {
            return *id;
        }
        if self.is_plain_ref(node) {
            return self.schema_ref(file, node);
        }
        let id = self.schemas.push(self.loc(file, node.span));
        self.schema_ids.insert(key, id);
        self.build_schema(id, file, node);
        id
    }

    /// Builds every queued `$ref` target; call once everything else is read.
    pub fn finish_schemas(&mut self) {
        while let Some((id, file, node)) = self.pending_schemas.pop() {
            self.build_schema(id, file, node);
        }
        self.schemas.classify_properties();
    }

    /// A `$ref` that stands for its target alone (in 2.0 and 3.0 siblings are ignored).
    fn is_plain_ref(&self, node: &Node) -> bool {
        let Some(map) = node.as_map() else {
            return false;
        };
        if map.get("$ref").is_none() {
            return false;
        }
        self.version != SpecVersion::OpenApi31 || map.keys().all(is_annotation)
    }

    /// The id of the target of the plain `$ref` at `node`, following chains of plain refs.
    fn schema_ref(&mut self, file: FileId, node: &'a Node) -> SchemaId {
        let mut chain = vec![std::ptr::from_ref(node) as usize];
        let mut current = (file, node);
        let id = loop {
            let Some(ref_node) = ref_value(current.1) else {
                break self.schemas.push(self.loc(current.0, current.1.span));
            };
            let Some((target_file, target)) = self.resolve_ref(current.0, ref_node) else {
                let id = self.schemas.push(self.loc(current.0, ref_node.span));
                if let Some(s) = self.schemas.get_mut(id) {
                    s.resolved = false;
                }
                break id;
            };
            let key = std::ptr::from_ref(target) as usize;
            if let Some(id) = self.schema_ids.get(&key) {
                break *id;
            }
            if chain.contains(&key) {
                self.warn(
                    codes::REF_CYCLE,
                    current.0,
                    ref_node.span,
                    "this `$ref` leads back to itself without reaching a schema",
                    "cycle of references",
                );
                let id = self.schemas.push(self.loc(current.0, ref_node.span));
                if let Some(s) = self.schemas.get_mut(id) {
                    s.resolved = false;
                }
                break id;
            }
            chain.push(key);
            if self.is_plain_ref(target) {
                current = (target_file, target);
                continue;
            }
            let id = self.schemas.push(self.loc(target_file, target.span));
            self.pending_schemas.push((id, target_file, target));
            break id;
        };
        for key in chain {
            self.schema_ids.insert(key, id);
        }
        id
    }

    /// Fills schema `id` from the keywords of `node`.
    fn build_schema(&mut self, id: SchemaId, file: FileId, node: &'a Node) {
        let Some(map) = node.as_map() else {
            // `true`/`false` are schemas in 3.1; anything else is reported.
            if !matches!(node.value, Value::Bool(_)) {
                self.warn(
                    codes::WRONG_TYPE,
                    file,
                    node.span,
                    format!("a schema must be a mapping, not {}", node.kind_name()),
                    format!("{} here", node.kind_name()),
                );
            }
            return;
        };
        let mut s = crate::schema::Schema::empty(id, self.loc(file, node.span));
        let mut required_node = None;
        for (key, value) in map.iter() {
            match key.text.as_str() {
                "$ref" => {
                    // A 3.1 `$ref` with siblings: the target is one more `allOf` member.
                    if let Some((target_file, target)) = self.resolve_ref(file, value) {
                        let target_id = self.schema(target_file, target);
                        s.all_of.push(target_id);
                    }
                }
                "type" => s.types = self.schema_types(file, value, &mut s.nullable),
                "format" => s.format = self.text(file, value, "`format`"),
                "title" => s.title = self.text(file, value, "`title`"),
                "description" => s.description = self.text(file, value, "`description`"),
                "pattern" => s.pattern = self.text(file, value, "`pattern`"),
                "properties" => {
                    if let Some(props) = self.expect_map(file, value, "`properties`") {
                        for (name, prop) in props.iter() {
                            let prop_id = self.schema(file, prop);
                            s.properties.insert(
                                name.text.clone(),
                                Property {
                                    schema: prop_id,
                                    required: false,
                                    location: self.loc(file, name.span),
                                    sensitive: None,
                                },
                            );
                        }
                    }
                }
                "required" => required_node = Some(value),
                "additionalProperties" => {
                    s.additional_properties = Some(match value.value {
                        Value::Bool(b) => AdditionalProperties::Allowed(b),
                        _ => AdditionalProperties::Schema(self.schema(file, value)),
                    });
                }
                "items" => {
                    // A list of schemas (tuple validation, `prefixItems` in 3.1) uses the first.
                    s.items = match value.as_seq() {
                        Some(list) => list.first().map(|first| self.schema(file, first)),
                        None => Some(self.schema(file, value)),
                    };
                }
                "allOf" => s.all_of.extend(self.schema_list(file, value, "`allOf`")),
                "oneOf" => s.one_of = self.schema_list(file, value, "`oneOf`"),
                "anyOf" => s.any_of = self.schema_list(file, value, "`anyOf`"),
                "not" => s.not = Some(self.schema(file, value)),
                "readOnly" => s.read_only = self.boolean(file, value, "`readOnly`"),
                "writeOnly" => s.write_only = self.boolean(file, value, "`writeOnly`"),
                "nullable" | "x-nullable" => {
                    s.nullable |= self.boolean(file, value, &format!("`{}`", key.text));
                }
                "deprecated" => s.deprecated = self.boolean(file, value, "`deprecated`"),
                "maxLength" => s.max_length = self.count(file, value, "`maxLength`"),
                "minLength" => s.min_length = self.count(file, value, "`minLength`"),
                "maxItems" => s.max_items = self.count(file, value, "`maxItems`"),
                "minItems" => s.min_items = self.count(file, value, "`minItems`"),
                "maxProperties" => s.max_properties = self.count(file, value, "`maxProperties`"),
                "uniqueItems" => s.unique_items = self.boolean(file, value, "`uniqueItems`"),
                "minimum" => s.minimum = self.number(file, value, "`minimum`"),
                "maximum" => s.maximum = self.number(file, value, "`maximum`"),
                "exclusiveMinimum" => {
                    if let Value::Bool(b) = value.value {
                        s.exclusive_minimum = b;
                    } else {
                        s.minimum = self.number(file, value, "`exclusiveMinimum`");
                        s.exclusive_minimum = s.minimum.is_some();
                    }
                }
                "exclusiveMaximum" => {
                    if let Value::Bool(b) = value.value {
                        s.exclusive_maximum = b;
                    } else {
                        s.maximum = self.number(file, value, "`exclusiveMaximum`");
                        s.exclusive_maximum = s.maximum.is_some();
                    }
                }
                "enum" => {
                    if let Some(values) = self.expect_seq(file, value, "`enum`") {
                        s.enum_values = values.iter().map(Node::to_json).collect();
                    }
                }
                "const" => s.const_value = Some(value.to_json()),
                "default" => s.default = Some(value.to_json()),
                k if k.starts_with("x-") => {
                    s.extensions.insert(k.to_owned(), value.to_json());
                }
                _ => {}
            }
        }
        if let Some(node) = required_node {
            self.apply_required(file, node, &mut s);
        }
        if let Some(slot) = self.schemas.get_mut(id) {
            s.name = slot.name.take();
            *slot = s;
        }
    }

    fn apply_required(&mut self, file: FileId, node: &'a Node, s: &mut crate::schema::Schema) {
        // `required: true` on a Swagger 2 parameter (read as a schema) is not a list of names.
        if matches!(node.value, Value::Bool(_)) {
            return;
        }
        s.required = self.text_list(file, node, "`required`");
        for name in &s.required {
            if let Some(prop) = s.properties.get_mut(name) {
                prop.required = true;
            }
        }
    }

    /// `type`: one name, or (3.1) a list where `null` means nullable.
    fn schema_types(&mut self, file: FileId, node: &'a Node, nullable: &mut bool) -> Vec<String> {
        let mut types = match &node.value {
            Value::Str(t) => vec![t.clone()],
            Value::Seq(_) => self.text_list(file, node, "`type`"),
            _ => {
                self.warn(
                    codes::WRONG_TYPE,
                    file,
                    node.span,
                    format!("`type` must be a string, not {}", node.kind_name()),
                    "expected a type name such as `string`",
                );
                Vec::new()
            }
        };
        if types.iter().any(|t| t == "null") {
            *nullable = true;
            types.retain(|t| t != "null");
        }
        types
    }

    fn schema_list(&mut self, file: FileId, node: &'a Node, what: &str) -> Vec<SchemaId> {
        match self.expect_seq(file, node, what) {
            Some(items) => items.iter().map(|item| self.schema(file, item)).collect(),
            None => Vec::new(),
        }
    }

    /// A non-negative integer (`maxLength: 10`).
    fn count(&mut self, file: FileId, node: &'a Node, what: &str) -> Option<u64> {
        if let Some(n) = node.as_i64().and_then(|n| u64::try_from(n).ok()) {
            return Some(n);
        }
        if let Some(n) = node.as_str().and_then(|s| s.trim().parse::<u64>().ok()) {
            self.warn(
                codes::WRONG_TYPE,
                file,
                node.span,
                format!("{what} must be an integer, not a string"),
                "remove the quotes",
            );
            return Some(n);
        }
        self.warn(
            codes::WRONG_TYPE,
            file,
            node.span,
            format!("{what} must be a non-negative integer"),
            format!("{} here", node.kind_name()),
        );
        None
    }

    /// A number (`minimum: 0.5`).
    fn number(&mut self, file: FileId, node: &'a Node, what: &str) -> Option<f64> {
        if let Some(n) = node.as_f64() {
            return Some(n);
        }
        if let Some(n) = node.as_str().and_then(|s| s.trim().parse::<f64>().ok()) {
            self.warn(
                codes::WRONG_TYPE,
                file,
                node.span,
                format!("{what} must be a number, not a string"),
                "remove the quotes",
            );
            return Some(n);
        }
        self.warn(
            codes::WRONG_TYPE,
            file,
            node.span,
            format!("{what} must be a number"),
            format!("{} here", node.kind_name()),
        );
        None
    }

    /// The named schemas of a `components/schemas` or `definitions` mapping, with their names set.
    pub fn named_schemas(
        &mut self,
        file: FileId,
        map: &'a Map,
    ) -> indexmap::IndexMap<String, SchemaId> {
        let mut out = indexmap::IndexMap::new();
        for (name, node) in map.iter() {
            let id = self.schema(file, node);
            if let Some(s) = self.schemas.get_mut(id)
                && s.name.is_none()
            {
                s.name = Some(name.text.clone());
            }
            out.insert(name.text.clone(), id);
        }
        out
    }
}
