-- Single sign-on: the provider's own id (issuer and subject) of each account it has signed in,
-- matched on at every sign-on after the first; and the email domains a site admin has shown
-- belong to an organisation, the only ones that send anyone to its provider.
CREATE TABLE sso_links (
    issuer    TEXT   NOT NULL,
    subject   TEXT   NOT NULL,
    user_id   BIGINT NOT NULL REFERENCES users (id),
    linked_at TEXT   NOT NULL,
    PRIMARY KEY (issuer, subject),
    UNIQUE (issuer, user_id)
);

CREATE TABLE verified_domains (
    org_id      BIGINT NOT NULL PRIMARY KEY REFERENCES organisations (id),
    domain      TEXT   NOT NULL,
    verified_at TEXT   NOT NULL,
    verified_by TEXT   NOT NULL
);
