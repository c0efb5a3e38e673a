//! Rate limits: a token bucket per client address, one for sign-in and one for the rest of the
//! API, answered with 429 and `Retry-After`.
//!
//! Keyed on the peer address of the TCP connection, never on `X-Forwarded-For` (which any client
//! can write). Behind a load balancer every request comes from the balancer's address, so limit
//! there too, or raise these limits. Each server process keeps its own buckets: several
//! processes behind a balancer allow several times the configured rate. Written by hand (about
//! 60 lines) because `tower_governor` needs `ConnectInfo` on every request, which the tests'
//! in-process requests do not carry, and because we want one JSON error shape for 429.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::error::ApiError;

/// A token bucket per key: `rate` tokens a second, at most `burst` saved up.
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// Most addresses remembered before idle ones are forgotten.
const MAX_KEYS: usize = 100_000;

impl RateLimiter {
    /// `rate` requests a second with bursts of `burst`; a rate of zero turns the limit off.
    pub fn new(rate: f64, burst: u32) -> Self {
        Self {
            rate,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `key`, or says how long until one is available.
    pub fn check(&self, key: IpAddr) -> Result<(), Duration> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= MAX_KEYS {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(key).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / self.rate))
        }
    }
}

/// The client's address: the TCP peer (in-process tests have none and share one bucket).
fn peer(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// Middleware: sign-in (`POST /api/session`) has its own, stricter limit; health checks have
/// none; every other request counts against the API limit.
pub async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let limiter =
        if (path == "/api/session" || path == "/login") && request.method() == Method::POST {
            Some(&state.login_limiter)
        } else if path == "/api/health" || path.starts_with("/assets/") {
            None
        } else {
            Some(&state.api_limiter)
        };
    if let Some(limiter) = limiter
        && let Err(wait) = limiter.check(peer(&request))
    {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests: retry in {seconds} s"),
        )
        .with_header(header::RETRY_AFTER, &seconds.max(1).to_string());
        // A person at the sign-in form or on a page gets a page; API clients get JSON.
        return crate::web::error_response(path, error);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_with_a_wait() {
        let limiter = RateLimiter::new(1.0, 3);
        let key = IpAddr::V4(Ipv4Addr::LOCALHOST);
        for _ in 0..3 {
            assert!(limiter.check(key).is_ok());
        }
        let wait = limiter
            .check(key)
            .expect_err("the fourth request is over the burst");
        assert!(wait <= Duration::from_secs(1));
        // Another client has its own bucket.
        assert!(
            limiter
                .check(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
                .is_ok()
        );
    }

    #[test]
    fn a_zero_rate_turns_the_limit_off() {
        let limiter = RateLimiter::new(0.0, 1);
        for _ in 0..100 {
            assert!(limiter.check(IpAddr::V4(Ipv4Addr::LOCALHOST)).is_ok());
        }
    }
}
