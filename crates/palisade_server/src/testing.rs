//! Fresh databases for tests: a SQLite file in a temporary folder always, and a new PostgreSQL
//! database when `PALISADE_TEST_POSTGRES` (or `DATABASE_URL`) names a server, so that one test
//! suite runs on both backends. Used by this crate's tests and the binary's.

use sqlx::Executor as _;

use crate::store::{Backend, random_id};

/// The environment variables that name a PostgreSQL server for tests, in order of preference.
pub const POSTGRES_ENV: &[&str] = &["PALISADE_TEST_POSTGRES", "DATABASE_URL"];

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    /// What `--db` / [`crate::Store::connect`] takes.
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    /// For PostgreSQL: the server's URL and the database's name, to drop it afterwards.
    postgres: Option<(String, String)>,
}

/// The PostgreSQL server to test against, if one is configured.
pub fn postgres_url() -> Option<String> {
    POSTGRES_ENV.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|v| v.starts_with("postgres://") || v.starts_with("postgresql://"))
    })
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A fresh SQLite database, then a fresh PostgreSQL one when a server is configured.
pub async fn databases() -> Vec<TestDatabase> {
    let mut out = vec![sqlite()];
    if let Some(server) = postgres_url() {
        out.push(postgres(&server).await);
    }
    out
}

/// A fresh SQLite database in a temporary folder.
pub fn sqlite() -> TestDatabase {
    let dir = tempfile::tempdir().expect("a temporary folder can be created");
    let url = dir.path().join("palisade.db").display().to_string();
    TestDatabase {
        url,
        backend: Backend::Sqlite,
        _dir: Some(dir),
        postgres: None,
    }
}

/// A fresh database on the PostgreSQL server at `server`.
pub async fn postgres(server: &str) -> TestDatabase {
    sqlx::any::install_default_drivers();
    let name = format!("palisade_test_{}", &random_id()[..16]);
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(server)
        .await
        .expect("the PostgreSQL test server accepts connections");
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("a test database can be created");
    let _ = sqlx::Connection::close(admin).await;
    TestDatabase {
        url: with_database(server, &name),
        backend: Backend::Postgres,
        _dir: None,
        postgres: Some((server.to_owned(), name)),
    }
}

impl TestDatabase {
    /// Drops a PostgreSQL test database (best effort); a SQLite one goes with its folder.
    pub async fn cleanup(self) {
        if let Some((server, name)) = &self.postgres
            && let Ok(mut admin) = <sqlx::AnyConnection as sqlx::Connection>::connect(server).await
        {
            let _ = admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .await;
        }
    }

    /// A short name for messages: `sqlite` or `postgres`.
    pub fn label(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "t1"), "postgres://u@h/t1");
    }
}
