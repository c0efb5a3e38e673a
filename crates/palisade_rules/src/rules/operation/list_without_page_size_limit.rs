//! OP017: a list operation whose page size has no maximum.

use palisade_model::Severity;

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::OperationRule;
use crate::spec_context::OpCx;

/// Query parameters that set how many items a page holds.
const PAGE_SIZE_NAMES: &[&str] = &[
    "limit", "size", "count", "top", "first", "last", "take", "max", "per",
];

declare_rule! {
    /// ## What it detects
    /// A `GET` on a collection that returns a list (an array, or an object with an array of
    /// items) and either takes no page-size parameter at all, or takes one (`limit`,
    /// `page_size`, `per_page` …) with no `maximum`.
    ///
    /// ## Why it matters
    /// Unrestricted resource consumption: `?limit=1000000` makes the server read, serialize and
    /// send the whole table; a list with no paging at all does so on every call. It is also how
    /// scrapers empty an API in a few requests.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /orders:
    ///     get:
    ///       parameters:
    ///         - { name: limit, in: query, schema: { type: integer } }
    ///       responses:
    ///         "200":
    ///           description: Orders
    ///           content:
    ///             application/json:
    ///               schema: { type: array, items: { type: object, properties: { id: { type: string } } } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// paths:
    ///   /orders:
    ///     get:
    ///       parameters:
    ///         - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 100 } }
    ///       responses:
    ///         "200":
    ///           description: Orders
    ///           content:
    ///             application/json:
    ///               schema: { type: array, maxItems: 100, items: { type: object, properties: { id: { type: string } } } }
    /// ```
    ///
    /// ## Mitigation
    /// Paginate every list, cap the page size server-side (`maximum` on the parameter), and
    /// declare it in the contract.
    ///
    /// ## References
    /// CWE-770 · CAPEC-130
    pub(crate) ListWithoutPageSizeLimit {
        code: "OP017",
        applies_to: [Operation],
        stride: [DenialOfService, InformationDisclosure],
        owasp_2023: [Api4],
        owasp_2019: [Api4],
        cwe: [770],
        capec: [130],
        severity: Low,
    }
}

impl OperationRule for ListWithoutPageSizeLimit {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &OpCx, out: &mut Vec<Finding>) {
        if cx.op.method != palisade_openapi::Method::Get || !super::is_collection_path(&cx.op.path)
        {
            return;
        }
        let Some(list) = returned_list(cx) else {
            return;
        };
        if list.max_items.is_some() {
            return;
        }
        let page_size = cx.op.parameters.iter().find(|p| {
            p.r#in == palisade_openapi::ParameterLocation::Query && {
                let w = crate::spec_context::words(&p.name);
                w.iter().any(|x| PAGE_SIZE_NAMES.contains(&x.as_str()))
                    || (w.iter().any(|x| x == "page") && w.iter().any(|x| x == "size"))
            }
        });
        let (title, evidence, at) = match page_size {
            Some(p) => {
                let capped = p
                    .schema
                    .and_then(|id| cx.spec.schema(id))
                    .is_some_and(|s| s.maximum.is_some() || !s.enum_values.is_empty());
                if capped {
                    return;
                }
                (
                    format!(
                        "{}: the page size `{}` has no maximum",
                        cx.op.address(),
                        p.name
                    ),
                    format!("query parameter `{}` has no maximum", p.name),
                    &p.location,
                )
            }
            None => (
                format!(
                    "{} returns the whole collection in one response",
                    cx.op.address()
                ),
                "no page-size parameter and no maxItems".to_owned(),
                &cx.op.location,
            ),
        };
        out.push(
            Finding::new(&Self::META, cx.target(), title)
                .description(format!(
                    "{} returns a list whose size the server does not cap: a caller can make it read and send as many records as exist.",
                    cx.op.address()
                ))
                .evidence(evidence)
                .severity(Severity::Low)
                .at(cx.spec.location(at))
                .mitigation("Paginate, and cap the page size with a `maximum` enforced server-side"),
        );
    }
}

/// The array a 2xx response returns: the body itself, or an array property of it (`data`,
/// `items`, `results` …).
fn returned_list<'s>(cx: &OpCx<'s>) -> Option<&'s palisade_openapi::Schema> {
    for (status, response) in &cx.op.responses {
        if !status.starts_with('2') {
            continue;
        }
        for media in response.content.values() {
            let Some(root) = media.schema.and_then(|id| cx.spec.schema(id)) else {
                continue;
            };
            if root.has_type("array") {
                return Some(root);
            }
            for prop in root.properties.values() {
                if let Some(s) = cx.spec.schema(prop.schema)
                    && s.has_type("array")
                {
                    return Some(s);
                }
            }
        }
    }
    None
}
