//! What only Swagger 2.0 has: `host`/`basePath`/`schemes`, `in: body` and `in: formData`, `consumes`/`produces`.
//!
//! These are turned into the OpenAPI 3 shape: one server URL per scheme, a request body per
//! consumed media type, and response content per produced media type. When a document declares no
//! `consumes`/`produces`, `application/json` is assumed (`multipart/form-data` or
//! `application/x-www-form-urlencoded` for form parameters), as most Swagger 2 tooling does.

use indexmap::IndexMap;
use palisade_syntax::{Map, Node};

use crate::model::{
    Header, MediaType, Operation, ParameterLocation, RequestBody, Response, Server,
};
use crate::reader::{FileId, Reader, extensions};
use crate::schema::Property;

const DEFAULT_MEDIA_TYPE: &str = "application/json";

impl<'a> Reader<'a> {
    /// Servers from `schemes`, `host` and `basePath`.
    pub fn swagger2_servers(
        &mut self,
        file: FileId,
        root: &'a Map,
        root_node: &'a Node,
    ) -> Vec<Server> {
        let host = self.text_field(file, root, "host");
        let base_path = self.text_field(file, root, "basePath").unwrap_or_default();
        let schemes = self.text_list_field(file, root, "schemes");
        if host.is_none() && base_path.is_empty() && schemes.is_empty() {
            return Vec::new();
        }
        let span = ["host", "basePath", "schemes"]
            .iter()
            .find_map(|k| root.get_entry(k))
            .map_or(root_node.span, |(k, _)| k.span);
        let location = self.loc(file, span);
        let make = |scheme: Option<&str>| {
            let url = match (scheme, &host) {
                (Some(s), Some(h)) => format!("{s}://{h}{base_path}"),
                (None, Some(h)) => format!("//{h}{base_path}"),
                (_, None) => base_path.clone(),
            };
            Server {
                url,
                scheme: scheme.map(str::to_ascii_lowercase),
                description: None,
                variables: IndexMap::new(),
                location: location.clone(),
            }
        };
        if schemes.is_empty() {
            vec![make(None)]
        } else {
            schemes.iter().map(|s| make(Some(s))).collect()
        }
    }

    /// The request body made of an operation's `in: body` or `in: formData` parameters.
    pub fn swagger2_request_body(&mut self, op: &Operation) -> Option<RequestBody> {
        if let Some(body) = op.parameters_in(ParameterLocation::Body).next() {
            let media_types = if op.consumes.is_empty() {
                vec![DEFAULT_MEDIA_TYPE.to_owned()]
            } else {
                op.consumes.clone()
            };
            let content = media_types
                .into_iter()
                .map(|m| {
                    let media = MediaType {
                        schema: body.schema,
                        location: body.location.clone(),
                    };
                    (m, media)
                })
                .collect();
            return Some(RequestBody {
                description: body.description.clone(),
                required: body.required,
                content,
                location: body.location.clone(),
            });
        }
        let form: Vec<_> = op.parameters_in(ParameterLocation::FormData).collect();
        let first = form.first()?;
        let id = self.schemas.push(first.location.clone());
        let has_file = form.iter().any(|p| {
            p.schema
                .and_then(|s| self.schemas.get(s))
                .is_some_and(|s| s.has_type("file"))
        });
        let media_types = if !op.consumes.is_empty() {
            op.consumes.clone()
        } else if has_file {
            vec!["multipart/form-data".to_owned()]
        } else {
            vec!["application/x-www-form-urlencoded".to_owned()]
        };
        let location = first.location.clone();
        if let Some(schema) = self.schemas.get_mut(id) {
            schema.types = vec!["object".to_owned()];
            for p in &form {
                if let Some(prop_schema) = p.schema {
                    schema.properties.insert(
                        p.name.clone(),
                        Property {
                            schema: prop_schema,
                            required: p.required,
                            location: p.location.clone(),
                            sensitive: None,
                        },
                    );
                }
                if p.required {
                    schema.required.push(p.name.clone());
                }
            }
        }
        let content = media_types
            .into_iter()
            .map(|m| {
                let media = MediaType {
                    schema: Some(id),
                    location: location.clone(),
                };
                (m, media)
            })
            .collect();
        Some(RequestBody {
            description: None,
            required: form.iter().any(|p| p.required),
            content,
            location,
        })
    }

    /// `responses`: status → response, with content per produced media type.
    pub fn swagger2_responses(
        &mut self,
        file: FileId,
        responses: &'a Map,
        produces: &[String],
    ) -> IndexMap<String, Response> {
        let mut out = IndexMap::new();
        for (status, node) in responses.iter() {
            if status.text.starts_with("x-") {
                continue;
            }
            let Some((rfile, rnode)) = self.deref(file, node) else {
                continue;
            };
            let Some(map) = self.expect_map(rfile, rnode, &format!("response `{}`", status.text))
            else {
                continue;
            };
            let mut content = IndexMap::new();
            if let Some(schema_node) = map.get("schema") {
                let schema = self.schema(rfile, schema_node);
                let location = self.loc(rfile, schema_node.span);
                if produces.is_empty() {
                    content.insert(
                        DEFAULT_MEDIA_TYPE.to_owned(),
                        MediaType {
                            schema: Some(schema),
                            location,
                        },
                    );
                } else {
                    for media in produces {
                        content.insert(
                            media.clone(),
                            MediaType {
                                schema: Some(schema),
                                location: location.clone(),
                            },
                        );
                    }
                }
            }
            let mut headers = IndexMap::new();
            if let Some(header_map) = self.map_field(rfile, map, "headers") {
                for (name, hnode) in header_map.iter() {
                    if hnode.as_map().is_none() {
                        self.expect_map(rfile, hnode, &format!("header `{}`", name.text));
                        continue;
                    }
                    headers.insert(
                        name.text.clone(),
                        Header {
                            description: hnode
                                .get("description")
                                .and_then(|d| self.text(rfile, d, "`description`")),
                            required: false,
                            schema: Some(self.schema(rfile, hnode)),
                            location: self.loc(rfile, name.span),
                        },
                    );
                }
            }
            out.insert(
                status.text.clone(),
                Response {
                    description: self.text_field(rfile, map, "description"),
                    content,
                    headers,
                    extensions: extensions(map),
                    location: self.loc(file, status.span),
                },
            );
        }
        out
    }
}
