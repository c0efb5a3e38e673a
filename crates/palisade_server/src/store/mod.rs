//! The storage layer: one [`Store`] over sqlx's `AnyPool`, with SQLite (embedded, the default)
//! and PostgreSQL (for teams and several server processes) behind the same queries.
//!
//! Both schemas store ids as text and times as integer milliseconds, because the `Any` driver
//! cannot decode `TIMESTAMPTZ`, `UUID` or `JSONB`. Every write runs in one transaction; on SQLite
//! transactions begin `IMMEDIATE` (the write lock is taken up front, so two writers queue instead
//! of failing on lock upgrade), and the database runs in WAL mode with `synchronous=FULL`, so a
//! committed transaction (an acknowledged write) survives a crash. Model versions are numbered
//! under a `(model_id, version)` primary key and moved forward with a compare-and-set on
//! `models.latest_version`: two writers (in one process or two) can never both create version
//! N+1, and the loser is told, never overwritten.

mod migrate;
mod models;
mod users;

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor as _, Row as _};

pub use models::{
    AuditEntry, AuditRecord, ModelSummary, NewVersion, Role, RoleChangeError, SaveOutcome,
    StoredVersion, VersionInfo,
};
pub use users::{SESSION_TTL_MS, Scope, SessionInfo, TokenInfo, User};

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL `{0}`: use a file path, `sqlite:PATH` or `postgres://…`")]
    BadUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the database schema is version {found}, newer than this build's {supported}")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("a user named `{0}` already exists")]
    UserExists(String),
    #[error("no user named `{0}`")]
    NoSuchUser(String),
    #[error("no token with id `{0}`")]
    NoSuchToken(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

/// The database, whichever backend it is.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// A random id: 128 bits as 32 lowercase hex digits.
pub fn random_id() -> String {
    hex(&random_bytes::<16>())
}

/// `N` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS random source failing is not recoverable: nothing secure can be issued without it.
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    bytes
}

/// Lowercase hex digits of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// SHA-256 of `text`, as hex.
pub fn sha256_hex(text: &[u8]) -> String {
    use sha2::Digest as _;
    hex(&sha2::Sha256::digest(text))
}

/// The sqlx URL for a `--db` value: PostgreSQL URLs as they are; `sqlite:` URLs and bare paths
/// as a SQLite file created when missing.
pub fn database_url(db: &str) -> Result<(String, Backend), StoreError> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        return Ok((db.to_owned(), Backend::Postgres));
    }
    if let Some(rest) = db.strip_prefix("sqlite:") {
        let url = if rest.contains("mode=") {
            db.to_owned()
        } else if rest.contains('?') {
            format!("{db}&mode=rwc")
        } else {
            format!("{db}?mode=rwc")
        };
        return Ok((url, Backend::Sqlite));
    }
    if db.contains("://") || db.is_empty() || db.contains('?') || db.contains('#') {
        return Err(StoreError::BadUrl(db.to_owned()));
    }
    Ok((format!("sqlite:{db}?mode=rwc"), Backend::Sqlite))
}

impl Store {
    /// Connects to `db` (see [`database_url`]) and brings its schema up to date.
    pub async fn connect(db: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = database_url(db)?;
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 15000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(&url).await?;
        let store = Self { pool, backend };
        migrate::run(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a write transaction: `BEGIN IMMEDIATE` on SQLite, so that the write lock is held
    /// from the start and concurrent writers wait (up to the busy timeout) instead of failing.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (waits for those in use).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn get_str(row: &AnyRow, col: &str) -> Result<String, StoreError> {
    Ok(row.try_get::<String, _>(col)?)
}

fn get_opt_str(row: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

fn get_i64(row: &AnyRow, col: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(col)?)
}

fn get_opt_i64(row: &AnyRow, col: &str) -> Result<Option<i64>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

/// Whether a database error is a unique-key violation (someone else inserted the same key).
fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db
                    .code()
                    .is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

/// Whether a database error is a transient conflict worth retrying the transaction for
/// (SQLite busy or locked; PostgreSQL serialization failure or deadlock).
fn is_retryable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            let code = db.code();
            code.is_some_and(|c| matches!(c.as_ref(), "5" | "6" | "517" | "40001" | "40P01"))
                || db.message().contains("database is locked")
        }
        sqlx::Error::PoolTimedOut => true,
        _ => false,
    }
}
