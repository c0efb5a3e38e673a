//! The top of a document: is it OpenAPI at all, which version, and the reading of each top-level section.

use std::collections::HashMap;

use palisade_diagnostics::Diagnostic;
use palisade_syntax::{Map, Node, Value};

use crate::codes;
use crate::model::{Info, Operation, Spec, SpecVersion, Tag};
use crate::paths::Inherited;
use crate::reader::{Doc, ExternalFiles, FileId, Reader, extensions};

const ROOT: FileId = 0;

/// Reads the parsed files (the root first) into a [`Spec`]; `None` when the document is unusable.
pub(crate) fn normalize(docs: &[Doc], external: &ExternalFiles) -> (Option<Spec>, Vec<Diagnostic>) {
    let Some(doc) = docs.first() else {
        return (None, Vec::new());
    };
    let mut diagnostics = Vec::new();
    let Some(version) = detect_version(doc, &mut diagnostics) else {
        return (None, diagnostics);
    };
    let mut reader = Reader::new(docs, external, version);
    reader.diagnostics = diagnostics;
    let spec = reader.document(&doc.root);
    let diagnostics = std::mem::take(&mut reader.diagnostics);
    let usable = !diagnostics.iter().any(Diagnostic::is_error);
    (spec.filter(|_| usable), diagnostics)
}

/// The version of the document, or an error saying why it is not an OpenAPI document we read.
fn detect_version(doc: &Doc, diagnostics: &mut Vec<Diagnostic>) -> Option<SpecVersion> {
    let file = doc.label.clone();
    let Some(root) = doc.root.as_map() else {
        diagnostics.push(
            Diagnostic::error(
                codes::NOT_OPENAPI,
                format!(
                    "`{file}` is not an OpenAPI document: its top level is {}, not a mapping",
                    doc.root.kind_name()
                ),
            )
            .in_file(file)
            .with_primary(
                doc.root.span,
                "expected a mapping with `openapi` or `swagger`",
            ),
        );
        return None;
    };
    let openapi = root.get_entry("openapi");
    let swagger = root.get_entry("swagger");
    let Some((key, value)) = openapi.or(swagger) else {
        let looks_like = ["paths", "info", "components", "definitions"]
            .iter()
            .any(|k| root.get(k).is_some());
        let mut d = Diagnostic::error(
            codes::NOT_OPENAPI,
            format!("`{file}` is not an OpenAPI document: it has no `openapi` or `swagger` key"),
        )
        .in_file(file)
        .with_primary(doc.root.span, "the document starts here");
        d = if looks_like {
            d.with_help(
                "it has `paths` or `info`: add `openapi: 3.1.0` (or `swagger: \"2.0\"`) at the top",
            )
        } else {
            d.with_help("an OpenAPI document starts with `openapi: 3.x.y`, a Swagger document with `swagger: \"2.0\"`")
        };
        let keys: Vec<_> = root.keys().take(5).map(|k| format!("`{k}`")).collect();
        if !keys.is_empty() {
            d = d.with_note(format!("its top-level keys are {}", keys.join(", ")));
        }
        diagnostics.push(d);
        return None;
    };
    let is_openapi = key.text == "openapi";
    let text = match &value.value {
        Value::Str(s) => s.trim().to_owned(),
        Value::Float(f) => {
            let text = format!("{f:?}");
            diagnostics.push(
                Diagnostic::warning(
                    codes::VERSION_NOT_STRING,
                    format!(
                        "`{}` is written as the number {text}, not as a string",
                        key.text
                    ),
                )
                .in_file(file.clone())
                .with_primary(value.span, "a number here")
                .with_help(format!("quote it: `{}: \"{text}\"`", key.text)),
            );
            text
        }
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    codes::UNSUPPORTED_VERSION,
                    format!(
                        "`{}` must be a version string, not {}",
                        key.text,
                        value.kind_name()
                    ),
                )
                .in_file(file)
                .with_primary(value.span, "expected a version such as `3.1.0`"),
            );
            return None;
        }
    };
    let version = if is_openapi {
        if text.starts_with("3.0") {
            Some(SpecVersion::OpenApi30)
        } else if text.starts_with("3.1") {
            Some(SpecVersion::OpenApi31)
        } else if text.starts_with("3.")
            && text[2..]
                .split('.')
                .next()
                .is_some_and(|m| m.parse::<u32>().is_ok())
        {
            diagnostics.push(
                Diagnostic::warning(
                    codes::UNSUPPORTED_VERSION,
                    format!("OpenAPI {text} is newer than this reader; it is read as OpenAPI 3.1"),
                )
                .in_file(file.clone())
                .with_primary(value.span, "read as 3.1"),
            );
            Some(SpecVersion::OpenApi31)
        } else {
            None
        }
    } else if text == "2.0" || text == "2" {
        Some(SpecVersion::Swagger2)
    } else {
        None
    };
    if version.is_none() {
        let mut d = Diagnostic::error(
            codes::UNSUPPORTED_VERSION,
            format!("`{}: {text}` is not a version this reader knows", key.text),
        )
        .in_file(file)
        .with_primary(value.span, "unknown version")
        .with_help("supported: `swagger: \"2.0\"`, `openapi: 3.0.x`, `openapi: 3.1.x`");
        if is_openapi && text.starts_with('2') {
            d = d.with_help("Swagger 2.0 documents say `swagger: \"2.0\"`, not `openapi`");
        }
        diagnostics.push(d);
    }
    version
}

impl<'a> Reader<'a> {
    fn document(&mut self, node: &'a Node) -> Option<Spec> {
        let root = node.as_map()?;
        let version_text = root
            .get("openapi")
            .or_else(|| root.get("swagger"))
            .and_then(|v| match &v.value {
                Value::Float(f) => Some(format!("{f:?}")),
                _ => v.scalar_text(),
            })
            .unwrap_or_default();
        let info = self.info(root, node);
        let swagger2 = self.version.is_swagger2();

        let schemes_map = if swagger2 {
            self.map_field(ROOT, root, "securityDefinitions")
        } else {
            self.map_field(ROOT, root, "components")
                .and_then(|c| self.map_field(ROOT, c, "securitySchemes"))
        };
        let security_schemes = schemes_map
            .map(|m| self.security_schemes(ROOT, m))
            .unwrap_or_default();
        let scheme_names: Vec<String> = security_schemes.keys().cloned().collect();

        let security = root.get("security").and_then(|n| {
            self.check_requirements(ROOT, n, &scheme_names);
            self.security_requirements(ROOT, n)
        });

        let named_schemas = if swagger2 {
            self.map_field(ROOT, root, "definitions")
                .map(|m| self.named_schemas(ROOT, m))
        } else {
            self.map_field(ROOT, root, "components")
                .and_then(|c| self.map_field(ROOT, c, "schemas"))
                .map(|m| self.named_schemas(ROOT, m))
        }
        .unwrap_or_default();

        let servers = if swagger2 {
            self.swagger2_servers(ROOT, root, node)
        } else {
            root.get("servers")
                .map(|n| self.servers(ROOT, n))
                .unwrap_or_default()
        };

        let inherited = Inherited {
            security: security.clone(),
            consumes: if swagger2 {
                self.text_list_field(ROOT, root, "consumes")
            } else {
                Vec::new()
            },
            produces: if swagger2 {
                self.text_list_field(ROOT, root, "produces")
            } else {
                Vec::new()
            },
            scheme_names,
        };

        let operations = match root.get_entry("paths") {
            Some((_, paths)) if paths.is_null() => Vec::new(),
            Some((_, paths)) => {
                if let Some(map) = paths.as_map() {
                    self.paths(ROOT, map, &inherited)
                } else {
                    self.error(
                        codes::WRONG_TYPE,
                        ROOT,
                        paths.span,
                        format!(
                            "`paths` must be a mapping from path to path item, not {}",
                            paths.kind_name()
                        ),
                        format!("{} here", paths.kind_name()),
                    )
                    .help
                    .push("write each path as a key: `paths: {\"/pets\": {get: …}}`".to_owned());
                    Vec::new()
                }
            }
            None if self.version == SpecVersion::OpenApi31 => Vec::new(),
            None => {
                self.warn(
                    codes::MISSING_FIELD,
                    ROOT,
                    node.span,
                    "the document has no `paths`",
                    "`paths` is missing",
                );
                Vec::new()
            }
        };

        let mut webhooks = Vec::new();
        if self.version == SpecVersion::OpenApi31
            && let Some(hooks) = self.map_field(ROOT, root, "webhooks")
        {
            for (name, item) in hooks.iter() {
                if !name.text.starts_with("x-") {
                    self.path_item(ROOT, &name.text, item, &inherited, 0, &mut webhooks);
                }
            }
        }

        let tags = self.tags(root);
        self.finish_schemas();
        self.check_operation_ids(&operations);

        Some(Spec {
            version: self.version,
            version_text,
            info,
            servers,
            security_schemes,
            security,
            operations,
            webhooks,
            schemas: std::mem::take(&mut self.schemas),
            named_schemas,
            tags,
            extensions: extensions(root),
            files: self.docs.iter().map(|d| d.label.clone()).collect(),
            location: self.loc(ROOT, node.span),
        })
    }

    fn info(&mut self, root: &'a Map, node: &'a Node) -> Info {
        let Some(info_node) = root.get("info") else {
            self.warn(
                codes::MISSING_FIELD,
                ROOT,
                node.span,
                "the document has no `info`",
                "`info` is missing",
            )
            .help
            .push("add `info: {title: …, version: …}`".to_owned());
            return Info::default();
        };
        let Some(map) = self.expect_map(ROOT, info_node, "`info`") else {
            return Info::default();
        };
        let version = map.get("version").and_then(|v| match &v.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(_) | Value::Float(_) => {
                let text = match v.value {
                    Value::Float(f) => format!("{f:?}"),
                    _ => v.scalar_text().unwrap_or_default(),
                };
                self.warn(
                    codes::VERSION_NOT_STRING,
                    ROOT,
                    v.span,
                    format!("`info.version` is written as the number {text}, not as a string"),
                    "a number here",
                )
                .help
                .push(format!(
                    "quote it: `version: \"{text}\"` (YAML reads `1.10` as 1.1)"
                ));
                Some(text)
            }
            _ => self.text(ROOT, v, "`info.version`"),
        });
        Info {
            title: self.text_field(ROOT, map, "title"),
            version,
            description: self.text_field(ROOT, map, "description"),
            extensions: extensions(map),
        }
    }

    fn tags(&mut self, root: &'a Map) -> Vec<Tag> {
        let Some(node) = root.get("tags") else {
            return Vec::new();
        };
        let Some(items) = self.expect_seq(ROOT, node, "`tags`") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let Some(map) = self.expect_map(ROOT, item, "a tag") else {
                continue;
            };
            if let Some(name) = self.text_field(ROOT, map, "name") {
                out.push(Tag {
                    name,
                    description: self.text_field(ROOT, map, "description"),
                    location: self.loc(ROOT, item.span),
                });
            }
        }
        out
    }

    fn check_operation_ids(&mut self, operations: &[Operation]) {
        let mut seen: HashMap<&str, &Operation> = HashMap::new();
        for op in operations {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let Some(first) = seen.get(id) else {
                seen.insert(id, op);
                continue;
            };
            let mut d = Diagnostic::warning(
                codes::DUPLICATE_OPERATION_ID,
                format!(
                    "operationId `{id}` is used by both `{}` and `{}`",
                    first.address(),
                    op.address()
                ),
            )
            .in_file(op.location.file.clone())
            .with_primary(op.location.span, "second use");
            if first.location.file == op.location.file {
                d = d.with_secondary(first.location.span, "first use");
            } else {
                d = d.with_note(format!("first used at {}", first.location));
            }
            self.diagnostics
                .push(d.with_help("operationIds must be unique; rename one of them"));
        }
    }
}
