//! The web pages as a browser sees them, on SQLite and (when `PALISADE_TEST_POSTGRES` is set) on
//! PostgreSQL: sign-in, every page (snapshots of the HTML), filters, decisions and their
//! conflicts, uploads, CSRF on every form, and authorization on every route of the page table.

mod common;

use axum::http::StatusCode;
use common::{Api, Resp};
use palisade_server::testing::{TestDatabase, databases};
use palisade_server::web;
use serde_json::json;

/// The payments example with its OpenAPI document, as a JSON envelope.
fn payments_envelope() -> Vec<u8> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let model = std::fs::read_to_string(format!("{root}/payments.yaml")).expect("the example");
    let spec =
        std::fs::read_to_string(format!("{root}/openapi/payments.yaml")).expect("its document");
    serde_json::to_vec(&json!({
        "model": model,
        "specs": {"openapi/payments.yaml": spec},
        "message": "first upload",
    }))
    .expect("JSON")
}

/// A browser: a cookie jar over the in-process app.
struct Browser<'a> {
    api: &'a Api,
    cookies: Vec<(String, String)>,
}

/// The value of `name="…" value="…"` in a page.
fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in:\n{html}"))
        + marker.len();
    html[start..]
        .split('"')
        .next()
        .expect("value")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

impl<'a> Browser<'a> {
    fn new(api: &'a Api) -> Self {
        Self {
            api,
            cookies: Vec::new(),
        }
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Resp {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if !cookie.is_empty() {
            all.push(("cookie", &cookie));
        }
        let r = self.api.call(method, path, None, &all, body).await;
        for value in r.headers.get_all("set-cookie") {
            let text = value.to_str().expect("cookie");
            let pair = text.split(';').next().expect("pair");
            let (k, v) = pair.split_once('=').expect("k=v");
            self.cookies.retain(|(name, _)| name != k);
            if !v.is_empty() && !text.contains("Max-Age=0") {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        r
    }

    async fn get(&mut self, path: &str) -> Resp {
        self.request("GET", path, &[], None).await
    }

    async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).expect("form");
        self.request(
            "POST",
            path,
            &[],
            Some(("application/x-www-form-urlencoded", body.into_bytes())),
        )
        .await
    }

    /// Signs in through the form; returns the session's anti-CSRF token.
    async fn sign_in(&mut self, name: &str) -> String {
        let page = self.get("/login").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let token = field(&page.text, "login_token");
        let password = format!("password-{name}");
        let r = self
            .post_form(
                "/login",
                &[
                    ("name", name),
                    ("password", &password),
                    ("next", "/"),
                    ("login_token", &token),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let home = self.get("/").await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.text);
        field(&home.text, "csrf")
    }
}

/// Creates users alice (owner of the payments model) and bob; returns the model's id.
async fn setup(api: &Api) -> String {
    let alice = api.user("alice").await;
    api.user("bob").await;
    let r = api
        .call(
            "POST",
            "/api/models",
            Some(&alice),
            &[],
            Some(("application/json", payments_envelope())),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json["id"].as_str().expect("id").to_owned()
}

async fn give_role(api: &Api, model: &str, user: &str, role: &str) {
    let owner = api.user("alice").await;
    let r = api
        .call(
            "PUT",
            &format!("/api/models/{model}/roles/{user}"),
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

/// The id of the most severe threat of the model.
async fn first_threat(api: &Api, model: &str) -> String {
    let alice = api.user("alice").await;
    let analysis = api
        .get(&format!("/api/models/{model}/analysis"), &alice)
        .await;
    analysis.json["threats"][0]["id"]
        .as_str()
        .expect("a threat")
        .to_owned()
}

/// The page without what changes from run to run: ids, tokens, times, asset hashes; and the
/// diagram (whose drawing `palisade_diagram` snapshots itself).
fn stable(html: &str, model: &str) -> String {
    let mut text = html.replace(model, "[model]");
    let svg_start = text.find("<svg xmlns=");
    if let Some(start) = svg_start {
        let end = text[start..].find("</svg>").expect("svg end") + start + "</svg>".len();
        text.replace_range(start..end, "[diagram]");
    }
    text
}

fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"[0-9a-f]{64}", "[token]");
    settings.add_filter(r"\?v=[0-9a-f]{12}", "?v=[hash]");
    settings.add_filter(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "[time]");
    settings.add_filter(r"Decided \d{4}-\d{2}-\d{2}", "Decided [date]");
    settings.add_filter(r"\b[0-9a-f]{12}\b", "[hash]");
    settings
}

/// Whether the page has an inline event handler attribute (` onclick=` …).
fn has_handler(html: &str) -> bool {
    html.match_indices(" on").any(|(i, _)| {
        let rest = &html[i + 3..];
        let name: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
        !name.is_empty() && rest[name.len()..].starts_with('=')
    })
}

fn sqlite_only() -> TestDatabase {
    palisade_server::testing::sqlite()
}

#[tokio::test]
async fn every_page_renders_what_a_person_sees() {
    let db = sqlite_only();
    let api = Api::new(&db).await;
    let model = setup(&api).await;
    let threat = first_threat(&api, &model).await;
    let mut browser = Browser::new(&api);
    let login = browser.get("/login").await;
    let csrf = browser.sign_in("alice").await;
    let home = browser.get("/").await;
    let page = browser.get(&format!("/models/{model}")).await;
    assert!(page.text.contains("<svg xmlns="), "the diagram is inline");
    assert!(
        !page.text.contains("<style>"),
        "the diagram's <style> is served as a file, not inline"
    );
    let detail = browser
        .get(&format!("/models/{model}/threats/{threat}"))
        .await;
    let etag = field(&detail.text, "etag");
    let saved = browser
        .post_form(
            &format!("/models/{model}/threats/{threat}"),
            &[
                ("csrf", &csrf),
                ("etag", &etag),
                ("status", "mitigated"),
                ("strategy", "reduce"),
                ("justification", "TLS everywhere"),
                ("owner", "alice"),
                ("ticket", "PAY-1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let history = browser.get(&format!("/models/{model}/history")).await;
    let audit = browser.get(&format!("/models/{model}/audit")).await;
    let filtered = browser
        .request(
            "GET",
            &format!("/models/{model}?severity=high&status=unresolved"),
            &[("hx-request", "true"), ("hx-target", "threats")],
            None,
        )
        .await;
    for (name, r) in [
        ("login", &login),
        ("home", &home),
        ("model", &page),
        ("threat", &detail),
        ("history", &history),
        ("audit", &audit),
        ("filtered_table", &filtered),
    ] {
        assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.text);
        assert!(
            r.header("content-type")
                .is_some_and(|c| c.starts_with("text/html")),
            "{name}"
        );
        assert!(
            !r.text.contains(" style=") && !r.text.contains("<script>") && !has_handler(&r.text),
            "{name}: no inline style, script or handler"
        );
        snapshot_settings().bind(|| insta::assert_snapshot!(name, stable(&r.text, &model)));
    }
    db.cleanup().await;
}

#[tokio::test]
async fn signing_in_needs_the_form_token_and_the_password_and_goes_back_where_asked() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let model = setup(&api).await;
        let mut browser = Browser::new(&api);
        // A page without a session sends to the sign-in form, remembering where to go back.
        let r = browser.get(&format!("/models/{model}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            r.header("location"),
            Some(format!("/login?next=%2Fmodels%2F{model}").as_str())
        );
        // The same from htmx (a table filter after the session expired): the sign-in page is
        // loaded as a whole page, never swapped into the table.
        let r = browser
            .request(
                "GET",
                &format!("/models/{model}?severity=high"),
                &[("hx-request", "true")],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(r.header("location"), None);
        assert_eq!(
            r.header("hx-redirect"),
            Some(format!("/login?next=%2Fmodels%2F{model}%3Fseverity%3Dhigh").as_str())
        );
        // Without the form's token (another site's form): refused.
        let r = browser
            .post_form(
                "/login",
                &[("name", "alice"), ("password", "password-alice")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        assert!(r.text.contains("expired or was not sent from this site"));
        // A wrong password: the form again, with the name kept.
        let page = browser.get("/login").await;
        let token = field(&page.text, "login_token");
        let r = browser
            .post_form(
                "/login",
                &[
                    ("name", "alice"),
                    ("password", "wrong"),
                    ("login_token", &token),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text.contains("Wrong name or password."));
        assert!(r.text.contains(r#"value="alice""#));
        assert!(browser.cookies.iter().all(|(k, _)| k != "palisade_session"));
        // Right: back to the page asked for; `next` never leaves the site.
        for (next, expected) in [
            (format!("/models/{model}"), format!("/models/{model}")),
            ("//evil.example/x".to_owned(), "/".to_owned()),
            ("https://evil.example/".to_owned(), "/".to_owned()),
        ] {
            let mut browser = Browser::new(&api);
            let page = browser.get("/login").await;
            let token = field(&page.text, "login_token");
            let r = browser
                .post_form(
                    "/login",
                    &[
                        ("name", "alice"),
                        ("password", "password-alice"),
                        ("next", &next),
                        ("login_token", &token),
                    ],
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::SEE_OTHER,
                "[{}] {}",
                db.label(),
                r.text
            );
            assert_eq!(r.header("location"), Some(expected.as_str()));
            let cookie = r
                .headers
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().expect("text"))
                .find(|c| c.starts_with("palisade_session="))
                .expect("a session cookie")
                .to_owned();
            assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        }
        // Signing out ends the session: the cookie no longer opens pages.
        let csrf = browser.sign_in("alice").await;
        let session = browser.cookies.clone();
        let r = browser.post_form("/logout", &[("csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        browser.cookies = session;
        assert_eq!(browser.get("/").await.status, StatusCode::SEE_OTHER);
        db.cleanup().await;
    }
}

/// Every state-changing form is refused without the session's anti-CSRF token, and nothing
/// changes.
#[tokio::test]
async fn every_form_needs_the_sessions_csrf_token() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let model = setup(&api).await;
        let threat = first_threat(&api, &model).await;
        let mut browser = Browser::new(&api);
        let csrf = browser.sign_in("alice").await;
        let detail = browser
            .get(&format!("/models/{model}/threats/{threat}"))
            .await;
        let etag = field(&detail.text, "etag");
        let decide = format!("/models/{model}/threats/{threat}");
        for token in ["", "0000", &"a".repeat(64)] {
            let r = browser
                .post_form(
                    &decide,
                    &[("csrf", token), ("etag", &etag), ("status", "accepted")],
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "[{}] {}",
                db.label(),
                r.text
            );
            let (body, boundary) = multipart(token, 1, "palisade: 1\nsystem:\n  name: X\n");
            let r = browser
                .request(
                    "POST",
                    &format!("/models/{model}/history"),
                    &[],
                    Some((&format!("multipart/form-data; boundary={boundary}"), body)),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "[{}] {}",
                db.label(),
                r.text
            );
            let r = browser.post_form("/logout", &[("csrf", token)]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
        }
        let versions = api.store.versions(&model).await.expect("versions");
        assert_eq!(versions.len(), 1, "nothing was saved");
        // With the token, the same forms work.
        let r = browser
            .post_form(
                &decide,
                &[("csrf", &csrf), ("etag", &etag), ("status", "in_progress")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        db.cleanup().await;
    }
}

/// A `multipart/form-data` upload form: `csrf`, `base`, and the model file.
fn multipart(csrf: &str, base: i64, model: &str) -> (Vec<u8>, String) {
    let boundary = "----palisadetestboundary".to_owned();
    let mut body = String::new();
    for (name, value) in [("csrf", csrf.to_owned()), ("base", base.to_string())] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"model\"; filename=\"palisade.yaml\"\r\nContent-Type: application/yaml\r\n\r\n{model}\r\n--{boundary}--\r\n"
    ));
    (body.into_bytes(), boundary)
}

/// A user without a role on a model gets 404 from every page of the page table that names it,
/// GET and POST (with a valid anti-CSRF token of their own), and sees nothing of it.
#[tokio::test]
async fn a_stranger_gets_404_on_every_web_route_of_a_model() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let model = setup(&api).await;
        let threat = first_threat(&api, &model).await;
        let mut browser = Browser::new(&api);
        let csrf = browser.sign_in("bob").await;
        let mut visited = 0;
        for (method, template) in web::route_table() {
            if !template.contains("{id}") {
                continue;
            }
            let path = template
                .replace("{id}", &model)
                .replace("{threat_id}", &threat);
            assert!(
                !path.contains('{'),
                "{template}: teach this test the parameter"
            );
            let r = match (method, template) {
                ("GET", _) => browser.get(&path).await,
                ("POST", "/models/{id}/history") => {
                    let (body, boundary) = multipart(&csrf, 1, "palisade: 1\nsystem:\n  name: X\n");
                    browser
                        .request(
                            "POST",
                            &path,
                            &[],
                            Some((&format!("multipart/form-data; boundary={boundary}"), body)),
                        )
                        .await
                }
                ("POST", _) => {
                    browser
                        .post_form(&path, &[("csrf", &csrf), ("status", "accepted")])
                        .await
                }
                _ => panic!("{method} {template}: teach this test the method"),
            };
            visited += 1;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "[{}] {method} {path}: {}",
                db.label(),
                r.text
            );
            for secret in ["Payments", threat.as_str()] {
                assert!(!r.text.contains(secret), "{method} {path} shows `{secret}`");
            }
        }
        assert!(visited >= 6, "the walk visited only {visited} routes");
        // The list does not show it either.
        assert!(!browser.get("/").await.text.contains(&model));
        assert_eq!(api.store.versions(&model).await.expect("versions").len(), 1);
        db.cleanup().await;
    }
}

/// Someone else's decision between opening the form and sending it is shown, side by side with
/// the person's, and never overwritten; sending again is then deliberate, and saves.
#[tokio::test]
async fn a_decision_changed_meanwhile_is_shown_side_by_side_not_overwritten() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let model = setup(&api).await;
        give_role(&api, &model, "bob", "editor").await;
        let threat = first_threat(&api, &model).await;
        let path = format!("/models/{model}/threats/{threat}");
        let mut alice = Browser::new(&api);
        let alice_csrf = alice.sign_in("alice").await;
        let mut bob = Browser::new(&api);
        let bob_csrf = bob.sign_in("bob").await;
        let opened = alice.get(&path).await;
        let etag = field(&opened.text, "etag");
        // Bob decides first, from the same state.
        let bobs = bob.get(&path).await;
        let r = bob
            .post_form(
                &path,
                &[
                    ("csrf", &bob_csrf),
                    ("etag", &field(&bobs.text, "etag")),
                    ("status", "mitigated"),
                    ("strategy", "reduce"),
                    ("justification", "mTLS between the services"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let after_bob = api.store.versions(&model).await.expect("versions").len();
        // Alice sends hers from the old state.
        let mine = [
            ("csrf", alice_csrf.as_str()),
            ("etag", etag.as_str()),
            ("status", "accepted"),
            ("strategy", "accept"),
            ("justification", "Low value target"),
        ];
        let r = alice.post_form(&path, &mine).await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "[{}] {}",
            db.label(),
            r.text
        );
        assert!(r.text.contains("Changed by bob at"), "{}", r.text);
        assert!(r.text.contains("since you opened it"));
        for value in ["mTLS between the services", "Low value target"] {
            assert!(r.text.contains(value), "both values are shown: {value}");
        }
        assert_eq!(
            api.store.versions(&model).await.expect("versions").len(),
            after_bob,
            "nothing was written"
        );
        let stored = api
            .get(
                &format!("/api/models/{model}/threats/{threat}"),
                &api.user("alice").await,
            )
            .await;
        assert_eq!(stored.json["threat"]["decision"]["status"], "mitigated");
        // The form now carries the person's values and the new ETag: sending again saves.
        let new_etag = field(&r.text, "etag");
        assert_ne!(new_etag, etag);
        assert!(r.text.contains(">Low value target</textarea>"));
        let again = [
            ("csrf", alice_csrf.as_str()),
            ("etag", new_etag.as_str()),
            ("status", "accepted"),
            ("strategy", "accept"),
            ("justification", "Low value target"),
        ];
        let r = alice.post_form(&path, &again).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let page = alice.get(r.header("location").expect("location")).await;
        assert!(page.text.contains("Saved as version"));
        assert!(page.text.contains(r#"<option value="accepted" selected>"#));
        // The audit log page shows both decisions, who made them and what changed.
        let audit = alice.get(&format!("/models/{model}/audit")).await;
        assert!(audit.text.contains("threat.decide"));
        assert!(
            audit
                .text
                .contains("<del>mitigated</del> → <ins>accepted</ins>"),
            "{}",
            audit.text
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_viewer_reads_but_gets_no_form_and_cannot_post() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let model = setup(&api).await;
        give_role(&api, &model, "bob", "viewer").await;
        let threat = first_threat(&api, &model).await;
        let mut bob = Browser::new(&api);
        let csrf = bob.sign_in("bob").await;
        let path = format!("/models/{model}/threats/{threat}");
        let page = bob.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.text.contains("Save decision"));
        assert!(page.text.contains("You have the viewer role"));
        let r = bob
            .post_form(
                &path,
                &[("csrf", &csrf), ("etag", "x"), ("status", "accepted")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        let history = bob.get(&format!("/models/{model}/history")).await;
        assert!(!history.text.contains("Upload a new version"));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn filters_narrow_the_table_and_htmx_gets_only_the_table() {
    let db = sqlite_only();
    let api = Api::new(&db).await;
    let model = setup(&api).await;
    let mut browser = Browser::new(&api);
    browser.sign_in("alice").await;
    let count = |html: &str| html.matches("<tr>\n      <td><span class=\"sev").count();
    let all = browser.get(&format!("/models/{model}")).await;
    let high = browser.get(&format!("/models/{model}?severity=high")).await;
    let gateway = browser
        .get(&format!("/models/{model}?element=gateway&stride=spoofing"))
        .await;
    let n_all = count(&all.text);
    let n_high = count(&high.text);
    assert!(n_all > n_high && n_high > 0, "{n_all} {n_high}");
    assert!(high.text.contains(r#"<option value="high" selected>"#));
    let table = high
        .text
        .split("<div id=\"threats\">")
        .nth(1)
        .expect("the table");
    let rows: Vec<&str> = table.split("<tr>").skip(1).collect();
    assert!(
        rows.iter()
            .filter(|r| r.contains("class=\"sev sev-"))
            .all(|r| r.contains("sev-high"))
    );
    assert!(count(&gateway.text) < n_all);
    // htmx asks for the table only.
    let fragment = browser
        .request(
            "GET",
            &format!("/models/{model}?severity=high"),
            &[("hx-request", "true"), ("hx-target", "threats")],
            None,
        )
        .await;
    assert!(fragment.text.starts_with("<div id=\"threats\">"));
    assert!(!fragment.text.contains("<html"));
    assert_eq!(count(&fragment.text), n_high);
    db.cleanup().await;
}

#[tokio::test]
async fn a_new_version_is_uploaded_through_the_form_and_a_stale_one_is_refused() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let model = setup(&api).await;
        let mut browser = Browser::new(&api);
        let csrf = browser.sign_in("alice").await;
        let path = format!("/models/{model}/history");
        let send = |base: i64, text: &str| {
            let (body, boundary) = multipart(&csrf, base, text);
            (body, format!("multipart/form-data; boundary={boundary}"))
        };
        let (body, ct) = send(1, "palisade: 1\nsystem:\n  name: Payments v2\n");
        let r = browser.request("POST", &path, &[], Some((&ct, body))).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            db.label(),
            r.text
        );
        assert_eq!(
            r.header("location"),
            Some(format!("{path}?saved=2").as_str())
        );
        let page = browser.get(&format!("{path}?saved=2")).await;
        assert!(page.text.contains("Saved as version 2."));
        assert!(page.text.contains("uploaded palisade.yaml"));
        // From version 1 again: someone (here, the same person) saved since.
        let (body, ct) = send(1, "palisade: 1\nsystem:\n  name: Payments v3\n");
        let r = browser.request("POST", &path, &[], Some((&ct, body))).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(
            r.text
                .contains("Version 2 was saved since you opened this page")
        );
        // An invalid model: every problem, with its place.
        let (body, ct) = send(2, "palisade: 1\nsystem:\n  nme: X\n");
        let r = browser.request("POST", &path, &[], Some((&ct, body))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text.contains("nothing was saved"));
        assert!(r.text.contains("palisade.yaml:3:3"), "{}", r.text);
        assert_eq!(api.store.versions(&model).await.expect("versions").len(), 2);
        // The difference between the versions, as `palisade diff` writes it.
        let diff = browser.get(&format!("{path}?from=1&to=2")).await;
        assert_eq!(diff.status, StatusCode::OK, "{}", diff.text);
        assert!(diff.text.contains("<div class=\"diff\">"), "{}", diff.text);
        assert!(diff.text.contains("Payments v2"), "{}", diff.text);
        // A bare OpenAPI document becomes a model (the API's conversion).
        let spec = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/openapi/shop.yaml"
        ))
        .expect("the shop's document");
        let boundary = "----palisadetestboundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"base\"\r\n\r\n2\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\nopenapi\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"model\"; filename=\"shop.yaml\"\r\n\r\n{spec}\r\n--{boundary}--\r\n"
        );
        let r = browser
            .request(
                "POST",
                &path,
                &[],
                Some((
                    &format!("multipart/form-data; boundary={boundary}"),
                    body.into_bytes(),
                )),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            db.label(),
            r.text
        );
        let alice = api.user("alice").await;
        let analysis = api
            .get(&format!("/api/models/{model}/analysis"), &alice)
            .await;
        assert_eq!(analysis.json["version"], 3);
        assert!(
            analysis.json["threats"]
                .as_array()
                .expect("threats")
                .iter()
                .any(|t| t["target"]["operation"].is_string()),
            "the document's operations are analyzed"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn assets_are_embedded_and_cached_for_a_long_time() {
    let db = sqlite_only();
    let api = Api::new(&db).await;
    for (name, kind) in [
        ("htmx.min.js", "text/javascript"),
        ("svg-pan-zoom.min.js", "text/javascript"),
        ("app.js", "text/javascript"),
        ("app.css", "text/css"),
        ("diagram.css", "text/css"),
        ("htmx.LICENSE", "text/plain"),
        ("svg-pan-zoom.LICENSE", "text/plain"),
    ] {
        let r = api
            .call("GET", &format!("/assets/{name}"), None, &[], None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{name}");
        assert!(r.header("content-type").expect("type").starts_with(kind));
        assert!(
            r.header("cache-control")
                .expect("cache")
                .contains("immutable")
        );
        assert!(r.header("content-security-policy").is_some());
    }
    let r = api.call("GET", "/assets/nope.js", None, &[], None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // An unknown page is a page; an unknown API route stays JSON.
    let r = api.call("GET", "/nowhere", None, &[], None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.header("content-type")
            .expect("type")
            .starts_with("text/html")
    );
    let r = api.call("GET", "/api/nowhere", None, &[], None).await;
    assert_eq!(r.json["error"]["code"], "not_found");
    db.cleanup().await;
}

#[tokio::test]
async fn too_many_sign_ins_get_a_page_that_says_when_to_retry() {
    let db = palisade_server::testing::sqlite();
    let config = palisade_server::Config {
        login_rate: 0.01,
        login_burst: 2,
        ..palisade_server::Config::default()
    };
    let api = Api::with_config(&db, config).await;
    api.user("alice").await;
    let mut browser = Browser::new(&api);
    let mut limited = None;
    for _ in 0..4 {
        let r = browser
            .post_form("/login", &[("name", "alice"), ("password", "wrong")])
            .await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("the sign-in burst runs out");
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "a page, not JSON"
    );
    assert!(r.text.contains("too many requests: retry in"), "{}", r.text);
    assert!(r.header("retry-after").is_some());
    // The API's own sign-in still answers JSON.
    let r = api
        .call(
            "POST",
            "/api/session",
            None,
            &[],
            Some((
                "application/json",
                br#"{"name":"alice","password":"wrong"}"#.to_vec(),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.json["error"]["code"], "rate_limited");
    db.cleanup().await;
}

#[tokio::test]
async fn a_new_model_is_created_through_the_form_and_its_creator_owns_it() {
    for db in databases().await {
        let api = Api::new(&db).await;
        let alice = api.user("alice").await;
        let mut browser = Browser::new(&api);
        let csrf = browser.sign_in("alice").await;
        let home = browser.get("/").await;
        assert!(home.text.contains("action=\"/models\""), "{}", home.text);
        let content_type = |boundary: &str| format!("multipart/form-data; boundary={boundary}");
        // Without the session's token: refused, nothing created.
        let (body, boundary) = multipart("wrong", 0, "palisade: 1\nsystem:\n  name: Orders\n");
        let r = browser
            .request(
                "POST",
                "/models",
                &[],
                Some((&content_type(&boundary), body)),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        // An invalid model: the list again, with every problem and its place.
        let (body, boundary) = multipart(&csrf, 0, "palisade: 1\nsystem:\n  nme: Orders\n");
        let r = browser
            .request(
                "POST",
                "/models",
                &[],
                Some((&content_type(&boundary), body)),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert!(r.text.contains("nothing was saved"), "{}", r.text);
        assert!(r.text.contains("palisade.yaml:3:3"), "{}", r.text);
        assert!(r.text.contains("New model"));
        assert_eq!(api.get("/api/models", &alice).await.json, json!([]));
        // A valid one: created, owned by its creator, and the browser is sent to its page.
        let (body, boundary) = multipart(&csrf, 0, "palisade: 1\nsystem:\n  name: Orders\n");
        let r = browser
            .request(
                "POST",
                "/models",
                &[],
                Some((&content_type(&boundary), body)),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            db.label(),
            r.text
        );
        let location = r.header("location").expect("Location").to_owned();
        assert!(location.starts_with("/models/"), "{location}");
        let page = browser.get(&location).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("Orders"));
        assert!(page.text.contains("owner"));
        db.cleanup().await;
    }
}
