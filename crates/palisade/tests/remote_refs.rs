//! Remote `$ref`s: refused by default; with `--allow-remote-refs`, fetched over HTTP (from a
//! server on loopback started by the test), and so are the references inside the fetched
//! documents, resolved against their URL: a remote document never reads a local file.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

/// Serves `files` (path → body) on loopback until the test ends; anything else is a 404.
fn serve(files: Vec<(&'static str, &'static str)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let address = listener.local_addr().expect("its address");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Drain the headers.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let (status, body) = files
                .iter()
                .find(|(p, _)| *p == path)
                .map_or(("404 Not Found", "not found"), |(_, b)| ("200 OK", *b));
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/yaml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{address}")
}

const COMMON: &str = "components:\n  schemas:\n    User:\n      type: object\n      properties:\n        name: { type: string }\n        password: { type: string }\n        address: { $ref: 'more/address.yaml#/Address' }\n        secrets: { $ref: '/etc/passwd#/x' }\n";
const ADDRESS: &str = "Address:\n  type: object\n  properties:\n    street: { type: string }\n";

fn spec(base: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{ title: Remote, version: '1' }}\npaths:\n  /users/{{id}}:\n    get:\n      parameters:\n        - {{ name: id, in: path, required: true, schema: {{ type: string, format: uuid }} }}\n      responses:\n        '200':\n          description: A user\n          content:\n            application/json:\n              schema: {{ $ref: '{base}/schemas/common.yaml#/components/schemas/User' }}\n"
    )
}

fn palisade(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("palisade").expect("the binary is built");
    cmd.current_dir(dir).args(["--color", "never"]);
    cmd
}

#[test]
fn remote_references_are_refused_unless_allowed_and_then_fetched() {
    let base = serve(vec![
        ("/schemas/common.yaml", COMMON),
        ("/schemas/more/address.yaml", ADDRESS),
    ]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("openapi.yaml"), spec(&base)).unwrap();

    // Refused by default, with the reason and the way out.
    palisade(dir.path())
        .args(["analyze", "--exit-zero", "openapi.yaml"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning[PAL-E0307]"))
        .stderr(predicate::str::contains("--allow-remote-refs"));

    // Allowed: fetched, and the secret in the remote schema is found, located in the remote file.
    let out = palisade(dir.path())
        .args([
            "analyze",
            "--format",
            "json",
            "--exit-zero",
            "--allow-remote-refs",
            "openapi.yaml",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("PAL-E0307"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let secret = report["threats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["rule"] == "OP011")
        .expect("the password in the remote schema is found");
    assert_eq!(
        secret["location"]["file"],
        format!("{base}/schemas/common.yaml")
    );
    // The fetched document's own relative reference was fetched too (no warning about it); its
    // `/etc/passwd` reference went to the server, not to the local file system, and failed there.
    assert!(
        stderr.contains(&format!("cannot fetch `{base}/etc/passwd`")),
        "{stderr}"
    );
    assert!(
        !stderr.contains("address.yaml"),
        "the relative reference resolved: {stderr}"
    );
    let inventory = palisade(dir.path())
        .args([
            "inventory",
            "--format",
            "json",
            "--allow-remote-refs",
            "openapi.yaml",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let inventory: serde_json::Value = serde_json::from_slice(&inventory.stdout).unwrap();
    assert_eq!(inventory["operations"].as_array().unwrap().len(), 1);
}
