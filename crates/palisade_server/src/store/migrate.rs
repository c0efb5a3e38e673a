//! Schema migrations, one folder of SQL files per backend, applied in order at start-up.
//!
//! Written by hand rather than with `sqlx::migrate!` (which needs sqlx's macros and a build-time
//! database feature set) because it is a dozen lines and because several server processes may
//! start at once against one PostgreSQL database: the migration transaction takes an advisory
//! lock there (SQLite's `BEGIN IMMEDIATE` serializes on its own), so exactly one process applies
//! each migration and the others see it applied.

use sqlx::Row as _;

use super::{Backend, Store, StoreError, now_ms};

/// `(version, SQL)` for SQLite, in order.
const SQLITE: &[(i64, &str)] = &[(1, include_str!("../../migrations/sqlite/0001_initial.sql"))];

/// `(version, SQL)` for PostgreSQL, in order; the same versions as [`SQLITE`].
const POSTGRES: &[(i64, &str)] = &[(
    1,
    include_str!("../../migrations/postgres/0001_initial.sql"),
)];

/// An arbitrary constant naming Palisade's migration lock among PostgreSQL advisory locks.
const LOCK_KEY: i64 = 0x7061_6c69_7361_6465; // "palisade"

pub(super) async fn run(store: &Store) -> Result<(), StoreError> {
    let migrations = match store.backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    let mut tx = store.begin_write().await?;
    if store.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(LOCK_KEY)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS palisade_schema \
         (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM palisade_schema")
        .fetch_one(&mut *tx)
        .await?;
    let current: i64 = row.try_get("v")?;
    let supported = migrations.last().map_or(0, |(v, _)| *v);
    if current > supported {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported,
        });
    }
    for (version, sql) in migrations.iter().filter(|(v, _)| *v > current) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO palisade_schema (version, applied_at) VALUES ($1, $2)")
            .bind(*version)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
