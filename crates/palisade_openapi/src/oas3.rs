//! What only OpenAPI 3.x has: `servers` with variables, `requestBody`, and `content` by media type.

use indexmap::IndexMap;
use palisade_syntax::{Map, Node};

use crate::model::{Header, MediaType, RequestBody, Response, Server, ServerVariable};
use crate::reader::{FileId, Reader, extensions};

impl<'a> Reader<'a> {
    /// A `servers` list.
    pub fn servers(&mut self, file: FileId, node: &'a Node) -> Vec<Server> {
        let Some(items) = self.expect_seq(file, node, "`servers`") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let Some(map) = self.expect_map(file, item, "a server") else {
                continue;
            };
            let Some(url) = self.text_field(file, map, "url") else {
                self.warn(
                    crate::codes::MISSING_FIELD,
                    file,
                    item.span,
                    "a server has no `url`",
                    "`url` is missing",
                );
                continue;
            };
            let mut variables = IndexMap::new();
            if let Some(vars) = self.map_field(file, map, "variables") {
                for (name, var) in vars.iter() {
                    let Some(var_map) =
                        self.expect_map(file, var, &format!("server variable `{}`", name.text))
                    else {
                        continue;
                    };
                    variables.insert(
                        name.text.clone(),
                        ServerVariable {
                            default: self.text_field(file, var_map, "default"),
                            enum_values: self.text_list_field(file, var_map, "enum"),
                            description: self.text_field(file, var_map, "description"),
                        },
                    );
                }
            }
            let scheme = url_scheme(&substitute(&url, &variables));
            out.push(Server {
                url,
                scheme,
                description: self.text_field(file, map, "description"),
                variables,
                location: self.loc(file, item.span),
            });
        }
        out
    }

    /// A `content` mapping: media type → schema.
    pub fn content(&mut self, file: FileId, content: &'a Map) -> IndexMap<String, MediaType> {
        let mut out = IndexMap::new();
        for (media, node) in content.iter() {
            let Some(map) = self.expect_map(file, node, &format!("media type `{}`", media.text))
            else {
                continue;
            };
            let schema = map.get("schema").map(|s| self.schema(file, s));
            out.insert(
                media.text.clone(),
                MediaType {
                    schema,
                    location: self.loc(file, media.span),
                },
            );
        }
        out
    }

    /// `requestBody` (after its `$ref`).
    pub fn oas3_request_body(&mut self, file: FileId, node: &'a Node) -> Option<RequestBody> {
        let (file, node) = self.deref(file, node)?;
        let map = self.expect_map(file, node, "`requestBody`")?;
        let content = match self.map_field(file, map, "content") {
            Some(c) => self.content(file, c),
            None => IndexMap::new(),
        };
        Some(RequestBody {
            description: self.text_field(file, map, "description"),
            required: self.bool_field(file, map, "required"),
            content,
            location: self.loc(file, node.span),
        })
    }

    /// `responses`: status → response.
    pub fn oas3_responses(
        &mut self,
        file: FileId,
        responses: &'a Map,
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
            let content = match self.map_field(rfile, map, "content") {
                Some(c) => self.content(rfile, c),
                None => IndexMap::new(),
            };
            let mut headers = IndexMap::new();
            if let Some(header_map) = self.map_field(rfile, map, "headers") {
                for (name, hnode) in header_map.iter() {
                    if let Some(header) = self.oas3_header(rfile, hnode) {
                        headers.insert(name.text.clone(), header);
                    }
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

    fn oas3_header(&mut self, file: FileId, node: &'a Node) -> Option<Header> {
        let (file, node) = self.deref(file, node)?;
        let map = self.expect_map(file, node, "a header")?;
        let mut schema = map.get("schema").map(|s| self.schema(file, s));
        if schema.is_none()
            && let Some(content) = self.map_field(file, map, "content")
        {
            schema = self.content(file, content).values().find_map(|m| m.schema);
        }
        Some(Header {
            description: self.text_field(file, map, "description"),
            required: self.bool_field(file, map, "required"),
            schema,
            location: self.loc(file, node.span),
        })
    }
}

/// The URL with each `{variable}` replaced by its default.
fn substitute(url: &str, variables: &IndexMap<String, ServerVariable>) -> String {
    let mut out = url.to_owned();
    for (name, var) in variables {
        if let Some(default) = &var.default {
            out = out.replace(&format!("{{{name}}}"), default);
        }
    }
    out
}

/// The lower-cased scheme of an absolute URL (`https` in `https://x`), if it has one.
pub(crate) fn url_scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once("://")?;
    let valid = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then(|| scheme.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_of_server_urls() {
        assert_eq!(
            url_scheme("https://api.example.com/v1").as_deref(),
            Some("https")
        );
        assert_eq!(url_scheme("HTTP://x").as_deref(), Some("http"));
        assert_eq!(url_scheme("/v1"), None);
        assert_eq!(url_scheme("{scheme}://x"), None);
        let mut vars = IndexMap::new();
        vars.insert(
            "scheme".to_owned(),
            ServerVariable {
                default: Some("wss".to_owned()),
                enum_values: Vec::new(),
                description: None,
            },
        );
        assert_eq!(
            url_scheme(&substitute("{scheme}://x", &vars)).as_deref(),
            Some("wss")
        );
    }
}
