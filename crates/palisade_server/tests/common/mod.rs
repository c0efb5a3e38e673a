//! Drives the app in-process (`oneshot`) against a fresh database: what a client sees.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt as _;
use palisade_server::store::Scope;
use palisade_server::testing::TestDatabase;
use palisade_server::{AppState, Config, Store, app};
use serde_json::Value;
use tower::ServiceExt as _;

pub struct Api {
    pub app: Router,
    pub store: Store,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// The shop example and its OpenAPI document, as a JSON envelope.
pub fn shop_envelope() -> Vec<u8> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let model = std::fs::read_to_string(format!("{root}/shop.yaml")).expect("the shop example");
    let spec = std::fs::read_to_string(format!("{root}/openapi/shop.yaml")).expect("its spec");
    serde_json::to_vec(&serde_json::json!({
        "model": model,
        "specs": {"openapi/shop.yaml": spec},
        "message": "first upload",
    }))
    .expect("JSON")
}

pub const SMALL_MODEL: &str = "palisade: 1\nsystem:\n  name: Small\n";

impl Api {
    pub async fn new(db: &TestDatabase) -> Self {
        Self::with_config(db, Config::default()).await
    }

    pub async fn with_config(db: &TestDatabase, config: Config) -> Self {
        let store = Store::connect(&db.url)
            .await
            .expect("the test database opens");
        let app = app(AppState::new(store.clone(), config));
        Self { app, store }
    }

    /// Creates a user with password `password-<name>` and returns a token of `scope`.
    pub async fn user_with_scope(&self, name: &str, scope: Scope) -> String {
        if self
            .store
            .user_by_name(name)
            .await
            .expect("query")
            .is_none()
        {
            let hash =
                palisade_server::auth::hash_password(&format!("password-{name}")).expect("hash");
            self.store.create_user(name, &hash).await.expect("user");
        }
        let (token, digest) = palisade_server::auth::new_token();
        self.store
            .create_token(name, &digest, scope)
            .await
            .expect("token");
        token
    }

    pub async fn user(&self, name: &str) -> String {
        self.user_with_scope(name, Scope::Write).await
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Resp {
        let mut request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).expect("method"))
            .uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = match body {
            Some((content_type, bytes)) => request
                .header("content-type", content_type)
                .body(Body::from(bytes)),
            None => request.body(Body::empty()),
        }
        .expect("request");
        let response = self.app.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            text,
            json,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call("GET", path, Some(token), &[], None).await
    }

    /// Uploads the shop example; returns its id.
    pub async fn create_shop(&self, token: &str) -> String {
        let r = self
            .call(
                "POST",
                "/api/models",
                Some(token),
                &[],
                Some(("application/json", shop_envelope())),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["id"].as_str().expect("id").to_owned()
    }
}
