//! The files the pages load, embedded in the binary and served under `/assets/` by Palisade
//! itself (no CDN, no external request): htmx 2.0 and svg-pan-zoom as published on npm (with
//! their licences beside them), our own script and stylesheet, and the diagram's stylesheet
//! (`palisade_diagram::SVG_STYLE`: the page inlines the SVG without its `<style>`, which the
//! Content-Security-Policy would refuse). Their URLs carry a hash of their content, so that
//! browsers may keep them for a year and still get a new one after an upgrade.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::store::sha256_hex;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    hash: String,
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    let files: [(&str, &str, &[u8]); 8] = [
        (
            "htmx.min.js",
            "text/javascript; charset=utf-8",
            include_bytes!("../../assets/htmx.min.js"),
        ),
        (
            "htmx.LICENSE",
            "text/plain; charset=utf-8",
            include_bytes!("../../assets/htmx.LICENSE"),
        ),
        (
            "svg-pan-zoom.min.js",
            "text/javascript; charset=utf-8",
            include_bytes!("../../assets/svg-pan-zoom.min.js"),
        ),
        (
            "svg-pan-zoom.LICENSE",
            "text/plain; charset=utf-8",
            include_bytes!("../../assets/svg-pan-zoom.LICENSE"),
        ),
        (
            "app.js",
            "text/javascript; charset=utf-8",
            include_bytes!("../../assets/app.js"),
        ),
        (
            "app.css",
            "text/css; charset=utf-8",
            include_bytes!("../../assets/app.css"),
        ),
        (
            "diagram.css",
            "text/css; charset=utf-8",
            palisade_diagram::SVG_STYLE.as_bytes(),
        ),
        (
            "favicon.svg",
            "image/svg+xml",
            include_bytes!("../../assets/favicon.svg"),
        ),
    ];
    files
        .into_iter()
        .map(|(name, content_type, body)| Asset {
            name,
            content_type,
            body,
            hash: sha256_hex(body)[..12].to_owned(),
        })
        .collect()
});

/// The URL of asset `name`, versioned by its content.
pub fn url(name: &str) -> String {
    ASSETS.iter().find(|a| a.name == name).map_or_else(
        || format!("/assets/{name}"),
        |a| format!("/assets/{name}?v={}", a.hash),
    )
}

/// `GET /assets/{name}`: public, cached for a year.
pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return ApiError::not_found("asset").into_response();
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        asset.body,
    )
        .into_response()
}
