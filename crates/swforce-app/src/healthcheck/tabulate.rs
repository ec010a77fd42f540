//! A closed round's responses summed by group, with every protection applied: a group or a
//! cell only with at least five responses that count, and held back when it would leave one to
//! four to be worked out by subtraction from the organisation's figure.

use super::summary::{Breakdown, GroupFigures, ReasonFigure, StandardFigure, StatementFigure};
use crate::diary::rounded_count;
use std::collections::BTreeMap;
use swforce_domain::healthcheck::{
    MIN_RESPONSES, PractitionerRole, QuestionSet, Response, ServiceArea,
};
use swforce_store::Round;

/// Answers per statement: each point's count, and answers on the scale that count towards five.
#[derive(Debug, Clone, Default)]
struct Cell {
    points: [u64; 5],
    counting: u64,
}

impl Cell {
    fn add(&mut self, point: u8, counts: bool) {
        self.points[usize::from(point - 1)] += 1;
        self.counting += u64::from(counts);
    }

    fn merge(&mut self, other: &Cell) {
        for (a, b) in self.points.iter_mut().zip(other.points) {
            *a += b;
        }
        self.counting += other.counting;
    }

    fn answered(&self) -> u64 {
        self.points.iter().sum()
    }

    fn shares(&self) -> (f64, f64, f64) {
        let n = self.answered().max(1) as f64;
        let p = self.points;
        (
            (p[3] + p[4]) as f64 / n,
            p[2] as f64 / n,
            (p[0] + p[1]) as f64 / n,
        )
    }
}

/// One group's sums.
#[derive(Debug, Clone, Default)]
struct Tally {
    responses: u64,
    counting: u64,
    items: Vec<Cell>,
}

impl Tally {
    fn new(items: usize) -> Self {
        Self {
            items: vec![Cell::default(); items],
            ..Self::default()
        }
    }

    fn add(&mut self, r: &Response) {
        self.responses += 1;
        self.counting += u64::from(r.counts);
        for (i, cell) in self.items.iter_mut().enumerate() {
            if let Some(p) = r.answers.get(i).point() {
                cell.add(p, r.counts);
            }
        }
    }
}

/// The range of [`QuestionSet::items`] each standard covers.
pub(super) fn standard_ranges(set: &QuestionSet) -> Vec<std::ops::Range<usize>> {
    let mut from = 0;
    set.standards
        .iter()
        .map(|s| {
            let r = from..from + s.statements.len();
            from = r.end;
            r
        })
        .collect()
}

/// Which groups may be shown so that no combination of figures singles anyone out.
///
/// Whatever figures are added or taken away, people are told apart only by which of the shown
/// groups they are in (at most one per split: team, role, service). So every class of people
/// with the same shown groups must hold no one or at least five who count; where one holds 1 to
/// 4, the smallest shown group that tells it apart is held back (for the class in no shown group,
/// the smallest shown group of all), until every class is safe. This covers subtraction within
/// a split (the organisation less its teams shown) and across splits (a service less a team in
/// it), and any longer sum. `people` gives each person who counts their group in each split (an
/// index into `may` and `size`); `may` says which groups could be shown at all.
pub(super) fn safe_groups(
    people: &[[Option<usize>; 3]],
    mut shown: Vec<bool>,
    size: &[u64],
) -> Vec<bool> {
    let min = u64::from(MIN_RESPONSES);
    loop {
        let mut classes: BTreeMap<[Option<usize>; 3], u64> = BTreeMap::new();
        for p in people {
            *classes
                .entry(p.map(|g| g.filter(|g| shown[*g])))
                .or_default() += 1;
        }
        let Some(small) = classes
            .iter()
            .find(|(_, n)| **n > 0 && **n < min)
            .map(|(k, _)| *k)
        else {
            return shown;
        };
        let smallest = |gs: &mut dyn Iterator<Item = usize>| gs.min_by_key(|g| (size[*g], *g));
        let pick = match smallest(&mut small.iter().flatten().copied()) {
            Some(g) => Some(g),
            None => smallest(&mut (0..shown.len()).filter(|g| shown[*g])),
        };
        match pick {
            Some(g) => shown[g] = false,
            None => return shown,
        }
    }
}

/// A group's figures, with statements held back as `hide_items` says. A standard's figure pools
/// only the statements shown for the group, so it says nothing that they do not (a statement
/// held back never shows through its standard).
fn figures(
    label: String,
    tally: &Tally,
    shown: bool,
    set: &QuestionSet,
    round: &Round,
    hide_items: &dyn Fn(usize) -> bool,
) -> GroupFigures {
    let min = u64::from(MIN_RESPONSES);
    let items = set.items(&round.own_questions);
    let visible: Vec<bool> = (0..items.len())
        .map(|i| shown && tally.items[i].counting >= min && !hide_items(i))
        .collect();
    let statements = items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let cell = &tally.items[i];
            let ok = visible[i];
            let (agree, neutral, disagree) = cell.shares();
            StatementFigure {
                key: it.key.clone(),
                text: it.text.to_string(),
                standard: it.standard.map_or_else(
                    || it.key.split('.').next().unwrap_or_default().to_string(),
                    |s| s.key.clone(),
                ),
                shown: ok,
                answered: ok.then(|| rounded_count(cell.answered())),
                agree: ok.then_some(agree),
                neutral: ok.then_some(neutral),
                disagree: ok.then_some(disagree),
            }
        })
        .collect();
    let standards = set
        .standards
        .iter()
        .zip(standard_ranges(set))
        .map(|(s, range)| {
            let mut cell = Cell::default();
            for i in range.filter(|i| visible[*i]) {
                cell.merge(&tally.items[i]);
            }
            let ok = cell.counting >= min;
            let (agree, _, disagree) = cell.shares();
            StandardFigure {
                key: s.key.clone(),
                number: s.number,
                title: s.title.clone(),
                shown: ok,
                agree: ok.then_some(agree),
                disagree: ok.then_some(disagree),
                previous: None,
                region: None,
                england: None,
                assessment: None,
            }
        })
        .collect();
    let stay = &tally.items[set.stay_index()];
    GroupFigures {
        label,
        shown,
        responses: shown.then(|| rounded_count(tally.responses)),
        standards,
        statements,
        stay: visible[set.stay_index()].then(|| stay.shares().0),
    }
}

/// The figures of a closed round's responses: the organisation's, each way it splits, with
/// every protection applied.
pub(super) fn tabulate(
    set: &QuestionSet,
    round: &Round,
    responses: &[Response],
    teams: &[(i64, String)],
) -> (GroupFigures, Vec<Breakdown>) {
    let n_items = set.items(&round.own_questions).len();
    let mut org = Tally::new(n_items);
    let mut by: [BTreeMap<i64, Tally>; 3] = Default::default();
    for r in responses {
        org.add(r);
        let keys = [
            r.team,
            r.role.map(|x| x as i64),
            r.service.map(|x| x as i64),
        ];
        for (map, key) in by.iter_mut().zip(keys) {
            if let Some(k) = key {
                map.entry(k).or_insert_with(|| Tally::new(n_items)).add(r);
            }
        }
    }
    let min = u64::from(MIN_RESPONSES);
    let org_shown = org.counting >= min;
    let overall = figures(
        "The whole organisation".into(),
        &org,
        org_shown,
        set,
        round,
        &|_| false,
    );
    let names: [&'static str; 3] = ["team", "role", "service"];
    // Every group of every split, by a number of its own.
    let groups: Vec<(usize, i64)> = by
        .iter()
        .enumerate()
        .flat_map(|(d, map)| map.keys().map(move |k| (d, *k)))
        .collect();
    // Found by key, not by searching the list, once per response and split.
    let numbered: std::collections::HashMap<(usize, i64), usize> = groups
        .iter()
        .enumerate()
        .map(|(g, key)| (*key, g))
        .collect();
    let index = |d: usize, k: Option<i64>| k.and_then(|k| numbered.get(&(d, k)).copied());
    let place = |r: &Response| {
        [
            index(0, r.team),
            index(1, r.role.map(|x| x as i64)),
            index(2, r.service.map(|x| x as i64)),
        ]
    };
    let size: Vec<u64> = groups.iter().map(|(d, k)| by[*d][k].counting).collect();
    let counting: Vec<(&Response, [Option<usize>; 3])> = responses
        .iter()
        .filter(|r| r.counts)
        .map(|r| (r, place(r)))
        .collect();
    let may: Vec<bool> = size.iter().map(|n| org_shown && *n >= min).collect();
    let people: Vec<[Option<usize>; 3]> = counting.iter().map(|(_, p)| *p).collect();
    let shown = safe_groups(&people, may, &size);
    // Each statement again, over those who answered it on the scale.
    let cells: Vec<Vec<bool>> = (0..n_items)
        .map(|i| {
            let people: Vec<[Option<usize>; 3]> = counting
                .iter()
                .filter(|(r, _)| r.answers.get(i).point().is_some())
                .map(|(_, p)| *p)
                .collect();
            let may: Vec<bool> = groups
                .iter()
                .enumerate()
                .map(|(g, (d, k))| shown[g] && by[*d][k].items[i].counting >= min)
                .collect();
            let answered: Vec<u64> = groups
                .iter()
                .map(|(d, k)| by[*d][k].items[i].counting)
                .collect();
            safe_groups(&people, may, &answered)
        })
        .collect();
    let breakdowns = by
        .iter()
        .zip(names)
        .enumerate()
        .map(|(d, (map, name))| {
            let groups = map
                .iter()
                .map(|(k, tally)| {
                    let g = index(d, Some(*k)).unwrap_or_default();
                    let label = match name {
                        "team" => teams
                            .iter()
                            .find(|(id, _)| id == k)
                            .map_or_else(|| "A former team".to_string(), |(_, n)| n.clone()),
                        "role" => PractitionerRole::ALL
                            .get(*k as usize)
                            .map_or("", |r| r.label())
                            .to_string(),
                        _ => ServiceArea::ALL
                            .get(*k as usize)
                            .map_or("", |s| s.label())
                            .to_string(),
                    };
                    figures(label, tally, shown[g], set, round, &|i| !cells[i][g])
                })
                .collect();
            Breakdown { by: name, groups }
        })
        .collect();
    (overall, breakdowns)
}

/// How many chose each option, as bits of `bits_of`: the count rounded to the nearest five, the
/// share of all responses from the exact count; neither ("fewer than 5") unless at least five
/// who chose it count towards five.
pub(super) fn chosen(
    responses: &[Response],
    labels: &[String],
    bits_of: impl Fn(&Response) -> u32,
) -> Vec<ReasonFigure> {
    let total = responses.len().max(1) as f64;
    labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let chose: Vec<&Response> = responses
                .iter()
                .filter(|r| bits_of(r) & (1 << i) != 0)
                .collect();
            let n = chose.len() as u64;
            // Only people who were there when the round opened make the five.
            let counting = chose.iter().filter(|r| r.counts).count() as u64;
            // Nobody and 1 to 4 look the same: "fewer than 5" says neither.
            let few = counting < u64::from(MIN_RESPONSES);
            let count = (!few).then(|| rounded_count(n));
            ReasonFigure {
                label: label.clone(),
                count,
                few,
                share: (!few).then_some(n as f64 / total),
            }
        })
        .collect()
}
