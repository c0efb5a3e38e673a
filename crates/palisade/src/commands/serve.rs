//! `palisade serve`: runs the HTTP API over a SQLite file (created on first start) or a
//! PostgreSQL database shared by several server processes.

use std::net::SocketAddr;

use anyhow::Context as _;
use palisade_server::{AppState, Config, Store};

use crate::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database: a SQLite file path (created with its schema on first start), `sqlite:PATH`,
    /// or `postgres://user@host/db` for a database several servers share.
    #[arg(long, env = "PALISADE_DB", default_value = "palisade.db")]
    db: String,
    /// The address to listen on; port 0 picks a free port (the address is printed).
    #[arg(long, env = "PALISADE_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// The URL people reach the server at. When it is `https` (TLS ended by a proxy in front),
    /// cookies are marked `Secure` and responses carry `Strict-Transport-Security`.
    #[arg(long, env = "PALISADE_PUBLIC_URL")]
    public_url: Option<String>,
    /// API requests a second allowed per client address (0 turns the limit off).
    #[arg(long, default_value_t = 50.0)]
    rate_limit: f64,
    /// Requests a client may send at once above the rate.
    #[arg(long, default_value_t = 200)]
    rate_burst: u32,
    /// Largest request body, in mebibytes.
    #[arg(long, default_value_t = 16)]
    max_body_mib: usize,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(args))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PALISADE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

async fn serve(args: &Args) -> anyhow::Result<Outcome> {
    let tls = match &args.public_url {
        Some(url) if url.starts_with("https://") => true,
        Some(url) if url.starts_with("http://") => false,
        Some(url) => anyhow::bail!("--public-url `{url}` must start with http:// or https://"),
        None => false,
    };
    let store = Store::connect(&args.db)
        .await
        .with_context(|| format!("cannot open the database `{}`", redact(&args.db)))?;
    let config = Config {
        tls,
        api_rate: args.rate_limit,
        api_burst: args.rate_burst,
        max_body_bytes: args.max_body_mib.saturating_mul(1024 * 1024),
        ..Config::default()
    };
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener
        .local_addr()
        .context("cannot read the bound address")?;
    crate::output::print_stdout(&format!(
        "palisade serve: listening on http://{address} (database: {})\n",
        redact(&args.db)
    ))?;
    let state = AppState::new(store.clone(), config);
    palisade_server::serve(listener, state, shutdown_signal())
        .await
        .context("the server stopped on an error")?;
    store.close().await;
    Ok(Outcome::Success)
}

/// The database URL without its password, for messages.
fn redact(db: &str) -> String {
    match (db.find("://"), db.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &db[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &db[..scheme + 3], &db[at..]),
                None => db.to_owned(),
            }
        }
        _ => db.to_owned(),
    }
}

/// Completes on Ctrl-C or SIGTERM: the server then stops taking connections and finishes the
/// requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_in_database_urls_are_hidden() {
        assert_eq!(
            redact("postgres://app:s3cret@db.internal/palisade"),
            "postgres://app:***@db.internal/palisade"
        );
        assert_eq!(redact("postgres://app@db/p"), "postgres://app@db/p");
        assert_eq!(redact("palisade.db"), "palisade.db");
    }
}
