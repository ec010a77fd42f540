//! Statistical neighbours: the Department for Education's groupings of each local authority
//! with the ten authorities most like it, and how an authority's DfE code is found among the
//! places on record (across reorganisations and jointly reported units).

use crate::lineage::LINEAGE;
use crate::{Geography, GeographyCode, OldLaCode};
use serde::Serialize;

/// How close a neighbour is, as the Department's model words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Closeness {
    ExtremelyClose,
    VeryClose,
    Close,
    SomewhatClose,
    NotClose,
}

impl Closeness {
    /// Every word, closest first.
    pub const ALL: [Closeness; 5] = [
        Self::ExtremelyClose,
        Self::VeryClose,
        Self::Close,
        Self::SomewhatClose,
        Self::NotClose,
    ];

    /// Reads the model's word, whatever its case and surrounding spaces (`Close `, `Very Close`).
    pub fn parse(text: &str) -> Option<Self> {
        let words: Vec<&str> = text.split_whitespace().collect();
        Self::ALL
            .into_iter()
            .find(|c| c.words().eq_ignore_ascii_case(&words.join(" ")))
    }

    /// The word, as a sentence would use it ("very close").
    pub fn words(self) -> &'static str {
        match self {
            Self::ExtremelyClose => "extremely close",
            Self::VeryClose => "very close",
            Self::Close => "close",
            Self::SomewhatClose => "somewhat close",
            Self::NotClose => "not close",
        }
    }

    /// Stored as 1 (extremely close) to 5 (not close).
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// Reads the stored number back.
    pub fn from_number(n: f64) -> Option<Self> {
        Self::ALL.into_iter().find(|c| f64::from(c.number()) == n)
    }
}

/// One place a DfE code stands for: an authority on record, or one known only from the
/// reorganisations (Cumberland, before any release names it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DfePlace {
    pub code: GeographyCode,
    pub name: String,
    /// Whether the place is on record (has published figures of its own).
    pub on_record: bool,
}

/// Finds the authority a 3-digit DfE code stands for: among the places on record, the current
/// one where a code was kept across a reorganisation (Buckinghamshire's 825 is the unitary
/// council, not the county council it replaced); otherwise a council the reorganisations name
/// (Cumberland's 942), the newest first.
pub fn place_of_dfe_code(code: OldLaCode, known: &[Geography]) -> Option<DfePlace> {
    place_of_dfe_code_among(code, known.iter())
}

/// [`place_of_dfe_code`] among places held elsewhere (a map's values), without copying them.
pub fn place_of_dfe_code_among<'a>(
    code: OldLaCode,
    known: impl Iterator<Item = &'a Geography> + Clone,
) -> Option<DfePlace> {
    let mut on_record: Vec<&Geography> = known
        .clone()
        .filter(|g| !g.code.is_joint() && g.old_la_code.is_some_and(|c| c == code))
        .collect();
    // A predecessor that kept its code gives way to its successor.
    let replaced = |g: &Geography| {
        LINEAGE.iter().any(|r| {
            r.predecessors.iter().any(|(c, _, _)| *c == g.code.as_str())
                && r.successors.iter().any(|(s, dfe, _)| {
                    OldLaCode::parse(dfe).is_ok_and(|d| d == code)
                        && known.clone().any(|k| k.code.as_str() == *s)
                })
        })
    };
    on_record.sort_by_key(|g| replaced(g));
    if let Some(g) = on_record.first() {
        return Some(DfePlace {
            code: g.code.clone(),
            name: g.name.clone(),
            on_record: true,
        });
    }
    LINEAGE
        .iter()
        .rev()
        .flat_map(|r| r.successors.iter().chain(r.predecessors))
        .find(|(_, dfe, _)| OldLaCode::parse(dfe).is_ok_and(|d| d == code))
        .and_then(|(ons, _, name)| {
            Some(DfePlace {
                code: GeographyCode::parse(ons).ok()?,
                name: (*name).to_string(),
                on_record: false,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GeographicLevel;

    fn la(code: &str, dfe: &str, name: &str) -> Geography {
        Geography {
            code: GeographyCode::parse(code).unwrap(),
            name: name.into(),
            level: GeographicLevel::LocalAuthority,
            parent: None,
            old_la_code: Some(OldLaCode::parse(dfe).unwrap()),
        }
    }

    #[test]
    fn closeness_words_are_read_whatever_their_case_and_spaces() {
        assert_eq!(Closeness::parse("Close "), Some(Closeness::Close));
        assert_eq!(Closeness::parse("Very Close"), Some(Closeness::VeryClose));
        assert_eq!(
            Closeness::parse(" somewhat  close"),
            Some(Closeness::SomewhatClose)
        );
        assert_eq!(
            Closeness::parse("Extremely close"),
            Some(Closeness::ExtremelyClose)
        );
        assert_eq!(Closeness::parse("Near"), None);
        assert_eq!(Closeness::parse(""), None);
        for c in Closeness::ALL {
            assert_eq!(Closeness::from_number(f64::from(c.number())), Some(c));
        }
    }

    #[test]
    fn a_code_kept_across_a_reorganisation_is_the_current_council() {
        let known = [
            la("E10000002", "825", "Buckinghamshire (county)"),
            la("E06000060", "825", "Buckinghamshire"),
        ];
        let p = place_of_dfe_code(OldLaCode::parse("825").unwrap(), &known).unwrap();
        assert_eq!(p.code.as_str(), "E06000060");
        assert!(p.on_record);
        // With only the county council on record, it is the county council.
        let p = place_of_dfe_code(OldLaCode::parse("825").unwrap(), &known[..1]).unwrap();
        assert_eq!(p.code.as_str(), "E10000002");
    }

    #[test]
    fn a_council_made_after_the_figures_is_found_from_the_reorganisations() {
        let known = [la("E10000006", "909", "Cumbria")];
        let p = place_of_dfe_code(OldLaCode::parse("942").unwrap(), &known).unwrap();
        assert_eq!(p.code.as_str(), "E06000063");
        assert_eq!(p.name, "Cumberland");
        assert!(!p.on_record);
        assert!(place_of_dfe_code(OldLaCode::parse("999").unwrap(), &known).is_none());
    }
}
