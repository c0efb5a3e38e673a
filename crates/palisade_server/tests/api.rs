//! The HTTP API as a client sees it, on SQLite and (when `PALISADE_TEST_POSTGRES` is set) on
//! PostgreSQL: authorization on every route, roles, optimistic concurrency, decisions, errors,
//! limits and headers.

mod common;

use axum::http::StatusCode;
use common::{Api, SMALL_MODEL};
use palisade_server::store::Scope;
use palisade_server::testing::databases;
use palisade_server::{Config, api};
use serde_json::{Value, json};

const METHODS: &[&str] = &["get", "put", "post", "patch", "delete"];

/// Every `(METHOD, path)` of the OpenAPI document: the router's route table.
fn routes() -> Vec<(String, String)> {
    let doc = api::openapi();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(*method).is_some() {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_route() {
    let doc = api::openapi();
    assert!(doc["openapi"].as_str().expect("version").starts_with("3.1"));
    let listed: Vec<String> = routes().iter().map(|(m, p)| format!("{m} {p}")).collect();
    insta::assert_snapshot!(listed.join("\n"));
    // Every `$ref` resolves inside the document.
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().expect("name");
        assert!(schemas.contains_key(name), "unresolved $ref to {name}");
    }
}

/// A user with no role on a model gets 404 from every route under it, and no route shows them
/// anything of it. Walks the whole route table, so a new route cannot skip the check.
#[tokio::test]
async fn a_stranger_gets_404_on_every_route_of_a_model_and_sees_nothing_of_it() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let alice = api.user("alice").await;
        let bob = api.user("bob").await;
        let model = api.create_shop(&alice).await;
        let analysis = api
            .get(&format!("/api/models/{model}/analysis"), &alice)
            .await;
        let threat = analysis.json["threats"][0]["id"]
            .as_str()
            .expect("a threat")
            .to_owned();
        let alice_token = api
            .store
            .tokens(None)
            .await
            .expect("tokens")
            .into_iter()
            .find(|t| t.user == "alice")
            .expect("alice's token")
            .id;
        let decision_etag = api
            .get(&format!("/api/models/{model}/threats/{threat}"), &alice)
            .await
            .json["etag"]
            .as_str()
            .expect("etag")
            .to_owned();
        let if_match = format!("\"v1\", {decision_etag}");
        let mut visited = 0;
        for (method, template) in routes() {
            let mut path = template.clone();
            for (param, value) in [
                ("{id}", model.as_str()),
                ("{version}", "1"),
                ("{threat_id}", threat.as_str()),
                ("{user}", "bob"),
                ("{token_id}", alice_token.as_str()),
            ] {
                path = path.replace(param, value);
            }
            assert!(
                !path.contains('{'),
                "{method} {template}: teach this test the path parameter"
            );
            let body = match (method.as_str(), template.as_str()) {
                ("POST", "/api/session") => Some((
                    "application/json",
                    br#"{"name":"bob","password":"password-bob"}"#.to_vec(),
                )),
                ("POST", "/api/tokens") => {
                    Some(("application/json", br#"{"scope":"read"}"#.to_vec()))
                }
                ("POST" | "PUT", "/api/models" | "/api/models/{id}") => {
                    Some(("application/yaml", SMALL_MODEL.as_bytes().to_vec()))
                }
                ("PUT", _) => Some(("application/json", br#"{"role":"owner"}"#.to_vec())),
                ("PATCH", _) => Some(("application/json", br#"{"status":"mitigated"}"#.to_vec())),
                _ => None,
            };
            let r = api
                .call(&method, &path, Some(&bob), &[("if-match", &if_match)], body)
                .await;
            visited += 1;
            if template.contains("{id}") || template.contains("{token_id}") {
                assert_eq!(
                    r.status,
                    StatusCode::NOT_FOUND,
                    "[{}] {method} {path}: {}",
                    db.label(),
                    r.text
                );
            }
            for secret in [
                model.as_str(),
                "Nimbus Shop",
                alice_token.as_str(),
                threat.as_str(),
            ] {
                assert!(
                    !r.text.contains(secret),
                    "[{}] {method} {path} shows `{secret}` to a stranger: {}",
                    db.label(),
                    r.text
                );
            }
        }
        assert!(visited >= 20, "the walk visited only {visited} routes");
        // Nothing of alice's changed.
        let after = api.get(&format!("/api/models/{model}"), &alice).await;
        assert_eq!(after.json["model"]["latest_version"], 1);
        let roles = api.get(&format!("/api/models/{model}/roles"), &alice).await;
        assert_eq!(roles.json, json!([{"user": "alice", "role": "owner"}]));
        let audit = api.get(&format!("/api/models/{model}/audit"), &alice).await;
        assert!(
            audit
                .json
                .as_array()
                .expect("entries")
                .iter()
                .all(|e| e["actor"] == "alice"),
            "{}",
            audit.text
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn roles_decide_who_reads_writes_and_administers() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let owner = api.user("olga").await;
        let editor = api.user("ed").await;
        let viewer = api.user("vera").await;
        let reader = api.user_with_scope("ed", Scope::Read).await;
        let model = api.create_shop(&owner).await;
        for (name, role) in [("ed", "editor"), ("vera", "viewer")] {
            let r = api
                .call(
                    "PUT",
                    &format!("/api/models/{model}/roles/{name}"),
                    Some(&owner),
                    &[],
                    Some((
                        "application/json",
                        format!(r#"{{"role":"{role}"}}"#).into_bytes(),
                    )),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
        let put = |token: String| {
            let api = &api;
            let model = model.clone();
            async move {
                api.call(
                    "PUT",
                    &format!("/api/models/{model}"),
                    Some(&token),
                    &[("if-match", "\"v1\"")],
                    Some(("application/yaml", SMALL_MODEL.as_bytes().to_vec())),
                )
                .await
            }
        };
        // A viewer reads but cannot write; a read-only token of an editor cannot write either.
        assert_eq!(
            api.get(&format!("/api/models/{model}"), &viewer)
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(put(viewer.clone()).await.status, StatusCode::FORBIDDEN);
        assert_eq!(put(reader.clone()).await.status, StatusCode::FORBIDDEN);
        // An editor writes, but cannot manage roles or delete.
        assert_eq!(put(editor.clone()).await.status, StatusCode::OK);
        let r = api
            .call(
                "DELETE",
                &format!("/api/models/{model}"),
                Some(&editor),
                &[],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // The last owner cannot leave the model ownerless.
        let r = api
            .call(
                "DELETE",
                &format!("/api/models/{model}/roles/olga"),
                Some(&owner),
                &[],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
        // The owner deletes; then it is gone for everyone.
        let r = api
            .call(
                "DELETE",
                &format!("/api/models/{model}"),
                Some(&owner),
                &[],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            api.get(&format!("/api/models/{model}"), &owner)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(api.get("/api/models", &viewer).await.json, json!([]));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_stale_edit_is_refused_with_412_and_nothing_is_overwritten() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let alice = api.user("alice").await;
        let model = api.create_shop(&alice).await;
        let first = api.get(&format!("/api/models/{model}"), &alice).await;
        assert_eq!(first.header("etag"), Some("\"v1\""));
        let save = |text: &'static str, etag: Option<&'static str>| {
            let api = &api;
            let alice = alice.clone();
            let model = model.clone();
            async move {
                let headers: Vec<(&str, &str)> =
                    etag.map(|e| ("if-match", e)).into_iter().collect();
                api.call(
                    "PUT",
                    &format!("/api/models/{model}"),
                    Some(&alice),
                    &headers,
                    Some(("application/yaml", text.as_bytes().to_vec())),
                )
                .await
            }
        };
        let mine = save("palisade: 1\nsystem:\n  name: Mine\n", Some("\"v1\"")).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
        assert_eq!(mine.header("etag"), Some("\"v2\""));
        // Someone else also started from v1.
        let theirs = save("palisade: 1\nsystem:\n  name: Theirs\n", Some("\"v1\"")).await;
        assert_eq!(theirs.status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(theirs.json["error"]["current"]["etag"], "\"v2\"");
        // Without If-Match, a save is refused outright.
        let blind = save("palisade: 1\nsystem:\n  name: Blind\n", None).await;
        assert_eq!(blind.status, StatusCode::PRECONDITION_REQUIRED);
        let history = api
            .get(&format!("/api/models/{model}/versions"), &alice)
            .await;
        let versions: Vec<i64> = history
            .json
            .as_array()
            .expect("versions")
            .iter()
            .map(|v| v["version"].as_i64().expect("number"))
            .collect();
        assert_eq!(versions, vec![2, 1]);
        let v2 = api
            .get(&format!("/api/models/{model}/versions/2"), &alice)
            .await;
        assert!(v2.json["model"].as_str().expect("text").contains("Mine"));
        let v1 = api
            .get(&format!("/api/models/{model}/versions/1"), &alice)
            .await;
        assert!(v1.json["specs"]["openapi/shop.yaml"].is_string());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_decision_is_saved_as_a_version_audited_and_guarded_by_its_etag() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let alice = api.user("alice").await;
        let model = api.create_shop(&alice).await;
        let analysis = api
            .get(&format!("/api/models/{model}/analysis"), &alice)
            .await;
        let threats = analysis.json["threats"].as_array().expect("threats");
        assert!(threats.len() > 10, "the shop has many threats");
        let threat = threats[0]["id"].as_str().expect("id").to_owned();
        let other = threats[1]["id"].as_str().expect("id").to_owned();
        let path = format!("/api/models/{model}/threats/{threat}");
        let etag = api.get(&path, &alice).await.json["etag"]
            .as_str()
            .expect("etag")
            .to_owned();
        let decide = |path: String, etag: String, body: Value| {
            let api = &api;
            let alice = alice.clone();
            async move {
                api.call(
                    "PATCH",
                    &path,
                    Some(&alice),
                    &[("if-match", &etag)],
                    Some(("application/json", body.to_string().into_bytes())),
                )
                .await
            }
        };
        let r = decide(
            path.clone(),
            etag.clone(),
            json!({"status": "accepted", "strategy": "accept", "justification": "internal only", "owner": "alice", "date": "2026-01-02"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json["version"], 2);
        let new_etag = r.json["etag"].as_str().expect("etag").to_owned();
        assert_ne!(new_etag, etag);
        // The decision is in the model text and in the analysis.
        let v2 = api
            .get(&format!("/api/models/{model}/versions/2"), &alice)
            .await;
        let text = v2.json["model"].as_str().expect("text");
        assert!(
            text.contains(&format!("id: {threat}"))
                && text.contains("justification: internal only"),
            "{text}"
        );
        // The person's comments survive: the decision was edited into the text, not re-serialized.
        let v1 = api
            .get(&format!("/api/models/{model}/versions/1"), &alice)
            .await;
        let comments = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| l.trim_start().starts_with('#'))
                .map(str::to_owned)
                .collect()
        };
        let before = comments(v1.json["model"].as_str().expect("text"));
        assert!(!before.is_empty(), "the shop example has comments");
        assert_eq!(comments(text), before);
        let analysis = api
            .get(&format!("/api/models/{model}/analysis"), &alice)
            .await;
        let found = analysis.json["threats"]
            .as_array()
            .expect("threats")
            .iter()
            .find(|t| t["id"] == threat.as_str())
            .expect("the threat");
        assert_eq!(found["decision"]["status"], "accepted");
        // A decision on another threat from an older read still applies: no conflict.
        let other_path = format!("/api/models/{model}/threats/{other}");
        let other_etag = palisade_server::content::decision_etag(None);
        let r = decide(other_path, other_etag, json!({"status": "mitigated"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json["version"], 3);
        // The first decision, changed from a stale read: 412 with both decisions.
        let r = decide(path.clone(), etag, json!({"status": "open"})).await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.text);
        assert_eq!(r.json["error"]["current"]["decision"]["status"], "accepted");
        assert_eq!(r.json["error"]["attempted"]["status"], "open");
        // An invalid decision (accept without a justification) is refused, not saved.
        let r = decide(
            path.clone(),
            new_etag.clone(),
            json!({"justification": null}),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        let r = decide(path.clone(), new_etag.clone(), json!({"status": "done"})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        // The audit log has who, what, which threat, before and after.
        let audit = api.get(&format!("/api/models/{model}/audit"), &alice).await;
        let entries = audit.json.as_array().expect("entries");
        let decided = entries
            .iter()
            .find(|e| e["threat_id"] == threat.as_str())
            .expect("an entry for the decision");
        assert_eq!(decided["actor"], "alice");
        assert_eq!(decided["action"], "threat.decide");
        assert_eq!(decided["before"], Value::Null);
        assert_eq!(decided["after"]["status"], "accepted");
        assert_eq!(entries.len(), 3, "{}", audit.text);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_invalid_model_is_refused_with_every_problem_and_its_place() {
    let db = palisade_server::testing::sqlite();
    let api = Api::new(&db).await;
    let alice = api.user("alice").await;
    let model = "palisade: 1\nsystem:\n  nme: Shop\nelements:\n  - id: api\n    kind: process\nflows:\n  - id: f\n    from: api\n    to: dbb\n";
    let r = api
        .call(
            "POST",
            "/api/models",
            Some(&alice),
            &[],
            Some(("application/yaml", model.as_bytes().to_vec())),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rendered: Vec<&str> = r.json["error"]["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["rendered"].as_str().expect("rendered"))
        .collect();
    insta::assert_snapshot!(rendered.join("\n"));
    // An OpenAPI document sent as a Palisade model is named for what it is.
    let spec = "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n";
    let r = api
        .call(
            "POST",
            "/api/models?format=palisade",
            Some(&alice),
            &[],
            Some(("application/yaml", spec.as_bytes().to_vec())),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("OpenAPI"), "{}", r.text);
    // A document path that climbs out of the upload is refused before anything is written.
    let envelope = json!({"model": SMALL_MODEL, "specs": {"../../etc/x.yaml": "x"}});
    let r = api
        .call(
            "POST",
            "/api/models",
            Some(&alice),
            &[],
            Some(("application/json", envelope.to_string().into_bytes())),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let envelope = json!({"model": SMALL_MODEL, "specs": {"a.yaml": "x", "a.yaml/b.yaml": "y"}});
    let r = api
        .call(
            "POST",
            "/api/models",
            Some(&alice),
            &[],
            Some(("application/json", envelope.to_string().into_bytes())),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    // Neither a model nor a known type.
    let r = api
        .call(
            "POST",
            "/api/models",
            Some(&alice),
            &[],
            Some(("text/plain", b"x".to_vec())),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(r.json["error"]["code"], "unsupported_media_type");
}

#[tokio::test]
async fn every_response_has_the_security_headers_and_errors_are_json() {
    let db = palisade_server::testing::sqlite();
    let api = Api::new(&db).await;
    for r in [
        api.call("GET", "/api/health", None, &[], None).await,
        api.call("GET", "/api/models", None, &[], None).await,
        api.call("GET", "/api/no-such-route", None, &[], None).await,
        api.call("DELETE", "/api/health", None, &[], None).await,
    ] {
        let csp = r.header("content-security-policy").expect("CSP");
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        assert!(r.header("x-request-id").is_some());
        assert!(
            r.header("access-control-allow-origin").is_none(),
            "CORS stays closed"
        );
        assert!(
            r.header("strict-transport-security").is_none(),
            "no HSTS over plain HTTP"
        );
        if r.status != StatusCode::OK {
            assert!(r.json["error"]["code"].is_string(), "{}", r.text);
        }
    }
    let r = api.call("GET", "/api/models", None, &[], None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.header("www-authenticate").is_some());
    let r = api
        .call("GET", "/api/models", Some("pal_0000"), &[], None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Over TLS: HSTS and Secure cookies.
    let tls = Api::with_config(
        &db,
        Config {
            tls: true,
            ..Config::default()
        },
    )
    .await;
    let r = tls.call("GET", "/api/health", None, &[], None).await;
    assert!(r.header("strict-transport-security").is_some());
}

#[tokio::test]
async fn a_cookie_session_needs_its_csrf_token_to_write() {
    let db = palisade_server::testing::sqlite();
    let api = Api::with_config(
        &db,
        Config {
            tls: true,
            ..Config::default()
        },
    )
    .await;
    api.user("alice").await;
    let login = |password: &'static str| {
        let api = &api;
        async move {
            api.call(
                "POST",
                "/api/session",
                None,
                &[],
                Some((
                    "application/json",
                    format!(r#"{{"name":"alice","password":"{password}"}}"#).into_bytes(),
                )),
            )
            .await
        }
    };
    assert_eq!(login("wrong").await.status, StatusCode::UNAUTHORIZED);
    let r = login("password-alice").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let cookie = r.header("set-cookie").expect("a cookie").to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let csrf = r.json["csrf_token"].as_str().expect("csrf").to_owned();
    let session = cookie.split(';').next().expect("pair").to_owned();
    let create = |headers: Vec<(&'static str, String)>| {
        let api = &api;
        let session = session.clone();
        async move {
            let mut all: Vec<(&str, &str)> = vec![("cookie", session.as_str())];
            all.extend(headers.iter().map(|(k, v)| (*k, v.as_str())));
            api.call(
                "POST",
                "/api/models",
                None,
                &all,
                Some(("application/yaml", SMALL_MODEL.as_bytes().to_vec())),
            )
            .await
        }
    };
    assert_eq!(create(vec![]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        create(vec![("x-csrf-token", "nope".into())]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        create(vec![("x-csrf-token", csrf.clone())]).await.status,
        StatusCode::CREATED
    );
    // Reads need no CSRF token; signing out ends the session.
    let r = api
        .call("GET", "/api/session", None, &[("cookie", &session)], None)
        .await;
    assert_eq!(r.json["user"], "alice");
    assert_eq!(r.json["csrf_token"], csrf.as_str());
    let r = api
        .call(
            "DELETE",
            "/api/session",
            None,
            &[("cookie", &session), ("x-csrf-token", &csrf)],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = api
        .call("GET", "/api/models", None, &[("cookie", &session)], None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn tokens_can_be_listed_and_revoked_and_stop_working_at_once() {
    let db = palisade_server::testing::sqlite();
    let api = Api::new(&db).await;
    let alice = api.user("alice").await;
    let r = api
        .call(
            "POST",
            "/api/tokens",
            Some(&alice),
            &[],
            Some(("application/json", br#"{"scope":"read"}"#.to_vec())),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let token = r.json["token"].as_str().expect("token").to_owned();
    let id = r.json["info"]["id"].as_str().expect("id").to_owned();
    assert!(token.starts_with("pal_") && token.len() == 68);
    let listed = api.get("/api/tokens", &alice).await;
    assert!(!listed.text.contains(&token), "secrets are never listed");
    assert_eq!(api.get("/api/models", &token).await.status, StatusCode::OK);
    let r = api
        .call(
            "DELETE",
            &format!("/api/tokens/{id}"),
            Some(&alice),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        api.get("/api/models", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn limits_answer_413_and_429_with_retry_after() {
    let db = palisade_server::testing::sqlite();
    let config = Config {
        api_rate: 1.0,
        api_burst: 3,
        max_body_bytes: 1024,
        ..Config::default()
    };
    let api = Api::with_config(&db, config).await;
    let alice = api.user("alice").await;
    let big = format!("{SMALL_MODEL}# {}\n", "x".repeat(4096));
    let r = api
        .call(
            "POST",
            "/api/models",
            Some(&alice),
            &[],
            Some(("application/yaml", big.into_bytes())),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert_eq!(r.json["error"]["code"], "payload_too_large");
    let mut limited = None;
    for _ in 0..5 {
        let r = api.get("/api/models", &alice).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("the burst runs out");
    assert_eq!(r.json["error"]["code"], "rate_limited");
    let wait: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!(wait >= 1);
    // Health checks are not limited.
    assert_eq!(
        api.call("GET", "/api/health", None, &[], None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_audit_log_refuses_changes_and_deletions() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let alice = api.user("alice").await;
        api.create_shop(&alice).await;
        let (url, _) = palisade_server::store::database_url(&db.url).expect("url");
        let pool = sqlx::AnyPool::connect(&url).await.expect("pool");
        let update = sqlx::query("UPDATE audit_log SET actor = 'mallory'")
            .execute(&pool)
            .await;
        assert!(
            update.is_err(),
            "[{}] an audit entry was changed",
            db.label()
        );
        let delete = sqlx::query("DELETE FROM audit_log").execute(&pool).await;
        assert!(
            delete.is_err(),
            "[{}] an audit entry was deleted",
            db.label()
        );
        let entries = api.get("/api/audit", &alice).await;
        assert_eq!(entries.json[0]["actor"], "alice");
        pool.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_internal_error_is_answered_generically_with_a_request_id() {
    let db = palisade_server::testing::sqlite();
    let api = Api::new(&db).await;
    let alice = api.user("alice").await;
    let r = api
        .call(
            "POST",
            "/api/models",
            Some(&alice),
            &[],
            Some(("application/yaml", SMALL_MODEL.as_bytes().to_vec())),
        )
        .await;
    let model = r.json["id"].as_str().expect("id").to_owned();
    // Damage the stored version behind the server's back.
    let (url, _) = palisade_server::store::database_url(&db.url).expect("url");
    let pool = sqlx::AnyPool::connect(&url).await.expect("pool");
    sqlx::query("UPDATE model_versions SET body = 'palisade: [' WHERE model_id = $1")
        .bind(&model)
        .execute(&pool)
        .await
        .expect("update");
    pool.close().await;
    let r = api
        .get(&format!("/api/models/{model}/analysis"), &alice)
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.json["error"]["code"], "internal");
    let id = r.header("x-request-id").expect("a request id").to_owned();
    assert_eq!(r.json["error"]["request_id"], id.as_str());
    assert!(
        !r.text.contains("no longer loads") && !r.text.contains("palisade: ["),
        "{}",
        r.text
    );
}

/// The shop example's envelope with `from` replaced by `to` in the model text.
fn edited_shop(from: &str, to: &str) -> Vec<u8> {
    let mut envelope: Value = serde_json::from_slice(&common::shop_envelope()).expect("JSON");
    let model = envelope["model"].as_str().expect("model").to_owned();
    assert!(model.contains(from), "the shop example has `{from}`");
    envelope["model"] = json!(model.replacen(from, to, 1));
    envelope["message"] = json!("edited");
    serde_json::to_vec(&envelope).expect("JSON")
}

#[tokio::test]
async fn a_diff_between_two_versions_is_json_or_markdown() {
    let mut first: Option<Value> = None;
    for db in databases().await {
        let api = Api::new(&db).await;
        let alice = api.user("alice").await;
        let model = api.create_shop(&alice).await;
        // One version: the diff is against an empty model, so everything is added.
        let only = api.get(&format!("/api/models/{model}/diff"), &alice).await;
        assert_eq!(only.status, StatusCode::OK, "{}", only.text);
        assert_eq!(only.json["old"], "v0 (empty)");
        assert_eq!(only.json["new"], "v1");
        assert!(only.json["new_threats"].as_array().expect("list").len() > 10);
        // The payment provider is now called over plain HTTP, and a decision was taken.
        let edit = edited_shop(
            "    to: payment-provider\n    protocol: https",
            "    to: payment-provider\n    protocol: http",
        );
        let r = api
            .call(
                "PUT",
                &format!("/api/models/{model}"),
                Some(&alice),
                &[("if-match", "\"v1\"")],
                Some(("application/json", edit)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let diff = api.get(&format!("/api/models/{model}/diff"), &alice).await;
        assert_eq!(diff.status, StatusCode::OK, "{}", diff.text);
        assert!(
            diff.header("content-type")
                .is_some_and(|t| t.starts_with("application/json"))
        );
        assert_eq!(diff.json["old"], "v1");
        assert_eq!(diff.json["new"], "v2");
        let explicit = api
            .get(&format!("/api/models/{model}/diff?from=1&to=2"), &alice)
            .await;
        assert_eq!(explicit.json, diff.json);
        match &first {
            Some(json) => assert_eq!(&diff.json, json, "[{}] the same diff", db.label()),
            None => first = Some(diff.json.clone()),
        }
        // Markdown, asked for by `format` or by `Accept`.
        for (query, headers) in [
            ("?format=md", vec![]),
            ("", vec![("accept", "text/markdown")]),
        ] {
            let md = api
                .call(
                    "GET",
                    &format!("/api/models/{model}/diff{query}"),
                    Some(&alice),
                    &headers,
                    None,
                )
                .await;
            assert_eq!(md.status, StatusCode::OK);
            assert_eq!(
                md.header("content-type"),
                Some("text/markdown; charset=utf-8")
            );
            assert!(md.text.contains("payments-to-provider"), "{}", md.text);
        }
        // The same version twice: nothing changed.
        let same = api
            .get(&format!("/api/models/{model}/diff?from=2&to=2"), &alice)
            .await;
        for list in [
            "model",
            "operations",
            "new_threats",
            "gone_threats",
            "decisions",
        ] {
            assert_eq!(same.json[list], json!([]), "{list}");
        }
        let missing = api
            .get(&format!("/api/models/{model}/diff?from=9"), &alice)
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let bad = api
            .get(&format!("/api/models/{model}/diff?format=pdf"), &alice)
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        db.cleanup().await;
    }
    insta::assert_json_snapshot!(first.expect("a diff"));
}

#[tokio::test]
async fn reports_and_diagrams_download_in_every_format() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let alice = api.user("alice").await;
        let model = api.create_shop(&alice).await;
        for (format, media, ext, starts) in [
            (
                "html",
                "text/html; charset=utf-8",
                "html",
                "<!DOCTYPE html>",
            ),
            ("pdf", "application/pdf", "pdf", "%PDF-"),
            ("md", "text/markdown; charset=utf-8", "md", "# "),
            ("json", "application/json", "json", "{"),
            ("csv", "text/csv; charset=utf-8", "csv", "id,element,"),
            ("sarif", "application/sarif+json", "sarif", "{"),
        ] {
            let r = api
                .get(
                    &format!("/api/models/{model}/report?format={format}"),
                    &alice,
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "[{}] {format}: {}",
                db.label(),
                r.text
            );
            assert_eq!(r.header("content-type"), Some(media), "{format}");
            assert_eq!(
                r.header("content-disposition"),
                Some(format!("attachment; filename=\"nimbus-shop-v1.{ext}\"").as_str()),
                "{format}"
            );
            assert!(
                r.text.starts_with(starts),
                "{format} starts with {:?}",
                &r.text[..r.text.len().min(40)]
            );
            match format {
                "pdf" => assert!(r.text.trim_end().ends_with("%%EOF"), "a whole PDF"),
                "csv" => assert!(r.text.lines().count() > 10, "a row per threat"),
                "sarif" => assert!(r.text.contains("\"uri\": \"palisade.yaml\""), "located"),
                _ => assert!(r.text.contains("Nimbus Shop"), "{format} names the system"),
            }
        }
        let json = api
            .get(&format!("/api/models/{model}/report?format=json"), &alice)
            .await;
        assert_eq!(json.json["cover"]["system"], "Nimbus Shop");
        assert_eq!(json.json["cover"]["model"]["file"], "palisade.yaml");
        assert!(
            json.json["cover"]["model"]["hash"]
                .as_str()
                .is_some_and(|h| h.starts_with("sha256:")),
            "{}",
            json.json["cover"]
        );
        let sarif = api
            .get(&format!("/api/models/{model}/report?format=sarif"), &alice)
            .await;
        assert_eq!(sarif.json["version"], "2.1.0");
        assert!(
            !sarif.text.contains("/tmp") && !sarif.text.contains("palisade-check-"),
            "no server paths in the SARIF"
        );
        // The default is HTML of the latest version; a version can be named. It is saved, not
        // shown under the server's strict CSP: opened from disk, its own CSP allows its inline
        // style and script by hash, and nothing else.
        let html = api
            .get(&format!("/api/models/{model}/report"), &alice)
            .await;
        assert!(html.text.starts_with("<!DOCTYPE html>"));
        assert!(
            html.header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment;"))
        );
        assert!(
            html.text.contains(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;"
            ),
            "the report's own CSP"
        );
        let v1 = api
            .get(
                &format!("/api/models/{model}/report?version=1&format=md"),
                &alice,
            )
            .await;
        assert_eq!(v1.status, StatusCode::OK);
        let none = api
            .get(&format!("/api/models/{model}/report?version=7"), &alice)
            .await;
        assert_eq!(none.status, StatusCode::NOT_FOUND);
        let bad = api
            .get(&format!("/api/models/{model}/report?format=docx"), &alice)
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json["error"]["code"], "bad_request");

        for (format, media, ext, contains) in [
            ("svg", "image/svg+xml", "svg", "<svg"),
            ("dot", "text/vnd.graphviz; charset=utf-8", "dot", "digraph"),
            ("mermaid", "text/plain; charset=utf-8", "mmd", "flowchart"),
        ] {
            let r = api
                .get(
                    &format!("/api/models/{model}/diagram?format={format}"),
                    &alice,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{format}: {}", r.text);
            assert_eq!(r.header("content-type"), Some(media));
            assert_eq!(
                r.header("content-disposition"),
                Some(format!("attachment; filename=\"nimbus-shop-v1.{ext}\"").as_str())
            );
            assert!(r.text.contains(contains), "{format}");
            assert!(r.text.contains("order-service") || r.text.contains("Order service"));
        }
        let plain = api
            .get(&format!("/api/models/{model}/diagram"), &alice)
            .await;
        let badged = api
            .get(&format!("/api/models/{model}/diagram?threats=true"), &alice)
            .await;
        assert!(!plain.text.contains(" has-threats severity-"));
        assert!(badged.text.contains(" has-threats severity-"));
        db.cleanup().await;
    }
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))).expect(path)
}

#[tokio::test]
async fn an_openapi_document_or_another_tools_model_becomes_a_model() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let alice = api.user("alice").await;
        let post = |query: &'static str, media: &'static str, body: Vec<u8>| {
            let api = &api;
            let alice = alice.clone();
            async move {
                api.call(
                    "POST",
                    &format!("/api/models{query}"),
                    Some(&alice),
                    &[],
                    Some((media, body)),
                )
                .await
            }
        };
        // A bare OpenAPI document, told from its content: a derived model that names it.
        let vampi = fixture("tests/fixtures/openapi/vampi-openapi3.yml");
        let r = post("", "application/yaml", vampi.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "[{}] {}", db.label(), r.text);
        let id = r.json["id"].as_str().expect("id").to_owned();
        let version = api
            .get(&format!("/api/models/{id}/versions/1"), &alice)
            .await;
        assert_eq!(
            version.json["specs"]["openapi.yaml"]
                .as_str()
                .map(str::as_bytes),
            Some(vampi.as_slice())
        );
        let text = version.json["model"].as_str().expect("model");
        assert!(text.contains("spec: openapi.yaml"), "{text}");
        assert_eq!(
            version.json["message"],
            "derived from an OpenAPI document (14 operations)"
        );
        let analysis = api.get(&format!("/api/models/{id}/analysis"), &alice).await;
        assert!(
            analysis.json["threats"]
                .as_array()
                .expect("threats")
                .iter()
                .any(|t| t["rule"].as_str().is_some_and(|r| r.starts_with("OP"))),
            "the document's operations are analyzed"
        );
        // A Threat Dragon model, told from its content and named.
        let dragon = fixture("crates/palisade_interop/tests/fixtures/threat-dragon/demo-v2.json");
        for query in ["", "?format=threat-dragon"] {
            let r = post(query, "application/json", dragon.clone()).await;
            assert_eq!(r.status, StatusCode::CREATED, "{query}: {}", r.text);
            assert_eq!(r.json["name"], "Demo Threat Model", "{}", r.text);
        }
        // Updated from a document: a new version.
        let r = api
            .call(
                "PUT",
                &format!("/api/models/{id}?format=openapi"),
                Some(&alice),
                &[("if-match", "\"v1\"")],
                Some(("application/yaml", fixture("examples/openapi/shop.yaml"))),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json["version"]["version"], 2);
        // Bad input: 422 with each problem's line and column, or 400 for an unknown format.
        let truncated =
            fixture("crates/palisade_interop/tests/fixtures/malformed/truncated-td.json");
        let r = post("?format=threat-dragon", "application/json", truncated).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        let problem = &r.json["error"]["problems"][0];
        assert!(
            problem["line"].as_u64().is_some() && problem["column"].as_u64().is_some(),
            "{}",
            r.text
        );
        let r = post(
            "?format=openapi",
            "application/yaml",
            b"openapi: 3.1.0\npaths: [\n".to_vec(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert!(
            r.json["error"]["problems"][0]["line"].as_u64().is_some(),
            "{}",
            r.text
        );
        let r = post("?format=visio", "application/json", dragon.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        let r = post("?format=palisade", "application/json", dragon.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert!(r.text.contains("Threat Dragon"), "{}", r.text);
        db.cleanup().await;
    }
}
