//! The headline cards of an overview page: each headline figure beside its region and England,
//! its rank among authorities and its statistical neighbours.

use super::indicator::comparable;
use swforce_app::neighbours::rank_words;
use swforce_app::profile::Profile;
use swforce_app::{Snapshot, display};
use swforce_domain::Polarity;

/// A headline figure in a card.
#[derive(Debug, Clone)]
pub struct Card {
    pub label: String,
    pub value: String,
    pub notes: Vec<String>,
    /// "better", "worse" or "" (the words in `notes` always say the same).
    pub tone: &'static str,
}

pub fn cards(snap: &Snapshot, p: &Profile) -> Vec<Card> {
    p.workforce
        .iter()
        .filter(|v| v.measure.headline)
        .map(|v| {
            let m = v.measure;
            let latest = v.rows.last();
            let this = latest.and_then(|r| r.this.as_ref());
            let england = latest
                .and_then(|r| r.england.as_ref())
                .and_then(|f| f.value());
            let region = latest
                .and_then(|r| r.region.as_ref())
                .and_then(|f| f.value());
            let mut notes = Vec::new();
            let mut tone = "";
            let shown = |x: f64| swforce_app::indicators::published_number(m, x);
            let against = |value: f64, other: f64| match shown(value).total_cmp(&shown(other)) {
                std::cmp::Ordering::Less => ("Lower than", m.polarity == Polarity::LowerIsBetter),
                std::cmp::Ordering::Greater => {
                    ("Higher than", m.polarity == Polarity::HigherIsBetter)
                }
                std::cmp::Ordering::Equal => ("Same as", false),
            };
            let value = this.and_then(|f| f.value()).filter(|_| comparable(m));
            // The region first, for an authority: the first screen answers "how are we doing
            // against our region and England".
            if let (Some(value), Some(r), Some(name)) =
                (value, region, p.region.as_ref().map(|g| &g.name))
            {
                let (word, _) = against(value, r);
                notes.push(format!("{word} {name} ({})", display::value(m, r)));
            }
            if let (Some(value), Some(e)) = (value, england) {
                let (word, better) = against(value, e);
                if m.polarity != Polarity::Neutral && word != "Same as" {
                    tone = if better { "better" } else { "worse" };
                }
                notes.push(format!("{word} England ({})", display::value(m, e)));
            }
            if let Some(b) = &v.benchmark {
                if let (Some(rank), Some(q)) = (b.rank_from_highest, b.quartile) {
                    notes.push(format!(
                        "{} authorities; {}",
                        rank_words(rank, b.ranked),
                        q.describe(m.polarity)
                    ));
                }
            }
            if let (Some(n), Some(b)) = (&p.neighbours, &v.neighbour_benchmark) {
                if let Some(median) = b.median {
                    let mut note = format!(
                        "Statistical neighbours' median {} ({} model)",
                        display::value(m, median),
                        n.model
                    );
                    if let Some(rank) = b.rank_from_highest {
                        note.push_str(&format!(
                            "; {} with its neighbours",
                            rank_words(rank, b.ranked)
                        ));
                    }
                    notes.push(note);
                }
            }
            if m.always_computed() {
                notes.push("computed by swforce from the published workforce and the ONS population estimates".into());
            } else if let Some(f) = this.and_then(display::origin_note) {
                notes.push(f);
            }
            if let Some(c) = this.and_then(|f| snap.check(&p.place.code, m, f.year)) {
                notes.push(format!("Check this figure: {}", c.reason));
            }
            Card {
                label: m.label.to_string(),
                value: display::figure(m, this),
                notes,
                tone,
            }
        })
        .collect()
}
