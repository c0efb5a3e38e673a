//! Schemas in an arena: every schema once, addressed by [`SchemaId`], so recursive schemas are plain data.
//!
//! A `$ref` to a schema resolves to the id of its target, the same id every time, so a cycle
//! (`Node.children.items → Node`) is a cycle of ids and never a cycle of Rust values. Walking a
//! schema's properties transitively ([`Schemas::deep_properties`]) keeps the ancestors of the
//! current path, so it never loops, and stops at a depth bound.

use indexmap::IndexMap;
use serde::Serialize;

use crate::model::{Extensions, Location};
use crate::sensitive::SensitiveCategory;

/// The index of a schema in [`Schemas`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SchemaId(pub u32);

impl SchemaId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// `additionalProperties`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AdditionalProperties {
    Allowed(bool),
    Schema(SchemaId),
}

/// A property of an object schema.
#[derive(Debug, Clone, Serialize)]
pub struct Property {
    pub schema: SchemaId,
    /// Whether the owning schema lists the property in `required`.
    pub required: bool,
    /// The property's key (`password:`) in the owning schema.
    pub location: Location,
    /// What sensitive data the property holds, by its name and schema
    /// ([`crate::sensitive::classify`]); computed once when the document is read.
    pub sensitive: Option<SensitiveCategory>,
}

/// One JSON Schema (OpenAPI's dialect), with the keywords threat rules look at.
#[derive(Debug, Clone, Serialize)]
pub struct Schema {
    pub id: SchemaId,
    /// The name under `components/schemas` or `definitions`, when it has one.
    pub name: Option<String>,
    /// `type`; OpenAPI 3.1 type lists keep every type but `null`, which sets `nullable`.
    pub types: Vec<String>,
    pub format: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub properties: IndexMap<String, Property>,
    pub required: Vec<String>,
    pub additional_properties: Option<AdditionalProperties>,
    pub items: Option<SchemaId>,
    pub all_of: Vec<SchemaId>,
    pub one_of: Vec<SchemaId>,
    pub any_of: Vec<SchemaId>,
    pub not: Option<SchemaId>,
    pub read_only: bool,
    pub write_only: bool,
    pub nullable: bool,
    pub deprecated: bool,
    pub max_length: Option<u64>,
    pub min_length: Option<u64>,
    pub pattern: Option<String>,
    #[serde(rename = "enum")]
    pub enum_values: Vec<serde_json::Value>,
    #[serde(rename = "const")]
    pub const_value: Option<serde_json::Value>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    /// `exclusiveMinimum` (3.1's numeric form sets `minimum` too).
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub max_items: Option<u64>,
    pub min_items: Option<u64>,
    pub unique_items: bool,
    pub max_properties: Option<u64>,
    pub default: Option<serde_json::Value>,
    pub extensions: Extensions,
    /// False when the schema stands in for a `$ref` that could not be resolved.
    pub resolved: bool,
    /// The schema's text (after `$ref`).
    pub location: Location,
}

impl Schema {
    pub(crate) fn empty(id: SchemaId, location: Location) -> Self {
        Self {
            id,
            name: None,
            types: Vec::new(),
            format: None,
            title: None,
            description: None,
            properties: IndexMap::new(),
            required: Vec::new(),
            additional_properties: None,
            items: None,
            all_of: Vec::new(),
            one_of: Vec::new(),
            any_of: Vec::new(),
            not: None,
            read_only: false,
            write_only: false,
            nullable: false,
            deprecated: false,
            max_length: None,
            min_length: None,
            pattern: None,
            enum_values: Vec::new(),
            const_value: None,
            minimum: None,
            maximum: None,
            exclusive_minimum: false,
            exclusive_maximum: false,
            max_items: None,
            min_items: None,
            unique_items: false,
            max_properties: None,
            default: None,
            extensions: Extensions::new(),
            resolved: true,
            location,
        }
    }

    /// Whether `type` includes `ty` (`string`, `object` …).
    pub fn has_type(&self, ty: &str) -> bool {
        self.types.iter().any(|t| t == ty)
    }
}

/// A property reached by walking a schema: its dotted path, its schema and where it is written.
#[derive(Debug, Clone)]
pub struct DeepProperty<'s> {
    /// `user.address.street`; array items add `[]` (`items[].price`).
    pub path: String,
    /// The property's own name (the last segment of `path`).
    pub name: &'s str,
    pub schema: &'s Schema,
    pub required: bool,
    pub location: &'s Location,
    /// The property's [`Property::sensitive`] category.
    pub sensitive: Option<SensitiveCategory>,
}

/// The deepest property path [`Schemas::deep_properties`] follows by default.
pub const DEFAULT_MAX_DEPTH: usize = 16;

/// Most properties one walk yields, so that a wide, shared, deep schema graph stays bounded.
const MAX_DEEP_PROPERTIES: usize = 100_000;

/// Most schemas on one walked path (properties, items and compositions together), bounding the stack.
const MAX_NESTING: usize = 128;

/// Every schema of a document.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Schemas {
    items: Vec<Schema>,
}

impl Schemas {
    pub fn get(&self, id: SchemaId) -> Option<&Schema> {
        self.items.get(id.index())
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Schema> {
        self.items.iter()
    }

    /// Classifies every property once ([`Property::sensitive`]), after all schemas are built,
    /// so that walks over shared schemas never classify the same property twice.
    pub(crate) fn classify_properties(&mut self) {
        let categories: Vec<Vec<Option<SensitiveCategory>>> = self
            .items
            .iter()
            .map(|schema| {
                schema
                    .properties
                    .iter()
                    .map(|(name, prop)| crate::sensitive::classify(name, self.get(prop.schema)))
                    .collect()
            })
            .collect();
        for (schema, categories) in self.items.iter_mut().zip(categories) {
            for (prop, category) in schema.properties.values_mut().zip(categories) {
                prop.sensitive = category;
            }
        }
    }

    pub(crate) fn push(&mut self, location: Location) -> SchemaId {
        let id = SchemaId(u32::try_from(self.items.len()).unwrap_or(u32::MAX));
        self.items.push(Schema::empty(id, location));
        id
    }

    pub(crate) fn get_mut(&mut self, id: SchemaId) -> Option<&mut Schema> {
        self.items.get_mut(id.index())
    }

    /// Every property under `root`, transitively through `properties`, `items`,
    /// `additionalProperties`, `allOf`, `oneOf` and `anyOf`, with dotted paths, at most
    /// [`DEFAULT_MAX_DEPTH`] properties deep.
    pub fn deep_properties(&self, root: SchemaId) -> Vec<DeepProperty<'_>> {
        self.deep_properties_bounded(root, DEFAULT_MAX_DEPTH)
    }

    /// [`Self::deep_properties`] with an explicit depth bound (in properties).
    ///
    /// A schema already on the current path is not entered again (so `Node.children[].children`
    /// stops at the cycle), but a schema shared by two properties (`billing` and `shipping`, both
    /// `Address`) is walked under each.
    pub fn deep_properties_bounded(
        &self,
        root: SchemaId,
        max_depth: usize,
    ) -> Vec<DeepProperty<'_>> {
        let mut out = Vec::new();
        let mut ancestors = Vec::new();
        self.walk(root, "", 0, max_depth, &mut ancestors, &mut out);
        out
    }

    /// Every property reachable from `root` within `max_depth` properties, each schema entered
    /// once: breadth first, so a property shared by several paths is listed once, under its
    /// shortest path. Linear in the number of schemas reachable, where
    /// [`Self::deep_properties`] lists a shared schema under every path that reaches it; rules
    /// that judge each property once (secrets in responses, privileged input) use this one.
    pub fn distinct_properties(&self, root: SchemaId, max_depth: usize) -> Vec<DeepProperty<'_>> {
        let mut out = Vec::new();
        let mut entered = std::collections::HashSet::new();
        let mut queue = std::collections::VecDeque::from([(root, String::new(), 0usize)]);
        while let Some((id, prefix, depth)) = queue.pop_front() {
            if out.len() >= MAX_DEEP_PROPERTIES || !entered.insert(id) {
                continue;
            }
            let Some(schema) = self.get(id) else {
                continue;
            };
            for (name, prop) in &schema.properties {
                let Some(prop_schema) = self.get(prop.schema) else {
                    continue;
                };
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    let mut path = String::with_capacity(prefix.len() + 1 + name.len());
                    path.push_str(&prefix);
                    path.push('.');
                    path.push_str(name);
                    path
                };
                if depth + 1 < max_depth && !entered.contains(&prop.schema) {
                    queue.push_back((prop.schema, path.clone(), depth + 1));
                }
                out.push(DeepProperty {
                    path,
                    name,
                    schema: prop_schema,
                    required: prop.required,
                    location: &prop.location,
                    sensitive: prop.sensitive,
                });
            }
            let composed = schema
                .all_of
                .iter()
                .chain(&schema.one_of)
                .chain(&schema.any_of)
                .copied();
            for member in composed {
                queue.push_back((member, prefix.clone(), depth));
            }
            if let Some(items) = schema.items {
                queue.push_back((items, format!("{prefix}[]"), depth));
            }
            if let Some(AdditionalProperties::Schema(extra)) = schema.additional_properties {
                queue.push_back((extra, format!("{prefix}{{}}"), depth));
            }
        }
        out
    }

    fn walk<'s>(
        &'s self,
        id: SchemaId,
        prefix: &str,
        depth: usize,
        max_depth: usize,
        ancestors: &mut Vec<SchemaId>,
        out: &mut Vec<DeepProperty<'s>>,
    ) {
        if ancestors.len() >= MAX_NESTING
            || ancestors.contains(&id)
            || out.len() >= MAX_DEEP_PROPERTIES
        {
            return;
        }
        let Some(schema) = self.get(id) else {
            return;
        };
        ancestors.push(id);
        for (name, prop) in &schema.properties {
            let Some(prop_schema) = self.get(prop.schema) else {
                continue;
            };
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            if out.len() >= MAX_DEEP_PROPERTIES {
                break;
            }
            out.push(DeepProperty {
                path: path.clone(),
                name,
                schema: prop_schema,
                required: prop.required,
                location: &prop.location,
                sensitive: prop.sensitive,
            });
            if depth + 1 < max_depth {
                self.walk(prop.schema, &path, depth + 1, max_depth, ancestors, out);
            }
        }
        let composed = schema
            .all_of
            .iter()
            .chain(&schema.one_of)
            .chain(&schema.any_of)
            .copied();
        for member in composed {
            self.walk(member, prefix, depth, max_depth, ancestors, out);
        }
        if let Some(items) = schema.items {
            let path = format!("{prefix}[]");
            self.walk(items, &path, depth, max_depth, ancestors, out);
        }
        if let Some(AdditionalProperties::Schema(extra)) = schema.additional_properties {
            let path = format!("{prefix}{{}}");
            self.walk(extra, &path, depth, max_depth, ancestors, out);
        }
        ancestors.pop();
    }
}
