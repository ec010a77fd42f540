//! Signing in and out over HTTP: cookies, form tokens, headers, and what each role sees.

use crate::browser::PASSWORD;
use crate::{spawn_app, spawn_app_with};
use swforce_web::Options;

#[test]
fn signing_in_sets_a_safe_session_cookie_shows_who_is_signed_in_and_signing_out_ends_it() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let sam = app.person(kent, "sam@kent.test", &["social_worker"]);
    let session = sam.cookie("swforce_session").expect("a session cookie");
    assert_eq!(session.len(), 64);
    let home = sam.get("/");
    assert!(
        home.body.contains("Test Person, Kent County Council"),
        "the header names the person"
    );
    assert_eq!(home.header("cache-control"), Some("private, no-store"));
    // The page cache never hands one person's page to another: each sees their own bar.
    assert!(!app.get_page("/").contains("Test Person"));
    let jo = app.person(kent, "jo@kent.test", &["org_admin"]);
    for path in ["/", "/about", "/regions/E12000008"] {
        let (s, j) = (sam.get(path).body, jo.get(path).body);
        assert!(
            s.contains(&format!("value=\"{}\"", sam.csrf())) && !s.contains(">Administration<"),
            "{path}"
        );
        assert!(
            j.contains(&format!("value=\"{}\"", jo.csrf())) && j.contains(">Administration<"),
            "{path}"
        );
        assert!(!app.get_page(path).contains("Sign out"), "{path}");
    }
    let account = sam.get("/account");
    assert_eq!(account.status, 200);
    assert!(account.body.contains("sam@kent.test") && account.body.contains("Social worker"));
    let out = sam.post_form("/sign-out", &[]);
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), Some("/sign-in?signed_out=1"));
    assert!(sam.cookie("swforce_session").is_none());
    // The old cookie no longer works, even if kept.
    let replay = app.request(
        "GET",
        "/account",
        &[("cookie", &format!("swforce_session={session}"))],
        None,
    );
    assert_eq!(replay.status, 303);
    assert!(
        replay
            .header("location")
            .unwrap()
            .starts_with("/sign-in?next=%2Faccount")
    );
}

#[test]
fn the_session_cookie_is_http_only_same_site_and_secure_behind_tls() {
    let app = spawn_app_with(Options {
        public_url: "https://swforce.example".into(),
        ..Options::default()
    });
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    app.person(kent, "sam@kent.test", &["social_worker"]);
    let b = app.browser();
    let a = b.sign_in("sam@kent.test", PASSWORD);
    let cookie = a
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("swforce_session="))
        .unwrap()
        .1
        .clone();
    for part in [
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Path=/",
        "Max-Age=43200",
    ] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert_eq!(
        app.get("/about").header("strict-transport-security"),
        Some("max-age=31536000; includeSubDomains")
    );
    let plain = spawn_app();
    assert!(
        plain
            .get("/about")
            .header("strict-transport-security")
            .is_none(),
        "no HSTS without TLS"
    );
}

#[test]
fn a_wrong_password_is_refused_with_an_error_linked_to_the_field() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    app.person(kent, "sam@kent.test", &["social_worker"]);
    let b = app.browser();
    let a = b.sign_in("sam@kent.test", "not-the-password");
    assert_eq!(a.status, 422);
    assert!(a.body.contains("Email address or password is not right"));
    assert!(a.body.contains("href=\"#password\""));
    assert!(
        a.body.contains("value=\"sam@kent.test\""),
        "the email is kept"
    );
    assert!(b.cookie("swforce_session").is_none());
}

#[test]
fn every_form_needs_its_token_and_a_form_from_another_site_is_refused() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let sam = app.person(kent, "sam@kent.test", &["social_worker"]);
    let token = sam.csrf();
    let none = sam.post_raw("/sign-out", "application/x-www-form-urlencoded", b"");
    assert_eq!(none.status, 403);
    assert!(none.body.contains("This form has expired"));
    let wrong = sam.post_raw(
        "/sign-out",
        "application/x-www-form-urlencoded",
        format!("csrf={}", "0".repeat(64)).as_bytes(),
    );
    assert_eq!(wrong.status, 403);
    // Another person's token is no good either.
    let jo = app.person(kent, "jo@kent.test", &["social_worker"]);
    let theirs = jo.post_raw(
        "/sign-out",
        "application/x-www-form-urlencoded",
        format!("csrf={token}").as_bytes(),
    );
    assert_eq!(theirs.status, 403);
    let cross = app.request(
        "POST",
        "/sign-out",
        &[
            (
                "cookie",
                &format!("swforce_session={}", sam.cookie("swforce_session").unwrap()),
            ),
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", "https://evil.example"),
        ],
        Some(format!("csrf={token}").as_bytes()),
    );
    assert_eq!(cross.status, 403);
    assert_eq!(sam.get("/account").status, 200, "still signed in");
    // Someone not signed in gets a token in a cookie with the first page, and forms need it.
    let anon = app.browser();
    assert_eq!(
        anon.post_raw(
            "/password-reset",
            "application/x-www-form-urlencoded",
            b"email=a%40b.test"
        )
        .status,
        403
    );
    assert_eq!(
        anon.post_form("/password-reset", &[("email", "a@b.test")])
            .status,
        200
    );
}

#[test]
fn a_newcomer_is_invited_sets_a_password_and_is_signed_in() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let admin = app.site_admin();
    let (_, link) = app
        .app
        .invite(
            &admin,
            kent,
            "new@kent.test",
            "New Person",
            &["workforce_analyst".into()],
            None,
            "http://x",
            &Default::default(),
        )
        .unwrap();
    let path = link.trim_start_matches("http://x");
    let b = app.browser();
    let form = b.get(path);
    assert_eq!(form.status, 200);
    assert_eq!(
        form.header("referrer-policy"),
        Some("same-origin"),
        "the secret stays on this site"
    );
    assert!(form.body.contains("Set your password"));
    let short = b.post_form(path, &[("password", "short"), ("confirm", "short")]);
    assert_eq!(short.status, 422);
    assert!(
        short.body.contains("12 characters or more") && short.body.contains("href=\"#password\"")
    );
    let ok = b.post_form(path, &[("password", PASSWORD), ("confirm", PASSWORD)]);
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.header("location"), Some("/account?welcome=1"));
    let account = b.get("/account?welcome=1").body;
    assert!(account.contains("You are signed in") && account.contains("Workforce analyst"));
    let again = app
        .browser()
        .post_form(path, &[("password", PASSWORD), ("confirm", PASSWORD)]);
    assert!(again.body.contains("expired or has already been used"));
}

#[test]
fn a_password_reset_goes_by_email_and_ends_other_sessions() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let sam = app.person(kent, "sam@kent.test", &["social_worker"]);
    let b = app.browser();
    let a = b.post_form("/password-reset", &[("email", "sam@kent.test")]);
    assert!(a.body.contains("Check your email"));
    let mail = std::fs::read_dir(app.dir.path().join("outbox"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .find(|m| m.contains("Reset your swforce password"))
        .expect("a reset email");
    let link = mail
        .lines()
        .find(|l| l.contains("/password-reset/"))
        .unwrap()
        .trim()
        .to_string();
    let path = &link[link.find("/password-reset/").unwrap()..];
    let done = b.post_form(
        path,
        &[
            ("password", "new-river-granite"),
            ("confirm", "new-river-granite"),
        ],
    );
    assert_eq!(done.status, 303);
    assert_eq!(sam.get("/account").status, 303, "the other session ended");
    assert_eq!(
        app.browser()
            .sign_in("sam@kent.test", "new-river-granite")
            .status,
        303
    );
}

#[test]
fn api_tokens_are_made_shown_once_used_and_revoked_from_the_account_page() {
    let app = spawn_app();
    let kent = app.organisation("Kent County Council", Some("E10000016"));
    let an = app.person(kent, "an@kent.test", &["workforce_analyst"]);
    let page = an.get("/account").body;
    assert!(
        page.contains("Make a token")
            && page.contains("census:read")
            && !page.contains("statistics:import"),
        "only scopes the roles allow"
    );
    let made = an.post_form(
        "/account/tokens",
        &[
            ("name", "Dashboard"),
            ("scopes", "scenarios:read"),
            ("days", "30"),
        ],
    );
    assert_eq!(made.status, 200, "{}", made.body);
    let secret: String = made
        .body
        .split("swf_")
        .nth(1)
        .unwrap()
        .chars()
        .take(64)
        .collect();
    let secret = format!("swf_{secret}");
    let me = app.request(
        "GET",
        "/api/v1/me",
        &[("authorization", &format!("Bearer {secret}"))],
        None,
    );
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["email"], "an@kent.test");
    assert!(
        !an.get("/account").body.contains(&secret),
        "shown once only"
    );
    // A second live token of the same name is refused: the two could not be told apart.
    let twice = an.post_form(
        "/account/tokens",
        &[
            ("name", "dashboard"),
            ("scopes", "scenarios:read"),
            ("days", "30"),
        ],
    );
    assert_eq!(twice.status, 422, "{}", twice.body);
    assert!(twice.body.contains("You already have a token called"));
    let missing = an.post_form("/account/tokens", &[("name", "x"), ("days", "30")]);
    assert_eq!(missing.status, 422);
    assert!(
        missing.body.contains("Select at least one scope")
            && missing.body.contains("href=\"#scopes\"")
    );
    let id = app
        .app
        .store()
        .api_tokens(
            app.app
                .store()
                .user_by_email("an@kent.test")
                .unwrap()
                .unwrap()
                .id,
        )
        .unwrap()[0]
        .id;
    let id = app.public(swforce_app::public_id::Kind::Token, id);
    assert_eq!(
        an.post_form(&format!("/account/tokens/{id}/revoke"), &[])
            .status,
        303
    );
    let after = app.request(
        "GET",
        "/api/v1/me",
        &[("authorization", &format!("Bearer {secret}"))],
        None,
    );
    assert_eq!(after.status, 401);
    // A social worker has no tokens to make.
    let sw = app.person(kent, "sw@kent.test", &["social_worker"]);
    assert!(!sw.get("/account").body.contains("Make a token"));
    assert_eq!(
        sw.post_form(
            "/account/tokens",
            &[("name", "x"), ("scopes", "scenarios:read"), ("days", "30")]
        )
        .status,
        403
    );
}
