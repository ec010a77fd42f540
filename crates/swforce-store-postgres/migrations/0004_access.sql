-- Organisations, people, sign-in, API tokens and the audit log.

CREATE TABLE organisations (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT   COLLATE "C" NOT NULL UNIQUE,
    kind         TEXT   COLLATE "C" NOT NULL,
    la_code      TEXT   COLLATE "C" UNIQUE,
    email_domain TEXT   COLLATE "C" UNIQUE,
    sso          TEXT   COLLATE "C", -- JSON: issuer, client_id, client_secret
    created_at   TEXT   COLLATE "C" NOT NULL
);

CREATE TABLE teams (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    name   TEXT   COLLATE "C" NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE users (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id          BIGINT NOT NULL REFERENCES organisations (id),
    team_id         BIGINT REFERENCES teams (id),
    email           TEXT   COLLATE "C" NOT NULL UNIQUE,
    name            TEXT   COLLATE "C" NOT NULL,
    roles           TEXT   COLLATE "C" NOT NULL, -- comma-separated role ids
    password_hash   TEXT   COLLATE "C",
    status          TEXT   COLLATE "C" NOT NULL,
    failed_sign_ins BIGINT NOT NULL DEFAULT 0,
    locked_until    TEXT   COLLATE "C",
    created_at      TEXT   COLLATE "C" NOT NULL,
    last_sign_in    TEXT   COLLATE "C"
);

CREATE TABLE sessions (
    id_hash    TEXT   COLLATE "C" PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT   COLLATE "C" NOT NULL,
    created_at TEXT   COLLATE "C" NOT NULL,
    expires_at TEXT   COLLATE "C" NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE one_time_tokens (
    kind       TEXT   COLLATE "C" NOT NULL,
    hash       TEXT   COLLATE "C" NOT NULL,
    org_id     BIGINT,
    user_id    BIGINT,
    email      TEXT   COLLATE "C",
    payload    TEXT   COLLATE "C" NOT NULL,
    expires_at TEXT   COLLATE "C" NOT NULL,
    used_at    TEXT   COLLATE "C",
    PRIMARY KEY (kind, hash)
);

CREATE TABLE failed_sign_ins (
    key TEXT COLLATE "C" NOT NULL,
    at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX failed_sign_ins_by_key ON failed_sign_ins (key, at);

CREATE TABLE api_tokens (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    name       TEXT   COLLATE "C" NOT NULL,
    hash       TEXT   COLLATE "C" NOT NULL UNIQUE,
    scopes     TEXT   COLLATE "C" NOT NULL, -- comma-separated
    created_at TEXT   COLLATE "C" NOT NULL,
    expires_at TEXT   COLLATE "C" NOT NULL,
    revoked_at TEXT   COLLATE "C",
    last_used  TEXT   COLLATE "C"
);

CREATE TABLE audit_log (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      TEXT   COLLATE "C" NOT NULL,
    org_id  BIGINT,
    user_id BIGINT,
    actor   TEXT   COLLATE "C" NOT NULL,
    action  TEXT   COLLATE "C" NOT NULL,
    target  TEXT   COLLATE "C" NOT NULL,
    detail  TEXT   COLLATE "C" NOT NULL,
    ip      TEXT   COLLATE "C" NOT NULL
);
CREATE INDEX audit_by_org ON audit_log (org_id, id);

-- The audit log is append-only: the database itself refuses changes, deletions and emptying,
-- whichever program asks (only the table's owner or a superuser could take the triggers away).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Saved scenarios belong to an organisation and a person, where saved by one.
ALTER TABLE scenarios ADD COLUMN org_id BIGINT;
ALTER TABLE scenarios ADD COLUMN user_id BIGINT;
