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
    #[error(
        "{0:?} joins fewer than two codes; a jointly reported unit is written as two codes joined by \" / \", such as {1}"
    )]
    JointMissing(String, &'static str),
    #[error("{0:?} joins {1} codes; a jointly reported unit has exactly two members, such as {2}")]
    JointTooMany(String, usize, &'static str),
    #[error(
        "{0:?} joins {1:?}, which is not a local authority code; only two local authorities (E06, E07, E08, E09 or E10 and 6 digits) can be reported jointly, such as E06000061 / E06000062"
    )]
    JointMember(String, String),
    #[error("{0:?} joins {1} to itself; a jointly reported unit has two different members")]
    JointTwice(String, String),
    #[error(
        "{0:?} has an empty place between its separators; a jointly reported unit is two codes joined by one \" / \", such as {1}"
    )]
    JointEmpty(String, &'static str),
}

impl CodeError {
    /// Whether the text was read as a jointly reported unit's code and found wrong.
    pub fn is_joint(&self) -> bool {
        matches!(
            self,
            Self::JointMissing(..)
                | Self::JointTooMany(..)
                | Self::JointMember(..)
                | Self::JointTwice(..)
        )
    }
}

/// What joins the members of a jointly reported unit in published files (`940 / 941`,
/// `E06000061 / E06000062`) and in names (`North Northamptonshire / West Northamptonshire`).
pub const JOINT_SEPARATOR: &str = " / ";

/// Splits a possibly joint code at any of the separators a person or a file may use
/// (`/`, `+`, `-`, `_` or spaces). `None` when the text has no separator at all.
fn joint_parts(text: &str) -> Option<Vec<&str>> {
    const MARKS: [char; 4] = ['/', '+', '-', '_'];
    if text.contains(MARKS) {
        // Each mark separates two members: an empty part is a member left out.
        Some(text.split(MARKS).map(str::trim).collect())
    } else if text.split_whitespace().count() > 1 {
        Some(text.split_whitespace().collect())
    } else {
        None
    }
}

/// Checks the member count of a joint code; `example` is shown in the error.
fn two_members<'a>(
    text: &str,
    parts: Vec<&'a str>,
    example: &'static str,
) -> Result<[&'a str; 2], CodeError> {
    if parts.iter().any(|p| p.is_empty()) && parts.iter().filter(|p| !p.is_empty()).count() >= 2 {
        return Err(CodeError::JointEmpty(text.to_string(), example));
    }
    let parts: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [a, b] if a == b => Err(CodeError::JointTwice(text.to_string(), a.to_string())),
        [a, b] => Ok([a, b]),
        [] | [_] => Err(CodeError::JointMissing(text.to_string(), example)),
        more => Err(CodeError::JointTooMany(
            text.to_string(),
            more.len(),
            example,
        )),
    }
}

fn is_single_code(t: &str) -> bool {
    t.len() == 9
        && t.as_bytes()[0].is_ascii_uppercase()
        && t.bytes().skip(1).all(|b| b.is_ascii_digit())
}

/// Whether a single code names a local authority (`E06`, `E07`, `E08`, `E09`, `E10`).
fn is_authority_code(t: &str) -> bool {
    is_single_code(t) && matches!(&t[..3], "E06" | "E07" | "E08" | "E09" | "E10")
}

/// A 9-character ONS geography code: `E92000001` (England), `E12…` (region), `E13…`
/// (Inner or Outer London), `E06…`, `E08…`, `E09…`, `E10…` (local authorities); or the code of
/// a jointly reported unit, two authorities that share a children's service and are published
/// as one row (`E06000061 / E06000062` in the files, written `E06000061-E06000062` here so that
/// it fits in a link).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GeographyCode(String);

impl GeographyCode {
    /// Reads a code. A joint code may be written with ` / ` (as published), `-`, `+`, `_` or a
    /// space between its two members, in either order: its members are kept in code order, so
    /// one pair has one code.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let t = text.trim();
        if is_single_code(t) {
            return Ok(Self(t.to_string()));
        }
        let Some(parts) = joint_parts(t) else {
            return Err(CodeError::Geography(text.to_string()));
        };
        if let Some(bad) = parts
            .iter()
            .find(|m| !m.is_empty() && !is_authority_code(m))
        {
            return Err(CodeError::JointMember(text.to_string(), bad.to_string()));
        }
        let mut members = two_members(text, parts, "E06000061 / E06000062")?;
        members.sort_unstable();
        Ok(Self(members.join("-")))
    }

    /// Whether `text`, read as a code, names a joint unit's members in the other order than
    /// this code's (`E06000062 / E06000061`): its names and DfE codes then come reversed too.
    pub fn reversed_in(&self, text: &str) -> bool {
        self.is_joint() && !text.trim().starts_with(&self.0[..9])
    }

    /// Whether this is a jointly reported unit of two authorities.
    pub fn is_joint(&self) -> bool {
        self.0.len() > 9
    }

    /// The authorities a joint code is made of, in code order; a single code is its own only
    /// member.
    pub fn members(&self) -> Vec<GeographyCode> {
        self.0.split('-').map(|m| Self(m.to_string())).collect()
    }

    /// The code as the Department for Education publishes it (`E06000061 / E06000062`).
    pub fn published(&self) -> String {
        self.0.replace('-', JOINT_SEPARATOR)
    }

    /// England's code.
    pub fn england() -> Self {
        Self(ENGLAND.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ONS entity prefix (`E06`, `E12`, ...); a joint unit's is its first member's.
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

/// The 3-digit local authority code the Department for Education used before ONS codes, or
/// the pair of a jointly reported unit (`940 / 941`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OldLaCode(u16, Option<u16>);

impl OldLaCode {
    /// Reads one authority's code (`839`).
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        Self::single(text.trim())
            .map(|n| Self(n, None))
            .ok_or_else(|| CodeError::OldLa(text.to_string()))
    }

    /// Reads one authority's code or a jointly reported unit's pair (`940 / 941`).
    pub fn parse_joint(text: &str) -> Result<Self, CodeError> {
        let t = text.trim();
        if let Some(n) = Self::single(t) {
            return Ok(Self(n, None));
        }
        let Some(parts) = joint_parts(t) else {
            return Err(CodeError::OldLa(text.to_string()));
        };
        if let Some(bad) = parts
            .iter()
            .find(|p| !p.is_empty() && Self::single(p).is_none())
        {
            return Err(CodeError::OldLa(bad.to_string()));
        }
        let [a, b] = two_members(text, parts, "940 / 941")?;
        match (Self::single(a), Self::single(b)) {
            (Some(a), Some(b)) => Ok(Self(a, Some(b))),
            _ => Err(CodeError::OldLa(text.to_string())),
        }
    }

    /// A joint pair the other way round (`941 / 940`); a single code as it is.
    pub fn reversed(self) -> Self {
        match self.1 {
            Some(b) => Self(b, Some(self.0)),
            None => self,
        }
    }

    /// Whether two codes name the same authorities, in whatever order.
    pub fn same_as(self, other: OldLaCode) -> bool {
        self == other || self == other.reversed()
    }

    fn single(t: &str) -> Option<u16> {
        if t.len() == 3 && t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse().ok().filter(|n| *n >= 100)
        } else {
            None
        }
    }

    /// The (first) authority's number.
    pub fn get(self) -> u16 {
        self.0
    }

    /// Each authority's code: one, or two for a jointly reported unit.
    pub fn members(self) -> Vec<OldLaCode> {
        std::iter::once(self.0)
            .chain(self.1)
            .map(|n| Self(n, None))
            .collect()
    }

    /// Whether `single` is this code or one of its members.
    pub fn covers(self, single: OldLaCode) -> bool {
        self.members().contains(&single)
    }
}

impl TryFrom<String> for OldLaCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse_joint(&s)
    }
}

impl From<OldLaCode> for String {
    fn from(c: OldLaCode) -> String {
        c.to_string()
    }
}

impl fmt::Display for OldLaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            None => write!(f, "{}", self.0),
            Some(b) => write!(f, "{}{JOINT_SEPARATOR}{b}", self.0),
        }
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
    /// The members of a jointly reported unit, `(code, name)` in published order; empty for a
    /// single place.
    pub fn members(&self) -> Vec<(GeographyCode, &str)> {
        if !self.code.is_joint() {
            return Vec::new();
        }
        let names: Vec<&str> = self.name.split(JOINT_SEPARATOR).collect();
        self.code
            .members()
            .into_iter()
            .enumerate()
            .map(|(i, c)| (c, names.get(i).copied().unwrap_or("")))
            .collect()
    }

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
    fn a_joint_code_has_two_authority_members() {
        let joint = GeographyCode::parse("E06000061 / E06000062").unwrap();
        assert_eq!(joint.as_str(), "E06000061-E06000062");
        assert!(joint.is_joint());
        assert_eq!(joint.published(), "E06000061 / E06000062");
        assert_eq!(joint.members().len(), 2);
        assert_eq!(joint.members()[1].as_str(), "E06000062");
        for same in [
            "E06000061-E06000062",
            "E06000061+E06000062",
            " E06000061 E06000062 ",
        ] {
            assert_eq!(GeographyCode::parse(same).unwrap(), joint, "{same}");
        }
        assert!(!GeographyCode::parse("E06000061").unwrap().is_joint());
        let refused = |t: &str| GeographyCode::parse(t).unwrap_err().to_string();
        assert!(refused("E06000061 /").contains("fewer than two"));
        assert!(refused("E06000061 / E06000062 / E06000063").contains("joins 3 codes"));
        assert!(
            refused("E06000061 / E12000004")
                .contains("\"E12000004\", which is not a local authority")
        );
        assert!(refused("E06000061 / E06000061").contains("to itself"));
        assert!(refused("E06000061 / 941").contains("\"941\""));
        assert!(refused("E06000061 ; E06000062").contains("\";\", which is not"));
        assert!(refused("E06000061/E06000062/").contains("empty place"));
        assert!(refused("E06000061 // E06000062").contains("empty place"));
        assert!(joint.reversed_in("E06000062 / E06000061"));
        assert!(!joint.reversed_in(" E06000061 / E06000062"));
    }

    #[test]
    fn a_joint_dfe_code_is_read_only_where_asked_for() {
        let joint = OldLaCode::parse_joint("940 / 941").unwrap();
        assert_eq!(joint.to_string(), "940 / 941");
        assert!(joint.covers(OldLaCode::parse("941").unwrap()));
        assert!(!joint.covers(OldLaCode::parse("928").unwrap()));
        assert!(OldLaCode::parse("940 / 941").is_err());
        assert!(OldLaCode::parse_joint("940 /").is_err());
        assert!(OldLaCode::parse_joint("940 / 941 / 942").is_err());
        assert_eq!(OldLaCode::parse_joint("839").unwrap().to_string(), "839");
    }

    #[test]
    fn a_joint_unit_names_its_members() {
        let g = Geography {
            code: GeographyCode::parse("E09000021 / E09000027").unwrap(),
            name: "Kingston upon Thames / Richmond upon Thames".into(),
            level: GeographicLevel::LocalAuthority,
            parent: None,
            old_la_code: OldLaCode::parse_joint("314 / 318").ok(),
        };
        let members = g.members();
        assert_eq!(members[0].1, "Kingston upon Thames");
        assert_eq!(members[1].0.as_str(), "E09000027");
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
