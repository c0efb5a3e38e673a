//! The web pages: server-rendered HTML over the same store, roles, decision logic and analysis
//! as the API, so that a page can never show or change more than the API would.
//!
//! Templates (`templates/*.html`, minijinja, escaped by default) and assets (`assets/`: htmx and
//! svg-pan-zoom vendored from npm with their licences, and our own `app.js`, `app.css`) are
//! embedded in the binary. Every page works without JavaScript (forms that POST and redirect);
//! the script only adds in-place filtering, zoom and pan, and clicks on the diagram. Nothing is
//! inline: the Content-Security-Policy of `http.rs` (`script-src 'self'; style-src 'self'`) holds.
//!
//! Sessions are the API's cookie sessions; every state-changing form carries the session's
//! anti-CSRF token in a hidden `csrf` field, checked by [`CsrfForm`] before the handler runs.
//! Authorization is the API's [`crate::api::access`]: a user without a role on a model gets 404
//! on every page under `/models/{id}`.

mod assets;
mod audit;
mod history;
mod home;
mod login;
mod model;
mod render;
mod threat;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq as _;

use crate::AppState;
use crate::auth::{Auth, SESSION_COOKIE, Via, cookie};
use crate::error::{ApiError, InternalDetail};
use crate::store::{Scope, User, sha256_hex};

pub use render::render_page;

/// Every web route: `(method, path, handler)`. The router is built from this table, and the
/// authorization test walks it, so a new page cannot skip the role check unnoticed.
fn routes() -> Vec<(&'static str, &'static str, MethodRouter<AppState>)> {
    vec![
        ("GET", "/", get(home::page)),
        ("GET", "/login", get(login::page)),
        ("POST", "/login", post(login::submit)),
        ("POST", "/logout", post(login::logout)),
        ("GET", "/assets/{name}", get(assets::serve)),
        ("POST", "/models", post(home::create)),
        ("GET", "/models/{id}", get(model::page)),
        ("GET", "/models/{id}/threats/{threat_id}", get(threat::page)),
        (
            "POST",
            "/models/{id}/threats/{threat_id}",
            post(threat::decide),
        ),
        ("GET", "/models/{id}/history", get(history::page)),
        ("POST", "/models/{id}/history", post(history::upload)),
        ("GET", "/models/{id}/audit", get(audit::page)),
    ]
}

/// `(METHOD, path)` of every web route, for tests.
pub fn route_table() -> Vec<(&'static str, &'static str)> {
    routes().into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// The web pages' router, merged with the API's by [`crate::app`].
pub fn router() -> Router<AppState> {
    routes()
        .into_iter()
        .fold(Router::new(), |router, (_, path, handler)| {
            router.route(path, handler)
        })
        .layer(axum::middleware::from_fn(sign_in_whole_page))
}

/// An htmx request (a filter of the threat table) whose session has expired would follow the
/// redirect to the sign-in page and swap that page into the table. Answer it instead with
/// `HX-Redirect`, which makes htmx load the sign-in page as a whole page.
async fn sign_in_whole_page(request: Request, next: axum::middleware::Next) -> Response {
    let htmx = request
        .headers()
        .get("hx-request")
        .is_some_and(|v| v.as_bytes() == b"true");
    let response = next.run(request).await;
    if !htmx || response.status() != StatusCode::SEE_OTHER {
        return response;
    }
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .filter(|l| l.as_bytes().starts_with(b"/login"))
        .cloned()
    else {
        return response;
    };
    let mut redirect = StatusCode::NO_CONTENT.into_response();
    redirect.headers_mut().insert("hx-redirect", location);
    redirect
}

/// What answers a path no route has: JSON under `/api`, a page elsewhere.
pub async fn fallback(request: Request) -> Response {
    let path = request.uri().path();
    let what = if path.starts_with("/api") {
        "route"
    } else {
        "page"
    };
    error_response(path, ApiError::not_found(what))
}

/// `error` as the caller of `path` reads it: JSON under `/api`, a page elsewhere.
pub fn error_response(path: &str, error: ApiError) -> Response {
    if path.starts_with("/api") {
        error.into_response()
    } else {
        WebError::from(error).into_response()
    }
}

/// A signed-in person, from the session cookie.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub user: User,
    /// The session's anti-CSRF token, written into every form.
    pub csrf: String,
    digest: String,
}

impl WebSession {
    /// The session as the API's caller, for [`crate::api::access`] and the shared logic.
    pub fn auth(&self) -> Auth {
        Auth {
            user: self.user.clone(),
            scope: Scope::Write,
            via: Via::Session {
                digest: self.digest.clone(),
                csrf: self.csrf.clone(),
            },
        }
    }

    /// Refuses a form whose `csrf` field is not this session's token.
    pub fn check_csrf(&self, sent: &str) -> Result<(), WebError> {
        if bool::from(sent.as_bytes().ct_eq(self.csrf.as_bytes())) {
            Ok(())
        } else {
            Err(WebError::from(ApiError::forbidden(
                "this form is out of date or was not sent from this site: reload the page and \
                 send it again",
            )))
        }
    }
}

impl FromRequestParts<AppState> for WebSession {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let next = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        let Some(id) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(WebError::SignIn(next));
        };
        let digest = sha256_hex(id.as_bytes());
        let Some(session) = state.store.session(&digest).await? else {
            return Err(WebError::SignIn(next));
        };
        Ok(Self {
            user: session.user,
            csrf: session.csrf,
            digest,
        })
    }
}

/// A form body (`application/x-www-form-urlencoded`) from a signed-in person, accepted only
/// with the session's anti-CSRF token in its `csrf` field.
pub struct CsrfForm<T>(pub WebSession, pub T);

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = request.into_parts();
        let session = WebSession::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| WebError::from(ApiError::new(e.status(), "bad_request", e.body_text())))?;
        let token: CsrfField = serde_urlencoded::from_bytes(&bytes).unwrap_or(CsrfField {
            csrf: String::new(),
        });
        session.check_csrf(&token.csrf)?;
        let value = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| WebError::from(ApiError::bad_request(format!("invalid form: {e}"))))?;
        Ok(Self(session, value))
    }
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum WebError {
    /// Not signed in: go to the sign-in page, then back to this path.
    SignIn(String),
    /// An error page with the status and message of the API's error.
    Page(ApiError),
}

impl From<ApiError> for WebError {
    fn from(error: ApiError) -> Self {
        Self::Page(error)
    }
}

impl From<crate::StoreError> for WebError {
    fn from(error: crate::StoreError) -> Self {
        Self::Page(error.into())
    }
}

/// A `303 See Other` to `location` (after a form: the browser then GETs it).
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Whether `next` is a path of this site (never `//host` or a URL), so that signing in cannot
/// send anyone elsewhere.
pub fn local_path(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\')).then_some(next)
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn(next) => {
                let next = local_path(&next).unwrap_or("/");
                let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                see_other(&format!("/login?{query}"))
            }
            Self::Page(error) => {
                let message = if error.internal.is_some() {
                    "Something went wrong on the server. The error has been logged; try again, or \
                     tell the administrator the time it happened."
                        .to_owned()
                } else {
                    error.message.clone()
                };
                let title = error.status.canonical_reason().unwrap_or("Error");
                let html = render::render(
                    "error.html",
                    minijinja::context! {
                        title => title,
                        status => error.status.as_u16(),
                        message => message,
                    },
                )
                .unwrap_or_else(|_| format!("<!doctype html><title>{title}</title>"));
                let mut response = (
                    error.status,
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    Body::from(html),
                )
                    .into_response();
                for (name, value) in error.headers {
                    if name != header::WWW_AUTHENTICATE {
                        response.headers_mut().insert(name, value);
                    }
                }
                if let Some(detail) = error.internal {
                    response.extensions_mut().insert(InternalDetail(detail));
                }
                response
            }
        }
    }
}

/// The result of a page handler.
pub type WebResult<T = Response> = Result<T, WebError>;
