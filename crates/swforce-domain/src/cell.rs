//! A published cell: either a value or the reason there is none.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The Explore Education Statistics symbols that stand in a numeric cell instead of a number.
///
/// Each is a fact about the cell, not an error. None of them is ever turned into a zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EesSymbol {
    /// `z`: not applicable (for example a rate whose denominator is zero).
    Z,
    /// `x`: not available (not collected or not returned).
    X,
    /// `c`: suppressed to protect confidentiality.
    C,
    /// `low`: rounds to zero but is not zero.
    Low,
    /// `u`: low reliability.
    U,
}

impl EesSymbol {
    /// Every symbol, in the order the publisher lists them.
    pub const ALL: [EesSymbol; 5] = [Self::Z, Self::X, Self::C, Self::Low, Self::U];

    /// Reads a symbol exactly as published (`z`, `x`, `c`, `low`, `u`); anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "z" => Some(Self::Z),
            "x" => Some(Self::X),
            "c" => Some(Self::C),
            "low" => Some(Self::Low),
            "u" => Some(Self::U),
            _ => None,
        }
    }

    /// The symbol as published.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Z => "z",
            Self::X => "x",
            Self::C => "c",
            Self::Low => "low",
            Self::U => "u",
        }
    }

    /// Plain-English reason, for a tooltip, a table footnote or a screen reader.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Z => "not applicable",
            Self::X => "not available",
            Self::C => "suppressed to protect confidentiality",
            Self::Low => "rounds to zero, but is not zero",
            Self::U => "low reliability",
        }
    }
}

impl fmt::Display for EesSymbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A cell the publisher can suppress: a value, or a symbol saying why there is no value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cell<T> {
    Value(T),
    Symbol(EesSymbol),
}

impl<T: Copy> Cell<T> {
    /// The value, if there is one.
    pub fn value(&self) -> Option<T> {
        match self {
            Cell::Value(v) => Some(*v),
            Cell::Symbol(_) => None,
        }
    }

    /// The symbol, if the cell holds one.
    pub fn symbol(&self) -> Option<EesSymbol> {
        match self {
            Cell::Value(_) => None,
            Cell::Symbol(s) => Some(*s),
        }
    }

    /// Applies `f` to the value and keeps the symbol as it is.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Cell<U> {
        match self {
            Cell::Value(v) => Cell::Value(f(v)),
            Cell::Symbol(s) => Cell::Symbol(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_symbol_reads_back_as_itself() {
        for s in EesSymbol::ALL {
            assert_eq!(EesSymbol::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn numbers_and_unknown_words_are_not_symbols() {
        for text in ["0", "", "Z", "n/a", "lower", " c"] {
            assert_eq!(EesSymbol::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_symbol_cell_has_no_value() {
        let cell: Cell<f64> = Cell::Symbol(EesSymbol::C);
        assert_eq!(cell.value(), None);
        assert_eq!(cell.map(|v| v * 2.0).symbol(), Some(EesSymbol::C));
    }
}
