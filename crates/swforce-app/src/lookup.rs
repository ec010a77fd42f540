//! Finding a place from what a person types: a code, an old code or (part of) a name.

use crate::{AppError, Snapshot};
use swforce_domain::{Geography, GeographyCode, OldLaCode};

/// Lower case, `&` as `and`, punctuation dropped, so "Bristol, City of" matches "bristol city of".
fn normalise(text: &str) -> String {
    let spaced = text.to_lowercase().replace('&', " and ");
    spaced
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Snapshot {
    /// Places whose name contains every word of `query` (or whose code is `query`), current
    /// places first, then by name. An empty query finds nothing.
    pub fn search(&self, query: &str) -> Vec<&Geography> {
        let q = normalise(query);
        if q.is_empty() {
            return Vec::new();
        }
        let words: Vec<&str> = q.split(' ').collect();
        let code = GeographyCode::parse(&query.trim().to_ascii_uppercase()).ok();
        let old = OldLaCode::parse_joint(query).ok();
        let mut hits: Vec<&Geography> = self
            .geographies()
            .filter(|g| {
                let name = normalise(&g.name);
                code.as_ref()
                    .is_some_and(|c| g.code == *c || g.code.members().contains(c))
                    || old.is_some_and(|o| {
                        g.old_la_code.is_some_and(|c| {
                            c.same_as(o) || (o.members().len() == 1 && c.covers(o))
                        })
                    })
                    || words
                        .iter()
                        .all(|w| name.split(' ').any(|n| n.starts_with(w)))
            })
            .collect();
        hits.sort_by_key(|g| {
            (
                self.is_former(g),
                normalise(&g.name) != q,
                g.level,
                g.name.clone(),
            )
        });
        hits
    }

    /// The one place `query` means: an ONS code, a DfE code, or a name (exact, or the only
    /// current place whose name matches). Former authorities are found by code, or by name when
    /// no current place has that name.
    pub fn find(&self, query: &str) -> Result<&Geography, AppError> {
        let q = query.trim();
        if let Ok(code) = GeographyCode::parse(&q.to_ascii_uppercase()) {
            if let Some(g) = self.geography(&code) {
                return Ok(g);
            }
            // A member the releases never name alone finds its unit.
            if let Some(g) = self.unit_of(&code) {
                return Ok(g);
            }
        }
        if let Ok(old) = OldLaCode::parse_joint(q) {
            let mut hits: Vec<&Geography> = self
                .geographies()
                .filter(|g| {
                    g.old_la_code.is_some_and(|c| {
                        c.same_as(old) || (old.members().len() == 1 && c.covers(old))
                    })
                })
                .collect();
            // The authority itself before the unit it reports with.
            hits.sort_by_key(|g| (self.is_former(g), g.code.is_joint()));
            if let Some(g) = hits.first() {
                return Ok(g);
            }
        }
        let hits = self.search(q);
        let exact: Vec<&Geography> = hits
            .iter()
            .copied()
            .filter(|g| normalise(&g.name) == normalise(q))
            .collect();
        for pool in [&exact, &hits] {
            if pool.is_empty() {
                continue;
            }
            let current: Vec<&Geography> = pool
                .iter()
                .copied()
                .filter(|g| !self.is_former(g))
                .collect();
            let choice = if current.is_empty() { pool } else { &current };
            if let [one] = choice.as_slice() {
                return Ok(one);
            }
            return Err(AppError::Ambiguous {
                query: q.to_string(),
                candidates: choice
                    .iter()
                    .map(|g| format!("{} ({})", g.name, g.code))
                    .collect(),
            });
        }
        let first = normalise(q).chars().take(3).collect::<String>();
        let suggestions = self
            .geographies()
            .filter(|g| !first.is_empty() && normalise(&g.name).starts_with(&first))
            .filter(|g| !self.is_former(g))
            .take(5)
            .map(|g| format!("{} ({})", g.name, g.code))
            .collect();
        Err(AppError::NotFound {
            kind: "place",
            query: q.to_string(),
            suggestions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn names_are_compared_without_case_or_punctuation() {
        assert_eq!(normalise("Bristol, City of"), "bristol city of");
        assert_eq!(normalise("Brighton & Hove"), "brighton and hove");
        assert_eq!(normalise("  "), "");
    }
}
