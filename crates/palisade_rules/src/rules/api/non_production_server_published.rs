//! AS008: development, test or staging servers published in the contract.

use crate::context::Finding;
use crate::declare_rule;
use crate::rules::ApiRule;
use crate::spec_context::SpecCx;

/// Words that name an environment other than production.
const NON_PRODUCTION: &[&str] = &[
    "dev",
    "develop",
    "development",
    "test",
    "testing",
    "qa",
    "uat",
    "staging",
    "stage",
    "stg",
    "preprod",
    "int",
    "integration",
    "local",
    "localhost",
    "internal",
    "debug",
];

declare_rule! {
    /// ## What it detects
    /// A server in the document whose URL or description names a development, test, staging or
    /// internal environment (`https://staging-api.example.com`, `http://localhost:8080`,
    /// "QA server"), beside or instead of production.
    ///
    /// ## Why it matters
    /// Improper inventory management: non-production environments are patched later, seeded with
    /// copies of real data, and run with debug settings and weaker authentication. Publishing
    /// them tells attackers where the soft targets are, and they are easily forgotten when the
    /// API is retired.
    ///
    /// ## Example
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// servers:
    ///   - { url: "https://api.example.com" }
    ///   - { url: "https://staging-api.example.com", description: Staging }
    /// paths:
    ///   /status:
    ///     get:
    ///       responses: { "200": { description: Up } }
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// openapi: 3.0.3
    /// info: { title: Example, version: "1" }
    /// servers:
    ///   - { url: "https://api.example.com" }
    /// paths:
    ///   /status:
    ///     get:
    ///       responses: { "200": { description: Up } }
    /// ```
    ///
    /// ## Mitigation
    /// Publish only production servers; keep other environments in an internal copy of the
    /// contract, behind authentication, inventoried with an owner and a retirement date.
    ///
    /// ## References
    /// CWE-1059 · CAPEC-169
    pub(crate) NonProductionServerPublished {
        code: "AS008",
        applies_to: [Api],
        stride: [InformationDisclosure],
        owasp_2023: [Api9],
        owasp_2019: [Api9],
        cwe: [1059],
        capec: [169],
        severity: Low,
    }
}

impl ApiRule for NonProductionServerPublished {
    fn meta(&self) -> &'static crate::RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &SpecCx, out: &mut Vec<Finding>) {
        let hits: Vec<(&palisade_openapi::Server, String)> = cx
            .spec
            .servers
            .iter()
            .filter_map(|s| {
                let host = s
                    .url
                    .split("://")
                    .nth(1)
                    .unwrap_or(&s.url)
                    .split('/')
                    .next()
                    .unwrap_or_default();
                let words = crate::spec_context::words(host).into_iter().chain(
                    s.description
                        .as_deref()
                        .map(crate::spec_context::words)
                        .unwrap_or_default(),
                );
                let hit = words
                    .into_iter()
                    .find(|w| NON_PRODUCTION.contains(&w.as_str()))
                    .or_else(|| super::is_local_url(&s.url).then(|| "localhost".to_owned()))?;
                // A bare `{host}` variable is a template, not an environment.
                (!host.starts_with('{')).then_some((s, hit))
            })
            .collect();
        let Some((first, _)) = hits.first() else {
            return;
        };
        let names: Vec<String> = hits
            .iter()
            .map(|(s, w)| format!("`{}` ({w})", s.url))
            .collect();
        let mut f = Finding::new(
            &Self::META,
            cx.api_target(),
            "The contract publishes non-production servers",
        )
        .description(format!(
            "The document lists {}: environments that are usually less patched, less guarded and seeded with real data.",
            names.join(", ")
        ))
        .at(cx.location(&first.location))
        .mitigation("Publish only production servers; inventory the others with an owner");
        for n in &names {
            f = f.evidence(format!("server {n}"));
        }
        out.push(f);
    }
}
