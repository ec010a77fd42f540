//! Health check rounds, tickets and responses.

use crate::{AuditEvent, Round, Store};
use swforce_domain::healthcheck::{Answers, OrgAnswer, PractitionerRole, Response};

fn audit(org_id: i64, action: &str) -> AuditEvent {
    AuditEvent {
        id: 0,
        at: "2026-11-25T10:00:00Z".into(),
        org_id: Some(org_id),
        user_id: None,
        actor: "psw@example.org".into(),
        action: action.into(),
        target: "round".into(),
        detail: String::new(),
        ip: String::new(),
    }
}

fn round(org_id: i64, title: &str) -> Round {
    Round {
        id: 0,
        org_id,
        title: title.into(),
        version: "2020.1".into(),
        audience: vec![PractitionerRole::SocialWorker],
        own_questions: vec!["I can park near the office.".into()],
        opened_at: "2026-11-25T10:00:00Z".into(),
        closes_on: "2026-12-20".into(),
        closed_at: None,
        invitations: 2,
        late_invitations: 0,
        assessment: Vec::new(),
        benchmark: false,
        synthetic: false,
    }
}

fn response(answers: &str, counts: bool) -> Response {
    Response {
        role: Some(PractitionerRole::SocialWorker),
        answers: Answers::from_codes(answers),
        counts,
        ..Response::default()
    }
}

pub fn health_check_tickets_answer_once_while_the_round_is_open(store: &dyn Store) {
    let org = super::organisation(store, "Westshire", None);
    let other = super::organisation(store, "Eastshire", None);
    let first = store
        .open_round(
            &round(org.id, "2025"),
            &["a".repeat(64), "b".repeat(64)],
            &audit(org.id, "healthcheck.open"),
        )
        .unwrap();
    let second = store
        .open_round(
            &round(org.id, "2026"),
            &[],
            &audit(org.id, "healthcheck.open"),
        )
        .unwrap();
    store
        .open_round(
            &round(other.id, "Theirs"),
            &[],
            &audit(other.id, "healthcheck.open"),
        )
        .unwrap();
    let mine: Vec<String> = store
        .health_rounds(org.id)
        .unwrap()
        .into_iter()
        .map(|r| r.title)
        .collect();
    assert_eq!(
        mine,
        ["2026", "2025"],
        "an organisation's rounds, newest first, and only its own"
    );
    assert_eq!(store.health_round(first.id).unwrap().unwrap(), first);
    let opened = store.audit(Some(org.id), 10).unwrap();
    assert_eq!(
        opened
            .iter()
            .filter(|a| a.action == "healthcheck.open")
            .count(),
        2,
        "opening is audited with the change"
    );

    // An invitation: unknown codes have no ticket; a draft is kept and replaced; sending is once.
    let code = format!("code:{}", "a".repeat(64));
    assert!(store.ticket("code:nope").unwrap().is_none());
    let t = store.ticket(&code).unwrap().unwrap();
    assert_eq!(
        (t.round_id, t.counts, t.submitted, t.draft.as_deref()),
        (first.id, true, false, None)
    );
    assert!(store.save_health_draft(&code, "draft one").unwrap());
    assert!(store.save_health_draft(&code, "draft two").unwrap());
    assert_eq!(
        store.ticket(&code).unwrap().unwrap().draft.as_deref(),
        Some("draft two")
    );
    assert!(
        !store.save_health_draft("code:nope", "x").unwrap(),
        "a draft needs a ticket"
    );
    assert!(
        store
            .submit_health_response(&code, &response("45n-", true))
            .unwrap()
    );
    assert!(
        !store
            .submit_health_response(&code, &response("11", true))
            .unwrap(),
        "a ticket sends once"
    );
    assert!(
        !store.save_health_draft(&code, "again").unwrap(),
        "no draft after sending"
    );
    let t = store.ticket(&code).unwrap().unwrap();
    assert!(
        t.submitted && t.draft.is_none(),
        "sending forgets the draft"
    );

    // A member: the ticket is made once, keeps how it counts, and sends once.
    let member = format!("user:{}:7", first.id);
    let t = store.member_ticket(&member, first.id, false).unwrap();
    assert!(!t.counts && !t.submitted);
    assert!(
        !store.member_ticket(&member, first.id, true).unwrap().counts,
        "made once"
    );
    assert!(store.save_health_draft(&member, "half").unwrap());
    assert_eq!(
        store.ticket_counts(first.id).unwrap(),
        crate::TicketCounts {
            started: 2,
            submitted: 1
        }
    );
    assert!(
        store
            .submit_health_response(&member, &response("2", false))
            .unwrap()
    );

    // Late invitations count apart; the round's record says how many.
    assert!(
        store
            .add_invitations(
                first.id,
                &["c".repeat(64)],
                &audit(org.id, "healthcheck.invite")
            )
            .unwrap()
    );
    assert_eq!(
        store
            .health_round(first.id)
            .unwrap()
            .unwrap()
            .late_invitations,
        1
    );
    assert!(
        !store
            .ticket(&format!("code:{}", "c".repeat(64)))
            .unwrap()
            .unwrap()
            .counts
    );
    assert!(
        store
            .add_invitations(first.id, &["a".repeat(64)], &audit(org.id, "x"))
            .is_err(),
        "an invitation code is never handed out twice"
    );

    // Closing: once, drafts go, nothing more is taken.
    let late = format!("code:{}", "b".repeat(64));
    assert!(store.save_health_draft(&late, "unsent").unwrap());
    assert!(
        store
            .close_round(
                first.id,
                "2026-12-21T00:00:00Z",
                &audit(org.id, "healthcheck.close")
            )
            .unwrap()
    );
    assert!(
        !store
            .close_round(
                first.id,
                "2026-12-22T00:00:00Z",
                &audit(org.id, "healthcheck.close")
            )
            .unwrap()
    );
    let closed = store.health_round(first.id).unwrap().unwrap();
    assert_eq!(closed.closed_at.as_deref(), Some("2026-12-21T00:00:00Z"));
    assert!(
        store.ticket(&late).unwrap().unwrap().draft.is_none(),
        "closing deletes drafts"
    );
    assert!(!store.save_health_draft(&late, "too late").unwrap());
    assert!(
        !store
            .submit_health_response(&late, &response("5", true))
            .unwrap(),
        "a closed round takes nothing"
    );
    assert!(
        !store
            .add_invitations(first.id, &["d".repeat(64)], &audit(org.id, "x"))
            .unwrap()
    );

    // Responses: both, with nothing of the ticket, in an order of their own.
    let responses = store.health_responses(first.id).unwrap();
    assert_eq!(responses.len(), 2);
    let mut codes: Vec<(&str, bool)> = responses
        .iter()
        .map(|r| (r.answers.codes(), r.counts))
        .collect();
    codes.sort();
    assert_eq!(codes, [("2", false), ("45n-", true)]);
    assert!(store.health_responses(second.id).unwrap().is_empty());

    // The assessment and benchmark choice change; nothing else does.
    let mut changed = closed.clone();
    changed.assessment = vec![OrgAnswer {
        standard: "workload".into(),
        rating: Some(1),
        evidence: "Caseload audit".into(),
    }];
    changed.benchmark = true;
    changed.title = "not this".into();
    store
        .update_round(&changed, &audit(org.id, "healthcheck.assess"))
        .unwrap();
    let read = store.health_round(first.id).unwrap().unwrap();
    assert_eq!(
        (read.title.as_str(), read.benchmark, read.assessment.len()),
        ("2025", true, 1)
    );
    assert_eq!(read.closed_at, closed.closed_at, "updating keeps it closed");
    let bench = store.benchmark_rounds("2026-01-01T00:00:00Z").unwrap();
    assert_eq!(
        bench.iter().map(|r| r.id).collect::<Vec<_>>(),
        [first.id],
        "only closed rounds that opted in"
    );
    assert!(
        store
            .benchmark_rounds("2027-01-01T00:00:00Z")
            .unwrap()
            .is_empty()
    );
}
