//! Saved projection scenarios.

use super::organisation;
use crate::Store;

pub fn scenarios_are_saved_listed_and_found_by_id(store: &dyn Store) {
    use crate::NewScenario;
    assert!(store.scenarios(None).unwrap().is_empty());
    let new = NewScenario {
        name: "More Frontline",
        geography_code: "E92000001",
        query: "years=10&frontline_places=300",
        toml: "[train]\n",
        created_at: "2026-11-25T10:00:00Z",
        org_id: None,
        user_id: None,
    };
    let a = store.save_scenario(&new).unwrap();
    let b = store
        .save_scenario(&NewScenario {
            name: "Retain",
            ..new.clone()
        })
        .unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(a.name, "More Frontline");
    assert_eq!(a.query, "years=10&frontline_places=300");
    assert_eq!(store.scenario(a.id).unwrap(), Some(a.clone()));
    assert_eq!(store.scenario(9999).unwrap(), None);
    let all = store.scenarios(None).unwrap();
    assert_eq!(all, vec![b.clone(), a.clone()], "newest first");
    // An organisation's scenarios are its own; everyone's are seen by all.
    let org = organisation(store, "Kent County Council", Some("E10000016"));
    let other = organisation(store, "Surrey County Council", Some("E10000030"));
    let own = store
        .save_scenario(&NewScenario {
            name: "Kent only",
            org_id: Some(org.id),
            ..new.clone()
        })
        .unwrap();
    assert_eq!(own.org_id, Some(org.id));
    assert_eq!(
        store.scenarios(Some(org.id)).unwrap(),
        vec![own, b.clone(), a.clone()]
    );
    assert_eq!(
        store.scenarios(Some(other.id)).unwrap(),
        vec![b.clone(), a.clone()]
    );
    assert_eq!(store.scenarios(None).unwrap(), vec![b, a]);
    // Saving a scenario does not change the statistics' generation.
    assert_eq!(store.generation().unwrap(), 0);
}
