//! Fetching remote `$ref`s, for `--allow-remote-refs`: the only network IO Palisade does, and
//! only when asked. HTTP and HTTPS, bounded in time and size.

use std::io::Read as _;
use std::sync::Arc;
use std::time::Duration;

use palisade_openapi::Fetcher;

/// The most one remote document may weigh (the OpenAPI reader's own limit).
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// A fetcher for remote documents, when `allow` is set.
pub fn remote(allow: bool) -> Option<Fetcher> {
    if !allow {
        return None;
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_mins(1)))
        .max_redirects(5)
        .build()
        .into();
    Some(Fetcher(Arc::new(move |url: &str| {
        let response = agent.get(url).call().map_err(|e| e.to_string())?;
        let mut bytes = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(format!("the document is larger than {MAX_BYTES} bytes"));
        }
        Ok(bytes)
    })))
}
