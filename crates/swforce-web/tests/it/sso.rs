//! Single sign-on against a provider the test controls (a small OpenID Connect provider on
//! 127.0.0.1): an organisation's provider is trusted only as far as the organisation's own admin,
//! its addresses must stay on its own host, and a provider that fails or hangs neither leaks
//! what it said to visitors nor holds the service.

use crate::browser::Browser;
use crate::{TestApp, spawn_app_for_sso_tests};
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use swforce_app::public_id::Kind;

const CLIENT: &str = "swforce-test";

/// The test's provider: who it says signed in, and where its discovery document points.
#[derive(Clone)]
struct Provider {
    issuer: String,
    /// The email the next sign-in asserts.
    email: Arc<Mutex<String>>,
    /// The subject it asserts (`sub-` and the email, unless a test sets one).
    subject: Arc<Mutex<Option<String>>>,
    /// Where the discovery document says the token address is (the issuer's, unless a test
    /// moves it).
    token_endpoint: Arc<Mutex<Option<String>>>,
    nonces: Arc<Mutex<HashMap<String, String>>>,
    key: Arc<EncodingKey>,
    jwk: Value,
}

async fn discovery(State(p): State<Provider>) -> Json<Value> {
    let token = p
        .token_endpoint
        .lock()
        .unwrap()
        .clone()
        .unwrap_or_else(|| format!("{}/token", p.issuer));
    Json(json!({
        "issuer": p.issuer,
        "authorization_endpoint": format!("{}/authorize", p.issuer),
        "token_endpoint": token,
        "jwks_uri": format!("{}/keys", p.issuer),
    }))
}

async fn keys(State(p): State<Provider>) -> Json<Value> {
    Json(json!({ "keys": [p.jwk] }))
}

async fn authorize(
    State(p): State<Provider>,
    Query(q): Query<HashMap<String, String>>,
) -> impl IntoResponse {
    let code = format!("code-{}", q["state"].len() + p.nonces.lock().unwrap().len());
    p.nonces
        .lock()
        .unwrap()
        .insert(code.clone(), q["nonce"].clone());
    Redirect::to(&format!(
        "{}?code={code}&state={}",
        q["redirect_uri"], q["state"]
    ))
}

async fn token(State(p): State<Provider>, Form(f): Form<HashMap<String, String>>) -> Json<Value> {
    let nonce = p
        .nonces
        .lock()
        .unwrap()
        .remove(&f["code"])
        .unwrap_or_default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let email = p.email.lock().unwrap().clone();
    let subject = p
        .subject
        .lock()
        .unwrap()
        .clone()
        .unwrap_or_else(|| format!("sub-{email}"));
    let claims = json!({
        "iss": p.issuer, "aud": CLIENT, "sub": subject,
        "iat": now, "exp": now + 300, "nonce": nonce,
        "email": email, "email_verified": true, "name": "Signed On",
    });
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = Some("k1".into());
    Json(
        json!({ "id_token": jsonwebtoken::encode(&header, &claims, &p.key).unwrap(), "token_type": "Bearer" }),
    )
}

/// Starts the provider on a loopback port.
fn provider() -> Provider {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let p = Provider {
        issuer: format!("http://{}", listener.local_addr().unwrap()),
        email: Arc::new(Mutex::new(String::new())),
        subject: Arc::new(Mutex::new(None)),
        token_endpoint: Arc::new(Mutex::new(None)),
        nonces: Arc::new(Mutex::new(HashMap::new())),
        key: Arc::new(EncodingKey::from_ed_der(pkcs8.as_ref())),
        jwk: json!({
            "kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": "k1",
            "x": URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
        }),
    };
    let router = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/keys", get(keys))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(p.clone());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, router).await.unwrap();
        });
    });
    p
}

/// A provider address that takes connections and never answers; counts them.
fn silent() -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            seen.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    (issuer, count)
}

/// The site admin's browser, and an organisation `name` for `domain` signing on at `issuer`.
fn organisation<'a>(
    app: &'a TestApp,
    name: &str,
    domain: &str,
    issuer: &str,
) -> (i64, Browser<'a>) {
    let admin_org = app.organisation("swforce administrators", None);
    let site_admin = app.person(admin_org, "admin@swforce.test", &["site_admin"]);
    let org = app.organisation(name, None);
    let saved = site_admin.post_form(
        &format!(
            "/admin/organisations/{}/sso",
            app.public(Kind::Organisation, org)
        ),
        &[
            ("sso_domain", domain),
            ("sso_issuer", issuer),
            ("sso_client", CLIENT),
            ("sso_secret", "s3cret"),
        ],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    verify_domain(app, &site_admin, org, domain);
    (org, site_admin)
}

/// The site admin sends a verification link to an address at the domain, which is opened.
fn verify_domain(app: &TestApp, site_admin: &Browser<'_>, org: i64, domain: &str) {
    let sent = site_admin.post_form(
        &format!(
            "/admin/organisations/{}/domain-verification",
            app.public(Kind::Organisation, org)
        ),
        &[("verify_address", &format!("it@{domain}"))],
    );
    assert_eq!(sent.status, 200, "{}", sent.body);
    let link = newest_link(app, "/domains/verify/");
    let opened = app.browser().get(&link);
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert!(opened.body.contains(&format!("{domain} is verified")));
}

/// The path of the newest link starting with `prefix` in the outbox.
fn newest_link(app: &TestApp, prefix: &str) -> String {
    let mut mails: Vec<_> = std::fs::read_dir(app.dir.path().join("outbox"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    mails.sort();
    let text = std::fs::read_to_string(mails.last().unwrap()).unwrap();
    let at = text.find(prefix).unwrap();
    text[at..].split_whitespace().next().unwrap().to_string()
}

/// Signs on as `email` through the provider; the answer of swforce's callback (or of the first
/// step, when sign-on is refused before the provider).
fn sign_on(app: &TestApp, b: &Browser<'_>, email: &str) -> crate::Answer {
    b.get("/sign-in");
    let start = b.post_form(
        "/sign-in/sso",
        &[("sso-email", email), ("next", "/account")],
    );
    if start.status != 200 {
        return start;
    }
    let url = start
        .body
        .split("url=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let at_provider = app.agent().get(&url).call().unwrap();
    let back = at_provider
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let path = back
        .split_once("/sign-in/")
        .map(|(_, p)| format!("/sign-in/{p}"))
        .unwrap();
    b.get(&path)
}

#[test]
fn sign_on_works_and_never_reaches_a_role_the_organisations_admin_could_not_give() {
    let app = spawn_app_for_sso_tests();
    let p = provider();
    let (org, _) = organisation(&app, "Org Example", "org.example", &p.issuer);
    // An ordinary person signs on and gets the role of social worker.
    *p.email.lock().unwrap() = "sam@org.example".into();
    let sam = app.browser();
    let done = sign_on(&app, &sam, "sam@org.example");
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.header("location"), Some("/account"));
    assert_eq!(sam.get("/account").status, 200);
    // A site admin of the organisation (who never set a password) is not reached by sign-on.
    let admin = app.site_admin();
    app.app
        .invite(
            &admin,
            org,
            "boss@org.example",
            "Boss",
            &["site_admin".into()],
            None,
            "http://x",
            &swforce_app::access::Origin::default(),
        )
        .unwrap();
    *p.email.lock().unwrap() = "boss@org.example".into();
    let attacker = app.browser();
    let refused = sign_on(&app, &attacker, "orgadmin@org.example");
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("signs in with a password"),
        "{}",
        refused.body
    );
    assert_eq!(attacker.get("/admin").status, 303, "not signed in");
    // Nor a moderator or national analyst.
    app.app
        .invite(
            &admin,
            org,
            "mod@org.example",
            "Mod",
            &["moderator".into()],
            None,
            "http://x",
            &swforce_app::access::Origin::default(),
        )
        .unwrap();
    *p.email.lock().unwrap() = "mod@org.example".into();
    assert_eq!(sign_on(&app, &app.browser(), "mod@org.example").status, 422);
    let log = app.app.store().audit(Some(org), 50).unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "sign_in_failed" && e.detail.contains("Site admin")),
        "{log:?}"
    );
}

#[test]
fn only_a_site_admin_sets_up_an_organisations_sign_on() {
    let app = spawn_app_for_sso_tests();
    let org = app.organisation("Org Example", None);
    let org_admin = app.person(org, "orgadmin@org.example", &["org_admin"]);
    let page = org_admin.get(&format!(
        "/admin/organisations/{}",
        app.public(Kind::Organisation, org)
    ));
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Save single sign-on"));
    let tried = org_admin.post_form(
        &format!(
            "/admin/organisations/{}/sso",
            app.public(Kind::Organisation, org)
        ),
        &[
            ("sso_domain", "kent.gov.uk"),
            ("sso_issuer", "https://evil.example"),
            ("sso_client", "x"),
            ("sso_secret", "y"),
        ],
    );
    assert_eq!(tried.status, 403, "{}", tried.body);
    let stored = app.app.store().organisation(org).unwrap().unwrap();
    assert!(stored.sso.is_none() && stored.email_domain.is_none());
}

#[test]
fn a_providers_addresses_stay_on_its_host_and_visitors_are_not_told_what_it_said() {
    let app = spawn_app_for_sso_tests();
    let p = provider();
    let (org, site_admin) = organisation(&app, "Org Example", "org.example", &p.issuer);
    // The discovery document sends the code, with the client secret, to another local port.
    let (elsewhere, _) = silent();
    *p.token_endpoint.lock().unwrap() = Some(format!("{elsewhere}/token"));
    let visitor = app.browser();
    let refused = sign_on(&app, &visitor, "sam@org.example");
    assert_eq!(refused.status, 502, "{}", refused.body);
    assert!(refused.body.contains("could not be reached"));
    for leak in [
        elsewhere.as_str(),
        p.issuer.as_str(),
        "token address",
        "answered",
    ] {
        assert!(!refused.body.contains(leak), "the visitor is told {leak:?}");
    }
    // The detail is on the organisation's settings page, for the site admin.
    let settings = site_admin.get(&format!(
        "/admin/organisations/{}",
        app.public(Kind::Organisation, org)
    ));
    assert!(
        settings
            .body
            .contains("is not an https address on the issuer&#39;s host")
            || settings
                .body
                .contains("is not an https address on the issuer's host"),
        "{}",
        settings.body
    );
}

#[test]
fn plain_http_providers_need_the_operators_switch() {
    let app = crate::spawn_empty_app();
    let admin_org = app.organisation("swforce administrators", None);
    let site_admin = app.person(admin_org, "admin@swforce.test", &["site_admin"]);
    let org = app.organisation("Org Example", None);
    let saved = site_admin.post_form(
        &format!(
            "/admin/organisations/{}/sso",
            app.public(Kind::Organisation, org)
        ),
        &[
            ("sso_domain", "org.example"),
            ("sso_issuer", "http://127.0.0.1:5432"),
            ("sso_client", CLIENT),
            ("sso_secret", "s3cret"),
        ],
    );
    assert_eq!(saved.status, 422, "{}", saved.body);
    assert!(saved.body.contains("https://"));
}

#[test]
fn a_silent_provider_holds_a_few_calls_and_its_failure_is_remembered() {
    let app = spawn_app_for_sso_tests();
    let (issuer, connections) = silent();
    organisation(&app, "Org Example", "org.example", &issuer);
    let app = Arc::new(app);
    let answers: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..12)
            .map(|i| {
                let app = app.clone();
                s.spawn(move || {
                    let b = app.browser();
                    b.get("/sign-in");
                    b.post_form(
                        "/sign-in/sso",
                        &[("sso-email", &format!("p{i}@org.example")), ("next", "/")],
                    )
                    .status
                })
            })
            .collect();
        // Public pages answer while the provider hangs.
        assert_eq!(app.get("/about").status, 200);
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(answers.iter().all(|s| *s == 502), "{answers:?}");
    let held = connections.load(Ordering::SeqCst);
    assert!(
        (1..=4).contains(&held),
        "{held} calls to the provider at once; at most 4 are made"
    );
    // Its failure is remembered: the next sign-on is refused without calling it.
    let b = app.browser();
    b.get("/sign-in");
    let again = b.post_form(
        "/sign-in/sso",
        &[("sso-email", "q@org.example"), ("next", "/")],
    );
    assert_eq!(again.status, 502);
    assert_eq!(connections.load(Ordering::SeqCst), held);
}

#[test]
fn one_address_starts_only_so_many_sign_ons() {
    let app = spawn_app_for_sso_tests();
    let p = provider();
    organisation(&app, "Org Example", "org.example", &p.issuer);
    let b = app.browser();
    b.get("/sign-in");
    let mut last = 0;
    for _ in 0..=swforce_app::access::SSO_STARTS_PER_ADDRESS {
        last = b
            .post_form(
                "/sign-in/sso",
                &[("sso-email", "sam@org.example"), ("next", "/")],
            )
            .status;
    }
    assert_eq!(last, 502);
    let body = b
        .post_form(
            "/sign-in/sso",
            &[("sso-email", "sam@org.example"), ("next", "/")],
        )
        .body;
    assert!(body.contains("Too many sign-ons"), "{body}");
}

#[test]
fn an_unverified_domain_sends_nobody_to_the_provider() {
    let app = spawn_app_for_sso_tests();
    let p = provider();
    let admin_org = app.organisation("swforce administrators", None);
    let site_admin = app.person(admin_org, "admin@swforce.test", &["site_admin"]);
    let org = app.organisation("Claimant", None);
    let at = |tail: &str| {
        format!(
            "/admin/organisations/{}{tail}",
            app.public(Kind::Organisation, org)
        )
    };
    let saved = site_admin.post_form(
        &at("/sso"),
        &[
            ("sso_domain", "kent.gov.uk"),
            ("sso_issuer", p.issuer.as_str()),
            ("sso_client", CLIENT),
            ("sso_secret", "s3cret"),
        ],
    );
    assert_eq!(saved.status, 303);
    let page = site_admin.get(&at(""));
    assert!(page.body.contains("Not verified"), "{}", page.body);
    // Someone at the claimed domain is not sent to the claimant's provider.
    let visitor = app.browser();
    visitor.get("/sign-in");
    let refused = visitor.post_form(
        "/sign-in/sso",
        &[("sso-email", "someone@kent.gov.uk"), ("next", "/")],
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("not set up for kent.gov.uk"));
    // The link goes only to an address at the domain.
    let elsewhere = site_admin.post_form(
        &at("/domain-verification"),
        &[("verify_address", "attacker@evil.example")],
    );
    assert_eq!(elsewhere.status, 422);
    assert!(elsewhere.body.contains("Enter an address at kent.gov.uk"));
    // A link sent for a domain the organisation no longer has verifies nothing.
    let sent = site_admin.post_form(
        &at("/domain-verification"),
        &[("verify_address", "it@kent.gov.uk")],
    );
    assert_eq!(sent.status, 200);
    let link = newest_link(&app, "/domains/verify/");
    site_admin.post_form(
        &at("/sso"),
        &[
            ("sso_domain", "claimant.example"),
            ("sso_issuer", p.issuer.as_str()),
            ("sso_client", CLIENT),
            ("sso_secret", ""),
        ],
    );
    let stale = app.browser().get(&link);
    assert_eq!(stale.status, 400, "{}", stale.body);
    assert!(stale.body.contains("no longer kent.gov.uk"));
    assert_eq!(app.browser().get(&link).status, 400, "a link works once");
    assert!(site_admin.get(&at("")).body.contains("Not verified"));
}

#[test]
fn an_account_is_matched_by_the_providers_subject_not_only_its_address() {
    let app = spawn_app_for_sso_tests();
    let p = provider();
    organisation(&app, "Org Example", "org.example", &p.issuer);
    *p.email.lock().unwrap() = "sam@org.example".into();
    assert_eq!(sign_on(&app, &app.browser(), "sam@org.example").status, 303);
    // The address is given to someone else at the provider (a new subject): refused.
    *p.subject.lock().unwrap() = Some("someone-new".into());
    let taken = sign_on(&app, &app.browser(), "sam@org.example");
    assert_eq!(taken.status, 422, "{}", taken.body);
    assert!(
        taken.body.contains("linked to another account"),
        "{}",
        taken.body
    );
    // Sam's address changes at the provider: the account follows it.
    *p.subject.lock().unwrap() = Some("sub-sam@org.example".into());
    *p.email.lock().unwrap() = "samantha@org.example".into();
    let renamed = sign_on(&app, &app.browser(), "samantha@org.example");
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    let store = app.app.store();
    assert!(store.user_by_email("sam@org.example").unwrap().is_none());
    let sam = store
        .user_by_email("samantha@org.example")
        .unwrap()
        .unwrap();
    assert_eq!(
        store.sso_subject(&p.issuer, sam.id).unwrap().as_deref(),
        Some("sub-sam@org.example")
    );
}

#[test]
fn a_refused_sign_on_changes_nothing_not_even_the_address() {
    let app = spawn_app_for_sso_tests();
    let p = provider();
    let (org, _) = organisation(&app, "Org Example", "org.example", &p.issuer);
    // Signed on once as a social worker, then given the site admin role.
    *p.email.lock().unwrap() = "fa@org.example".into();
    assert_eq!(sign_on(&app, &app.browser(), "fa@org.example").status, 303);
    let store = app.app.store();
    let mut fa = store.user_by_email("fa@org.example").unwrap().unwrap();
    fa.roles.push(swforce_domain::access::Role::SiteAdmin);
    store.update_user(&fa).unwrap();
    // The provider now says the same subject has the attacker's address.
    *p.subject.lock().unwrap() = Some("sub-fa@org.example".into());
    *p.email.lock().unwrap() = "attacker@org.example".into();
    let refused = sign_on(&app, &app.browser(), "attacker@org.example");
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(
        store.user(fa.id).unwrap().unwrap().email,
        "fa@org.example",
        "the account's address did not move"
    );
    assert!(
        store
            .user_by_email("attacker@org.example")
            .unwrap()
            .is_none()
    );
    // A locked account likewise keeps its address.
    *p.subject.lock().unwrap() = None;
    *p.email.lock().unwrap() = "lo@org.example".into();
    assert_eq!(sign_on(&app, &app.browser(), "lo@org.example").status, 303);
    let mut lo = store.user_by_email("lo@org.example").unwrap().unwrap();
    lo.status = swforce_store::UserStatus::Locked;
    store.update_user(&lo).unwrap();
    *p.subject.lock().unwrap() = Some("sub-lo@org.example".into());
    *p.email.lock().unwrap() = "lo-evades@org.example".into();
    assert_eq!(
        sign_on(&app, &app.browser(), "lo-evades@org.example").status,
        422
    );
    assert_eq!(store.user(lo.id).unwrap().unwrap().email, "lo@org.example");
    let _ = org;
}

#[test]
fn the_callback_address_shows_nobody_elses_words() {
    let app = spawn_app_for_sso_tests();
    let b = app.browser();
    let page = b.get(
        "/sign-in/sso/callback?error=server_error&error_description=Your%20account%20is%20suspended.%20Call%200800%20000%20000&state=made-up",
    );
    assert!(page.status >= 400 && page.status < 500, "{}", page.status);
    // The provider's words, not a fragment a random form token could also hold by chance.
    for words in ["suspended", "0800 000 000", "server_error"] {
        assert!(!page.body.contains(words), "{words}: {}", page.body);
    }
    assert!(page.body.contains("returning from your organisation"));
}

#[test]
fn a_domain_is_verified_afresh_when_it_comes_back() {
    let app = spawn_app_for_sso_tests();
    let p = provider();
    let (org, site_admin) = organisation(&app, "Org Example", "org.example", &p.issuer);
    let at = format!(
        "/admin/organisations/{}",
        app.public(Kind::Organisation, org)
    );
    for domain in ["org2.example", "org.example"] {
        let saved = site_admin.post_form(
            &format!("{at}/sso"),
            &[
                ("sso_domain", domain),
                ("sso_issuer", p.issuer.as_str()),
                ("sso_client", CLIENT),
                ("sso_secret", ""),
            ],
        );
        assert_eq!(saved.status, 303);
    }
    assert!(site_admin.get(&at).body.contains("Not verified"));
    let visitor = app.browser();
    visitor.get("/sign-in");
    let refused = visitor.post_form(
        "/sign-in/sso",
        &[("sso-email", "sam@org.example"), ("next", "/")],
    );
    assert_eq!(refused.status, 422);
}

#[test]
fn nobody_is_invited_into_one_organisation_at_anothers_verified_domain() {
    let app = spawn_app_for_sso_tests();
    let p = provider();
    organisation(&app, "Org Example", "org.example", &p.issuer);
    let other = app.organisation("Other Campaign", None);
    let admin = app.person(other, "admin@other.example", &["org_admin"]);
    let refused = admin.post_form(
        &format!(
            "/admin/organisations/{}/invitations",
            app.public(Kind::Organisation, other)
        ),
        &[
            ("name", "New Hire"),
            ("email", "newhire@org.example"),
            ("roles", "social_worker"),
        ],
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("belong to another organisation"));
    assert!(
        app.app
            .store()
            .user_by_email("newhire@org.example")
            .unwrap()
            .is_none()
    );
}
