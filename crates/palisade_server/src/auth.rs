//! Who is calling: API tokens (`Authorization: Bearer`) for CI, session cookies for the web page,
//! passwords hashed with argon2, and the CSRF check that session-authenticated writes must pass.
//!
//! Tokens are 256 random bits shown once and stored as SHA-256 (hashing every request with
//! argon2 would hand attackers a CPU lever); the stored digest is compared in constant time.
//! A session cookie is `HttpOnly`, `SameSite=Strict`, `Secure` when the server's public URL is
//! `https`, and carries its own anti-CSRF token that every state-changing request made with the
//! cookie must echo in `X-CSRF-Token`.

use argon2::{Argon2, PasswordHasher as _, PasswordVerifier as _};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use subtle::ConstantTimeEq as _;

use crate::AppState;
use crate::error::ApiError;
use crate::store::{Scope, User, hex, random_bytes, sha256_hex};

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "palisade_session";
/// The header that carries the anti-CSRF token of a cookie session.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// What API tokens start with, so that secret scanners can find leaked ones.
pub const TOKEN_PREFIX: &str = "pal_";

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
#[error("cannot hash the password: {0}")]
pub struct HashError(String);

/// The argon2id hash (PHC string) of `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the stored hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A hash of no one's password, checked when the user does not exist so that a failed sign-in
/// takes as long whether or not the name is taken.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&hex(&random_bytes::<16>())).unwrap_or_default())
}

/// A new API token (`pal_` and 64 hex digits) and the digest to store.
pub fn new_token() -> (String, String) {
    let token = format!("{TOKEN_PREFIX}{}", hex(&random_bytes::<32>()));
    let digest = sha256_hex(token.as_bytes());
    (token, digest)
}

/// A new session id for the cookie, its digest to store, and its anti-CSRF token.
pub fn new_session() -> (String, String, String) {
    let id = hex(&random_bytes::<32>());
    let digest = sha256_hex(id.as_bytes());
    let csrf = hex(&random_bytes::<32>());
    (id, digest, csrf)
}

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Via {
    Token,
    Session { digest: String, csrf: String },
}

/// An authenticated caller. Extracting it answers 401 to anyone else, and 403 to a session
/// write without the right anti-CSRF token.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: User,
    pub scope: Scope,
    pub via: Via,
}

impl Auth {
    /// Refuses read-only tokens.
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.scope == Scope::Write {
            Ok(())
        } else {
            Err(ApiError::forbidden("this token is read-only"))
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The value of cookie `name` in the request.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = bearer(&parts.headers) {
            let digest = sha256_hex(token.as_bytes());
            let Some((user, scope, stored)) = state.store.token_by_digest(&digest).await? else {
                return Err(ApiError::unauthorized());
            };
            if !bool::from(stored.as_bytes().ct_eq(digest.as_bytes())) {
                return Err(ApiError::unauthorized());
            }
            return Ok(Self {
                user,
                scope,
                via: Via::Token,
            });
        }
        if let Some(id) = cookie(&parts.headers, SESSION_COOKIE) {
            let digest = sha256_hex(id.as_bytes());
            let Some(session) = state.store.session(&digest).await? else {
                return Err(ApiError::unauthorized());
            };
            if !is_safe(&parts.method) {
                let sent = parts
                    .headers
                    .get(CSRF_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                if !bool::from(sent.as_bytes().ct_eq(session.csrf.as_bytes())) {
                    return Err(ApiError::forbidden(
                        "missing or wrong X-CSRF-Token: send the token given at sign-in",
                    ));
                }
            }
            return Ok(Self {
                user: session.user,
                scope: Scope::Write,
                via: Via::Session {
                    digest,
                    csrf: session.csrf,
                },
            });
        }
        Err(ApiError::unauthorized())
    }
}
