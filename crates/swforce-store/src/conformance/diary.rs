//! The time diary: diaries, their sums and publishing.

use super::organisation;
use crate::Store;

pub fn diaries_are_kept_per_person_and_summed_for_any_period_without_reading_them(
    store: &dyn Store,
) {
    use crate::diary::{DiaryCategory, DiaryScope, Published, StoredDiary, SyntheticPerson};
    use std::collections::BTreeMap;
    use swforce_domain::diary::{Activity, Diary, Obstacle, Week};
    let kent = organisation(store, "Kent County Council", Some("E10000016"));
    let surrey = organisation(store, "Surrey County Council", Some("E10000030"));
    let team = store.create_team(kent.id, "Child protection east").unwrap();
    // Categories: ids are kept, a label is unique within an organisation only.
    let face = store
        .save_diary_category(&DiaryCategory {
            id: 0,
            org_id: kent.id,
            label: "Direct work face to face".into(),
            activity: Activity::DirectFaceToFace,
            position: 1,
            retired: false,
        })
        .unwrap();
    let notes = store
        .save_diary_category(&DiaryCategory {
            id: 0,
            org_id: kent.id,
            label: "Case recording".into(),
            activity: Activity::CaseRecording,
            position: 2,
            retired: false,
        })
        .unwrap();
    let same_label = DiaryCategory {
        id: 0,
        org_id: kent.id,
        label: "Case recording".into(),
        activity: Activity::Other,
        position: 3,
        retired: false,
    };
    assert!(matches!(
        store.save_diary_category(&same_label),
        Err(crate::StoreError::Conflict(_))
    ));
    store
        .save_diary_category(&DiaryCategory {
            org_id: surrey.id,
            ..same_label.clone()
        })
        .unwrap();
    let renamed = DiaryCategory {
        label: "Recording and notes".into(),
        ..notes.clone()
    };
    store.save_diary_category(&renamed).unwrap();
    let kent_categories = store.diary_categories(kent.id).unwrap();
    assert_eq!(kent_categories, vec![face.clone(), renamed.clone()]);
    assert_eq!(store.diary_categories(surrey.id).unwrap().len(), 1);

    let week = |n: i64| Week::parse("2025-01-06").unwrap().plus_weeks(n);
    let diary = |n: i64, face_min: u32, notes_min: u32| Diary {
        week: week(n),
        minutes: [(face.id, face_min), (notes.id, notes_min)]
            .into_iter()
            .filter(|(_, m)| *m > 0)
            .collect(),
        contracted: 37 * 60,
        obstacles: vec![Obstacle::Forms],
        note: String::new(),
        share_note: false,
    };
    let keep = |person: i64, team_id: Option<i64>, d: Diary| StoredDiary {
        person_id: person,
        org_id: kent.id,
        team_id,
        diary: d,
        updated_at: "2026-11-25T10:00:00Z".into(),
        eligible: true,
    };
    // Person 1 keeps weeks 0, 3, then 1 (out of order); person 2 week 2, in no team.
    store
        .save_diary(&keep(1, Some(team.id), diary(0, 600, 1200)))
        .unwrap();
    store
        .save_diary(&keep(1, Some(team.id), diary(3, 300, 1500)))
        .unwrap();
    store
        .save_diary(&keep(1, Some(team.id), diary(1, 660, 1140)))
        .unwrap();
    let mut shared = diary(2, 120, 2000);
    shared.note = "The new form takes an hour".into();
    shared.share_note = true;
    shared.obstacles = vec![Obstacle::Forms, Obstacle::ItProblems];
    store.save_diary(&keep(2, None, shared)).unwrap();
    // Replacing a week before it is published changes its sums, not the count of people.
    store
        .save_diary(&keep(1, Some(team.id), diary(0, 700, 1100)))
        .unwrap();
    let org = DiaryScope::Org(kent.id);
    assert_eq!(
        store.diary_sums(&org, week(0), week(3)).unwrap(),
        Default::default(),
        "nothing is in the sums before it is published"
    );
    assert_eq!(
        store.publish_diaries(week(3), 5, None).unwrap(),
        Published {
            first: 4,
            batched: 0,
            waiting: 0
        }
    );
    assert_eq!(
        store.publish_diaries(week(3), 5, None).unwrap(),
        Published::default(),
        "publishing again changes nothing"
    );

    let t = DiaryScope::Team {
        org_id: kent.id,
        team_id: team.id,
    };
    let distinct = |scope: &DiaryScope, a: i64, b: i64| {
        store
            .diary_sums(scope, week(a), week(b))
            .unwrap()
            .contributors
    };
    assert_eq!(distinct(&org, 0, 3), 2);
    assert_eq!(distinct(&org, 1, 1), 1);
    assert_eq!(distinct(&org, 1, 2), 2);
    assert_eq!(distinct(&org, 2, 3), 2);
    assert_eq!(distinct(&org, 4, 9), 0);
    assert_eq!(distinct(&t, 0, 3), 1);
    assert_eq!(distinct(&t, 2, 2), 0);

    let sums = store.diary_sums(&org, week(0), week(3)).unwrap();
    assert_eq!(sums.weeks.len(), 4);
    let w0 = &sums.weeks[0];
    assert_eq!(w0.week, Some(week(0)));
    assert_eq!(w0.diaries, 1);
    assert_eq!(
        w0.minutes,
        BTreeMap::from([(face.id, 700), (notes.id, 1100)])
    );
    assert_eq!(w0.contracted_minutes, 37 * 60);
    let forms = Obstacle::ALL
        .iter()
        .position(|o| *o == Obstacle::Forms)
        .unwrap();
    let it = Obstacle::ALL
        .iter()
        .position(|o| *o == Obstacle::ItProblems)
        .unwrap();
    assert_eq!(sums.weeks[2].obstacles[forms], 1);
    assert_eq!(sums.weeks[2].obstacles[it], 1);
    assert_eq!(sums.weeks[2].shared_notes, 1);
    let total: u64 = sums.weeks.iter().flat_map(|w| w.minutes.values()).sum();
    assert_eq!(total, 700 + 1100 + 660 + 1140 + 120 + 2000 + 300 + 1500);
    assert_eq!(
        store.diary_sums(&t, week(0), week(3)).unwrap().weeks.len(),
        3,
        "the team's sums leave out person 2"
    );
    assert_eq!(
        store
            .diary_sums(&DiaryScope::Org(surrey.id), week(0), week(3))
            .unwrap(),
        Default::default()
    );
    assert_eq!(
        store
            .diary_sums(&DiaryScope::Orgs(vec![]), week(0), week(3))
            .unwrap(),
        Default::default()
    );

    // Own diaries, whole; the last one before a week, to pre-fill the next.
    let mine = store.diaries_of(1, week(0), week(9)).unwrap();
    assert_eq!(
        mine.iter().map(|d| d.diary.week).collect::<Vec<_>>(),
        vec![week(0), week(1), week(3)]
    );
    assert_eq!(mine[0].diary, diary(0, 700, 1100));
    assert_eq!(mine[0].team_id, Some(team.id));
    assert_eq!(
        store
            .last_diary_before(1, week(3))
            .unwrap()
            .map(|d| d.diary.week),
        Some(week(1))
    );
    assert_eq!(store.last_diary_before(1, week(0)).unwrap(), None);
    assert!(store.diaries_of(3, week(0), week(9)).unwrap().is_empty());

    // Shared notes: the words and the week, for the organisation.
    assert_eq!(
        store
            .shared_diary_notes(kent.id, week(0), week(9), 10)
            .unwrap(),
        vec![(week(2), "The new form takes an hour".to_string())]
    );
    assert!(
        store
            .shared_diary_notes(surrey.id, week(0), week(9), 10)
            .unwrap()
            .is_empty()
    );

    // Opting in.
    assert!(!store.diary_opt_in(kent.id).unwrap());
    store.set_diary_opt_in(kent.id, true).unwrap();
    store.set_diary_opt_in(surrey.id, true).unwrap();
    store.set_diary_opt_in(surrey.id, false).unwrap();
    assert!(store.diary_opt_in(kent.id).unwrap());
    assert_eq!(store.diary_opted_in().unwrap(), vec![kent.id]);

    // Synthetic people add to the same sums, with new negative ids.
    let people: Vec<SyntheticPerson> = (0..3)
        .map(|_| SyntheticPerson {
            team_id: Some(team.id),
            diaries: vec![diary(1, 60, 60), diary(2, 60, 60)],
        })
        .collect();
    assert_eq!(
        store
            .add_synthetic_diaries(kent.id, &people, "2026-11-25T10:00:00Z", week(3))
            .unwrap(),
        6
    );
    let made = store.synthetic_people(kent.id).unwrap();
    assert_eq!(made.len(), 3);
    assert!(
        made.iter()
            .all(|(id, t, last)| *id < 0 && *t == Some(team.id) && *last == week(2))
    );
    assert!(made[0].0 > made[1].0, "in the order they were made");
    assert!(store.synthetic_people(surrey.id).unwrap().is_empty());
    assert_eq!(distinct(&org, 0, 3), 5);
    assert_eq!(distinct(&t, 2, 9), 4);
    assert_eq!(
        distinct(&DiaryScope::Orgs(vec![kent.id, surrey.id]), 0, 3),
        5
    );
    // A person's own diaries after the synthetic ones went in are untouched.
    assert_eq!(store.diaries_of(1, week(0), week(9)).unwrap(), mine);

    // Each week's diaries, for the organisation (team 0) and each team.
    assert_eq!(
        store.diary_week_counts(kent.id, week(0), week(3)).unwrap(),
        vec![
            (0, week(0), 1),
            (team.id, week(0), 1),
            (0, week(1), 4),
            (team.id, week(1), 4),
            (0, week(2), 4),
            (team.id, week(2), 3),
            (0, week(3), 1),
            (team.id, week(3), 1),
        ]
    );
    assert_eq!(
        store
            .diary_week_counts(kent.id, week(1), week(1))
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .diary_week_counts(surrey.id, week(0), week(3))
            .unwrap()
            .is_empty()
    );

    // Several organisations count an organisation's week only with five diaries or more: none
    // of Kent's weeks has five, so only Surrey's week of five counts.
    let five: Vec<SyntheticPerson> = (0..5)
        .map(|_| SyntheticPerson {
            team_id: None,
            diaries: vec![diary(1, 120, 60)],
        })
        .collect();
    store
        .add_synthetic_diaries(surrey.id, &five, "2026-11-25T10:00:00Z", week(3))
        .unwrap();
    let both = store
        .diary_sums(
            &DiaryScope::Orgs(vec![kent.id, surrey.id]),
            week(0),
            week(3),
        )
        .unwrap();
    assert_eq!(
        both.contributors, 10,
        "people are counted whatever their week"
    );
    assert_eq!(both.weeks.len(), 1);
    assert_eq!(both.weeks[0].week, Some(week(1)));
    assert_eq!(both.weeks[0].diaries, 5);
    assert_eq!(both.weeks[0].minutes.values().sum::<u64>(), 5 * 180);
    // One organisation's own sums keep every week: its views decide what counts.
    assert_eq!(
        store
            .diary_sums(&org, week(0), week(3))
            .unwrap()
            .weeks
            .len(),
        4
    );

    // Removing the synthetic organisations takes them with all they hold, and nothing else.
    let real = organisation(store, "Medway Council", Some("E06000035"));
    let mut removed = store.remove_synthetic_organisations().unwrap();
    removed.sort();
    assert_eq!(removed, ["Kent County Council", "Surrey County Council"]);
    let left: Vec<i64> = store
        .organisations()
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(left, [real.id]);
    assert!(store.synthetic_people(kent.id).unwrap().is_empty());
    assert!(
        store
            .diary_sums(&org, week(0), week(3))
            .unwrap()
            .weeks
            .is_empty()
    );
    assert!(store.remove_synthetic_organisations().unwrap().is_empty());
}

pub fn a_closed_week_is_released_once_and_later_changes_only_in_batches_of_five(store: &dyn Store) {
    use crate::diary::{DiaryCategory, DiaryScope, Published, StoredDiary};
    use swforce_domain::diary::{Activity, Diary, Week};
    let kent = organisation(store, "Kent County Council", Some("E10000016"));
    let team = store.create_team(kent.id, "Front door").unwrap();
    let face = store
        .save_diary_category(&DiaryCategory {
            id: 0,
            org_id: kent.id,
            label: "Face to face".into(),
            activity: Activity::DirectFaceToFace,
            position: 1,
            retired: false,
        })
        .unwrap();
    let week = |n: i64| Week::parse("2025-01-06").unwrap().plus_weeks(n);
    let keep = |person: i64, team_id: Option<i64>, n: i64, minutes: u32, eligible: bool| {
        store
            .save_diary(&StoredDiary {
                person_id: person,
                org_id: kent.id,
                team_id,
                diary: Diary {
                    week: week(n),
                    minutes: [(face.id, minutes)].into_iter().collect(),
                    contracted: 37 * 60,
                    obstacles: vec![],
                    note: String::new(),
                    share_note: false,
                },
                updated_at: "2026-11-25T10:00:00Z".into(),
                eligible,
            })
            .unwrap()
    };
    let org = DiaryScope::Org(kent.id);
    let t = DiaryScope::Team {
        org_id: kent.id,
        team_id: team.id,
    };
    let minutes = |scope: &DiaryScope| -> u64 {
        store
            .diary_sums(scope, week(0), week(0))
            .unwrap()
            .weeks
            .iter()
            .flat_map(|w| w.minutes.values())
            .sum()
    };
    // Six people keep week 0 in time, five in the team; week 1 is still open.
    for p in 1..=5 {
        keep(p, Some(team.id), 0, 600, true);
    }
    keep(6, None, 0, 600, true);
    keep(1, Some(team.id), 1, 600, true);
    assert_eq!(
        store.publish_diaries(week(0), 5, None).unwrap(),
        Published {
            first: 6,
            batched: 0,
            waiting: 0
        },
        "only the closed week is released"
    );
    assert_eq!(minutes(&org), 3600);
    assert_eq!(minutes(&t), 3000);
    assert!(
        store
            .diary_sums(&org, week(1), week(1))
            .unwrap()
            .weeks
            .is_empty()
    );

    // One person changes week 0 afterwards: it waits, and no figure moves.
    keep(1, Some(team.id), 0, 900, true);
    assert_eq!(store.publish_diaries(week(0), 5, None).unwrap().waiting, 1);
    assert_eq!(minutes(&org), 3600);
    // Three more, and a late diary by an account made after the week: still four who count.
    for p in 2..=4 {
        keep(p, Some(team.id), 0, 660, true);
    }
    keep(7, Some(team.id), 0, 300, false);
    assert_eq!(store.publish_diaries(week(0), 5, None).unwrap().waiting, 5);
    assert_eq!(minutes(&org), 3600);
    // The fifth who counts: all five changes enter the organisation's sums together, and the
    // team's week stays as it was first released.
    keep(6, None, 0, 500, true);
    assert_eq!(
        store.publish_diaries(week(0), 5, None).unwrap(),
        Published {
            first: 0,
            batched: 6,
            waiting: 0
        }
    );
    assert_eq!(minutes(&org), 900 + 3 * 660 + 600 + 500 + 300);
    assert_eq!(
        minutes(&t),
        3000,
        "a team's week is frozen at its first release"
    );
    let w0 = &store.diary_sums(&org, week(0), week(0)).unwrap().weeks[0];
    assert_eq!((w0.diaries, w0.eligible), (7, 6));
    assert_eq!(
        store
            .diary_sums(&org, week(0), week(0))
            .unwrap()
            .contributors,
        7
    );
    // The counts that decide which teams are held back stay those of the first release.
    assert_eq!(
        store.diary_week_counts(kent.id, week(0), week(0)).unwrap(),
        vec![(0, week(0), 6), (team.id, week(0), 5)]
    );
    // A person's own diary is always as they kept it.
    assert_eq!(
        store.diaries_of(1, week(0), week(0)).unwrap()[0]
            .diary
            .minutes[&face.id],
        900
    );

    // The open week is released in its turn, with its first release; asked for another
    // organisation's week only, nothing of Kent's moves.
    assert_eq!(
        store
            .publish_diaries(week(1), 5, Some((kent.id + 1000, week(1))))
            .unwrap(),
        Published::default()
    );
    assert_eq!(
        store
            .publish_diaries(week(1), 5, Some((kent.id, week(1))))
            .unwrap()
            .first,
        1
    );
    assert_eq!(
        store
            .diary_sums(&org, week(0), week(1))
            .unwrap()
            .contributors,
        7
    );
    assert_eq!(
        store.diary_sums(&t, week(0), week(1)).unwrap().contributors,
        5
    );
}
