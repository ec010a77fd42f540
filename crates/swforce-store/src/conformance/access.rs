//! Organisations, people, sign-in, tokens, single sign-on links, site secrets and the audit log.

use super::{organisation, person};
use crate::Store;

pub fn organisations_and_teams_are_unique_and_found(store: &dyn Store) {
    use crate::{SsoConfig, StoreError};
    assert!(store.organisations().unwrap().is_empty());
    let kent = organisation(store, "Kent County Council", Some("E10000016"));
    assert_eq!(kent.la_code.as_deref(), Some("E10000016"));
    assert_eq!(store.organisation(kent.id).unwrap(), Some(kent.clone()));
    assert_eq!(store.organisation(kent.id + 100).unwrap(), None);
    let again = store.create_organisation(&crate::NewOrganisation {
        name: "Kent County Council",
        kind: swforce_domain::access::OrgKind::Campaign,
        la_code: None,
        email_domain: None,
        created_at: "2026-11-25T10:00:00Z",
    });
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let twice_la = store.create_organisation(&crate::NewOrganisation {
        name: "Kent Children's Trust",
        kind: swforce_domain::access::OrgKind::ChildrensTrust,
        la_code: Some("E10000016"),
        email_domain: None,
        created_at: "2026-11-25T10:00:00Z",
    });
    assert!(
        matches!(twice_la, Err(StoreError::Conflict(_))),
        "one organisation per authority"
    );
    let sso = SsoConfig {
        issuer: "https://login.example/tenant/v2.0".into(),
        client_id: "swforce".into(),
        client_secret: "s3cret".into(),
    };
    store
        .set_sso(kent.id, Some(&sso), Some("Kent.gov.uk"))
        .unwrap();
    let found = store
        .organisation_by_domain("kent.gov.uk")
        .unwrap()
        .unwrap();
    assert_eq!(found.id, kent.id);
    assert_eq!(found.sso, Some(sso));
    assert_eq!(
        found.email_domain.as_deref(),
        Some("kent.gov.uk"),
        "domains are kept in lower case"
    );
    assert!(
        !format!("{found:?}").contains("s3cret"),
        "the client secret is not printed"
    );
    let surrey = organisation(store, "Surrey County Council", None);
    assert!(matches!(
        store.set_sso(surrey.id, None, Some("kent.gov.uk")),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .organisations()
            .unwrap()
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        ["Kent County Council", "Surrey County Council"]
    );
    let a = store.create_team(kent.id, "Assessment").unwrap();
    store.create_team(surrey.id, "Assessment").unwrap();
    assert!(matches!(
        store.create_team(kent.id, "Assessment"),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.teams(kent.id).unwrap(), vec![a]);
}

pub fn users_are_unique_by_email_in_any_case_and_updated_whole(store: &dyn Store) {
    use crate::{StoreError, UserStatus};
    use swforce_domain::access::Role;
    let kent = organisation(store, "Kent County Council", None);
    let surrey = organisation(store, "Surrey County Council", None);
    assert_eq!(store.count_users().unwrap(), 0);
    let sam = person(store, kent.id, "Sam.Patel@Kent.gov.uk");
    assert_eq!(sam.email, "sam.patel@kent.gov.uk");
    assert_eq!(sam.roles, [Role::SocialWorker, Role::TeamManager]);
    assert_eq!(sam.status, UserStatus::Active);
    assert_eq!(sam.failed_sign_ins, 0);
    let dup = store.create_user(&crate::NewUser {
        org_id: surrey.id,
        team_id: None,
        email: "SAM.PATEL@kent.gov.uk",
        name: "Other",
        roles: &[],
        password_hash: None,
        created_at: "2026-11-25T10:00:00Z",
    });
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    assert_eq!(
        store.user_by_email(" sam.PATEL@kent.gov.uk ").unwrap(),
        Some(sam.clone())
    );
    assert_eq!(store.user(sam.id).unwrap(), Some(sam.clone()));
    assert_eq!(store.user(sam.id + 100).unwrap(), None);
    person(store, surrey.id, "jo@surrey.gov.uk");
    assert_eq!(store.users(kent.id).unwrap(), vec![sam.clone()]);
    assert_eq!(store.count_users().unwrap(), 2);
    let team = store.create_team(kent.id, "Fostering").unwrap();
    let changed = crate::User {
        team_id: Some(team.id),
        name: "Sam Patel-Jones".into(),
        roles: vec![Role::OrgAdmin],
        password_hash: None,
        status: UserStatus::Locked,
        failed_sign_ins: 3,
        locked_until: Some("2026-11-25T10:15:00Z".into()),
        last_sign_in: Some("2026-11-25T10:01:00Z".into()),
        ..sam.clone()
    };
    store.update_user(&changed).unwrap();
    assert_eq!(store.user(sam.id).unwrap(), Some(changed.clone()));
    // The address changes too (in lower case), but never to one another account has.
    let moved = crate::User {
        email: "Sam.Jones@kent.gov.uk".into(),
        ..changed.clone()
    };
    store.update_user(&moved).unwrap();
    assert_eq!(
        store.user(sam.id).unwrap().unwrap().email,
        "sam.jones@kent.gov.uk"
    );
    let taken = crate::User {
        email: "jo@surrey.gov.uk".into(),
        ..changed
    };
    assert!(matches!(
        store.update_user(&taken),
        Err(crate::StoreError::Conflict(_))
    ));
}

pub fn sessions_expire_and_sign_out_everywhere_ends_them_all(store: &dyn Store) {
    use crate::Session;
    let kent = organisation(store, "Kent County Council", None);
    let sam = person(store, kent.id, "sam@kent.gov.uk");
    let jo = person(store, kent.id, "jo@kent.gov.uk");
    let s = |id: &str, user: i64| Session {
        id_hash: id.into(),
        user_id: user,
        csrf_token: format!("csrf-{id}"),
        created_at: "2026-11-25T10:00:00Z".into(),
        expires_at: "2026-11-25T18:00:00Z".into(),
    };
    for (id, u) in [("a", sam.id), ("b", sam.id), ("c", jo.id)] {
        store.create_session(&s(id, u)).unwrap();
    }
    assert_eq!(
        store.session("a", "2026-11-25T12:00:00Z").unwrap(),
        Some(s("a", sam.id))
    );
    assert_eq!(
        store.session("a", "2026-11-25T18:00:00Z").unwrap(),
        None,
        "expired"
    );
    assert_eq!(store.session("zz", "2026-11-25T12:00:00Z").unwrap(), None);
    store.delete_session("a").unwrap();
    assert_eq!(store.session("a", "2026-11-25T12:00:00Z").unwrap(), None);
    store.create_session(&s("d", sam.id)).unwrap();
    assert_eq!(store.delete_sessions_of(sam.id).unwrap(), 2);
    assert_eq!(store.session("b", "2026-11-25T12:00:00Z").unwrap(), None);
    assert!(
        store
            .session("c", "2026-11-25T12:00:00Z")
            .unwrap()
            .is_some(),
        "others stay signed in"
    );
}

pub fn one_time_tokens_work_once_and_only_while_live(store: &dyn Store) {
    use crate::{OneTimeToken, TokenKind};
    let kent = organisation(store, "Kent County Council", None);
    let t = OneTimeToken {
        kind: TokenKind::Invitation,
        hash: "h1".into(),
        org_id: Some(kent.id),
        user_id: None,
        email: Some("new@kent.gov.uk".into()),
        payload: r#"{"roles":["social_worker"]}"#.into(),
        expires_at: "2026-11-26T10:00:00Z".into(),
    };
    store.create_token(&t).unwrap();
    store
        .create_token(&OneTimeToken {
            hash: "h2".into(),
            ..t.clone()
        })
        .unwrap();
    assert_eq!(
        store
            .take_token(TokenKind::PasswordReset, "h1", "2026-11-25T10:00:00Z")
            .unwrap(),
        None,
        "kinds are apart"
    );
    assert_eq!(
        store
            .take_token(TokenKind::Invitation, "h2", "2026-11-26T10:00:00Z")
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        store
            .take_token(TokenKind::Invitation, "h1", "2026-11-25T10:00:00Z")
            .unwrap(),
        Some(t)
    );
    assert_eq!(
        store
            .take_token(TokenKind::Invitation, "h1", "2026-11-25T10:00:01Z")
            .unwrap(),
        None,
        "used once"
    );
}

pub fn failed_sign_ins_are_counted_per_key_and_window(store: &dyn Store) {
    for at in [
        "2026-11-25T10:00:00Z",
        "2026-11-25T10:05:00Z",
        "2026-11-25T10:10:00Z",
    ] {
        store.record_failed_sign_in("sam@kent.gov.uk", at).unwrap();
    }
    store
        .record_failed_sign_in("203.0.113.9", "2026-11-25T10:10:00Z")
        .unwrap();
    assert_eq!(
        store
            .failed_sign_ins("sam@kent.gov.uk", "2026-11-25T10:00:00Z")
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .failed_sign_ins("sam@kent.gov.uk", "2026-11-25T10:05:00Z")
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .failed_sign_ins("203.0.113.9", "2026-11-25T09:00:00Z")
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .failed_sign_ins("jo@kent.gov.uk", "2026-11-25T09:00:00Z")
            .unwrap(),
        0
    );
}

pub fn api_tokens_are_scoped_to_their_owner_and_revocable(store: &dyn Store) {
    use crate::ApiToken;
    let kent = organisation(store, "Kent County Council", None);
    let sam = person(store, kent.id, "sam@kent.gov.uk");
    let jo = person(store, kent.id, "jo@kent.gov.uk");
    let new = ApiToken {
        id: 0,
        user_id: sam.id,
        name: "Power BI".into(),
        hash: "hash-a".into(),
        scopes: vec!["statistics:read".into(), "census:read".into()],
        created_at: "2026-11-25T10:00:00Z".into(),
        expires_at: "2027-02-23T10:00:00Z".into(),
        revoked_at: None,
        last_used: None,
    };
    let a = store.create_api_token(&new).unwrap();
    assert!(a.id > 0);
    assert_eq!(a.scopes, new.scopes);
    assert!(matches!(
        store.create_api_token(&ApiToken {
            user_id: jo.id,
            ..new.clone()
        }),
        Err(crate::StoreError::Conflict(_))
    ));
    assert_eq!(store.api_token_by_hash("hash-a").unwrap(), Some(a.clone()));
    assert_eq!(store.api_token_by_hash("nope").unwrap(), None);
    assert_eq!(store.api_tokens(sam.id).unwrap(), vec![a.clone()]);
    assert!(store.api_tokens(jo.id).unwrap().is_empty());
    store.touch_api_token(a.id, "2026-11-25T11:00:00Z").unwrap();
    assert!(
        !store
            .revoke_api_token(jo.id, a.id, "2026-11-25T12:00:00Z")
            .unwrap(),
        "not jo's to revoke"
    );
    assert!(
        store
            .revoke_api_token(sam.id, a.id, "2026-11-25T12:00:00Z")
            .unwrap()
    );
    assert!(
        store
            .revoke_api_token(sam.id, a.id, "2026-11-25T13:00:00Z")
            .unwrap()
    );
    let after = store.api_token_by_hash("hash-a").unwrap().unwrap();
    assert_eq!(
        after.revoked_at.as_deref(),
        Some("2026-11-25T12:00:00Z"),
        "the first revocation stands"
    );
    assert_eq!(after.last_used.as_deref(), Some("2026-11-25T11:00:00Z"));
}

/// A provider's subject links to one account once, per issuer; an organisation's verified
/// domain is replaced, never added to.
pub fn sign_on_identities_link_once_and_domains_are_verified_per_organisation(store: &dyn Store) {
    let org = organisation(store, "Linked Council", None);
    let sam = person(store, org.id, "sam@linked.example");
    let kim = person(store, org.id, "kim@linked.example");
    let issuer = "https://login.example/tenant";
    assert_eq!(store.sso_user(issuer, "sub-1").unwrap(), None);
    store
        .link_sso(issuer, "sub-1", sam.id, "2026-01-01T00:00:00Z")
        .unwrap();
    assert_eq!(store.sso_user(issuer, "sub-1").unwrap(), Some(sam.id));
    assert_eq!(
        store.sso_subject(issuer, sam.id).unwrap().as_deref(),
        Some("sub-1")
    );
    assert_eq!(
        store.sso_subject("https://other.example", sam.id).unwrap(),
        None
    );
    assert!(matches!(
        store.link_sso(issuer, "sub-1", kim.id, "2026-01-01T00:00:00Z"),
        Err(crate::StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.link_sso(issuer, "sub-2", sam.id, "2026-01-01T00:00:00Z"),
        Err(crate::StoreError::Conflict(_))
    ));
    store
        .link_sso(
            "https://other.example",
            "sub-1",
            kim.id,
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
    assert_eq!(store.verified_domain(org.id).unwrap(), None);
    store
        .set_verified_domain(org.id, "linked.example", "2026-02-01T00:00:00Z", "admin@x")
        .unwrap();
    store
        .set_verified_domain(org.id, "linked.gov.uk", "2026-03-01T00:00:00Z", "admin@x")
        .unwrap();
    assert_eq!(
        store.verified_domain(org.id).unwrap(),
        Some(("linked.gov.uk".into(), "2026-03-01T00:00:00Z".into()))
    );
    store.forget_verified_domain(org.id).unwrap();
    assert_eq!(store.verified_domain(org.id).unwrap(), None);
}

/// The first secret kept under a name is the one every later caller gets, whatever fresh one
/// it offers; older links may name only the records made before opaque ids (none, in a store
/// made empty), however many are made after.
pub fn a_site_secret_is_made_once_and_older_ids_are_fixed_when_the_store_is_made(
    store: &dyn Store,
) {
    let first = store.site_secret("public_ids", "first").unwrap();
    assert_eq!(first, "first");
    assert_eq!(store.site_secret("public_ids", "second").unwrap(), "first");
    assert_eq!(store.site_secret("other", "third").unwrap(), "third");
    let before = store.legacy_ids().unwrap();
    let kinds: Vec<&str> = before.iter().map(|(k, _)| k.as_str()).collect();
    for kind in [
        "organisation",
        "person",
        "team",
        "scenario",
        "token",
        "example",
        "form",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert!(before.iter().all(|(_, n)| *n == 0), "{before:?}");
    organisation(store, "Later Council", None);
    assert_eq!(store.legacy_ids().unwrap(), before);
}

pub fn the_audit_log_is_append_only_newest_first_and_per_organisation(store: &dyn Store) {
    use crate::AuditEvent;
    let kent = organisation(store, "Kent County Council", None);
    let surrey = organisation(store, "Surrey County Council", None);
    let e = |org: Option<i64>, action: &str| AuditEvent {
        id: 0,
        at: "2026-11-25T10:00:00Z".into(),
        org_id: org,
        user_id: None,
        actor: "sam@kent.gov.uk".into(),
        action: action.into(),
        target: "census E10000016 2022".into(),
        detail: String::new(),
        ip: "203.0.113.9".into(),
    };
    store.append_audit(&e(Some(kent.id), "sign_in")).unwrap();
    store.append_audit(&e(Some(surrey.id), "sign_in")).unwrap();
    store.append_audit(&e(Some(kent.id), "export")).unwrap();
    store.append_audit(&e(None, "sign_in_failed")).unwrap();
    let k = store.audit(Some(kent.id), 100).unwrap();
    assert_eq!(
        k.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["export", "sign_in"]
    );
    assert!(k[0].id > k[1].id);
    assert_eq!(k[0].target, "census E10000016 2022");
    assert_eq!(store.audit(None, 100).unwrap().len(), 4);
    assert_eq!(store.audit(None, 2).unwrap().len(), 2);
}
