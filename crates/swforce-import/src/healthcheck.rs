//! The health check's question set: a TOML file read into a checked
//! [`QuestionSet`](swforce_domain::healthcheck::QuestionSet), every problem a diagnostic.

use crate::{Diagnostic, Refused};
use std::collections::HashSet;
use swforce_domain::healthcheck::QuestionSet;

/// Longest statement or label in a question set, in characters.
pub const MAX_STATEMENT: usize = 300;
/// Reasons to stay a question set may list (they are stored as bits of a 32-bit number).
pub const MAX_REASONS: usize = 32;
/// Largest question file read, in bytes.
pub const MAX_BYTES: usize = 1 << 20;

/// Reads a question set from TOML text, refusing it whole on any problem: TOML syntax, an
/// unknown or missing key, a repeated or malformed key, a statement under the wrong standard,
/// a scale that is not five points, a reason that names no standard.
pub fn read_question_set(file: &str, text: &str) -> Result<QuestionSet, Refused> {
    let refuse = |diagnostics| Refused {
        file: file.to_string(),
        diagnostics,
    };
    if text.len() > MAX_BYTES {
        return Err(refuse(vec![Diagnostic::error(
            file,
            format!(
                "the file is {} bytes; a question set is at most {MAX_BYTES}",
                text.len()
            ),
            "a question set is a few dozen statements: check this is the right file",
        )]));
    }
    let set: QuestionSet = toml::from_str(text).map_err(|e| {
        let mut d = Diagnostic::error(file, e.message().trim(), syntax_fix(e.message()));
        if let Some(span) = e.span() {
            let (line, column) = line_and_column(text, span.start);
            d = d.at(line, Some(column));
        }
        refuse(vec![d])
    })?;
    let problems = check(file, text, &set);
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(refuse(problems))
    }
}

fn syntax_fix(message: &str) -> &'static str {
    if message.contains("unknown field") {
        "use only the keys the shipped question set uses (docs/healthcheck.md lists them)"
    } else if message.contains("missing field") {
        "add the missing key, as in the shipped question set"
    } else {
        "write the file as TOML, each text in double quotes, as the shipped question set is"
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, at: usize) -> (u64, u64) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

/// The semantic rules, each broken one a diagnostic at the line of the key it is about.
fn check(file: &str, text: &str, set: &QuestionSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |needle: &str| {
        text.find(&format!("\"{needle}\""))
            .map(|i| line_and_column(text, i).0)
    };
    let mut push = |field: &str, needle: &str, problem: String, fix: &str| {
        let mut d = Diagnostic::error(file, problem, fix).field(field);
        if let Some(line) = at(needle) {
            d = d.at(line, None);
        }
        if out.len() < Refused::LIMIT {
            out.push(d);
        }
    };
    for (field, value) in [
        ("version", &set.version),
        ("title", &set.title),
        ("source", &set.source),
        ("not_applicable", &set.not_applicable),
    ] {
        if value.trim().is_empty() {
            push(
                field,
                field,
                format!("{field} is empty"),
                "write it: people see it beside every result",
            );
        }
    }
    if set.scale.len() != 5 {
        push(
            "scale",
            "scale",
            format!(
                "the scale has {} points; the survey asks on five",
                set.scale.len()
            ),
            "list five points, from \"Strongly disagree\" to \"Strongly agree\"",
        );
    }
    if set.standards.is_empty() {
        push(
            "standard",
            "standard",
            "the question set has no standards".into(),
            "add a [[standard]] table with its statements",
        );
    }
    let mut keys = HashSet::new();
    let standards: HashSet<&str> = set.standards.iter().map(|s| s.key.as_str()).collect();
    for (i, s) in set.standards.iter().enumerate() {
        if !is_key(&s.key) || !keys.insert(s.key.clone()) {
            push(
                "key",
                &s.key,
                format!("standard key {:?} is repeated or not a plain key", s.key),
                "give each standard its own lower-case key (letters, digits and _)",
            );
        }
        if usize::from(s.number) != i + 1 {
            push(
                "number",
                &s.key,
                format!(
                    "standard {:?} is number {}, but it is standard {} in the file",
                    s.key,
                    s.number,
                    i + 1
                ),
                "number the standards 1, 2, 3 ... in the order they appear",
            );
        }
        if s.statements.is_empty() {
            push(
                "statement",
                &s.key,
                format!("standard {:?} has no statements", s.key),
                "add at least one [[standard.statement]] under it",
            );
        }
        for st in &s.statements {
            let prefix = format!("{}.", s.key);
            let ok = st.key.strip_prefix(&prefix).is_some_and(is_key);
            if !ok {
                push(
                    "key",
                    &st.key,
                    format!(
                        "statement key {:?} is not \"{}.\" and a plain name",
                        st.key, s.key
                    ),
                    "start each statement's key with its standard's key and a full stop",
                );
            }
            if !keys.insert(st.key.clone()) {
                push(
                    "key",
                    &st.key,
                    format!("statement key {:?} is used twice", st.key),
                    "give each statement its own key: answers are stored against it",
                );
            }
            check_text(&mut push, &st.key, &st.text);
        }
    }
    if !set.stay.key.starts_with("stay.") || !keys.insert(set.stay.key.clone()) {
        push(
            "key",
            &set.stay.key,
            format!(
                "the intention to stay key {:?} must start \"stay.\" and be used once",
                set.stay.key
            ),
            "keep the shipped key, stay.twelve_months",
        );
    }
    check_text(&mut push, &set.stay.key, &set.stay.text);
    if set.stay.reasons.len() > MAX_REASONS {
        push(
            "reason",
            "reason",
            format!(
                "{} reasons to stay; at most {MAX_REASONS}",
                set.stay.reasons.len()
            ),
            "merge reasons that are alike",
        );
    }
    let mut reasons = HashSet::new();
    for r in &set.stay.reasons {
        if !is_key(&r.key) || !reasons.insert(r.key.as_str()) {
            push(
                "key",
                &r.key,
                format!("reason key {:?} is repeated or not a plain key", r.key),
                "give each reason its own lower-case key",
            );
        }
        if !standards.contains(r.standard.as_str()) {
            push(
                "standard",
                &r.standard,
                format!(
                    "reason {:?} belongs with standard {:?}, which the file does not have",
                    r.key, r.standard
                ),
                "name one of the standards' keys",
            );
        }
        check_text(&mut push, &r.key, &r.label);
    }
    if set.organisation.scale.len() < 2 {
        push(
            "scale",
            "organisation",
            "the organisation survey's scale has fewer than two points".into(),
            "list its points, from \"Not met\" to \"Met\"",
        );
    }
    for q in &set.organisation.questions {
        if !standards.contains(q.standard.as_str()) {
            push(
                "standard",
                &q.standard,
                format!(
                    "an organisation question names standard {:?}, which the file does not have",
                    q.standard
                ),
                "name one of the standards' keys",
            );
        }
    }
    out
}

fn check_text(push: &mut impl FnMut(&str, &str, String, &str), key: &str, text: &str) {
    let n = text.chars().count();
    if text.trim().is_empty() || n > MAX_STATEMENT {
        push(
            "text",
            key,
            format!("the text of {key:?} is {n} characters; it must be 1 to {MAX_STATEMENT}"),
            "write one short sentence a person can agree or disagree with",
        );
    }
}

/// A plain key: a lower-case letter, then lower-case letters, digits and `_`.
fn is_key(k: &str) -> bool {
    let mut chars = k.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && k.len() <= 60
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str =
        include_str!("../../swforce-app/data/healthcheck/employer-standards-2020.toml");

    #[test]
    fn the_shipped_question_set_reads_with_eight_standards() {
        let set = read_question_set("standards.toml", SHIPPED).unwrap();
        assert_eq!(set.standards.len(), 8);
        assert_eq!(set.organisation.questions.len(), 8);
        assert!(set.standards.iter().all(|s| s.statements.len() >= 4));
    }

    #[test]
    fn a_bad_file_names_the_line_and_the_key() {
        let bad = SHIPPED.replacen("key = \"planning.", "key = \"plans.", 1);
        let refused = read_question_set("q.toml", &bad).unwrap_err();
        let d = &refused.diagnostics[0];
        assert!(d.problem.contains("plans."), "{d}");
        assert!(d.line.is_some());
        let typo = SHIPPED.replacen("asks =", "asked =", 1);
        let refused = read_question_set("q.toml", &typo).unwrap_err();
        assert!(
            refused.diagnostics[0].problem.contains("unknown field"),
            "{:?}",
            refused.diagnostics
        );
        assert_eq!(refused.diagnostics[0].line, Some(16));
        let scale = SHIPPED.replacen("\"Strongly agree\"]", "]", 1);
        assert!(read_question_set("q.toml", &scale).is_err());
        let twice = SHIPPED.replacen("framework.values", "framework.vision", 1);
        assert!(read_question_set("q.toml", &twice).is_err());
    }

    #[test]
    fn any_text_is_refused_or_read_never_a_panic() {
        for text in [
            "",
            "\0",
            "version = 1",
            "[[standard]]\n[[standard]]",
            "a = \"\u{fffd}\"",
        ] {
            let _ = read_question_set("q.toml", text);
        }
    }
}
