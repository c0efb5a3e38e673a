//! The Palisade server: an HTTP API over a team's threat models, stored in SQLite (embedded, the
//! default) or PostgreSQL, with accounts, API tokens, per-model roles and an append-only audit
//! log. Built as [`app`]`(state) -> Router` so that tests drive it in-process; the web pages
//! ([`web`]) are another router over the same store, roles and decision logic.
//!
//! Secure by default: every route but `/api/health` and `/api/openapi.json` needs a user; every
//! route under `/api/models/{id}` answers 404 to a user without a role on that model; bodies and
//! request rates are limited; security headers go on every response; internal errors are logged
//! with a request id and answered generically.

pub mod api;
pub mod auth;
pub mod content;
pub mod error;
pub mod http;
pub mod import;
pub mod limits;
pub mod store;
#[doc(hidden)]
pub mod testing;
pub mod web;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderName;
use axum::middleware::{from_fn, from_fn_with_state};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

pub use crate::store::{Store, StoreError};

/// How the server behaves; [`Config::default`] is what `palisade serve` starts with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Whether clients reach the server over TLS (its public URL is `https`, usually through a
    /// proxy that terminates TLS): cookies are then `Secure` and responses carry HSTS.
    pub tls: bool,
    /// API requests a second per client address (0: no limit), and the burst allowed.
    pub api_rate: f64,
    pub api_burst: u32,
    /// Sign-in attempts a second per client address, and the burst allowed.
    pub login_rate: f64,
    pub login_burst: u32,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            tls: false,
            api_rate: 50.0,
            api_burst: 200,
            login_rate: 0.1,
            login_burst: 10,
            max_body_bytes: 16 * 1024 * 1024,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub api_limiter: Arc<limits::RateLimiter>,
    pub login_limiter: Arc<limits::RateLimiter>,
    pub analyses: Arc<api::AnalysisCache>,
    pub downloads: Arc<api::DownloadCache>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        Self {
            api_limiter: Arc::new(limits::RateLimiter::new(config.api_rate, config.api_burst)),
            login_limiter: Arc::new(limits::RateLimiter::new(
                config.login_rate,
                config.login_burst,
            )),
            config: Arc::new(config),
            store,
            analyses: Arc::new(api::AnalysisCache::default()),
            downloads: Arc::new(api::DownloadCache::default()),
        }
    }
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    api::router()
        .merge(web::router())
        .fallback(web::fallback)
        .layer(from_fn_with_state(state.clone(), limits::rate_limit))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(CatchPanicLayer::custom(http::panic_response))
        .layer(from_fn(http::json_errors))
        .layer(from_fn_with_state(state.clone(), http::security_headers))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes, then drains requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
