//! Accounts, API tokens and browser sessions. Secrets are never stored: passwords as argon2
//! hashes, tokens and session ids as SHA-256 digests.

use serde::Serialize;
use sqlx::any::AnyRow;

use super::{
    Store, StoreError, get_i64, get_opt_i64, get_str, is_unique_violation, now_ms, random_id,
};

/// A person who can sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub name: String,
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Only reads.
    Read,
    /// Reads and writes (the user's roles still apply).
    Write,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "read" => Some(Self::Read),
            "write" => Some(Self::Write),
            _ => None,
        }
    }
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: String,
    pub user: String,
    pub scope: Scope,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    /// When it was revoked; a revoked token no longer authenticates.
    pub revoked_at: Option<i64>,
}

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: User,
    /// The anti-CSRF token that state-changing requests of this session must carry.
    pub csrf: String,
}

/// How long a browser session lasts.
pub const SESSION_TTL_MS: i64 = 12 * 60 * 60 * 1000;

impl Store {
    /// Adds a user with an already-hashed password.
    pub async fn create_user(&self, name: &str, password_hash: &str) -> Result<User, StoreError> {
        let id = random_id();
        let result = sqlx::query(
            "INSERT INTO users (id, name, password_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(name)
        .bind(password_hash)
        .bind(now_ms())
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(User {
                id,
                name: name.to_owned(),
            }),
            Err(e) if is_unique_violation(&e) => Err(StoreError::UserExists(name.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    /// The user named `name` and their password hash.
    pub async fn user_with_password(
        &self,
        name: &str,
    ) -> Result<Option<(User, String)>, StoreError> {
        let row = sqlx::query("SELECT id, name, password_hash FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| Ok((user(&row)?, get_str(&row, "password_hash")?)))
            .transpose()
    }

    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query("SELECT id, name FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| user(&row)).transpose()
    }

    /// Stores a token's digest for `user_name`; returns the token's id.
    pub async fn create_token(
        &self,
        user_name: &str,
        digest: &str,
        scope: Scope,
    ) -> Result<TokenInfo, StoreError> {
        let Some(user) = self.user_by_name(user_name).await? else {
            return Err(StoreError::NoSuchUser(user_name.to_owned()));
        };
        let id = random_id();
        let created_at = now_ms();
        sqlx::query(
            "INSERT INTO tokens (id, user_id, hash, scope, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(&user.id)
        .bind(digest)
        .bind(scope.as_str())
        .bind(created_at)
        .execute(&self.pool)
        .await?;
        Ok(TokenInfo {
            id,
            user: user.name,
            scope,
            created_at,
            revoked_at: None,
        })
    }

    /// The live (unrevoked) token whose digest is `digest`, with the stored digest for a
    /// constant-time comparison by the caller.
    pub async fn token_by_digest(
        &self,
        digest: &str,
    ) -> Result<Option<(User, Scope, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.name, t.scope, t.hash FROM tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(digest)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let scope = get_str(&row, "scope")?;
        let scope = Scope::parse(&scope)
            .ok_or_else(|| StoreError::Corrupt(format!("token scope `{scope}`")))?;
        Ok(Some((user(&row)?, scope, get_str(&row, "hash")?)))
    }

    /// The tokens of `user_id` (`None`: of everyone), newest first.
    pub async fn tokens(&self, user_id: Option<&str>) -> Result<Vec<TokenInfo>, StoreError> {
        let sql = if user_id.is_some() {
            "SELECT t.id, u.name, t.scope, t.created_at, t.revoked_at FROM tokens t \
             JOIN users u ON u.id = t.user_id WHERE t.user_id = $1 \
             ORDER BY t.created_at DESC, t.id"
        } else {
            "SELECT t.id, u.name, t.scope, t.created_at, t.revoked_at FROM tokens t \
             JOIN users u ON u.id = t.user_id ORDER BY t.created_at DESC, t.id"
        };
        let mut query = sqlx::query(sql);
        if let Some(id) = user_id {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let scope = get_str(row, "scope")?;
                Ok(TokenInfo {
                    id: get_str(row, "id")?,
                    user: get_str(row, "name")?,
                    scope: Scope::parse(&scope)
                        .ok_or_else(|| StoreError::Corrupt(format!("token scope `{scope}`")))?,
                    created_at: get_i64(row, "created_at")?,
                    revoked_at: get_opt_i64(row, "revoked_at")?,
                })
            })
            .collect()
    }

    /// Revokes token `id` (of `user_id` only, when given); revoking twice is not an error.
    pub async fn revoke_token(&self, id: &str, user_id: Option<&str>) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT user_id FROM tokens WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NoSuchToken(id.to_owned()));
        };
        if user_id.is_some_and(|u| get_str(&row, "user_id").is_ok_and(|owner| owner != u)) {
            return Err(StoreError::NoSuchToken(id.to_owned()));
        }
        sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts a session for `user`, stored under the digest of its cookie value.
    pub async fn create_session(
        &self,
        user: &User,
        digest: &str,
        csrf: &str,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(digest)
        .bind(&user.id)
        .bind(csrf)
        .bind(now)
        .bind(now + SESSION_TTL_MS)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session whose cookie digest is `digest`.
    pub async fn session(&self, digest: &str) -> Result<Option<SessionInfo>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.name, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.hash = $1 AND s.expires_at > $2",
        )
        .bind(digest)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(SessionInfo {
                user: user(&row)?,
                csrf: get_str(&row, "csrf")?,
            })
        })
        .transpose()
    }

    /// Ends the session (and drops every expired one).
    pub async fn delete_session(&self, digest: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE hash = $1 OR expires_at <= $2")
            .bind(digest)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn user(row: &AnyRow) -> Result<User, StoreError> {
    Ok(User {
        id: get_str(row, "id")?,
        name: get_str(row, "name")?,
    })
}
