-- Palisade server schema, SQLite. Ids are text, times are milliseconds since the Unix epoch.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE sessions (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE models (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    latest_version BIGINT NOT NULL,
    deleted_at BIGINT
);

CREATE TABLE model_versions (
    model_id TEXT NOT NULL REFERENCES models (id),
    version BIGINT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('yaml', 'json')),
    body TEXT NOT NULL,
    specs TEXT NOT NULL,
    hash TEXT NOT NULL,
    author TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    message TEXT,
    PRIMARY KEY (model_id, version)
);

CREATE TABLE roles (
    model_id TEXT NOT NULL REFERENCES models (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    PRIMARY KEY (model_id, user_id)
);
CREATE INDEX roles_by_user ON roles (user_id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    model_id TEXT,
    threat_id TEXT,
    before_state TEXT,
    after_state TEXT,
    request_id TEXT
);
CREATE INDEX audit_by_model ON audit_log (model_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
