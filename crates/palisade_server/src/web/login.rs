//! Signing in and out. The sign-in form is protected against login CSRF (another site signing a
//! person into the attacker's account) by a double-submit token: a random value in a
//! `SameSite=Strict` cookie set with the form, which the form echoes. The password check and the
//! session are the API's (`api::sign_in`), rate-limited like `POST /api/session`.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use minijinja::context;
use serde::Deserialize;
use subtle::ConstantTimeEq as _;

use super::render::render_status;
use super::{CsrfForm, WebResult, WebSession, local_path, see_other};
use crate::AppState;
use crate::api::{CLEAR_COOKIE, RequestId, sign_in};
use crate::auth::cookie;
use crate::store::{hex, random_bytes};

const LOGIN_COOKIE: &str = "palisade_login";

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

fn next_or_home(next: Option<&str>) -> String {
    next.and_then(local_path).unwrap_or("/").to_owned()
}

fn form(status: StatusCode, next: &str, name: &str, error: Option<&str>) -> WebResult {
    let token = hex(&random_bytes::<32>());
    let mut response = render_status(
        status,
        "login.html",
        context! { next => next, name => name, error => error, login_token => &token },
    )?;
    let cookie =
        format!("{LOGIN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/login; Max-Age=3600");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// `GET /login`: the sign-in form (or straight on, when already signed in).
pub async fn page(
    session: Result<WebSession, super::WebError>,
    Query(query): Query<NextQuery>,
) -> WebResult {
    let next = next_or_home(query.next.as_deref());
    if session.is_ok() {
        return Ok(see_other(&next));
    }
    form(StatusCode::OK, &next, "", None)
}

#[derive(Debug, Deserialize)]
pub struct Credentials {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    login_token: String,
}

/// `POST /login`: signs in and goes on to `next`.
pub async fn submit(
    State(state): State<AppState>,
    request_id: RequestId,
    headers: HeaderMap,
    axum::Form(credentials): axum::Form<Credentials>,
) -> WebResult {
    let next = next_or_home(credentials.next.as_deref());
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty()
        || !bool::from(
            expected
                .as_bytes()
                .ct_eq(credentials.login_token.as_bytes()),
        )
    {
        return form(
            StatusCode::FORBIDDEN,
            &next,
            &credentials.name,
            Some("This sign-in form has expired or was not sent from this site: try again."),
        );
    }
    match sign_in(
        &state,
        &credentials.name,
        credentials.password,
        request_id.0,
    )
    .await
    {
        Ok(signed_in) => {
            let mut response = see_other(&next);
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&signed_in.cookie) {
                headers.append(header::SET_COOKIE, value);
            }
            headers.append(
                header::SET_COOKIE,
                HeaderValue::from_static(
                    "palisade_login=; HttpOnly; SameSite=Strict; Path=/login; Max-Age=0",
                ),
            );
            Ok(response)
        }
        Err(e) if e.status == StatusCode::UNAUTHORIZED || e.status == StatusCode::BAD_REQUEST => {
            form(
                StatusCode::UNAUTHORIZED,
                &next,
                &credentials.name,
                Some("Wrong name or password."),
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct Empty {}

/// `POST /logout`: ends the session.
pub async fn logout(
    State(state): State<AppState>,
    CsrfForm(session, Empty {}): CsrfForm<Empty>,
) -> WebResult<Response> {
    let crate::auth::Via::Session { digest, .. } = session.auth().via else {
        unreachable!("a web session is a cookie session")
    };
    state.store.delete_session(&digest).await?;
    let mut response = see_other("/login");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_static(CLEAR_COOKIE));
    Ok(response)
}
