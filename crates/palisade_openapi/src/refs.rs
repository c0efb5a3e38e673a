//! `$ref` strings: what they name (this file, another file under the root, the network) and how they resolve.
//!
//! A reference is `[path][#fragment]`. The path, when present, is resolved against the directory of
//! the referring file and must stay under the root directory (see `load.rs`, which reads the files
//! before normalization starts, so that resolving never does IO). The fragment is a JSON pointer
//! (`#/components/schemas/Pet`, with `~0`, `~1` and `%xx` escapes). Resolution is cached per
//! referring file and reported once per distinct reference string.

use palisade_diagnostics::did_you_mean;
use palisade_syntax::{Node, Value};

use crate::codes;
use crate::reader::{FileId, Reader};

/// Most `$ref` hops followed from one place before the chain counts as a cycle.
const MAX_REF_HOPS: usize = 64;

/// What a `$ref` string names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefTarget<'r> {
    /// `#/…` in the same file (or `#`, the whole file).
    Local { fragment: &'r str },
    /// `path#/…`: a relative path under the root.
    File { path: &'r str, fragment: &'r str },
    /// `http://…`, `https://…`, or any other URL scheme.
    Remote { url: &'r str },
    /// `/etc/x`, `C:\x`, `file:///x`: a path that does not start from the referring file.
    Absolute { path: &'r str },
}

/// Splits a `$ref` string into what it names.
pub(crate) fn parse_ref(text: &str) -> RefTarget<'_> {
    let (path, fragment) = match text.find('#') {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    };
    if path.is_empty() {
        return RefTarget::Local { fragment };
    }
    if let Some(colon) = path.find(':') {
        let scheme = &path[..colon];
        let is_scheme = !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic());
        if is_scheme {
            // `C:` is a drive letter, `file:` a local absolute path: both leave the root.
            if scheme.len() == 1 || scheme.eq_ignore_ascii_case("file") {
                return RefTarget::Absolute { path };
            }
            return RefTarget::Remote { url: text };
        }
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return RefTarget::Absolute { path };
    }
    RefTarget::File { path, fragment }
}

/// Decodes `%xx` escapes (URI fragments and paths); invalid escapes are kept as written.
pub(crate) fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16)),
                bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16)),
            )
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `$ref` value of a mapping node, if it has one.
pub(crate) fn ref_value(node: &Node) -> Option<&Node> {
    node.as_map()?.get("$ref")
}

impl<'a> Reader<'a> {
    /// Resolves the `$ref` value `ref_node` written in `file` to the node it names.
    ///
    /// Failures are reported once per distinct reference string and file; `None` then.
    pub fn resolve_ref(&mut self, file: FileId, ref_node: &'a Node) -> Option<(FileId, &'a Node)> {
        let Value::Str(text) = &ref_node.value else {
            self.warn(
                codes::REF_INVALID,
                file,
                ref_node.span,
                format!("`$ref` must be a string, not {}", ref_node.kind_name()),
                "expected a reference such as `#/components/schemas/Pet`",
            );
            return None;
        };
        if let Some(hit) = self.ref_cache.get(file).and_then(|c| c.get(text.as_str())) {
            return *hit;
        }
        let resolved = self.resolve_uncached(file, text, ref_node);
        if let Some(cache) = self.ref_cache.get_mut(file) {
            cache.insert(text.as_str(), resolved);
        }
        resolved
    }

    fn resolve_uncached(
        &mut self,
        file: FileId,
        text: &'a str,
        ref_node: &'a Node,
    ) -> Option<(FileId, &'a Node)> {
        let (target_file, fragment) = match parse_ref(text) {
            RefTarget::Local { fragment } => (file, fragment),
            RefTarget::File { path, fragment } => {
                // Loading reported why a file is missing; here it is simply absent.
                let target = self
                    .external
                    .get(&(file, path.to_owned()))
                    .copied()
                    .flatten()?;
                (target, fragment)
            }
            // Fetched while loading when allowed (a remote document's references, even
            // `/absolute` ones, are URLs); refused and reported there otherwise.
            RefTarget::Remote { .. } | RefTarget::Absolute { .. } => {
                let (target, fragment) = text.split_once('#').unwrap_or((text, ""));
                let target = self
                    .external
                    .get(&(file, target.to_owned()))
                    .copied()
                    .flatten()?;
                (target, fragment)
            }
        };
        let pointer = percent_decode(fragment);
        if !pointer.is_empty() && !pointer.starts_with('/') {
            self.warn(
                codes::REF_INVALID,
                file,
                ref_node.span,
                format!("the fragment of `$ref: {text}` is not a JSON pointer"),
                "expected `#/` followed by a path",
            )
            .help
            .push("anchors (`#Name`) are not supported; write the path, e.g. `#/components/schemas/Name`".to_owned());
            return None;
        }
        let root = &self.docs.get(target_file)?.root;
        if let Some(found) = root.pointer(&pointer) {
            return Some((target_file, found));
        }
        let suggestion = suggest(root, &pointer);
        let target_label = self.label(target_file);
        let d = self.warn(
            codes::REF_NOT_FOUND,
            file,
            ref_node.span,
            format!("`$ref` target `{text}` does not exist"),
            format!("nothing at `{pointer}` in {target_label}"),
        );
        if let Some(name) = suggestion {
            d.help.push(format!("did you mean `{name}`?"));
        }
        None
    }

    /// Follows `$ref`s from `node` until a value that is not a reference; `node` itself when it is none.
    pub fn deref(&mut self, file: FileId, node: &'a Node) -> Option<(FileId, &'a Node)> {
        let mut current = (file, node);
        for _ in 0..MAX_REF_HOPS {
            let Some(ref_node) = ref_value(current.1) else {
                return Some(current);
            };
            current = self.resolve_ref(current.0, ref_node)?;
        }
        let span = ref_value(node).map_or(node.span, |r| r.span);
        self.warn(
            codes::REF_CYCLE,
            file,
            span,
            "`$ref` chain never reaches a value (a cycle of references)",
            format!("followed {MAX_REF_HOPS} references from here"),
        );
        None
    }
}

/// The closest existing sibling of the missing last segment of `pointer`, as a full pointer.
fn suggest(root: &Node, pointer: &str) -> Option<String> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let parent_node = root.pointer(parent)?;
    let map = parent_node.as_map()?;
    let last = last.replace("~1", "/").replace("~0", "~");
    let name = did_you_mean(&last, map.keys())?;
    Some(format!(
        "#{parent}/{}",
        name.replace('~', "~0").replace('/', "~1")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_references() {
        assert_eq!(
            parse_ref("#/components/schemas/Pet"),
            RefTarget::Local {
                fragment: "/components/schemas/Pet"
            }
        );
        assert_eq!(
            parse_ref("other.yaml#/Pet"),
            RefTarget::File {
                path: "other.yaml",
                fragment: "/Pet"
            }
        );
        assert_eq!(
            parse_ref("./schemas/x.json"),
            RefTarget::File {
                path: "./schemas/x.json",
                fragment: ""
            }
        );
        assert!(matches!(
            parse_ref("https://example.com/x.yaml#/A"),
            RefTarget::Remote { .. }
        ));
        assert!(matches!(parse_ref("urn:x:y"), RefTarget::Remote { .. }));
        assert!(matches!(
            parse_ref("/etc/passwd"),
            RefTarget::Absolute { .. }
        ));
        assert!(matches!(
            parse_ref("file:///etc/passwd"),
            RefTarget::Absolute { .. }
        ));
        assert!(matches!(
            parse_ref("C:\\x.yaml"),
            RefTarget::Absolute { .. }
        ));
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/a%20b/c%7Bd%7D"), "/a b/c{d}");
        assert_eq!(percent_decode("/bad%zz"), "/bad%zz");
        assert_eq!(percent_decode("/%"), "/%");
    }
}
