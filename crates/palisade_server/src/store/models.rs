//! Models, their versions, per-model roles and the append-only audit log.
//!
//! A model is a row in `models` plus an immutable row in `model_versions` per save: the full text
//! of the model (YAML or JSON), the OpenAPI documents it references, a content hash, the author
//! and the time. `models.latest_version` is moved forward only by a compare-and-set in the same
//! transaction that inserts the version and its audit entry.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::any::AnyRow;

use super::{
    Store, StoreError, User, get_i64, get_opt_str, get_str, is_retryable, is_unique_violation,
    now_ms, random_id, sha256_hex,
};

/// What a user may do with a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read the model, its versions, analysis and audit log.
    Viewer,
    /// And save versions and record threat decisions.
    Editor,
    /// And manage roles and delete the model.
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Editor => "editor",
            Self::Owner => "owner",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "viewer" => Some(Self::Viewer),
            "editor" => Some(Self::Editor),
            "owner" => Some(Self::Owner),
            _ => None,
        }
    }
}

/// A model as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ModelSummary {
    pub id: String,
    /// `system.name` of the latest version.
    pub name: String,
    /// The caller's role on it.
    pub role: Role,
    pub latest_version: i64,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
    pub created_by: String,
}

/// The content of a version to be saved.
#[derive(Debug, Clone)]
pub struct NewVersion {
    /// `system.name`, for listings.
    pub name: String,
    /// `yaml` or `json`.
    pub format: String,
    pub body: String,
    /// OpenAPI documents by the path `apis[].spec` names them with.
    pub specs: BTreeMap<String, String>,
    pub message: Option<String>,
}

impl NewVersion {
    /// The SHA-256 of the content: the model text and every document with its path.
    pub fn hash(&self) -> String {
        let mut text = Vec::new();
        text.extend_from_slice(self.format.as_bytes());
        text.push(0);
        text.extend_from_slice(self.body.as_bytes());
        for (path, spec) in &self.specs {
            text.push(0);
            text.extend_from_slice(path.as_bytes());
            text.push(0);
            text.extend_from_slice(spec.as_bytes());
        }
        sha256_hex(&text)
    }
}

/// A version as listed in a model's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionInfo {
    pub version: i64,
    /// Who saved it.
    pub author: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    /// SHA-256 of the model text and its documents.
    pub hash: String,
    pub message: Option<String>,
}

/// A stored version with its content.
#[derive(Debug, Clone)]
pub struct StoredVersion {
    pub info: VersionInfo,
    pub format: String,
    pub body: String,
    pub specs: BTreeMap<String, String>,
}

/// What saving a version came to.
#[derive(Debug, Clone)]
pub enum SaveOutcome {
    Saved(VersionInfo),
    /// The model moved on (or was deleted) since the version the caller started from.
    Stale {
        current: Option<i64>,
    },
}

/// One entry of the audit log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Increasing; entries are never changed or removed.
    pub seq: i64,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    /// The user who acted.
    pub actor: String,
    /// What was done, such as `model.update` or `threat.decide`.
    pub action: String,
    pub model_id: Option<String>,
    pub threat_id: Option<String>,
    /// The state before (JSON), when something changed.
    pub before: Option<serde_json::Value>,
    /// The state after (JSON).
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

/// An audit entry to append with a change.
#[derive(Debug, Clone, Default)]
pub struct AuditRecord {
    pub actor: String,
    pub action: String,
    pub threat_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

/// How many times a transaction is retried on a transient conflict.
const RETRIES: usize = 8;

impl Store {
    /// Creates a model with its first version; `user` becomes its owner.
    pub async fn create_model(
        &self,
        user: &User,
        content: &NewVersion,
        mut audit: AuditRecord,
    ) -> Result<(String, VersionInfo), StoreError> {
        let id = random_id();
        let now = now_ms();
        let hash = content.hash();
        let specs = specs_json(&content.specs)?;
        audit.after = Some(serde_json::json!({"version": 1, "hash": hash, "name": content.name}));
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO models (id, name, created_by, created_at, updated_at, latest_version) \
             VALUES ($1, $2, $3, $4, $5, 1)",
        )
        .bind(&id)
        .bind(&content.name)
        .bind(&user.id)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_version(&mut tx, &id, 1, content, &specs, &hash, &user.id, now).await?;
        sqlx::query("INSERT INTO roles (model_id, user_id, role) VALUES ($1, $2, 'owner')")
            .bind(&id)
            .bind(&user.id)
            .execute(&mut *tx)
            .await?;
        insert_audit(&mut tx, Some(&id), &audit, now).await?;
        tx.commit().await?;
        Ok((
            id,
            VersionInfo {
                version: 1,
                author: user.name.clone(),
                created_at: now,
                hash,
                message: content.message.clone(),
            },
        ))
    }

    /// `user_id`'s role on model `model_id`; `None` when they have none or it does not exist.
    pub async fn role_of(&self, user_id: &str, model_id: &str) -> Result<Option<Role>, StoreError> {
        let row = sqlx::query(
            "SELECT r.role FROM roles r JOIN models m ON m.id = r.model_id \
             WHERE r.model_id = $1 AND r.user_id = $2 AND m.deleted_at IS NULL",
        )
        .bind(model_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| role(&row)).transpose()
    }

    /// The models `user_id` has a role on, most recently updated first.
    pub async fn list_models(&self, user_id: &str) -> Result<Vec<ModelSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.id, m.name, r.role, m.latest_version, m.created_at, m.updated_at, \
             u.name AS creator FROM models m JOIN roles r ON r.model_id = m.id \
             JOIN users u ON u.id = m.created_by \
             WHERE r.user_id = $1 AND m.deleted_at IS NULL ORDER BY m.updated_at DESC, m.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary).collect()
    }

    /// Model `model_id` as `user_id` sees it (`None` without a role).
    pub async fn model(
        &self,
        user_id: &str,
        model_id: &str,
    ) -> Result<Option<ModelSummary>, StoreError> {
        let row = sqlx::query(
            "SELECT m.id, m.name, r.role, m.latest_version, m.created_at, m.updated_at, \
             u.name AS creator FROM models m JOIN roles r ON r.model_id = m.id \
             JOIN users u ON u.id = m.created_by \
             WHERE m.id = $1 AND r.user_id = $2 AND m.deleted_at IS NULL",
        )
        .bind(model_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| summary(&row)).transpose()
    }

    /// Saves `content` as the version after `base`, unless the model has moved past `base`.
    ///
    /// The check and the insert are one transaction, and the version number is a primary key, so
    /// of two writers starting from the same `base` (in one process or in two) exactly one
    /// succeeds and the other gets [`SaveOutcome::Stale`].
    pub async fn save_version(
        &self,
        model_id: &str,
        user: &User,
        base: i64,
        content: &NewVersion,
        audit: AuditRecord,
    ) -> Result<SaveOutcome, StoreError> {
        let mut attempt = 0;
        loop {
            match self
                .try_save_version(model_id, user, base, content, audit.clone())
                .await
            {
                Err(StoreError::Database(e)) if is_unique_violation(&e) => {
                    let current = self.latest_version(model_id).await?;
                    return Ok(SaveOutcome::Stale { current });
                }
                Err(StoreError::Database(e)) if is_retryable(&e) && attempt < RETRIES => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(5 << attempt.min(6))).await;
                }
                other => return other,
            }
        }
    }

    async fn try_save_version(
        &self,
        model_id: &str,
        user: &User,
        base: i64,
        content: &NewVersion,
        mut audit: AuditRecord,
    ) -> Result<SaveOutcome, StoreError> {
        let now = now_ms();
        let hash = content.hash();
        let specs = specs_json(&content.specs)?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT m.latest_version, v.hash FROM models m JOIN model_versions v \
             ON v.model_id = m.id AND v.version = m.latest_version \
             WHERE m.id = $1 AND m.deleted_at IS NULL",
        )
        .bind(model_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(SaveOutcome::Stale { current: None });
        };
        let current = get_i64(&row, "latest_version")?;
        if current != base {
            return Ok(SaveOutcome::Stale {
                current: Some(current),
            });
        }
        let next = base + 1;
        if audit.before.is_none() {
            audit.before =
                Some(serde_json::json!({"version": base, "hash": get_str(&row, "hash")?}));
        }
        if audit.after.is_none() {
            audit.after = Some(serde_json::json!({"version": next, "hash": hash}));
        }
        insert_version(
            &mut tx, model_id, next, content, &specs, &hash, &user.id, now,
        )
        .await?;
        let moved = sqlx::query(
            "UPDATE models SET latest_version = $1, name = $2, updated_at = $3 \
             WHERE id = $4 AND latest_version = $5",
        )
        .bind(next)
        .bind(&content.name)
        .bind(now)
        .bind(model_id)
        .bind(base)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() != 1 {
            tx.rollback().await?;
            let current = self.latest_version(model_id).await?;
            return Ok(SaveOutcome::Stale { current });
        }
        insert_audit(&mut tx, Some(model_id), &audit, now).await?;
        tx.commit().await?;
        Ok(SaveOutcome::Saved(VersionInfo {
            version: next,
            author: user.name.clone(),
            created_at: now,
            hash,
            message: content.message.clone(),
        }))
    }

    /// The latest version number of a live model.
    pub async fn latest_version(&self, model_id: &str) -> Result<Option<i64>, StoreError> {
        let row =
            sqlx::query("SELECT latest_version FROM models WHERE id = $1 AND deleted_at IS NULL")
                .bind(model_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|row| get_i64(&row, "latest_version")).transpose()
    }

    /// The history of a model, newest first.
    pub async fn versions(&self, model_id: &str) -> Result<Vec<VersionInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.version, u.name AS author, v.created_at, v.hash, v.message \
             FROM model_versions v JOIN users u ON u.id = v.author \
             WHERE v.model_id = $1 ORDER BY v.version DESC",
        )
        .bind(model_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(version_info).collect()
    }

    /// One version with its content (`None`: the latest).
    pub async fn version(
        &self,
        model_id: &str,
        version: Option<i64>,
    ) -> Result<Option<StoredVersion>, StoreError> {
        let version = match version {
            Some(v) => v,
            None => match self.latest_version(model_id).await? {
                Some(v) => v,
                None => return Ok(None),
            },
        };
        let row = sqlx::query(
            "SELECT v.version, u.name AS author, v.created_at, v.hash, v.message, v.format, \
             v.body, v.specs FROM model_versions v JOIN users u ON u.id = v.author \
             WHERE v.model_id = $1 AND v.version = $2",
        )
        .bind(model_id)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let specs: BTreeMap<String, String> = serde_json::from_str(&get_str(&row, "specs")?)
            .map_err(|e| StoreError::Corrupt(format!("documents of a version: {e}")))?;
        Ok(Some(StoredVersion {
            info: version_info(&row)?,
            format: get_str(&row, "format")?,
            body: get_str(&row, "body")?,
            specs,
        }))
    }

    /// Deletes a model: it disappears for everyone; its versions and audit entries are kept.
    pub async fn delete_model(
        &self,
        model_id: &str,
        audit: AuditRecord,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE models SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL")
                .bind(now)
                .bind(model_id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        insert_audit(&mut tx, Some(model_id), &audit, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Who has which role on a model, by user name.
    pub async fn roles(&self, model_id: &str) -> Result<Vec<(String, Role)>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.name, r.role FROM roles r JOIN users u ON u.id = r.user_id \
             WHERE r.model_id = $1 ORDER BY u.name",
        )
        .bind(model_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((get_str(row, "name")?, role(row)?)))
            .collect()
    }

    /// Gives `user_name` the role `new` on a model (`None` removes their role). Refuses to leave
    /// a model without an owner. Returns the role before, or an error message for the caller.
    pub async fn set_role(
        &self,
        model_id: &str,
        user_name: &str,
        new: Option<Role>,
        mut audit: AuditRecord,
    ) -> Result<Result<Option<Role>, RoleChangeError>, StoreError> {
        let Some(target) = self.user_by_name(user_name).await? else {
            return Ok(Err(RoleChangeError::NoSuchUser));
        };
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT role FROM roles WHERE model_id = $1 AND user_id = $2")
            .bind(model_id)
            .bind(&target.id)
            .fetch_optional(&mut *tx)
            .await?;
        let before = row.map(|row| role(&row)).transpose()?;
        if before == Some(Role::Owner) && new != Some(Role::Owner) {
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM roles WHERE model_id = $1 AND role = 'owner'",
            )
            .bind(model_id)
            .fetch_one(&mut *tx)
            .await?;
            if get_i64(&row, "n")? <= 1 {
                return Ok(Err(RoleChangeError::LastOwner));
            }
        }
        if before == new {
            return Ok(Ok(before));
        }
        sqlx::query("DELETE FROM roles WHERE model_id = $1 AND user_id = $2")
            .bind(model_id)
            .bind(&target.id)
            .execute(&mut *tx)
            .await?;
        if let Some(new) = new {
            sqlx::query("INSERT INTO roles (model_id, user_id, role) VALUES ($1, $2, $3)")
                .bind(model_id)
                .bind(&target.id)
                .bind(new.as_str())
                .execute(&mut *tx)
                .await?;
        }
        audit.before = Some(serde_json::json!({"user": user_name, "role": before}));
        audit.after = Some(serde_json::json!({"user": user_name, "role": new}));
        insert_audit(&mut tx, Some(model_id), &audit, now).await?;
        tx.commit().await?;
        Ok(Ok(before))
    }

    /// Appends an entry that is not part of another change (a token revoked, a session begun).
    pub async fn append_audit(
        &self,
        model_id: Option<&str>,
        audit: &AuditRecord,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_audit(&mut tx, model_id, audit, now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Audit entries, newest first, before `before_seq` when given: of one model, or (with
    /// `model_id` `None`) of every model `user_id` has a role on and of `user_id`'s own actions.
    pub async fn audit(
        &self,
        model_id: Option<&str>,
        user: &User,
        before_seq: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let before_seq = before_seq.unwrap_or(i64::MAX);
        let rows = match model_id {
            Some(model_id) => {
                sqlx::query(
                    "SELECT seq, at, actor, action, model_id, threat_id, before_state, \
                     after_state, request_id FROM audit_log WHERE model_id = $1 AND seq < $2 \
                     ORDER BY seq DESC LIMIT $3",
                )
                .bind(model_id)
                .bind(before_seq)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(
                    "SELECT seq, at, actor, action, model_id, threat_id, before_state, \
                     after_state, request_id FROM audit_log a WHERE seq < $1 AND \
                     ((model_id IS NULL AND actor = $2) OR model_id IN \
                     (SELECT r.model_id FROM roles r JOIN models m ON m.id = r.model_id \
                      WHERE r.user_id = $3 AND m.deleted_at IS NULL)) \
                     ORDER BY seq DESC LIMIT $4",
                )
                .bind(before_seq)
                .bind(&user.name)
                .bind(&user.id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(audit_entry).collect()
    }

    /// The latest audit entry recording a decision about `threat_id` in model `model_id`: who
    /// changed it and when, for the web page's conflict message.
    pub async fn last_decision(
        &self,
        model_id: &str,
        threat_id: &str,
    ) -> Result<Option<AuditEntry>, StoreError> {
        let row = sqlx::query(
            "SELECT seq, at, actor, action, model_id, threat_id, before_state, after_state, \
             request_id FROM audit_log WHERE model_id = $1 AND threat_id = $2 \
             AND action = 'threat.decide' ORDER BY seq DESC LIMIT 1",
        )
        .bind(model_id)
        .bind(threat_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(audit_entry).transpose()
    }
}

/// Why a role could not be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChangeError {
    NoSuchUser,
    LastOwner,
}

#[allow(clippy::too_many_arguments)]
async fn insert_version(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    model_id: &str,
    version: i64,
    content: &NewVersion,
    specs: &str,
    hash: &str,
    author: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO model_versions (model_id, version, format, body, specs, hash, author, \
         created_at, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(model_id)
    .bind(version)
    .bind(&content.format)
    .bind(&content.body)
    .bind(specs)
    .bind(hash)
    .bind(author)
    .bind(now)
    .bind(content.message.as_deref())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_audit(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    model_id: Option<&str>,
    audit: &AuditRecord,
    now: i64,
) -> Result<(), StoreError> {
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(serde_json::Value::to_string);
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, model_id, threat_id, before_state, \
         after_state, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now)
    .bind(&audit.actor)
    .bind(&audit.action)
    .bind(model_id)
    .bind(audit.threat_id.as_deref())
    .bind(json(&audit.before))
    .bind(json(&audit.after))
    .bind(audit.request_id.as_deref())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn specs_json(specs: &BTreeMap<String, String>) -> Result<String, StoreError> {
    serde_json::to_string(specs).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn role(row: &AnyRow) -> Result<Role, StoreError> {
    let text = get_str(row, "role")?;
    Role::parse(&text).ok_or_else(|| StoreError::Corrupt(format!("role `{text}`")))
}

fn summary(row: &AnyRow) -> Result<ModelSummary, StoreError> {
    Ok(ModelSummary {
        id: get_str(row, "id")?,
        name: get_str(row, "name")?,
        role: role(row)?,
        latest_version: get_i64(row, "latest_version")?,
        created_at: get_i64(row, "created_at")?,
        updated_at: get_i64(row, "updated_at")?,
        created_by: get_str(row, "creator")?,
    })
}

fn version_info(row: &AnyRow) -> Result<VersionInfo, StoreError> {
    Ok(VersionInfo {
        version: get_i64(row, "version")?,
        author: get_str(row, "author")?,
        created_at: get_i64(row, "created_at")?,
        hash: get_str(row, "hash")?,
        message: get_opt_str(row, "message")?,
    })
}

fn audit_entry(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    let json = |col: &str| -> Result<Option<serde_json::Value>, StoreError> {
        get_opt_str(row, col)?
            .map(|text| {
                serde_json::from_str(&text)
                    .map_err(|e| StoreError::Corrupt(format!("audit entry: {e}")))
            })
            .transpose()
    };
    Ok(AuditEntry {
        seq: get_i64(row, "seq")?,
        at: get_i64(row, "at")?,
        actor: get_str(row, "actor")?,
        action: get_str(row, "action")?,
        model_id: get_opt_str(row, "model_id")?,
        threat_id: get_opt_str(row, "threat_id")?,
        before: json("before_state")?,
        after: json("after_state")?,
        request_id: get_opt_str(row, "request_id")?,
    })
}
