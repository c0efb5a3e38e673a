//! `/models/{id}/audit`: the model's audit log, newest first, a page at a time; a decision shows
//! the fields it changed (before → after).

use axum::extract::{Path, Query, State};
use minijinja::{Value, context};
use serde_json::Value as Json;

use super::render::render_page;
use super::{WebResult, WebSession};
use crate::AppState;
use crate::api::access;
use crate::error::ApiError;
use crate::store::{AuditEntry, Role};

/// Entries per page.
const PAGE: i64 = 50;

#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    before: Option<i64>,
}

fn text(value: Option<&Json>) -> String {
    match value {
        None | Some(Json::Null) => String::new(),
        Some(Json::String(s)) => s.clone(),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| text(Some(i)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Json::Object(map)) if map.contains_key("url") || map.contains_key("id") => {
            text(map.get("url").or_else(|| map.get("id")))
        }
        Some(other) => other.to_string(),
    }
}

/// `(field, before, after)` for every field that differs between two JSON objects.
fn changes(before: Option<&Json>, after: Option<&Json>) -> Vec<(String, String, String)> {
    let empty = serde_json::Map::new();
    let b = before.and_then(Json::as_object).unwrap_or(&empty);
    let a = after.and_then(Json::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.dedup();
    let mut seen = std::collections::BTreeSet::new();
    keys.into_iter()
        .filter(|k| k.as_str() != "id" && seen.insert(k.as_str()))
        .filter_map(|k| {
            let (was, now) = (text(b.get(k)), text(a.get(k)));
            (was != now).then(|| (k.replace('_', " "), was, now))
        })
        .collect()
}

fn entry(e: &AuditEntry) -> Value {
    let changes: Vec<Value> = changes(e.before.as_ref(), e.after.as_ref())
        .into_iter()
        .map(|(field, before, after)| context! { field, before, after })
        .collect();
    context! {
        seq => e.seq,
        at => e.at,
        actor => &e.actor,
        action => &e.action,
        threat_id => &e.threat_id,
        changes => changes,
        request_id => &e.request_id,
    }
}

/// `GET /models/{id}/audit`.
pub async fn page(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<String>,
    Query(query): Query<AuditQuery>,
) -> WebResult {
    let role = access(&state, &session.auth(), &id, Role::Viewer).await?;
    let summary = state
        .store
        .model(&session.user.id, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("model"))?;
    let entries = state
        .store
        .audit(Some(&id), &session.user, query.before, PAGE + 1)
        .await?;
    let more = entries.len() > PAGE as usize;
    let shown: Vec<&AuditEntry> = entries.iter().take(PAGE as usize).collect();
    let older = more.then(|| shown.last().map(|e| e.seq)).flatten();
    render_page(
        "audit.html",
        context! {
            user => &session.user.name,
            csrf => &session.csrf,
            model => context! {
                id => &id,
                name => summary.name,
                version => summary.latest_version,
                role => role.as_str(),
            },
            entries => shown.into_iter().map(entry).collect::<Vec<_>>(),
            older => older,
            newest => query.before.is_some(),
        },
    )
}
