//! Local government reorganisations, so that a time series can continue across them.

/// One reorganisation: predecessor authorities replaced by successors on a date.
///
/// `continuity` says, for each successor, which predecessors' figures stand in for its own in
/// the years before it existed. Where a predecessor was split (Christchurch moved from Dorset
/// into the new Bournemouth, Christchurch and Poole), the series is continued from the larger
/// part and the note says what is approximate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reorganisation {
    /// The day the successors took over, as an ISO date.
    pub effective: &'static str,
    /// `(ONS code, DfE code, name)` of each predecessor.
    pub predecessors: &'static [(&'static str, &'static str, &'static str)],
    /// `(ONS code, DfE code, name)` of each successor.
    pub successors: &'static [(&'static str, &'static str, &'static str)],
    /// `(successor, predecessors whose summed counts continue its series)`.
    pub continuity: &'static [(&'static str, &'static [&'static str])],
    /// What a reader should know about comparing across the change.
    pub note: &'static str,
}

/// The reorganisations that affect the published series from 2013 onwards.
pub const LINEAGE: &[Reorganisation] = &[
    Reorganisation {
        effective: "2019-04-01",
        predecessors: &[
            ("E06000028", "837", "Bournemouth"),
            ("E06000029", "836", "Poole"),
            ("E10000009", "835", "Dorset (county council)"),
        ],
        successors: &[
            ("E06000058", "839", "Bournemouth, Christchurch and Poole"),
            ("E06000059", "838", "Dorset"),
        ],
        continuity: &[
            ("E06000058", &["E06000028", "E06000029"]),
            ("E06000059", &["E10000009"]),
        ],
        note: "Before April 2019, Bournemouth, Christchurch and Poole is shown as Bournemouth \
               and Poole combined, and Dorset as the former county council, which still \
               included Christchurch.",
    },
    Reorganisation {
        effective: "2020-04-01",
        predecessors: &[("E10000002", "825", "Buckinghamshire (county council)")],
        successors: &[("E06000060", "825", "Buckinghamshire")],
        continuity: &[("E06000060", &["E10000002"])],
        note: "Buckinghamshire County Council and its districts became one unitary council on \
               the same boundary, keeping the DfE code 825: the series continues unchanged.",
    },
    Reorganisation {
        effective: "2021-04-01",
        predecessors: &[("E10000021", "928", "Northamptonshire")],
        successors: &[
            ("E06000061", "940", "North Northamptonshire"),
            ("E06000062", "941", "West Northamptonshire"),
        ],
        continuity: &[("E06000061", &["E10000021"])],
        note: "Children's services for both new councils are run by Northamptonshire \
               Children's Trust, so their workforce is reported as one: older releases give \
               the row to North Northamptonshire, with West Northamptonshire shown as not \
               applicable (z); newer releases name the pair as one unit. Earlier years are \
               Northamptonshire's.",
    },
    Reorganisation {
        effective: "2023-04-01",
        predecessors: &[("E10000006", "909", "Cumbria")],
        successors: &[
            ("E06000063", "942", "Cumberland"),
            ("E06000064", "943", "Westmorland and Furness"),
        ],
        continuity: &[("E06000063", &["E10000006"]), ("E06000064", &["E10000006"])],
        note: "Before April 2023, both Cumberland and Westmorland and Furness show the whole of \
               Cumbria: compare trends, not levels, across the change, and never add the two \
               continued series together.",
    },
    Reorganisation {
        effective: "2023-04-01",
        predecessors: &[("E10000023", "815", "North Yorkshire (county council)")],
        successors: &[("E06000065", "815", "North Yorkshire")],
        continuity: &[("E06000065", &["E10000023"])],
        note: "North Yorkshire County Council and its districts became one unitary council on \
               the same boundary, keeping the DfE code 815: the series continues unchanged.",
    },
    Reorganisation {
        effective: "2023-04-01",
        predecessors: &[("E10000027", "933", "Somerset (county council)")],
        successors: &[("E06000066", "933", "Somerset")],
        continuity: &[("E06000066", &["E10000027"])],
        note: "Somerset County Council and its districts became one unitary council on the \
               same boundary, keeping the DfE code 933: the series continues unchanged.",
    },
];

/// Councils whose children's services are run together, so that releases before the pair was
/// named as one unit give the pair's workforce under the first (the second shown as not
/// applicable): `(reporting council, its partner, the service)`. Their children are added up
/// for rates per 10,000 children, and the partner, as a statistical neighbour, stands for the
/// pair's figures.
pub const SHARED_SERVICES: &[(&str, &str, &str)] = &[
    (
        "E06000061",
        "E06000062",
        "Northamptonshire Children's Trust",
    ),
    ("E09000021", "E09000027", "Achieving for Children"),
];

/// The council a shared service's partner is reported with, and the service's name.
pub fn reported_with(partner: &str) -> Option<(&'static str, &'static str)> {
    SHARED_SERVICES
        .iter()
        .find(|(_, p, _)| *p == partner)
        .map(|(r, _, name)| (*r, *name))
}

/// The partner a council reports for, if it reports for a shared service's pair.
pub fn reports_for(council: &str) -> Option<&'static str> {
    SHARED_SERVICES
        .iter()
        .find(|(r, _, _)| *r == council)
        .map(|(_, p, _)| *p)
}

/// The reorganisation that created `successor`, and the predecessors continuing its series.
pub fn continuity_for(
    successor: &str,
) -> Option<(&'static Reorganisation, &'static [&'static str])> {
    LINEAGE.iter().find_map(|r| {
        r.continuity
            .iter()
            .find(|(s, _)| *s == successor)
            .map(|(_, preds)| (r, *preds))
    })
}

/// A council made by a reorganisation, found by its ONS code or its name (any case): its code
/// and name. Councils made after the statistics on record are known by this alone.
pub fn successor(text: &str) -> Option<(&'static str, &'static str)> {
    let text = text.trim();
    LINEAGE
        .iter()
        .flat_map(|r| r.successors.iter())
        .find(|(code, _, name)| code.eq_ignore_ascii_case(text) || name.eq_ignore_ascii_case(text))
        .map(|(code, _, name)| (*code, *name))
}

/// The reorganisation that ended `predecessor`, if any.
pub fn succeeded_by(predecessor: &str) -> Option<&'static Reorganisation> {
    LINEAGE
        .iter()
        .find(|r| r.predecessors.iter().any(|(c, _, _)| *c == predecessor))
}

/// Whether two authorities took part in one reorganisation (Dorset the county and Dorset the
/// unitary council, which share a name).
pub fn related(a: &str, b: &str) -> bool {
    LINEAGE.iter().any(|r| {
        let mut all = r
            .predecessors
            .iter()
            .chain(r.successors)
            .map(|(c, _, _)| *c);
        let (mut has_a, mut has_b) = (false, false);
        for c in all.by_ref() {
            has_a |= c == a;
            has_b |= c == b;
        }
        has_a && has_b
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GeographyCode, OldLaCode};

    #[test]
    fn every_code_in_the_lineage_table_is_well_formed() {
        for r in LINEAGE {
            for (ons, dfe, name) in r.predecessors.iter().chain(r.successors) {
                assert!(GeographyCode::parse(ons).is_ok(), "{name}");
                assert!(OldLaCode::parse(dfe).is_ok(), "{name}");
            }
            for (succ, preds) in r.continuity {
                assert!(r.successors.iter().any(|(c, _, _)| c == succ));
                for p in *preds {
                    assert!(r.predecessors.iter().any(|(c, _, _)| c == p));
                }
            }
        }
    }

    #[test]
    fn bcp_continues_from_bournemouth_and_poole() {
        let (reorg, preds) = continuity_for("E06000058").unwrap();
        assert_eq!(reorg.effective, "2019-04-01");
        assert_eq!(preds, &["E06000028", "E06000029"]);
        assert!(succeeded_by("E10000021").is_some());
        assert!(succeeded_by("E06000058").is_none());
    }
}
