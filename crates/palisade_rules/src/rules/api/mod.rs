//! Rules on a whole API document (family `AS`): servers and security schemes.

mod api_without_authentication;
mod bearer_token_without_format;
mod http_basic_authentication;
mod jwt_bearer_tokens;
mod oauth_implicit_or_password_flow;
mod plain_http_server;

pub(crate) use api_without_authentication::ApiWithoutAuthentication;
pub(crate) use bearer_token_without_format::BearerTokenWithoutFormat;
pub(crate) use http_basic_authentication::HttpBasicAuthentication;
pub(crate) use jwt_bearer_tokens::JwtBearerTokens;
pub(crate) use oauth_implicit_or_password_flow::OAuthImplicitOrPasswordFlow;
pub(crate) use plain_http_server::PlainHttpServer;

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
