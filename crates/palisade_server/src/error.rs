//! The one error type of the HTTP API and how each error looks to a client:
//! `{"error": {"code", "message", …}}` with the matching status. Internal errors are answered
//! with a generic message and the request id; their detail goes only to the log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use crate::store::StoreError;

/// An error answered to a client.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// A stable, machine-readable word such as `not_found`.
    pub code: &'static str,
    pub message: String,
    /// More fields for the `error` object (problems, the current state on a conflict).
    pub details: Option<Box<Value>>,
    /// Extra response headers.
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
    /// For internal errors: what went wrong, for the log only.
    pub internal: Option<String>,
}

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorObject,
}

/// What went wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorObject {
    /// A stable word: `bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`,
    /// `precondition_failed`, `precondition_required`, `payload_too_large`,
    /// `unsupported_media_type`, `invalid_model`, `rate_limited`, `internal`.
    pub code: String,
    pub message: String,
    /// The problems found in an uploaded model (`invalid_model`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<crate::content::Problem>>,
    /// The current state of the thing, on `precondition_failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<Value>,
    /// What the request tried to write, on `precondition_failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub attempted: Option<Value>,
    /// The request id to quote when reporting an internal error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: None,
            headers: Vec::new(),
            internal: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in, or send `Authorization: Bearer <token>`",
        )
        .with_header(header::WWW_AUTHENTICATE, "Bearer realm=\"palisade\"")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error: the server could not complete the request",
        );
        e.internal = Some(detail.into());
        e
    }

    #[must_use]
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    #[must_use]
    pub fn with_header(mut self, name: header::HeaderName, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::internal(error.to_string())
    }
}

/// Marks a response as an internal error, with its detail, for the middleware that logs it with
/// the request id.
#[derive(Debug, Clone)]
pub struct InternalDetail(pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({"code": self.code, "message": self.message});
        if let (Some(Value::Object(details)), Some(object)) =
            (self.details.map(|d| *d), error.as_object_mut())
        {
            object.extend(details);
        }
        let mut response = (self.status, axum::Json(json!({ "error": error }))).into_response();
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        if let Some(detail) = self.internal {
            response.extensions_mut().insert(InternalDetail(detail));
        }
        response
    }
}

/// The result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
