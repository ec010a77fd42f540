//! The employer standards health check: a question set grouped under the eight Standards for
//! employers of social workers in England, the rounds an organisation runs, and the answers
//! practitioners give (anonymous: a response carries no person).
//!
//! A question set is data, read from a versioned file (`swforce_import::healthcheck`); a
//! revised standards text is a new file with a new version. Answers are kept against the order
//! of a round's [`QuestionSet::items`], one character each, so a summary of thousands of
//! responses reads a few bytes per response.

use crate::diary::Obstacle;
use serde::{Deserialize, Serialize};

/// Responses a group needs before anything about it is shown (as the time diary's five).
pub const MIN_RESPONSES: u32 = 5;
/// Questions an organisation may add to a round of its own.
pub const MAX_OWN_QUESTIONS: usize = 10;
/// Longest own question, in characters.
pub const MAX_QUESTION: usize = 200;
/// Longest free-text answer, in characters.
pub const MAX_TEXT: usize = 2_000;
/// Reasons to stay a person may choose.
pub const MAX_STAY_REASONS: usize = 3;
/// Invitation links one round may hand out.
pub const MAX_INVITATIONS: u32 = 20_000;

/// A question set: the statements under each standard, intention to stay and its reasons, and
/// the organisation's own self-assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionSet {
    pub version: String,
    pub title: String,
    pub source: String,
    pub source_url: String,
    pub note: String,
    /// The five points of agreement, from "Strongly disagree" to "Strongly agree".
    pub scale: Vec<String>,
    pub not_applicable: String,
    #[serde(rename = "standard")]
    pub standards: Vec<Standard>,
    pub stay: Stay,
    pub organisation: OrgSurvey,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    pub key: String,
    pub number: u8,
    pub title: String,
    /// What the standard asks of employers, in a sentence.
    pub asks: String,
    /// The prompt for free text about this standard.
    pub comment: String,
    #[serde(rename = "statement")]
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub key: String,
    pub text: String,
}

/// Intention to stay, and what would make people stay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stay {
    pub key: String,
    pub text: String,
    pub reasons_question: String,
    pub comment: String,
    #[serde(rename = "reason")]
    pub reasons: Vec<StayReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StayReason {
    pub key: String,
    pub label: String,
    /// The key of the standard the reason belongs with.
    pub standard: String,
}

/// The organisation's self-assessment, one question per standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgSurvey {
    /// From "Not met" to "Met".
    pub scale: Vec<String>,
    pub evidence: String,
    #[serde(rename = "question")]
    pub questions: Vec<OrgQuestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgQuestion {
    pub standard: String,
    pub text: String,
}

/// One statement a round asks, on the agreement scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Item<'a> {
    /// The stored key (`workload.caseload`, `stay.twelve_months`, `own.3`).
    pub key: String,
    pub text: &'a str,
    /// The standard it is under; `None` for intention to stay and the organisation's own.
    pub standard: Option<&'a Standard>,
}

impl QuestionSet {
    /// Every agreement statement a round with `own` questions asks, in stored order: each
    /// standard's statements, then intention to stay, then the organisation's own.
    pub fn items<'a>(&'a self, own: &'a [String]) -> Vec<Item<'a>> {
        let mut items: Vec<Item<'a>> = self
            .standards
            .iter()
            .flat_map(|s| {
                s.statements.iter().map(move |st| Item {
                    key: st.key.clone(),
                    text: &st.text,
                    standard: Some(s),
                })
            })
            .collect();
        items.push(Item {
            key: self.stay.key.clone(),
            text: &self.stay.text,
            standard: None,
        });
        items.extend(own.iter().enumerate().map(|(i, q)| Item {
            key: format!("own.{}", i + 1),
            text: q,
            standard: None,
        }));
        items
    }

    /// Where intention to stay sits in [`QuestionSet::items`].
    pub fn stay_index(&self) -> usize {
        self.standards.iter().map(|s| s.statements.len()).sum()
    }

    pub fn standard(&self, key: &str) -> Option<&Standard> {
        self.standards.iter().find(|s| s.key == key)
    }

    /// The bit of a reason to stay in a stored set, by its key.
    pub fn reason_bit(&self, key: &str) -> Option<u32> {
        self.stay
            .reasons
            .iter()
            .position(|r| r.key == key)
            .map(|i| 1 << i)
    }
}

/// An answer on the agreement scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    NotAnswered,
    DoesNotApply,
    /// 1 (strongly disagree) to 5 (strongly agree).
    Agreement(u8),
}

impl Answer {
    /// The character an answer is stored as.
    pub fn code(self) -> char {
        match self {
            Self::NotAnswered => '-',
            Self::DoesNotApply => 'n',
            Self::Agreement(p) => char::from(b'0' + p.clamp(1, 5)),
        }
    }

    pub fn from_code(c: char) -> Option<Self> {
        match c {
            '-' => Some(Self::NotAnswered),
            'n' => Some(Self::DoesNotApply),
            '1'..='5' => Some(Self::Agreement(c as u8 - b'0')),
            _ => None,
        }
    }

    /// The value a form sends ("1" to "5", "n"), or nothing.
    pub fn from_form(value: &str) -> Self {
        match value.trim() {
            "n" => Self::DoesNotApply,
            v => v
                .parse::<u8>()
                .ok()
                .filter(|p| (1..=5).contains(p))
                .map_or(Self::NotAnswered, Self::Agreement),
        }
    }

    /// Agree or strongly agree.
    pub fn agrees(self) -> bool {
        matches!(self, Self::Agreement(4 | 5))
    }

    /// Disagree or strongly disagree.
    pub fn disagrees(self) -> bool {
        matches!(self, Self::Agreement(1 | 2))
    }

    /// The point on the scale, when there is one.
    pub fn point(self) -> Option<u8> {
        match self {
            Self::Agreement(p) => Some(p),
            _ => None,
        }
    }
}

/// A respondent's answers to a round's items, in order, one character each.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(String);

impl Answers {
    /// Nothing answered yet, for `n` items.
    pub fn blank(n: usize) -> Self {
        Self("-".repeat(n))
    }

    /// Reads stored answers; characters that are not an answer read as not answered.
    pub fn from_codes(codes: &str) -> Self {
        Self(
            codes
                .chars()
                .map(|c| Answer::from_code(c).unwrap_or(Answer::NotAnswered).code())
                .collect(),
        )
    }

    pub fn codes(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The answer to item `i` (not answered beyond the end).
    pub fn get(&self, i: usize) -> Answer {
        self.0
            .as_bytes()
            .get(i)
            .and_then(|b| Answer::from_code(char::from(*b)))
            .unwrap_or(Answer::NotAnswered)
    }

    /// Sets item `i`, growing the answers to reach it.
    pub fn set(&mut self, i: usize, a: Answer) {
        if self.0.len() <= i {
            self.0
                .extend(std::iter::repeat_n('-', i + 1 - self.0.len()));
        }
        self.0.replace_range(i..=i, &a.code().to_string());
    }

    /// How many items are answered (a point or "does not apply").
    pub fn answered(&self) -> usize {
        self.0.bytes().filter(|b| *b != b'-').count()
    }
}

/// What a respondent does, as they say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PractitionerRole {
    SocialWorker,
    SocialWorkAssistant,
    OccupationalTherapist,
    OtherPractitioner,
}

impl PractitionerRole {
    pub const ALL: [PractitionerRole; 4] = [
        Self::SocialWorker,
        Self::SocialWorkAssistant,
        Self::OccupationalTherapist,
        Self::OtherPractitioner,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::SocialWorker => "social_worker",
            Self::SocialWorkAssistant => "social_work_assistant",
            Self::OccupationalTherapist => "occupational_therapist",
            Self::OtherPractitioner => "other_practitioner",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SocialWorker => "Social worker",
            Self::SocialWorkAssistant => "Social work assistant",
            Self::OccupationalTherapist => "Occupational therapist",
            Self::OtherPractitioner => "Another practitioner",
        }
    }

    /// The role of several people, in lower case ("other practitioners").
    pub fn plural(self) -> &'static str {
        match self {
            Self::SocialWorker => "social workers",
            Self::SocialWorkAssistant => "social work assistants",
            Self::OccupationalTherapist => "occupational therapists",
            Self::OtherPractitioner => "other practitioners",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id.trim())
    }
}

/// Where a respondent works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceArea {
    Children,
    Adults,
    Other,
}

impl ServiceArea {
    pub const ALL: [ServiceArea; 3] = [Self::Children, Self::Adults, Self::Other];

    pub fn id(self) -> &'static str {
        match self {
            Self::Children => "children",
            Self::Adults => "adults",
            Self::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Children => "Children and families",
            Self::Adults => "Adults",
            Self::Other => "Another service",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == id.trim())
    }
}

/// One practitioner's answers, as stored and summed: no name, account, link or time.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Response {
    pub role: Option<PractitionerRole>,
    pub service: Option<ServiceArea>,
    /// The team they chose (an id of their organisation's teams).
    pub team: Option<i64>,
    pub answers: Answers,
    /// The reasons to stay they chose, as bits of [`QuestionSet::reason_bit`].
    pub reasons: u32,
    /// What gets in the way of direct work, as bits of [`Obstacle::bit`].
    pub obstacles: u32,
    /// Free text by where it was asked (a standard's key, or `stay`).
    pub comments: Vec<(String, String)>,
    /// Whether the response counts towards the five a group needs: an account made before the
    /// round opened, or an invitation handed out when it opened.
    pub counts: bool,
}

impl Response {
    pub fn obstacles(&self) -> Vec<Obstacle> {
        Obstacle::from_bits(self.obstacles)
    }
}

/// What the organisation's self-assessment says of one standard.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OrgAnswer {
    pub standard: String,
    /// 0 (not met) to 2 (met); `None` before it is answered.
    pub rating: Option<u8>,
    pub evidence: String,
}

/// Who a round asks.
pub fn audience_label(roles: &[PractitionerRole]) -> String {
    let labels: Vec<String> = roles.iter().map(|r| r.plural().to_string()).collect();
    match labels.as_slice() {
        [] => "nobody".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_back_as_set_and_grow_to_reach_an_item() {
        let mut a = Answers::blank(3);
        a.set(1, Answer::Agreement(4));
        a.set(5, Answer::DoesNotApply);
        assert_eq!(a.codes(), "-4---n");
        assert_eq!(a.get(1), Answer::Agreement(4));
        assert_eq!(a.get(9), Answer::NotAnswered);
        assert_eq!(a.answered(), 2);
        assert_eq!(Answers::from_codes("5x2").codes(), "5-2");
        assert_eq!(Answer::from_form("3"), Answer::Agreement(3));
        assert_eq!(Answer::from_form("9"), Answer::NotAnswered);
        assert_eq!(Answer::from_form("n"), Answer::DoesNotApply);
        assert!(Answer::Agreement(5).agrees() && Answer::Agreement(2).disagrees());
    }

    #[test]
    fn an_audience_is_said_in_words() {
        assert_eq!(
            audience_label(&[
                PractitionerRole::SocialWorker,
                PractitionerRole::SocialWorkAssistant,
                PractitionerRole::OccupationalTherapist
            ]),
            "social workers, social work assistants and occupational therapists"
        );
    }
}
