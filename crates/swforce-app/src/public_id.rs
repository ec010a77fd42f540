//! Ids in addresses that reveal nothing: a record keeps its number inside the store, and every
//! address, form and API answer carries an opaque id made from it instead, so nobody can read
//! off how many organisations, people, scenarios or tokens there are, or guess a neighbour's.
//!
//! The opaque id is the record's number put through a keyed permutation of 64-bit numbers (a
//! Feistel network of eight rounds whose round function is SHA-256 over the key, the kind of
//! record, the round and the half), written as 16 hex digits. The key is made once per
//! deployment and kept in the database, so every app server reads the same ids. Written here
//! rather than taken from a crate: the ciphers on crates.io work on 128-bit blocks (32-digit
//! ids) or bring a format-preserving scheme for one small use.
//!
//! Links made before opaque ids carried the number itself; they keep working, for the records
//! that existed then and only those (see [`IdRef::Legacy`]).

use sha2::{Digest, Sha256};

/// The kinds of record whose ids appear in addresses. Each has its own permutation, so the
/// same number gives unrelated ids for two kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Organisation,
    Person,
    Team,
    Scenario,
    Token,
    Engagement,
    Example,
    Form,
    Category,
    Round,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Self::Organisation,
        Self::Person,
        Self::Team,
        Self::Scenario,
        Self::Token,
        Self::Engagement,
        Self::Example,
        Self::Form,
        Self::Category,
        Self::Round,
    ];

    /// The kind's name, as the store's table of older ids has it.
    pub fn id(self) -> &'static str {
        match self {
            Self::Organisation => "organisation",
            Self::Person => "person",
            Self::Team => "team",
            Self::Scenario => "scenario",
            Self::Token => "token",
            Self::Engagement => "engagement",
            Self::Example => "example",
            Self::Form => "form",
            Self::Category => "category",
            Self::Round => "healthcheck_round",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }
}

/// A record named by an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdRef {
    /// By its opaque id, as addresses carry it now.
    Current(i64),
    /// By the number an older link carried; the page moves to the record's current address.
    Legacy(i64),
}

impl IdRef {
    /// The record's number in the store.
    pub fn id(self) -> i64 {
        match self {
            Self::Current(n) | Self::Legacy(n) => n,
        }
    }
}

/// Turns record numbers into opaque ids and back, with the deployment's key.
#[derive(Clone)]
pub struct PublicIds {
    key: [u8; 32],
    /// For each kind, the last number that existed before opaque ids.
    legacy: [i64; Kind::ALL.len()],
}

impl std::fmt::Debug for PublicIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicIds").finish_non_exhaustive()
    }
}

const ROUNDS: u8 = 8;
/// Digits of an opaque id.
pub const LENGTH: usize = 16;

impl PublicIds {
    /// Ids under `secret` (any text; it is hashed into the key), where older links may name
    /// records up to the numbers in `legacy` (kind name, last number).
    pub fn new(secret: &str, legacy: &[(String, i64)]) -> Self {
        let key: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        let mut last = [0; Kind::ALL.len()];
        for (name, n) in legacy {
            if let Some(k) = Kind::ALL.iter().find(|k| k.id() == name) {
                last[k.index()] = *n;
            }
        }
        Self { key, legacy: last }
    }

    fn round(&self, kind: Kind, round: u8, half: u32) -> u32 {
        let mut h = Sha256::new();
        h.update(self.key);
        h.update(kind.id().as_bytes());
        h.update([round]);
        h.update(half.to_be_bytes());
        let d = h.finalize();
        u32::from_be_bytes([d[0], d[1], d[2], d[3]])
    }

    /// The opaque id of record `id` of `kind`: 16 lowercase hex digits.
    pub fn encode(&self, kind: Kind, id: i64) -> String {
        let v = id as u64;
        let (mut l, mut r) = ((v >> 32) as u32, v as u32);
        for i in 0..ROUNDS {
            let t = l ^ self.round(kind, i, r);
            l = r;
            r = t;
        }
        format!("{:016x}", (u64::from(l) << 32) | u64::from(r))
    }

    /// The record an opaque id stands for, if `text` is one.
    pub fn decode(&self, kind: Kind, text: &str) -> Option<i64> {
        if text.len() != LENGTH || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let v = u64::from_str_radix(text, 16).ok()?;
        let (mut l, mut r) = ((v >> 32) as u32, v as u32);
        for i in (0..ROUNDS).rev() {
            let t = r ^ self.round(kind, i, l);
            r = l;
            l = t;
        }
        i64::try_from((u64::from(l) << 32) | u64::from(r))
            .ok()
            .filter(|n| *n > 0)
    }

    /// The record `text` names: an opaque id, or the number of an older link for a record
    /// that existed before opaque ids. Anything else names nothing.
    pub fn read(&self, kind: Kind, text: &str) -> Option<IdRef> {
        let text = text.trim();
        if let Some(n) = self.decode(kind, text) {
            return Some(IdRef::Current(n));
        }
        if text.is_empty() || text.len() >= LENGTH || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: i64 = text.parse().ok()?;
        (n >= 1 && n <= self.legacy[kind.index()]).then_some(IdRef::Legacy(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids() -> PublicIds {
        PublicIds::new(
            "test key",
            &[("scenario".into(), 12), ("organisation".into(), 3)],
        )
    }

    #[test]
    fn neighbouring_records_get_unrelated_ids_of_sixteen_digits() {
        let ids = ids();
        let a = ids.encode(Kind::Scenario, 41);
        let b = ids.encode(Kind::Scenario, 42);
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
        let same_digits = a.bytes().zip(b.bytes()).filter(|(x, y)| x == y).count();
        assert!(same_digits < 8, "{a} and {b} look alike");
        assert_ne!(
            ids.encode(Kind::Scenario, 42),
            ids.encode(Kind::Organisation, 42),
            "each kind has its own ids"
        );
        assert_ne!(
            PublicIds::new("another key", &[]).encode(Kind::Scenario, 42),
            b,
            "each deployment has its own ids"
        );
    }

    #[test]
    fn an_id_names_only_records_of_its_own_kind() {
        let ids = ids();
        let a = ids.encode(Kind::Scenario, 7);
        assert_eq!(ids.read(Kind::Scenario, &a), Some(IdRef::Current(7)));
        assert_eq!(
            ids.read(Kind::Scenario, &a.to_uppercase()),
            Some(IdRef::Current(7))
        );
        assert_ne!(ids.decode(Kind::Token, &a), Some(7));
    }

    #[test]
    fn older_links_name_only_records_that_existed_before_opaque_ids() {
        let ids = ids();
        assert_eq!(ids.read(Kind::Scenario, "12"), Some(IdRef::Legacy(12)));
        assert_eq!(ids.read(Kind::Scenario, "13"), None);
        assert_eq!(ids.read(Kind::Scenario, "0"), None);
        assert_eq!(ids.read(Kind::Token, "1"), None, "no token had a link");
        for text in ["", "-1", "1e3", "x", "00000000000000001", "12 "] {
            assert_ne!(
                ids.read(Kind::Scenario, text),
                Some(IdRef::Current(1)),
                "{text:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn every_record_reads_back_from_its_id(id in 1i64..i64::MAX) {
            let ids = ids();
            for kind in Kind::ALL {
                let text = ids.encode(kind, id);
                prop_assert_eq!(ids.decode(kind, &text), Some(id));
            }
        }

        #[test]
        fn no_text_panics_or_names_a_record_it_was_not_made_for(text in ".{0,24}") {
            let ids = ids();
            if let Some(r) = ids.read(Kind::Scenario, &text) {
                match r {
                    IdRef::Current(n) => prop_assert_eq!(ids.encode(Kind::Scenario, n), text.trim().to_lowercase()),
                    IdRef::Legacy(n) => prop_assert!((1..=12).contains(&n)),
                }
            }
        }
    }
}
