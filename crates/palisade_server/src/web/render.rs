//! The templates, embedded in the binary, and the filters they use. minijinja escapes every
//! value in `.html` templates; only the diagram SVG (escaped by `palisade_diagram`) and rule
//! pages (Markdown rendered with raw HTML as text) are marked safe, by the handlers.

use std::sync::LazyLock;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::{Environment, Value};

use super::{WebError, assets};
use crate::error::ApiError;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("login.html", include_str!("../../templates/login.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("model.html", include_str!("../../templates/model.html")),
    ("threats.html", include_str!("../../templates/threats.html")),
    ("threat.html", include_str!("../../templates/threat.html")),
    ("history.html", include_str!("../../templates/history.html")),
    ("audit.html", include_str!("../../templates/audit.html")),
];

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        // The templates are part of the binary; the tests render every one of them.
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name} does not compile: {e}"));
    }
    env.add_filter("time", time);
    env.add_filter("words", words);
    env.add_filter("rich", rich);
    env.add_function("asset", asset);
    env
});

/// `ms` since the Unix epoch as `2026-11-05 14:03 UTC`.
pub fn time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map_or_else(
        |_| "—".to_owned(),
        |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// `needs_investigation` as `needs investigation`.
fn words(text: &str) -> String {
    text.replace('_', " ")
}

/// A threat's title or description escaped, its `backticked` names shown as code (as the
/// HTML report shows them).
fn rich(text: &str) -> Value {
    Value::from_safe_string(palisade_export::html::rich(text))
}

/// The URL of an embedded asset, with its content hash so that it can be cached for ever.
fn asset(name: &str) -> String {
    assets::url(name)
}

/// Any serializable value, for a template's context.
pub fn ser<T: serde::Serialize>(value: T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

/// Renders template `name`.
pub fn render(name: &str, context: Value) -> Result<String, minijinja::Error> {
    ENV.get_template(name)?.render(context)
}

/// A page with status `status`.
pub fn render_status(status: StatusCode, name: &str, context: Value) -> Result<Response, WebError> {
    let html = render(name, context)
        .map_err(|e| WebError::from(ApiError::internal(format!("template {name}: {e:#}"))))?;
    Ok((
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response())
}

/// A page (200).
pub fn render_page(name: &str, context: Value) -> Result<Response, WebError> {
    render_status(StatusCode::OK, name, context)
}
