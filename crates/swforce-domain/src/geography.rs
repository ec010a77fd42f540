//! Geography: England, its regions and its local authorities, with ONS and DfE codes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The code of England in ONS terms; every national row carries it.
pub const ENGLAND: &str = "E92000001";
/// London (E12000007), parent of Inner London (E13000001) and Outer London (E13000002).
pub const LONDON: &str = "E12000007";

/// The nine regions of England: ONS code and name.
pub const REGIONS: [(&str, &str); 9] = [
    ("E12000001", "North East"),
    ("E12000002", "North West"),
    ("E12000003", "Yorkshire and The Humber"),
    ("E12000004", "East Midlands"),
    ("E12000005", "West Midlands"),
    ("E12000006", "East of England"),
    ("E12000007", "London"),
    ("E12000008", "South East"),
    ("E12000009", "South West"),
];

/// The level a published row describes, spelled as EES spells it in `geographic_level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum GeographicLevel {
    National,
    Regional,
    #[serde(rename = "Local authority")]
    LocalAuthority,
}

impl GeographicLevel {
    pub const ALL: [GeographicLevel; 3] = [Self::National, Self::Regional, Self::LocalAuthority];

    /// Reads the EES spelling (`National`, `Regional`, `Local authority`).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "National" => Some(Self::National),
            "Regional" => Some(Self::Regional),
            "Local authority" => Some(Self::LocalAuthority),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::National => "National",
            Self::Regional => "Regional",
            Self::LocalAuthority => "Local authority",
        }
    }

    /// Short identifier for URLs and the API (`national`, `regional`, `local_authority`).
    pub fn id(self) -> &'static str {
        match self {
            Self::National => "national",
            Self::Regional => "regional",
            Self::LocalAuthority => "local_authority",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.id() == id)
    }
}

impl fmt::Display for GeographicLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error(
        "{0:?} is not an ONS geography code; it should be a letter and 8 digits, such as E06000058"
    )]
    Geography(String),
    #[error("{0:?} is not a DfE local authority code; it should be 3 digits, such as 839")]
    OldLa(String),
}

/// A 9-character ONS geography code: `E92000001` (England), `E12…` (region), `E13…`
/// (Inner or Outer London), `E06…`, `E08…`, `E09…`, `E10…` (local authorities).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GeographyCode(String);

impl GeographyCode {
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let t = text.trim();
        let ok = t.len() == 9
            && t.as_bytes()[0].is_ascii_uppercase()
            && t.bytes().skip(1).all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(t.to_string()))
        } else {
            Err(CodeError::Geography(text.to_string()))
        }
    }

    /// England's code.
    pub fn england() -> Self {
        Self(ENGLAND.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ONS entity prefix (`E06`, `E12`, ...).
    pub fn entity(&self) -> &str {
        &self.0[..3]
    }
}

impl TryFrom<String> for GeographyCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<GeographyCode> for String {
    fn from(c: GeographyCode) -> String {
        c.0
    }
}

impl fmt::Display for GeographyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The 3-digit local authority code the Department for Education used before ONS codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OldLaCode(u16);

impl OldLaCode {
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let t = text.trim();
        if t.len() == 3 && t.bytes().all(|b| b.is_ascii_digit()) {
            let n: u16 = t.parse().map_err(|_| CodeError::OldLa(text.to_string()))?;
            if n >= 100 {
                return Ok(Self(n));
            }
        }
        Err(CodeError::OldLa(text.to_string()))
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<String> for OldLaCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<OldLaCode> for String {
    fn from(c: OldLaCode) -> String {
        c.0.to_string()
    }
}

impl fmt::Display for OldLaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A place the statistics describe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Geography {
    pub code: GeographyCode,
    pub name: String,
    pub level: GeographicLevel,
    /// The next level up: England for a region, London for Inner and Outer London, the region
    /// (or Inner/Outer London) for an authority; `None` for England.
    pub parent: Option<GeographyCode>,
    /// DfE's 3-digit code, for local authorities.
    pub old_la_code: Option<OldLaCode>,
}

impl Geography {
    /// Inner and Outer London: regional rows that sit inside London rather than beside it.
    /// England is the sum of the nine regions, never of these as well.
    pub fn is_london_part(&self) -> bool {
        self.level == GeographicLevel::Regional && self.code.entity() == "E13"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ons_codes_need_a_letter_and_eight_digits() {
        assert!(GeographyCode::parse("E06000058").is_ok());
        assert_eq!(GeographyCode::parse(" E12000007 ").unwrap().entity(), "E12");
        for bad in [
            "",
            "E0600005",
            "E060000588",
            "e06000058",
            "EE6000058",
            "839",
        ] {
            assert!(GeographyCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn old_codes_are_three_digits() {
        assert_eq!(OldLaCode::parse("839").unwrap().get(), 839);
        for bad in ["", "83", "8390", "abc", "099"] {
            assert!(OldLaCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn levels_read_as_ees_spells_them() {
        for l in GeographicLevel::ALL {
            assert_eq!(GeographicLevel::parse(l.as_str()), Some(l));
            assert_eq!(GeographicLevel::from_id(l.id()), Some(l));
        }
        assert_eq!(GeographicLevel::parse("Local Authority District"), None);
    }
}
