//! Rules on a whole API document (family `AS`): servers and security schemes.

mod api_without_authentication;
mod bearer_token_without_format;
mod cookie_authentication_without_csrf_protection;
mod http_basic_authentication;
mod insecure_authorization_server_url;
mod jwt_bearer_tokens;
mod no_rate_limit_documented;
mod non_production_server_published;
mod oauth_implicit_or_password_flow;
mod oauth_without_scopes;
mod object_operations_without_404;
mod plain_http_server;
mod secured_operations_without_401;

pub(crate) use api_without_authentication::ApiWithoutAuthentication;
pub(crate) use bearer_token_without_format::BearerTokenWithoutFormat;
pub(crate) use cookie_authentication_without_csrf_protection::CookieAuthenticationWithoutCsrfProtection;
pub(crate) use http_basic_authentication::HttpBasicAuthentication;
pub(crate) use insecure_authorization_server_url::InsecureAuthorizationServerUrl;
pub(crate) use jwt_bearer_tokens::JwtBearerTokens;
pub(crate) use no_rate_limit_documented::NoRateLimitDocumented;
pub(crate) use non_production_server_published::NonProductionServerPublished;
pub(crate) use oauth_implicit_or_password_flow::OAuthImplicitOrPasswordFlow;
pub(crate) use oauth_without_scopes::OAuthWithoutScopes;
pub(crate) use object_operations_without_404::ObjectOperationsWithout404;
pub(crate) use plain_http_server::PlainHttpServer;
pub(crate) use secured_operations_without_401::SecuredOperationsWithout401;

/// Whether a server URL points at this machine (a development server, not an exposure).
pub(crate) fn is_local_url(url: &str) -> bool {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let host = rest
        .split(['/', ':'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    host == "localhost"
        || host.starts_with("127.")
        || host == "[::1]"
        || host == "0.0.0.0"
        || host.is_empty()
        || host.starts_with('{')
}

/// Whether an operation documents an answer for this status: the status itself, its `4XX`
/// family, or a `default` response.
pub(crate) fn answers(op: &palisade_openapi::Operation, status: &str) -> bool {
    let family = format!("{}XX", &status[..1]);
    op.responses
        .keys()
        .any(|k| k == status || k.eq_ignore_ascii_case(&family) || k == "default")
}

/// `GET /a, POST /b and 3 more operations`, for API-level threats about several operations.
pub(crate) fn operations(ops: &[&palisade_openapi::Operation]) -> String {
    let names: Vec<String> = ops.iter().map(|o| format!("`{}`", o.address())).collect();
    let shown = names.len().min(5);
    let mut text = names[..shown].join(", ");
    if names.len() > shown {
        text.push_str(&format!(" and {} more operations", names.len() - shown));
    }
    text
}
