//! The "80:20 in practice" exchange: examples and their search, forms, responses and pages.

use super::{organisation, person};
use crate::Store;

fn example(title: &str, problem: &str, change: &str) -> swforce_domain::exchange::Example {
    use swforce_domain::exchange::{Example, Setting, Status};
    Example {
        id: 0,
        status: Status::Draft,
        title: title.into(),
        problem: problem.into(),
        change: change.into(),
        setting: Setting::ChildrenAndFamilies,
        org_kind: Some(swforce_domain::access::OrgKind::LocalAuthority),
        region: Some("E12000008".into()),
        themes: vec!["admin-support".into()],
        hours_saved: None,
        direct_before: None,
        direct_after: None,
        contact_consent: false,
        author_user: None,
        author_name: "Sam Author".into(),
        author_email: "sam@example.org".into(),
        moderator_note: String::new(),
        fingerprint: String::new(),
        created_at: "2026-11-01T10:00:00Z".into(),
        updated_at: "2026-11-01T10:00:00Z".into(),
        published_at: None,
        helped: 0,
    }
}

fn publish(store: &dyn Store, mut e: swforce_domain::exchange::Example, at: &str) -> i64 {
    e.status = swforce_domain::exchange::Status::Published;
    e.published_at = Some(at.into());
    store.save_example(&e).unwrap().id
}

pub fn examples_are_stored_whole_found_by_status_and_author_and_refused_twice(store: &dyn Store) {
    use crate::StoreError;
    use swforce_domain::exchange::{Status, seed_themes};
    for t in seed_themes() {
        store.save_theme(&t).unwrap();
    }
    let mut retired = seed_themes()[0].clone();
    retired.active = false;
    store.save_theme(&retired).unwrap();
    let themes = store.themes().unwrap();
    assert_eq!(
        themes.len(),
        seed_themes().len(),
        "a theme is replaced by its id"
    );
    assert!(!themes.iter().find(|t| t.id == retired.id).unwrap().active);

    let org = organisation(store, "Kent County Council", Some("E10000016"));
    let author = person(store, org.id, "author@kent.test");
    let mut e = example(
        "Admin support freed a day",
        "Typing twice.",
        "A business support officer.",
    );
    e.author_user = Some(author.id);
    e.themes = vec!["admin-support".into(), "duplicate-recording".into()];
    e.hours_saved = Some(7.5);
    e.direct_before = Some(20);
    e.direct_after = Some(35);
    e.fingerprint = "f1".into();
    let saved = store.save_example(&e).unwrap();
    assert!(saved.id > 0);
    let mut expected = e.clone();
    expected.id = saved.id;
    assert_eq!(saved, expected);
    assert_eq!(
        store.example(saved.id).unwrap(),
        Some(expected.clone()),
        "whole, themes and all"
    );
    assert_eq!(store.example(saved.id + 100).unwrap(), None);
    // The same fingerprint again is refused, and nothing is written.
    let mut twice = e.clone();
    twice.title = "Another".into();
    assert!(matches!(
        store.save_example(&twice),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.examples_of(author.id).unwrap().len(), 1);
    // Replaced whole, with fewer themes.
    let mut changed = expected.clone();
    changed.status = Status::Submitted;
    changed.themes = vec!["duplicate-recording".into()];
    changed.updated_at = "2026-11-02T10:00:00Z".into();
    assert_eq!(store.save_example(&changed).unwrap(), changed);
    assert_eq!(store.example(saved.id).unwrap(), Some(changed.clone()));
    let other = store
        .save_example(&{
            let mut o = example("Guest idea", "p", "c");
            o.status = Status::Submitted;
            o.updated_at = "2026-11-01T09:00:00Z".into();
            o
        })
        .unwrap();
    let queue = store.examples_in(Status::Submitted, 10).unwrap();
    assert_eq!(
        queue.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![other.id, saved.id],
        "oldest change first"
    );
    assert_eq!(store.examples_in(Status::Submitted, 1).unwrap().len(), 1);
    assert!(store.examples_in(Status::Published, 10).unwrap().is_empty());
    // Erased whole when withdrawn.
    let mut gone = changed.clone();
    gone.erase();
    store.save_example(&gone).unwrap();
    let back = store.example(saved.id).unwrap().unwrap();
    assert!(back.author_email.is_empty() && back.title.is_empty() && back.author_user.is_none());
    assert!(store.examples_of(author.id).unwrap().is_empty());
}

/// Search entries written before words were stemmed (migration 14) are written again when the
/// store is opened: `forget` puts the database back as it was before 14 (each entry the words as
/// written, and neither 14 nor any later migration applied), and `reopen` opens it again.
pub fn search_entries_from_before_stems_are_rebuilt(
    store: &dyn Store,
    forget: &dyn Fn(),
    reopen: &dyn Fn() -> Box<dyn Store>,
) {
    use crate::ExampleQuery;
    publish(
        store,
        example("Family time", "Recordings of visits", "They keep them."),
        "2026-11-03T10:00:00Z",
    );
    let found = |store: &dyn Store, text: &str| {
        store
            .search_examples(&ExampleQuery {
                text: text.into(),
                limit: 20,
                ..ExampleQuery::default()
            })
            .unwrap()
            .total
    };
    assert_eq!(found(store, "families"), 1);
    forget();
    // "families" is "famili" as a stem, which starts no word as written ("family").
    assert_eq!(
        found(store, "families"),
        0,
        "the entries were put back as before"
    );
    let store = reopen();
    assert_eq!(found(&*store, "families"), 1);
    assert_eq!(found(&*store, "recording"), 1);
}

pub fn published_examples_are_searched_filtered_and_sorted_the_same_way(store: &dyn Store) {
    use crate::{ExampleQuery, ExampleSort};
    use swforce_domain::exchange::{Setting, Status, seed_themes};
    for t in seed_themes() {
        store.save_theme(&t).unwrap();
    }
    let q = |text: &str| ExampleQuery {
        text: text.into(),
        limit: 20,
        ..ExampleQuery::default()
    };
    let titles = |page: crate::ExamplePage| -> Vec<String> {
        page.examples.into_iter().map(|e| e.title).collect()
    };
    let a = publish(
        store,
        example(
            "Dictation saved hours",
            "Recording took most evenings.",
            "Voice-to-text dictation on every laptop.",
        ),
        "2026-11-03T10:00:00Z",
    );
    let mut adults = example(
        "Shorter panels",
        "Funding panels met weekly for hours.",
        "Panels decide by email; recording is shared.",
    );
    adults.setting = Setting::Adults;
    adults.region = Some("E12000007".into());
    adults.themes = vec!["shorter-meetings".into()];
    adults.hours_saved = Some(2.0);
    let b = publish(store, adults, "2026-11-04T10:00:00Z");
    let mut draft = example("Dictation draft", "Recording", "dictation");
    draft.status = Status::Submitted;
    store.save_example(&draft).unwrap();

    // Words match in any case, whole or as the start of a word, and every word must match.
    assert_eq!(
        titles(store.search_examples(&q("dictation")).unwrap()),
        vec!["Dictation saved hours"]
    );
    assert_eq!(
        titles(store.search_examples(&q("DICTAT")).unwrap()),
        vec!["Dictation saved hours"]
    );
    assert_eq!(
        titles(store.search_examples(&q("evenings")).unwrap()),
        vec!["Dictation saved hours"]
    );
    assert_eq!(
        titles(store.search_examples(&q("recording")).unwrap()),
        vec!["Shorter panels", "Dictation saved hours"],
        "newest first when no order is asked for"
    );
    assert_eq!(
        titles(store.search_examples(&q("recording email")).unwrap()),
        vec!["Shorter panels"]
    );
    assert!(titles(store.search_examples(&q("recording zebra")).unwrap()).is_empty());
    // Word forms find each other: words are stemmed (Snowball English) by the program, the
    // same on every backend.
    for (asked, found) in [
        (
            "recordings",
            vec!["Shorter panels", "Dictation saved hours"],
        ),
        ("panel", vec!["Shorter panels"]),
        ("decided", vec!["Shorter panels"]),
        ("laptops", vec!["Dictation saved hours"]),
        ("evening", vec!["Dictation saved hours"]),
    ] {
        assert_eq!(
            titles(store.search_examples(&q(asked)).unwrap()),
            found,
            "{asked}"
        );
    }
    assert!(
        store
            .search_examples(&q("cording"))
            .unwrap()
            .examples
            .is_empty(),
        "no matches inside words"
    );
    // Punctuation and operators are only separators.
    assert_eq!(
        titles(store.search_examples(&q("\"voice-to-text\" *")).unwrap()),
        vec!["Dictation saved hours"]
    );
    assert_eq!(
        store.search_examples(&q("")).unwrap().total,
        2,
        "drafts are never found"
    );

    // Filters.
    let filtered = |f: ExampleQuery| titles(store.search_examples(&f).unwrap());
    assert_eq!(
        filtered(ExampleQuery {
            setting: Some(Setting::Adults),
            ..q("")
        }),
        vec!["Shorter panels"]
    );
    assert_eq!(
        filtered(ExampleQuery {
            theme: Some("admin-support".into()),
            ..q("")
        }),
        vec!["Dictation saved hours"]
    );
    assert_eq!(
        filtered(ExampleQuery {
            region: Some("E12000007".into()),
            ..q("")
        }),
        vec!["Shorter panels"]
    );
    assert_eq!(
        filtered(ExampleQuery {
            measured: true,
            ..q("")
        }),
        vec!["Shorter panels"]
    );
    assert_eq!(
        filtered(ExampleQuery {
            theme: Some("admin-support".into()),
            ..q("panels")
        }),
        Vec::<String>::new()
    );

    // Helped once per person; sorting by it and by hours.
    assert!(
        store
            .mark_helped(a, "user:1", "2026-11-05T10:00:00Z")
            .unwrap()
    );
    assert!(
        !store
            .mark_helped(a, "user:1", "2026-11-05T11:00:00Z")
            .unwrap(),
        "once per person"
    );
    assert!(
        store
            .mark_helped(a, "browser:abc", "2026-11-05T11:00:00Z")
            .unwrap()
    );
    assert_eq!(store.example(a).unwrap().unwrap().helped, 2);
    assert_eq!(
        filtered(ExampleQuery {
            sort: ExampleSort::MostHelpful,
            ..q("")
        }),
        vec!["Dictation saved hours", "Shorter panels"]
    );
    assert_eq!(
        filtered(ExampleQuery {
            sort: ExampleSort::MostHours,
            ..q("")
        }),
        vec!["Shorter panels", "Dictation saved hours"]
    );
    // Pages of results know the total.
    let first = store
        .search_examples(&ExampleQuery { limit: 1, ..q("") })
        .unwrap();
    assert_eq!((first.examples.len(), first.total), (1, 2));
    let second = store
        .search_examples(&ExampleQuery {
            limit: 1,
            offset: 1,
            ..q("")
        })
        .unwrap();
    assert_eq!(second.examples[0].id, a);
    assert_eq!(first.examples[0].id, b);
}

pub fn forms_responses_and_pages_are_kept_until_their_day(store: &dyn Store) {
    use swforce_domain::exchange::{FeedbackForm, ResourcePage, Response};
    let form = store
        .save_form(&FeedbackForm {
            id: 0,
            title: "How much time did the new templates save?".into(),
            intro: "Tell us in a minute.".into(),
            questions: vec!["Hours saved a week?".into(), "What else would help?".into()],
            open: true,
            retention_days: 90,
            created_at: "2026-11-01T10:00:00Z".into(),
        })
        .unwrap();
    assert!(form.id > 0);
    let mut closed = form.clone();
    closed.open = false;
    store.save_form(&closed).unwrap();
    assert_eq!(store.form(form.id).unwrap(), Some(closed.clone()));
    assert_eq!(store.forms().unwrap(), vec![closed]);
    let response = |form_id: i64, email: &str, delete_on: &str| Response {
        id: 0,
        form_id,
        name: "Ann".into(),
        email: email.into(),
        answers: vec![
            "3".into(),
            "Fewer forms, please; and \"less\" duplication".into(),
        ],
        consent: "I agree".into(),
        created_at: "2026-11-02T10:00:00Z".into(),
        delete_on: delete_on.into(),
    };
    let r1 = store
        .save_response(&response(form.id, "a@example.org", "2027-01-31"))
        .unwrap();
    store
        .save_response(&response(form.id, "b@example.org", "2027-03-01"))
        .unwrap();
    store
        .save_response(&response(0, "steer@example.org", "2027-11-01"))
        .unwrap();
    let kept = store.responses(form.id).unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(
        kept[0],
        Response {
            id: r1,
            ..response(form.id, "a@example.org", "2027-01-31")
        }
    );
    assert_eq!(
        store.responses(0).unwrap().len(),
        1,
        "the steering group apart"
    );
    assert_eq!(store.purge_responses("2027-01-30").unwrap(), 0);
    assert_eq!(
        store.purge_responses("2027-01-31").unwrap(),
        1,
        "deleted on its day"
    );
    assert_eq!(store.responses(form.id).unwrap().len(), 1);

    let page = ResourcePage {
        slug: "top-tips".into(),
        title: "Top tips".into(),
        body: "1. Plan the week around families.".into(),
        updated_by: "mod@campaign.test".into(),
        updated_at: "2026-11-01T10:00:00Z".into(),
    };
    store.save_page(&page).unwrap();
    let mut edited = page.clone();
    edited.body.push_str("\n2. Ask for admin support.");
    store.save_page(&edited).unwrap();
    store
        .save_page(&ResourcePage {
            slug: "support".into(),
            title: "Support for social workers".into(),
            ..page.clone()
        })
        .unwrap();
    assert_eq!(store.page("top-tips").unwrap(), Some(edited));
    assert_eq!(store.page("nope").unwrap(), None);
    assert_eq!(
        store
            .pages()
            .unwrap()
            .iter()
            .map(|p| p.slug.as_str())
            .collect::<Vec<_>>(),
        vec!["support", "top-tips"],
        "by title"
    );
}
