//! `/models/{id}/threats/{threat_id}`: one threat (description, evidence, the source lines it
//! points at, taxonomy, risk, the rule's documentation) and the form that records a decision.
//!
//! The form carries the ETag of the decision it was rendered from and is saved by the API's own
//! decision logic ([`crate::api::record_decision`]). When someone else changed the decision in
//! between, nothing is written: the page comes back (409) saying who changed it and when, with
//! their values and the person's side by side and the form holding the person's values and the
//! new ETag, so that saving again is a deliberate choice.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use minijinja::{Value, context};
use palisade_model::{Status, Strategy, StringEnum as _, ThreatEntry};
use serde::{Deserialize, Serialize};

use super::render::render_status;
use super::{CsrfForm, WebResult, WebSession, see_other};
use crate::AppState;
use crate::api::{Decided, RequestId, access, latest_analyzed, record_decision};
use crate::content::{self, DecisionPatch, model_file};
use crate::error::ApiError;
use crate::store::{Role, StoredVersion};

/// The decision as the form shows it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Values {
    status: String,
    strategy: String,
    justification: String,
    owner: String,
    ticket: String,
    mitigations: Vec<String>,
}

impl Values {
    fn of(entry: Option<&ThreatEntry>) -> Self {
        let Some(e) = entry else {
            return Self {
                status: "open".into(),
                ..Self::default()
            };
        };
        Self {
            status: e.status.map_or("open", |s| s.as_str()).to_owned(),
            strategy: e
                .strategy
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            justification: e.justification.clone().unwrap_or_default(),
            owner: e.owner.clone().unwrap_or_default(),
            ticket: e
                .ticket
                .as_ref()
                .and_then(|t| t.url.clone().or_else(|| t.id.clone()))
                .unwrap_or_default(),
            mitigations: e
                .mitigations
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect(),
        }
    }

    /// The fields that differ from `other`: `(field, theirs, yours)` for the conflict table.
    fn differences(&self, yours: &Self) -> Vec<(&'static str, String, String)> {
        let pairs = [
            (
                "Status",
                self.status.replace('_', " "),
                yours.status.replace('_', " "),
            ),
            ("Strategy", self.strategy.clone(), yours.strategy.clone()),
            (
                "Justification",
                self.justification.clone(),
                yours.justification.clone(),
            ),
            ("Owner", self.owner.clone(), yours.owner.clone()),
            ("Ticket", self.ticket.clone(), yours.ticket.clone()),
            (
                "Mitigations",
                self.mitigations.join(", "),
                yours.mitigations.join(", "),
            ),
        ];
        pairs.into_iter().filter(|(_, a, b)| a != b).collect()
    }

    /// The form's values as a decision: the form sends the whole decision, so every field is
    /// set (an empty field clears it); the date is today's.
    fn patch(&self) -> DecisionPatch {
        let opt = |s: &str| {
            let s = s.trim();
            Some((!s.is_empty()).then(|| s.to_owned()))
        };
        DecisionPatch {
            status: opt(&self.status),
            strategy: opt(&self.strategy),
            justification: opt(&self.justification),
            owner: opt(&self.owner),
            ticket: opt(&self.ticket),
            date: None,
            checked_by: None,
            mitigations: Some(Some(self.mitigations.clone())),
        }
    }
}

/// What the page shows besides the threat.
#[derive(Default)]
struct Extra {
    /// The form's values when they are the person's, not the stored decision's.
    values: Option<Values>,
    /// Who changed the decision since the form was rendered, and how.
    conflict: Option<Value>,
    error: Option<String>,
    saved: Option<i64>,
}

/// A few lines of the file a threat points at, the pointed line marked.
fn excerpt(stored: &StoredVersion, file: &str, line: u32) -> Option<Value> {
    let text = if file == model_file(&stored.format) {
        &stored.body
    } else {
        stored.specs.get(file)?
    };
    let line = line as usize;
    let first = line.saturating_sub(3).max(1);
    let lines: Vec<Value> = text
        .lines()
        .enumerate()
        .skip(first - 1)
        .take(line + 3 - first)
        .map(|(i, l)| context! { number => i + 1, text => l, mark => i + 1 == line })
        .collect();
    (!lines.is_empty()).then(|| Value::from(lines))
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    saved: Option<i64>,
}

/// `GET /models/{id}/threats/{threat_id}`.
pub async fn page(
    State(state): State<AppState>,
    session: WebSession,
    Path((id, threat_id)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> WebResult {
    show(
        &state,
        &session,
        &id,
        &threat_id,
        StatusCode::OK,
        Extra {
            saved: query.saved,
            ..Extra::default()
        },
    )
    .await
}

async fn show(
    state: &AppState,
    session: &WebSession,
    id: &str,
    threat_id: &str,
    status: StatusCode,
    extra: Extra,
) -> WebResult {
    let role = access(state, &session.auth(), id, Role::Viewer).await?;
    let summary = state
        .store
        .model(&session.user.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("model"))?;
    let (stored, analyzed) = latest_analyzed(state, id).await?;
    let threat = analyzed
        .threats
        .iter()
        .find(|t| t.id.as_str() == threat_id)
        .ok_or_else(|| ApiError::not_found("threat"))?;
    let decision = content::decision(&analyzed.model, threat_id);
    let etag = content::decision_etag(decision);
    let values = extra.values.unwrap_or_else(|| Values::of(decision));
    let rule = palisade_rules::rule(&threat.rule);
    let rule_doc = rule.map(|r| {
        context! {
            code => r.code,
            name => r.name,
            html => Value::from_safe_string(palisade_export::html::markdown_html(&r.markdown())),
        }
    });
    let location = threat.location.as_ref().map(|l| {
        context! {
            file => l.file.as_ref(),
            line => l.line,
            column => l.column,
            excerpt => excerpt(&stored, &l.file, l.line),
        }
    });
    let children: Vec<Value> = analyzed
        .threats
        .iter()
        .filter(|t| t.parent.as_ref() == Some(&threat.id))
        .map(|t| context! { id => t.id.as_str(), title => &t.title, severity => t.severity.as_str() })
        .collect();
    let parent = threat.parent.as_ref().and_then(|p| {
        analyzed
            .threats
            .iter()
            .find(|t| &t.id == p)
            .map(|t| context! { id => t.id.as_str(), title => &t.title })
    });
    let mitigations: Vec<Value> = analyzed
        .model
        .mitigations
        .iter()
        .map(|m| {
            context! {
                id => m.id.as_str(),
                name => m.name.clone().unwrap_or_else(|| m.id.as_str().to_owned()),
                kind => m.kind.map(palisade_model::StringEnum::as_str),
                checked => values.mitigations.iter().any(|v| v == m.id.as_str()),
            }
        })
        .collect();
    let risk = &threat.risk;
    render_status(
        status,
        "threat.html",
        context! {
            user => &session.user.name,
            csrf => &session.csrf,
            model => context! { id => id, name => summary.name, version => stored.info.version, role => role.as_str() },
            can_edit => role >= Role::Editor,
            threat => context! {
                id => threat.id.as_str(),
                rule => &threat.rule,
                title => &threat.title,
                description => &threat.description,
                evidence => &threat.evidence,
                target => threat.target.label(),
                severity => threat.severity.as_str(),
                status => threat.status().as_str(),
                stride => threat.stride.iter().map(|s| s.title()).collect::<Vec<_>>(),
                owasp => threat.owasp_api_2023.iter().map(|o| format!("{} {}", o.code(), o.title())).collect::<Vec<_>>(),
                cwe => threat.cwe.iter().map(|c| format!("CWE-{c}")).collect::<Vec<_>>(),
                capec => threat.capec.iter().map(|c| format!("CAPEC-{c}")).collect::<Vec<_>>(),
                suggested => &threat.mitigations,
                date => decision.and_then(|d| d.date).map(|d| d.to_string()),
                checked_by => decision.and_then(|d| d.checked_by.clone()),
            },
            risk => context! {
                method => format!("{:?}", risk.method).to_uppercase(),
                score => format!("{:.1}", risk.score),
                likelihood => risk.likelihood_band.as_str(),
                impact => risk.impact_band.as_str(),
                level => risk.level.as_str(),
                reason => &risk.reason,
            },
            location => location,
            rule_doc => rule_doc,
            parent => parent,
            children => children,
            // The stored decision's: after a conflict, theirs (saving again is deliberate).
            etag => etag,
            values => super::render::ser(&values),
            statuses => Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            strategies => Strategy::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            mitigations => mitigations,
            conflict => extra.conflict,
            error => extra.error,
            saved => extra.saved,
        },
    )
}

/// `POST /models/{id}/threats/{threat_id}`: records the decision, or shows the conflict.
pub async fn decide(
    State(state): State<AppState>,
    request_id: RequestId,
    Path((id, threat_id)): Path<(String, String)>,
    CsrfForm(session, fields): CsrfForm<Vec<(String, String)>>,
) -> WebResult {
    let auth = session.auth();
    access(&state, &auth, &id, Role::Editor).await?;
    let mut yours = Values::default();
    let mut etag = String::new();
    for (key, value) in fields {
        match key.as_str() {
            "etag" => etag = value,
            "status" => yours.status = value,
            "strategy" => yours.strategy = value,
            "justification" => yours.justification = value,
            "owner" => yours.owner = value,
            "ticket" => yours.ticket = value,
            "mitigations" => yours.mitigations.push(value),
            _ => {}
        }
    }
    let patch = yours.patch();
    match record_decision(
        &state,
        &auth,
        &id,
        &threat_id,
        &[etag],
        &patch,
        request_id.0,
    )
    .await
    {
        Ok(Decided::Saved(view)) => Ok(see_other(&format!(
            "/models/{id}/threats/{threat_id}?saved={}",
            view.version
        ))),
        Ok(Decided::Changed {
            current,
            etag,
            version,
        }) => {
            let theirs = Values::of(current.as_ref());
            let (by, at) = match state.store.last_decision(&id, &threat_id).await? {
                Some(entry) => (entry.actor, entry.at),
                None => {
                    let info = state
                        .store
                        .version(&id, Some(version))
                        .await?
                        .map(|v| v.info);
                    info.map_or_else(|| ("someone".to_owned(), 0), |i| (i.author, i.created_at))
                }
            };
            let differences: Vec<Value> = theirs
                .differences(&yours)
                .into_iter()
                .map(|(field, theirs, yours)| context! { field, theirs, yours })
                .collect();
            let conflict = context! { by, at, etag, version, differences };
            show(
                &state,
                &session,
                &id,
                &threat_id,
                StatusCode::CONFLICT,
                Extra {
                    values: Some(yours),
                    conflict: Some(conflict),
                    ..Extra::default()
                },
            )
            .await
        }
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let mut message = e.message.clone();
            if let Some(problems) = e
                .details
                .as_ref()
                .and_then(|d| d.get("problems"))
                .and_then(|p| p.as_array())
            {
                for p in problems.iter().filter(|p| p["severity"] == "error") {
                    message.push_str(&format!("; {}", p["message"].as_str().unwrap_or_default()));
                }
            }
            show(
                &state,
                &session,
                &id,
                &threat_id,
                e.status,
                Extra {
                    values: Some(yours),
                    error: Some(message),
                    ..Extra::default()
                },
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
