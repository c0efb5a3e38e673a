//! `palisade serve` as a real process: an acknowledged write survives `kill -9`, and two server
//! processes on one database never let one edit overwrite another. On SQLite, and on
//! PostgreSQL when `PALISADE_TEST_POSTGRES` (or `DATABASE_URL`) names a server.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use palisade_server::testing::{TestDatabase, databases};
use serde_json::{Value, json};

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("palisade")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("a runtime")
}

/// A running `palisade serve`, killed with SIGKILL when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(db: &str) -> Self {
        let mut child = Command::new(binary())
            .args([
                "serve",
                "--db",
                db,
                "--bind",
                "127.0.0.1:0",
                "--rate-limit",
                "0",
            ])
            .env("PALISADE_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("palisade serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the first line");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        Self { child, addr }
    }

    fn kill(&mut self) {
        // `Child::kill` sends SIGKILL on Unix: no shutdown, no flush.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

struct Reply {
    status: u16,
    headers: String,
    json: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// One HTTP/1.1 request on a fresh connection.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_mins(1)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n"
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or(("text/plain", b""));
    request.push_str(&format!(
        "Content-Type: {}\r\nContent-Length: {}\r\n\r\n",
        body.0,
        body.1.len()
    ));
    stream.write_all(request.as_bytes())?;
    stream.write_all(body.1)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let Some((head, mut body)) = text.split_once("\r\n\r\n") else {
        return Err(std::io::Error::other(format!("no response: {text:?}")));
    };
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let decoded;
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        decoded = dechunk(body);
        body = &decoded;
    }
    Ok(Reply {
        status,
        headers: head.to_owned(),
        json: serde_json::from_str(body).unwrap_or(Value::Null),
    })
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Creates user `name` with the admin command and returns a write token.
fn user(db: &str, name: &str) -> String {
    let mut child = Command::new(binary())
        .args(["admin", "create-user", "--db", db, "--name", name])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("admin create-user");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"a long enough password\n")
        .expect("password");
    assert!(child.wait().expect("exit").success());
    let out = Command::new(binary())
        .args([
            "admin",
            "create-token",
            "--db",
            db,
            "--user",
            name,
            "--scope",
            "write",
        ])
        .output()
        .expect("admin create-token");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .trim()
        .to_owned()
}

/// `(model id, version, hash, text)` of a save the server acknowledged.
type Acked = (String, i64, String, String);

fn model_text(name: &str) -> String {
    format!("palisade: 1\nsystem:\n  name: {name}\n")
}

fn create(addr: &str, token: &str, body: (&str, &[u8])) -> String {
    let r = http(addr, "POST", "/api/models", token, &[], Some(body)).expect("create");
    assert_eq!(r.status, 201, "{}", r.json);
    r.json["id"].as_str().expect("id").to_owned()
}

fn each_database(test: impl Fn(&TestDatabase)) {
    let rt = runtime();
    for db in rt.block_on(databases()) {
        test(&db);
        rt.block_on(db.cleanup());
    }
}

/// Writers save versions as fast as they can; the server is killed with SIGKILL in the middle;
/// after a restart every version it acknowledged is there, with the content it acknowledged.
#[test]
fn every_acknowledged_version_survives_kill_9() {
    each_database(|db| {
        let token = user(&db.url, "writer");
        let mut server = Server::start(&db.url);
        let acked: Arc<Mutex<Vec<Acked>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicUsize::new(0));
        let mut writers = Vec::new();
        for w in 0..4 {
            let (addr, token) = (server.addr.clone(), token.clone());
            let (acked, stop, count) = (Arc::clone(&acked), Arc::clone(&stop), Arc::clone(&count));
            // Each writer's model exists before the load starts, so the kill lands on saves.
            let first = model_text(&format!("writer {w} v1"));
            let id = create(&addr, &token, ("application/yaml", first.as_bytes()));
            writers.push(std::thread::spawn(move || {
                let mut version = 1;
                // Bounded: stops on the kill, or after 2000 saves.
                for _ in 0..2000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let text = model_text(&format!("writer {w} v{}", version + 1));
                    let etag = format!("\"v{version}\"");
                    let Ok(r) = http(
                        &addr,
                        "PUT",
                        &format!("/api/models/{id}"),
                        &token,
                        &[("If-Match", &etag)],
                        Some(("application/yaml", text.as_bytes())),
                    ) else {
                        break;
                    };
                    if r.status != 200 {
                        break;
                    }
                    version = r.json["version"]["version"].as_i64().expect("version");
                    let hash = r.json["version"]["hash"].as_str().expect("hash").to_owned();
                    acked
                        .lock()
                        .expect("lock")
                        .push((id.clone(), version, hash, text));
                    count.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        // Kill once enough writes are acknowledged, while the writers are still writing.
        for _ in 0..6000 {
            if count.load(Ordering::Relaxed) >= 60 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().expect("writer");
        }
        let acked = acked.lock().expect("lock").clone();
        assert!(
            acked.len() >= 60,
            "[{}] only {} writes before the kill",
            db.label(),
            acked.len()
        );
        let server = Server::start(&db.url);
        for (id, version, hash, text) in &acked {
            let r = http(
                &server.addr,
                "GET",
                &format!("/api/models/{id}/versions/{version}"),
                &token,
                &[],
                None,
            )
            .expect("read back");
            assert_eq!(
                r.status,
                200,
                "[{}] version {version} of {id} is lost",
                db.label()
            );
            assert_eq!(r.json["hash"], hash.as_str());
            assert_eq!(r.json["model"], text.as_str());
        }
    });
}

/// Two server processes share one database. Editors who all start from the same version race
/// through both: exactly one save wins and every other one is told (412). Editors deciding
/// different threats at once all succeed, and every decision is in the final model.
#[test]
fn two_servers_on_one_database_never_overwrite_an_edit() {
    each_database(|db| {
        let token = user(&db.url, "editor");
        let a = Server::start(&db.url);
        let b = Server::start(&db.url);
        let addrs = [a.addr.clone(), b.addr.clone()];

        let id = create(
            &addrs[0],
            &token,
            ("application/yaml", model_text("race").as_bytes()),
        );
        let editors: Vec<_> = (0..8)
            .map(|e| {
                let (addr, token, id) = (addrs[e % 2].clone(), token.clone(), id.clone());
                std::thread::spawn(move || {
                    let text = model_text(&format!("edit {e}"));
                    let r = http(
                        &addr,
                        "PUT",
                        &format!("/api/models/{id}"),
                        &token,
                        &[("If-Match", "\"v1\"")],
                        Some(("application/yaml", text.as_bytes())),
                    )
                    .expect("PUT");
                    (r.status, text)
                })
            })
            .collect();
        let results: Vec<(u16, String)> = editors
            .into_iter()
            .map(|t| t.join().expect("editor"))
            .collect();
        let winners: Vec<&String> = results
            .iter()
            .filter(|(s, _)| *s == 200)
            .map(|(_, t)| t)
            .collect();
        assert_eq!(winners.len(), 1, "[{}] {results:?}", db.label());
        assert!(
            results.iter().all(|(s, _)| *s == 200 || *s == 412),
            "{results:?}"
        );
        let v2 = http(
            &addrs[1],
            "GET",
            &format!("/api/models/{id}/versions/2"),
            &token,
            &[],
            None,
        )
        .expect("v2");
        assert_eq!(v2.json["model"], winners[0].as_str());
        let history = http(
            &addrs[0],
            "GET",
            &format!("/api/models/{id}/versions"),
            &token,
            &[],
            None,
        )
        .expect("history");
        assert_eq!(history.json.as_array().expect("versions").len(), 2);

        // Decisions on different threats, at once, through both servers.
        let shop = std::fs::read_to_string(repo().join("examples/shop.yaml")).expect("shop");
        let spec =
            std::fs::read_to_string(repo().join("examples/openapi/shop.yaml")).expect("spec");
        let envelope = json!({"model": shop, "specs": {"openapi/shop.yaml": spec}}).to_string();
        let id = create(&addrs[0], &token, ("application/json", envelope.as_bytes()));
        let analysis = http(
            &addrs[0],
            "GET",
            &format!("/api/models/{id}/analysis"),
            &token,
            &[],
            None,
        )
        .expect("analysis");
        let threats: Vec<String> = analysis.json["threats"]
            .as_array()
            .expect("threats")
            .iter()
            .take(6)
            .map(|t| t["id"].as_str().expect("id").to_owned())
            .collect();
        let deciders: Vec<_> = threats
            .iter()
            .enumerate()
            .map(|(i, threat)| {
                let (addr, token, id, threat) = (
                    addrs[i % 2].clone(),
                    token.clone(),
                    id.clone(),
                    threat.clone(),
                );
                std::thread::spawn(move || {
                    let path = format!("/api/models/{id}/threats/{threat}");
                    let etag = http(&addr, "GET", &path, &token, &[], None)
                        .expect("threat")
                        .header("etag")
                        .expect("etag");
                    let body = format!(r#"{{"status":"mitigated","owner":"owner-{i}"}}"#);
                    http(
                        &addr,
                        "PATCH",
                        &path,
                        &token,
                        &[("If-Match", &etag)],
                        Some(("application/json", body.as_bytes())),
                    )
                    .expect("PATCH")
                    .status
                })
            })
            .collect();
        let statuses: Vec<u16> = deciders
            .into_iter()
            .map(|t| t.join().expect("decider"))
            .collect();
        assert!(
            statuses.iter().all(|s| *s == 200),
            "[{}] {statuses:?}",
            db.label()
        );
        let latest = http(
            &addrs[1],
            "GET",
            &format!("/api/models/{id}"),
            &token,
            &[],
            None,
        )
        .expect("model");
        assert_eq!(
            latest.json["model"]["latest_version"],
            1 + i64::try_from(threats.len()).expect("small")
        );
        let text = latest.json["latest"]["model"].as_str().expect("text");
        for (i, threat) in threats.iter().enumerate() {
            assert!(
                text.contains(&format!("id: {threat}")),
                "[{}] lost {threat}",
                db.label()
            );
            assert!(
                text.contains(&format!("owner: owner-{i}")),
                "[{}] lost owner-{i}",
                db.label()
            );
        }
    });
}

#[test]
fn admin_commands_refuse_bad_input_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("palisade.db").display().to_string();
    let mut short = Command::new(binary())
        .args(["admin", "create-user", "--db", &db, "--name", "alice"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("admin");
    short
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"short\n")
        .expect("write");
    let out = short.wait_with_output().expect("exit");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 8 characters"));
    let out = Command::new(binary())
        .args(["admin", "create-token", "--db", &db, "--user", "nobody"])
        .output()
        .expect("admin");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user named `nobody`"));
    assert!(out.stdout.is_empty(), "no token is printed");
    let out = Command::new(binary())
        .args(["serve", "--db", "mysql://x", "--bind", "127.0.0.1:0"])
        .output()
        .expect("serve");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}
