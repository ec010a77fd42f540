//! Explanations of queries: why a finding the collection asks about is right, keyed by rule and
//! record. An explained query no longer stands between a return and "ready to submit"; errors
//! cannot be explained, only corrected.
//!
//! The file is a CSV with the columns `rule`, `record` and `note` (any others are ignored), so the
//! findings CSV itself, with its `note` column filled in, can be read back.

use super::Finding;
use super::rules::{RULES, Severity};
use crate::diagnostic::{Diagnostic, Refused};
use std::collections::HashMap;
use std::io::Read;

/// Longest explanation kept, in characters: the collection system's comment box is smaller.
pub const LONGEST_NOTE: usize = 2000;

/// Most explanations one file may hold.
pub const MOST_NOTES: usize = 100_000;

/// One explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Its line in the file.
    pub line: u64,
    pub rule: &'static str,
    /// The worker's record number; `None` for a query about the whole return.
    pub record: Option<u32>,
    pub note: String,
}

/// The explanations read from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    pub file: String,
    pub notes: Vec<Note>,
    by_key: HashMap<(&'static str, Option<u32>), usize>,
}

impl Notes {
    /// The explanation of a finding, if it is a query and one was given.
    pub fn explanation(&self, f: &Finding) -> Option<&Note> {
        if f.severity != Severity::Query {
            return None;
        }
        self.by_key
            .get(&(f.rule, f.record))
            .map(|i| &self.notes[*i])
    }

    /// Explanations that match no query among `findings`, such as a note for a record that
    /// has since been corrected, or one whose record number moved.
    pub fn unused<'a>(&'a self, findings: &[Finding]) -> Vec<&'a Note> {
        self.notes
            .iter()
            .filter(|n| {
                !findings.iter().any(|f| {
                    f.severity == Severity::Query && f.rule == n.rule && f.record == n.record
                })
            })
            .collect()
    }
}

const COLUMNS: [&str; 3] = ["rule", "record", "note"];

/// A note as a spreadsheet will show it: one that starts like a formula (`=`, `+`, `-`, `@`)
/// gets a leading `'`, so opening the CSV never runs it.
pub fn guarded(note: &str) -> String {
    if note.starts_with(['=', '+', '-', '@']) {
        format!("'{note}")
    } else {
        note.to_string()
    }
}

/// A note as written, without the guard [`guarded`] put on it.
fn unguarded(note: &str) -> &str {
    match note.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => note,
    }
}

/// Reads explanations, all or nothing: a file with any problem is refused with every problem
/// found, each naming its line and field.
pub fn read_notes(file: &str, reader: impl Read) -> Result<Notes, Refused> {
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut records = csv.records();
    let refuse = |diagnostics: Vec<Diagnostic>| Refused {
        file: file.to_string(),
        diagnostics,
    };
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(refuse(vec![
                Diagnostic::error(
                    file,
                    format!("the first line cannot be read: {e}"),
                    "save the notes as a CSV file in UTF-8",
                )
                .at(1, None),
            ]));
        }
        None => {
            return Err(refuse(vec![Diagnostic::error(
                file,
                "the file is empty",
                "give a CSV with the columns rule, record and note",
            )]));
        }
    };
    let names: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim().to_ascii_lowercase()
        })
        .collect();
    let mut at = [0usize; 3];
    let mut missing = Vec::new();
    for (i, want) in COLUMNS.iter().enumerate() {
        match names.iter().position(|n| n == want) {
            Some(p) => at[i] = p,
            None => missing.push(*want),
        }
    }
    if !missing.is_empty() {
        return Err(refuse(vec![
            Diagnostic::error(
                file,
                format!(
                    "the header has no {} column (it has: {})",
                    missing.join(", "),
                    names.join(", ")
                ),
                if names.iter().any(|n| n.contains(';')) {
                    "the file uses semicolons: save it with commas between fields (CSV, comma delimited), with the first line rule,record,note"
                } else {
                    "make the first line rule,record,note (the findings CSV, with its note column filled in, will do)"
                },
            )
            .at(1, None),
        ]));
    }
    let mut notes = Notes {
        file: file.to_string(),
        ..Notes::default()
    };
    for (i, record) in records.enumerate() {
        let line = i as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(
                    Diagnostic::error(
                        file,
                        format!("the line cannot be read: {e}"),
                        "save the notes as a CSV file in UTF-8",
                    )
                    .at(line, None),
                );
                break;
            }
        };
        if record.len() > names.len()
            && record
                .iter()
                .skip(names.len())
                .any(|f| !f.trim().is_empty())
        {
            problems.push(
                Diagnostic::error(
                    file,
                    format!(
                        "the line has {} fields but the header {}: an explanation with a comma in it is cut short unless it is in double quotes",
                        record.len(),
                        names.len()
                    ),
                    "put the explanation in double quotes (\"Team manager, covering\"); a spreadsheet saving as CSV does this",
                )
                .at(line, Some(names.len() as u64 + 1)),
            );
            continue;
        }
        let get = |c: usize| record.get(at[c]).unwrap_or("").trim();
        let (rule_text, record_text) = (get(0), get(1));
        let note = unguarded(&get(2).replace("\r\n", "\n")).to_string();
        let note = note.as_str();
        if note.is_empty() {
            // A finding without an explanation, as in the findings CSV: nothing to read.
            continue;
        }
        let problem = |field: usize, problem: String, fix: &str| {
            Diagnostic::error(file, problem, fix)
                .at(line, Some(at[field] as u64 + 1))
                .field(COLUMNS[field])
        };
        let Some(rule) = RULES.iter().find(|r| r.id.eq_ignore_ascii_case(rule_text)) else {
            problems.push(problem(
                0,
                if rule_text.is_empty() {
                    "an explanation names no rule".to_string()
                } else {
                    format!("{rule_text} is not one of the census rules")
                },
                "give the rule id of the query, such as CSWW-B05, as in the findings",
            ));
            continue;
        };
        if rule.severity == Severity::Error {
            problems.push(problem(
                0,
                format!(
                    "{} is an error, and errors cannot be explained, only corrected",
                    rule.id
                ),
                "correct the return; explain only queries",
            ));
            continue;
        }
        let worker = if record_text.is_empty() {
            None
        } else {
            match record_text.parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    problems.push(problem(
                        1,
                        format!("the record {record_text:?} is not a record number"),
                        "give the worker's record number from the findings (1 for the first), or leave it empty for a query about the whole return",
                    ));
                    continue;
                }
            }
        };
        if note.chars().count() > LONGEST_NOTE {
            problems.push(problem(
                2,
                format!(
                    "the explanation is {} characters long, more than {LONGEST_NOTE}",
                    note.chars().count()
                ),
                "shorten the explanation",
            ));
            continue;
        }
        let key = (rule.id, worker);
        if let Some(first) = notes.by_key.get(&key) {
            problems.push(problem(
                0,
                format!(
                    "{} {} is already explained on line {}",
                    rule.id,
                    worker.map_or("for the whole return".to_string(), |r| format!(
                        "for record {r}"
                    )),
                    notes.notes[*first].line
                ),
                "keep one explanation for each query",
            ));
            continue;
        }
        if notes.notes.len() >= MOST_NOTES {
            problems.push(
                Diagnostic::error(
                    file,
                    format!("the file holds more than {MOST_NOTES} explanations"),
                    "check this is the notes file",
                )
                .at(line, None),
            );
            break;
        }
        notes.by_key.insert(key, notes.notes.len());
        notes.notes.push(Note {
            line,
            rule: rule.id,
            record: worker,
            note: note.to_string(),
        });
        if problems.len() >= Refused::LIMIT {
            break;
        }
    }
    if problems.is_empty() {
        Ok(notes)
    } else {
        Err(refuse(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Notes, Refused> {
        read_notes("notes.csv", text.as_bytes())
    }

    fn finding(rule: &'static str, severity: Severity, record: Option<u32>) -> Finding {
        Finding {
            rule,
            severity,
            line: 1,
            column: 1,
            path: String::new(),
            element: String::new(),
            record,
            message: String::new(),
            fix: String::new(),
        }
    }

    #[test]
    fn a_note_explains_its_query_by_rule_and_record() {
        let notes = read("rule,record,note\nCSWW-B05,3,Covering a caseload while a post is vacant\ncsww-c02,,Two teams moved in from the trust\n").unwrap();
        let q = finding("CSWW-B05", Severity::Query, Some(3));
        assert_eq!(
            notes.explanation(&q).unwrap().note,
            "Covering a caseload while a post is vacant"
        );
        assert!(
            notes
                .explanation(&finding("CSWW-B05", Severity::Query, Some(4)))
                .is_none()
        );
        assert!(
            notes
                .explanation(&finding("CSWW-C02", Severity::Query, None))
                .is_some()
        );
        let unused = notes.unused(&[q]);
        assert_eq!(unused.len(), 1);
        assert_eq!(unused[0].line, 3);
    }

    #[test]
    fn the_findings_csv_with_notes_filled_in_reads_back() {
        let text = "rule,severity,line,column,path,element,record,message,fix,note\nCSWW-B06,error,12,3,Message/CSWWWorker[2],SWENo,2,repeats,remove,\nCSWW-B13,query,40,3,Message/CSWWWorker[9],Cases30,9,high,check,\"Agreed, temporary\"\n";
        let notes = read(text).unwrap();
        assert_eq!(notes.notes.len(), 1);
        assert_eq!(notes.notes[0].note, "Agreed, temporary");
        assert_eq!(notes.notes[0].record, Some(9));
    }

    #[test]
    fn line_breaks_count_once_and_a_formula_guard_reads_back() {
        // 1,000 letters and 999 line breaks sent as CRLF: 2,998 bytes, 1,999 characters.
        let long = format!("\"{}\"", ["x"; 1000].join("\r\n"));
        let text = format!("rule,record,note\nCSWW-B05,1,{long}\nCSWW-B13,2,'=HYPERLINK(\"x\")\n");
        let notes = read(&text).unwrap();
        assert!(!notes.notes[0].note.contains('\r'));
        assert!(notes.notes[0].note.chars().count() <= LONGEST_NOTE);
        assert_eq!(notes.notes[1].note, "=HYPERLINK(\"x\")");
        assert_eq!(guarded(&notes.notes[1].note), "'=HYPERLINK(\"x\")");
        assert_eq!(guarded("Fine"), "Fine");
    }

    #[test]
    fn errors_unknown_rules_bad_records_and_repeats_are_refused_naming_line_and_field() {
        let e = read("rule,record,note\nCSWW-B06,2,it is fine\nCSWW-X9,1,hm\nCSWW-B05,two,hm\nCSWW-B05,4,a\nCSWW-B05,4,b\n").unwrap_err();
        let got: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), 4, "{got:#?}");
        assert!(got[0].starts_with("notes.csv:2:1: error: CSWW-B06 is an error"));
        assert!(got[1].starts_with("notes.csv:3:1: error: CSWW-X9 is not one"));
        assert!(got[2].starts_with("notes.csv:4:2: error: the record \"two\""));
        assert!(got[3].contains(":6:1:") && got[3].contains("already explained on line 5"));
        let e = read("rule,record,note\nCSWW-B05,1,Team manager, covering\n").unwrap_err();
        assert!(
            e.diagnostics[0]
                .to_string()
                .starts_with("notes.csv:2:4: error: the line has 4 fields but the header 3"),
            "{e:?}"
        );
        let e = read("rule;record;note\nCSWW-B05;1;x\n").unwrap_err();
        assert!(e.diagnostics[0].fix.contains("semicolons"));
        let e = read("rule,note\nCSWW-B05,x\n").unwrap_err();
        assert!(e.diagnostics[0].problem.contains("no record column"));
        assert!(read("").is_err());
    }
}
