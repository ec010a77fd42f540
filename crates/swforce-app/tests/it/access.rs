//! Accounts, sign-in, lock-out, invitations, resets, tokens and admin scoping.

use crate::demo_app;
use jiff::{Timestamp, ToSpan};
use std::sync::Arc;
use swforce_app::AppError;
use swforce_app::access::{Origin, Outbox, Principal};
use swforce_domain::access::{Permission, Role};
use swforce_store::TokenKind;

fn origin() -> Origin {
    Origin {
        ip: "203.0.113.9".into(),
    }
}

fn secret_of(link: &str) -> &str {
    link.rsplit('/').next().unwrap()
}

struct World {
    t: crate::TestApp,
    outbox: std::path::PathBuf,
    admin: Principal,
}

/// A site admin, signed in, on an app with the demo statistics and a file outbox.
fn world() -> World {
    let mut t = demo_app();
    let outbox = t._dir.path().join("outbox");
    t.app = t.app.clone().with_mailer(Arc::new(Outbox {
        dir: outbox.clone(),
    }));
    let (user, secret) = t
        .app
        .create_site_admin("Admin@Example.org", "Ada Admin", "swforce administrators")
        .unwrap();
    assert_eq!(user.email, "admin@example.org");
    let signed = t
        .app
        .set_password_with(
            TokenKind::Invitation,
            &secret,
            "kettle-river-orange",
            "kettle-river-orange",
            &origin(),
        )
        .unwrap();
    World {
        t,
        outbox,
        admin: signed.principal,
    }
}

fn mails(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn an_admin_makes_an_organisation_and_invites_someone_who_signs_in_with_their_roles() {
    let w = World { ..world() };
    let app = &w.t.app;
    let kent = app
        .create_organisation(
            &w.admin,
            "Kent County Council",
            "local_authority",
            "Kent",
            "kent.gov.uk",
            &origin(),
        )
        .unwrap();
    assert_eq!(kent.la_code.as_deref(), Some("E10000016"));
    let (sam, link) = app
        .invite(
            &w.admin,
            kent.id,
            "sam@kent.gov.uk",
            "Sam Patel",
            &["workforce_analyst".into()],
            None,
            "http://localhost:8080",
            &origin(),
        )
        .unwrap();
    assert!(link.starts_with("http://localhost:8080/invitations/"));
    let sent = mails(&w.outbox);
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].contains("To: sam@kent.gov.uk") && sent[0].contains(&link),
        "{}",
        sent[0]
    );
    // No password yet: signing in fails like a wrong password.
    assert!(
        app.sign_in("sam@kent.gov.uk", "anything-at-all-long", &origin())
            .is_err()
    );
    let signed = app
        .set_password_with(
            TokenKind::Invitation,
            secret_of(&link),
            "granite-meadow-lantern",
            "granite-meadow-lantern",
            &origin(),
        )
        .unwrap();
    assert_eq!(signed.principal.user.id, sam.id);
    assert_eq!(signed.principal.org.id, kent.id);
    assert!(signed.principal.can(Permission::ImportCensus));
    assert!(!signed.principal.can(Permission::ManageUsers));
    // The link worked once.
    let again = app.set_password_with(
        TokenKind::Invitation,
        secret_of(&link),
        "granite-meadow-lantern",
        "granite-meadow-lantern",
        &origin(),
    );
    assert!(
        matches!(again, Err(AppError::Invalid { problem, .. }) if problem.contains("expired or has already been used"))
    );
    let s = app
        .sign_in("SAM@kent.gov.uk ", "granite-meadow-lantern", &origin())
        .unwrap();
    let (p, csrf) = app.session_principal(&s.cookie).unwrap().unwrap();
    assert_eq!(p.user.id, sam.id);
    assert_eq!(csrf, s.csrf);
    assert!(
        app.session_principal("0".repeat(64).as_str())
            .unwrap()
            .is_none()
    );
    let log = app.audit_log(&w.admin, Some(kent.id), 100).unwrap();
    let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"sign_in")
            && actions.contains(&"invitation_accepted")
            && actions.contains(&"admin"),
        "{actions:?}"
    );
}

#[test]
fn five_wrong_passwords_lock_the_account_for_fifteen_minutes_and_every_failure_is_logged() {
    let w = world();
    let app = &w.t.app;
    let now = Timestamp::now();
    for i in 0..5 {
        let e = app
            .sign_in_at(
                "admin@example.org",
                "wrong-password-guess",
                &origin(),
                now + (i * 10).seconds(),
            )
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid { problem, .. } if problem.contains("not right")),
            "{e:?}"
        );
    }
    // Locked: even the right password is refused, with when it will open.
    let e = app
        .sign_in_at(
            "admin@example.org",
            "kettle-river-orange",
            &origin(),
            now + 60.seconds(),
        )
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid { problem, .. } if problem.contains("locked until")),
        "{e:?}"
    );
    // After the lock, the right password works and resets the count.
    let later = now + 16.minutes();
    let s = app
        .sign_in_at("admin@example.org", "kettle-river-orange", &origin(), later)
        .unwrap();
    assert_eq!(s.principal.user.failed_sign_ins, 0);
    let log = app.audit_log(&w.admin, None, 100).unwrap();
    assert_eq!(
        log.iter().filter(|e| e.action == "sign_in_failed").count(),
        6
    );
    assert!(log.iter().all(|e| e.ip == "203.0.113.9" || e.ip.is_empty()));
    // Unknown accounts are refused the same way, and logged.
    let e = app
        .sign_in("nobody@example.org", "kettle-river-orange", &origin())
        .unwrap_err();
    assert!(matches!(&e, AppError::Invalid { problem, .. } if problem.contains("not right")));
}

#[test]
fn one_address_failing_against_many_accounts_is_made_to_wait() {
    let w = world();
    let app = &w.t.app;
    let now = Timestamp::now();
    let from = Origin {
        ip: "198.51.100.7".into(),
    };
    for i in 0..swforce_app::access::ADDRESS_LIMIT {
        let _ = app.sign_in_at(
            &format!("guess{i}@example.org"),
            "wrong-password-guess",
            &from,
            now,
        );
    }
    let e = app
        .sign_in_at("admin@example.org", "kettle-river-orange", &from, now)
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid { problem, .. } if problem.contains("from your network")),
        "{e:?}"
    );
    // Another address is not affected.
    app.sign_in_at("admin@example.org", "kettle-river-orange", &origin(), now)
        .unwrap();
}

#[test]
fn a_password_reset_email_sets_a_new_password_and_signs_out_everywhere() {
    let w = world();
    let app = &w.t.app;
    let old = app
        .sign_in("admin@example.org", "kettle-river-orange", &origin())
        .unwrap();
    app.request_password_reset("nobody@example.org", "https://swforce.example", &origin())
        .unwrap();
    assert!(
        mails(&w.outbox).is_empty(),
        "no email for an unknown address, and no hint either"
    );
    app.request_password_reset("admin@example.org", "https://swforce.example", &origin())
        .unwrap();
    let sent = mails(&w.outbox);
    assert_eq!(sent.len(), 1);
    let link = sent[0]
        .lines()
        .find(|l| l.starts_with("https://swforce.example/password-reset/"))
        .unwrap()
        .trim();
    let mismatch = app.set_password_with(
        TokenKind::PasswordReset,
        secret_of(link),
        "new-granite-sky",
        "new-granite-skY",
        &origin(),
    );
    assert!(
        matches!(mismatch, Err(AppError::Invalid { problem, .. }) if problem.contains("do not match"))
    );
    app.set_password_with(
        TokenKind::PasswordReset,
        secret_of(link),
        "new-granite-sky",
        "new-granite-sky",
        &origin(),
    )
    .unwrap();
    assert!(
        app.session_principal(&old.cookie).unwrap().is_none(),
        "the old session ended"
    );
    assert!(
        app.sign_in("admin@example.org", "kettle-river-orange", &origin())
            .is_err()
    );
    app.sign_in("admin@example.org", "new-granite-sky", &origin())
        .unwrap();
    // An invitation secret is not a reset secret.
    assert!(
        app.set_password_with(
            TokenKind::Invitation,
            secret_of(link),
            "new-granite-sky",
            "new-granite-sky",
            &origin()
        )
        .is_err()
    );
    // Three requests an hour at most.
    for _ in 0..5 {
        app.request_password_reset("admin@example.org", "https://swforce.example", &origin())
            .unwrap();
    }
    assert_eq!(mails(&w.outbox).len(), 3);
}

#[test]
fn sign_out_everywhere_ends_every_session_and_an_admin_lock_ends_them_too() {
    let w = world();
    let app = &w.t.app;
    let kent = app
        .create_organisation(
            &w.admin,
            "Kent County Council",
            "local_authority",
            "E10000016",
            "",
            &origin(),
        )
        .unwrap();
    let (_, link) = app
        .invite(
            &w.admin,
            kent.id,
            "jo@kent.gov.uk",
            "Jo",
            &["social_worker".into()],
            None,
            "http://x",
            &origin(),
        )
        .unwrap();
    let a = app
        .set_password_with(
            TokenKind::Invitation,
            secret_of(&link),
            "granite-meadow-lantern",
            "granite-meadow-lantern",
            &origin(),
        )
        .unwrap();
    let b = app
        .sign_in("jo@kent.gov.uk", "granite-meadow-lantern", &origin())
        .unwrap();
    assert_eq!(app.sign_out_everywhere(&a.principal, &origin()).unwrap(), 2);
    assert!(app.session_principal(&b.cookie).unwrap().is_none());
    let c = app
        .sign_in("jo@kent.gov.uk", "granite-meadow-lantern", &origin())
        .unwrap();
    app.update_person(
        &w.admin,
        c.principal.user.id,
        &["social_worker".into()],
        None,
        true,
        &origin(),
    )
    .unwrap();
    assert!(
        app.session_principal(&c.cookie).unwrap().is_none(),
        "locking ends sessions"
    );
    let e = app
        .sign_in("jo@kent.gov.uk", "granite-meadow-lantern", &origin())
        .unwrap_err();
    assert!(matches!(&e, AppError::Invalid { problem, .. } if problem.contains("locked")));
}

#[test]
fn an_organisation_admin_manages_only_their_own_people_and_gives_only_organisation_roles() {
    let w = world();
    let app = &w.t.app;
    let kent = app
        .create_organisation(
            &w.admin,
            "Kent County Council",
            "local_authority",
            "E10000016",
            "kent.gov.uk",
            &origin(),
        )
        .unwrap();
    let surrey = app
        .create_organisation(
            &w.admin,
            "Surrey County Council",
            "local_authority",
            "E10000030",
            "",
            &origin(),
        )
        .unwrap();
    let (_, link) = app
        .invite(
            &w.admin,
            kent.id,
            "boss@kent.gov.uk",
            "Boss",
            &["org_admin".into()],
            None,
            "http://x",
            &origin(),
        )
        .unwrap();
    let boss = app
        .set_password_with(
            TokenKind::Invitation,
            secret_of(&link),
            "granite-meadow-lantern",
            "granite-meadow-lantern",
            &origin(),
        )
        .unwrap()
        .principal;
    let (jo, _) = app
        .invite(
            &w.admin,
            surrey.id,
            "jo@surrey.gov.uk",
            "Jo",
            &["social_worker".into()],
            None,
            "http://x",
            &origin(),
        )
        .unwrap();
    // Another organisation is not found, whichever way it is reached.
    assert!(matches!(
        app.people(&boss, surrey.id),
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        app.person(&boss, jo.id),
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        app.invite(
            &boss,
            surrey.id,
            "x@surrey.gov.uk",
            "X",
            &["social_worker".into()],
            None,
            "http://x",
            &origin()
        ),
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        app.audit_log(&boss, Some(surrey.id), 10),
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        app.organisation_for(&boss, surrey.id),
        Err(AppError::NotFound { .. })
    ));
    assert!(
        app.audit_log(&boss, None, 100)
            .unwrap()
            .iter()
            .all(|e| e.org_id == Some(kent.id))
    );
    assert_eq!(app.organisations_for(&boss).unwrap().len(), 1);
    assert!(matches!(
        app.create_organisation(&boss, "Mine", "campaign", "", "", &origin()),
        Err(AppError::Forbidden { .. })
    ));
    // National roles are the site admin's to give.
    let e = app
        .invite(
            &boss,
            kent.id,
            "n@kent.gov.uk",
            "N",
            &["national_analyst".into()],
            None,
            "http://x",
            &origin(),
        )
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden { .. }));
    let team = app
        .create_team(&boss, kent.id, "Assessment East", &origin())
        .unwrap();
    let (n, _) = app
        .invite(
            &boss,
            kent.id,
            "n@kent.gov.uk",
            "N",
            &["team_manager".into()],
            Some(team.id),
            "http://x",
            &origin(),
        )
        .unwrap();
    assert_eq!(n.team_id, Some(team.id));
    assert_eq!(n.roles, [Role::TeamManager]);
    // Nor can an admin lock themselves out.
    assert!(
        app.update_person(
            &boss,
            boss.user.id,
            &["org_admin".into()],
            None,
            true,
            &origin()
        )
        .is_err()
    );
    assert!(
        app.update_person(
            &boss,
            boss.user.id,
            &["social_worker".into()],
            None,
            false,
            &origin()
        )
        .is_err()
    );
    // A social worker can do none of this.
    let (_, link) = app
        .invite(
            &boss,
            kent.id,
            "sw@kent.gov.uk",
            "S",
            &["social_worker".into()],
            None,
            "http://x",
            &origin(),
        )
        .unwrap();
    let sw = app
        .set_password_with(
            TokenKind::Invitation,
            secret_of(&link),
            "granite-meadow-lantern",
            "granite-meadow-lantern",
            &origin(),
        )
        .unwrap()
        .principal;
    assert!(matches!(
        app.people(&sw, kent.id),
        Err(AppError::Forbidden { .. })
    ));
    assert!(matches!(
        app.audit_log(&sw, None, 10),
        Err(AppError::Forbidden { .. })
    ));
}

#[test]
fn api_tokens_act_within_their_scopes_and_stop_when_revoked() {
    let w = world();
    let app = &w.t.app;
    let kent = app
        .create_organisation(
            &w.admin,
            "Kent County Council",
            "local_authority",
            "E10000016",
            "",
            &origin(),
        )
        .unwrap();
    let (_, link) = app
        .invite(
            &w.admin,
            kent.id,
            "an@kent.gov.uk",
            "An",
            &["workforce_analyst".into()],
            None,
            "http://x",
            &origin(),
        )
        .unwrap();
    let an = app
        .set_password_with(
            TokenKind::Invitation,
            secret_of(&link),
            "granite-meadow-lantern",
            "granite-meadow-lantern",
            &origin(),
        )
        .unwrap()
        .principal;
    let made = app
        .create_api_token(
            &an,
            "Power BI",
            &["census:read".into(), "scenarios:read".into()],
            30,
            &origin(),
        )
        .unwrap();
    assert!(made.secret.starts_with("swf_"));
    assert!(
        !format!("{made:?}").contains(&made.secret),
        "the secret is not printed"
    );
    let p = app.token_principal(&made.secret).unwrap().unwrap();
    assert!(p.can_read(Permission::ImportCensus));
    assert!(
        !p.can(Permission::ImportCensus),
        "a read scope never grants a write: the token cannot store a return"
    );
    assert!(
        !p.can_read(Permission::SaveScenarios) && !p.can(Permission::SaveScenarios),
        "the owner may, but the token was not given the scope"
    );
    // Account actions are for a signed-in browser, whatever the token's scopes.
    for refused in [
        app.sign_out_everywhere(&p, &origin()).err(),
        app.revoke_api_token(&p, made.token.id, &origin()).err(),
        app.create_api_token(&p, "y", &["census:read".into()], 30, &origin())
            .err(),
        app.api_tokens(&p).err(),
    ] {
        assert!(
            matches!(refused, Some(AppError::Forbidden { .. })),
            "{refused:?}"
        );
    }
    assert!(
        app.token_principal(&made.secret).unwrap().is_some(),
        "the token did not revoke itself"
    );
    assert!(
        matches!(
            app.create_api_token(&an, "x", &["audit:read".into()], 30, &origin()),
            Err(AppError::Forbidden { .. })
        ),
        "no scope beyond the owner's roles"
    );
    assert!(
        app.create_api_token(&an, "x", &["nonsense".into()], 30, &origin())
            .is_err()
    );
    assert!(
        app.create_api_token(&an, "x", &["census:read".into()], 400, &origin())
            .is_err()
    );
    assert!(app.token_principal("swf_0000").unwrap().is_none());
    app.revoke_api_token(&an, made.token.id, &origin()).unwrap();
    assert!(app.token_principal(&made.secret).unwrap().is_none());
    assert!(
        matches!(
            app.revoke_api_token(&w.admin, made.token.id, &origin()),
            Err(AppError::NotFound { .. })
        ),
        "not someone else's to revoke"
    );
    // A social worker cannot make tokens at all.
    let (_, link) = app
        .invite(
            &w.admin,
            kent.id,
            "sw@kent.gov.uk",
            "S",
            &["social_worker".into()],
            None,
            "http://x",
            &origin(),
        )
        .unwrap();
    let sw = app
        .set_password_with(
            TokenKind::Invitation,
            secret_of(&link),
            "granite-meadow-lantern",
            "granite-meadow-lantern",
            &origin(),
        )
        .unwrap()
        .principal;
    assert!(matches!(
        app.create_api_token(&sw, "x", &["scenarios:read".into()], 30, &origin()),
        Err(AppError::Forbidden { .. })
    ));
}

#[test]
fn names_with_line_breaks_are_refused_and_no_text_adds_a_header_to_an_email() {
    let w = world();
    let app = &w.t.app;
    let evil = "Evil\r\nBcc: injected@evil.example\r\nX-Walk: 1";
    let refused = app.create_organisation(&w.admin, evil, "campaign", "", "", &origin());
    assert!(
        matches!(&refused, Err(AppError::Invalid { problem, .. }) if problem.contains("one line")),
        "{refused:?}"
    );
    let org = app
        .create_organisation(&w.admin, "Good Campaign", "campaign", "", "", &origin())
        .unwrap();
    let team = app.create_team(&w.admin, org.id, "Team\nX-Walk: 1", &origin());
    assert!(matches!(team, Err(AppError::Invalid { .. })), "{team:?}");
    for (email, name) in [
        ("new@example.org", "New\r\nBcc: injected@evil.example"),
        ("new@example.org\r\nBcc: injected@evil.example", "New"),
        ("kmod\u{200b}@example.org", "New"),
        ("k\u{202e}mod@example.org", "New"),
        ("x\u{ad}y@example.org", "New"),
        ("it%evil.test@example.org", "New"),
        ("x..y@example.org", "New"),
        (".x@example.org", "New"),
        ("x<y>@example.org", "New"),
        ("(c)x@example.org", "New"),
        ("\"quoted\"@example.org", "New"),
        ("a@b@example.org", "New"),
        ("x@-example.org", "New"),
    ] {
        let invite = app.invite(
            &w.admin,
            org.id,
            email,
            name,
            &["social_worker".into()],
            None,
            "http://x",
            &origin(),
        );
        assert!(
            matches!(invite, Err(AppError::Invalid { .. })),
            "{invite:?}"
        );
    }
    for sneaky in [
        "Evil\u{2028}Bcc: x@evil.test",
        "Evil\u{2029}X",
        "Evil\u{202E}lanruoj",
        "Evil\u{200B}",
        "Evil =?utf-8?b?QmNjOiB4QGV2aWwudGVzdA==?=",
        "Evil\u{85}Bcc",
    ] {
        let refused = app.create_organisation(&w.admin, sneaky, "campaign", "", "", &origin());
        assert!(
            matches!(&refused, Err(AppError::Invalid { .. })),
            "{sneaky:?}: {refused:?}"
        );
    }
    assert!(mails(&w.outbox).is_empty());
    // Whatever reaches the mailer, its typed builder keeps it inside its header.
    let mail = swforce_app::access::Mail {
        to: "someone@example.org".into(),
        subject: format!("Invited by {evil}"),
        body: "Hello\nBcc: not-a-header@evil.example\n".into(),
    };
    let from = "swforce <no-reply@example.org>".parse().unwrap();
    for message in [
        mail.message(from).unwrap(),
        mail.readable_message("swforce <no-reply@example.org>".parse().unwrap())
            .unwrap(),
    ] {
        let text = String::from_utf8(message.formatted()).unwrap();
        let head = text.split("\r\n\r\n").next().unwrap();
        for line in head.lines() {
            assert!(
                !line.starts_with("Bcc") && !line.starts_with("X-Walk"),
                "{text}"
            );
        }
        assert!(!head.contains("injected@evil.example\r\n"), "{text}");
    }
}

#[test]
fn a_council_made_since_the_statistics_on_record_can_be_an_organisation() {
    let w = world();
    for (text, code) in [
        ("E06000063", "E06000063"),
        ("westmorland and furness", "E06000064"),
    ] {
        let org =
            w.t.app
                .create_organisation(&w.admin, text, "local_authority", text, "", &origin())
                .unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(org.la_code.as_deref(), Some(code));
    }
    // A name that is no council at all is still refused.
    assert!(
        w.t.app
            .create_organisation(
                &w.admin,
                "Nowhere",
                "local_authority",
                "Nowhereshire",
                "",
                &origin()
            )
            .is_err()
    );
}
