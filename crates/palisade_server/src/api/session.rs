//! Health, sign-in and sessions, API tokens, and the caller's view of the audit log.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::RequestId;
use crate::AppState;
use crate::auth::{self, Auth, SESSION_COOKIE, Via};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::store::{AuditEntry, AuditRecord, Scope, TokenInfo, User};

/// The server is up.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// `ok`, or `unavailable` when the database does not answer.
    pub database: String,
}

/// Liveness and database reachability, for load balancers.
#[utoipa::path(get, path = "/api/health", tag = "health",
    responses(
        (status = 200, description = "The server and its database answer", body = Health),
        (status = 503, description = "The database does not answer", body = Health),
    ))]
pub async fn health(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(Health {
            status: "ok".into(),
            database: "ok".into(),
        })
        .into_response(),
        Err(e) => {
            tracing::error!("health check: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "ok".into(),
                    database: "unavailable".into(),
                }),
            )
                .into_response()
        }
    }
}

/// Credentials to sign in with.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(max_length = 1000)]
    pub password: String,
}

/// Who the caller is.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub user: String,
    /// `read` or `write`.
    pub scope: Scope,
    /// `token` or `session`.
    pub via: String,
    /// For a cookie session: the value state-changing requests must send in `X-CSRF-Token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

/// Signs in with a name and password: sets the session cookie (`HttpOnly`, `SameSite=Strict`,
/// `Secure` over TLS) and returns the anti-CSRF token. Rate-limited per client address.
#[utoipa::path(post, path = "/api/session", tag = "session", request_body = Credentials,
    responses(
        (status = 200, description = "Signed in; the cookie is set", body = SessionView),
        (status = 401, description = "Wrong name or password", body = ErrorBody),
    ))]
pub async fn create_session(
    State(state): State<AppState>,
    request_id: RequestId,
    Json(credentials): Json<Credentials>,
) -> ApiResult<Response> {
    let signed_in = sign_in(
        &state,
        &credentials.name,
        credentials.password,
        request_id.0,
    )
    .await?;
    let mut response = Json(SessionView {
        user: signed_in.user.name,
        scope: Scope::Write,
        via: "session".into(),
        csrf_token: Some(signed_in.csrf),
    })
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&signed_in.cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// A new cookie session.
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    /// The `Set-Cookie` value that carries the session.
    pub cookie: String,
    /// The session's anti-CSRF token.
    pub csrf: String,
}

/// The `Set-Cookie` value that ends a session in the browser.
pub const CLEAR_COOKIE: &str = "palisade_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0";

/// Checks a name and password (as long whether or not the name exists) and begins a session,
/// recorded in the audit log: what `POST /api/session` and the web page's sign-in share.
pub async fn sign_in(
    state: &AppState,
    name: &str,
    password: String,
    request_id: Option<String>,
) -> ApiResult<SignedIn> {
    if name.len() > 200 || password.len() > 1000 {
        return Err(ApiError::bad_request("name or password too long"));
    }
    let found = state.store.user_with_password(name).await?;
    let hash = found
        .as_ref()
        .map_or_else(|| auth::decoy_hash().to_owned(), |(_, h)| h.clone());
    let matches = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &password))
        .await
        .map_err(|e| ApiError::internal(format!("password check failed: {e}")))?;
    let Some((user, _)) = found.filter(|_| matches) else {
        tracing::warn!(user = %name, "failed sign-in");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "wrong name or password",
        ));
    };
    let (id, digest, csrf) = auth::new_session();
    state.store.create_session(&user, &digest, &csrf).await?;
    state
        .store
        .append_audit(
            None,
            &AuditRecord {
                actor: user.name.clone(),
                action: "session.create".into(),
                request_id,
                ..AuditRecord::default()
            },
        )
        .await?;
    let secure = if state.config.tls { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        crate::store::SESSION_TTL_MS / 1000
    );
    Ok(SignedIn { user, cookie, csrf })
}

/// Who is calling, and for a cookie session its anti-CSRF token.
#[utoipa::path(get, path = "/api/session", tag = "session",
    responses((status = 200, description = "The caller", body = SessionView)))]
pub async fn get_session(auth: Auth) -> Json<SessionView> {
    Json(view(&auth))
}

fn view(auth: &Auth) -> SessionView {
    let (via, csrf_token) = match &auth.via {
        Via::Token => ("token", None),
        Via::Session { csrf, .. } => ("session", Some(csrf.clone())),
    };
    SessionView {
        user: auth.user.name.clone(),
        scope: auth.scope,
        via: via.into(),
        csrf_token,
    }
}

/// Signs out: ends the cookie session (with a token, nothing to end).
#[utoipa::path(delete, path = "/api/session", tag = "session",
    responses((status = 204, description = "Signed out; the cookie is cleared")))]
pub async fn delete_session(State(state): State<AppState>, auth: Auth) -> ApiResult<Response> {
    if let Via::Session { digest, .. } = &auth.via {
        state.store.delete_session(digest).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_static(CLEAR_COOKIE));
    Ok(response)
}

/// The caller's API tokens (never their secrets).
#[utoipa::path(get, path = "/api/tokens", tag = "session",
    responses((status = 200, description = "The caller's tokens, newest first", body = [TokenInfo])))]
pub async fn list_tokens(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<Vec<TokenInfo>>> {
    Ok(Json(state.store.tokens(Some(&auth.user.id)).await?))
}

/// What a new token may do.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// `read` or `write` (default `read`).
    #[serde(default)]
    #[schema(max_length = 5)]
    pub scope: Option<String>,
}

/// A new token: its secret is shown here once and never again.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub token: String,
    pub info: TokenInfo,
}

/// Creates an API token for the caller.
#[utoipa::path(post, path = "/api/tokens", tag = "session", request_body = NewToken,
    responses((status = 201, description = "The token, shown once", body = CreatedToken)))]
pub async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    request_id: RequestId,
    Json(new): Json<NewToken>,
) -> ApiResult<Response> {
    auth.require_write()?;
    let scope = match new.scope.as_deref() {
        None => Scope::Read,
        Some(s) => Scope::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!("unknown scope `{s}`: use read or write"))
        })?,
    };
    let (token, digest) = auth::new_token();
    let info = state
        .store
        .create_token(&auth.user.name, &digest, scope)
        .await?;
    audit_token(&state, &auth.user, "token.create", &info, request_id).await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, info })).into_response())
}

async fn audit_token(
    state: &AppState,
    user: &User,
    action: &str,
    info: &TokenInfo,
    request_id: RequestId,
) -> ApiResult<()> {
    state
        .store
        .append_audit(
            None,
            &AuditRecord {
                actor: user.name.clone(),
                action: action.into(),
                after: Some(serde_json::json!({"token": info.id, "scope": info.scope})),
                request_id: request_id.0,
                ..AuditRecord::default()
            },
        )
        .await?;
    Ok(())
}

/// Revokes one of the caller's tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/tokens/{token_id}", tag = "session",
    params(("token_id" = String, Path, description = "The token's id", max_length = 64)),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    request_id: RequestId,
    Path(token_id): Path<String>,
) -> ApiResult<StatusCode> {
    auth.require_write()?;
    match state
        .store
        .revoke_token(&token_id, Some(&auth.user.id))
        .await
    {
        Ok(()) => {}
        Err(crate::StoreError::NoSuchToken(_)) => return Err(ApiError::not_found("token")),
        Err(e) => return Err(e.into()),
    }
    let info = TokenInfo {
        id: token_id,
        user: auth.user.name.clone(),
        scope: auth.scope,
        created_at: 0,
        revoked_at: None,
    };
    audit_token(&state, &auth.user, "token.revoke", &info, request_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Paging through the audit log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries older than this sequence number (for the next page).
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// At most this many entries (1–500, default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

impl AuditQuery {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(100).clamp(1, 500)
    }
}

/// The audit log as the caller may see it: entries about every model they have a role on, and
/// their own actions; newest first.
#[utoipa::path(get, path = "/api/audit", tag = "access", params(AuditQuery),
    responses((status = 200, description = "Audit entries, newest first", body = [AuditEntry])))]
pub async fn audit(
    State(state): State<AppState>,
    auth: Auth,
    Query(query): Query<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    let entries = state
        .store
        .audit(None, &auth.user, query.before, query.limit())
        .await?;
    Ok(Json(entries))
}
