//! Content lines and components (RFC 5545 sections 3.1 and 3.4): unfolding, parameters and
//! escaped text, and the nesting of BEGIN and END; before any line, the checks on the file as a
//! whole (its size, its encoding, whether it is a calendar at all).

use super::{FIX_EXPORT, FIX_NOT_CALENDAR, FIX_SIZE, MAX_ICS_BYTES};
use crate::diagnostic::Diagnostic;
use crate::reading::Collector;

/// Deepest nesting of components: a real file has three (VCALENDAR, VEVENT, VALARM).
const MAX_DEPTH: usize = 8;

/// One property: `NAME;PARAM=value,value:value`, with its (first physical) line.
#[derive(Debug)]
pub(super) struct Property {
    /// Upper case.
    pub(super) name: String,
    /// Names upper case; values as written, without their quotes.
    params: Vec<(String, Vec<String>)>,
    /// As written: escapes are undone only for text that is matched (see [`unescape`]).
    pub(super) value: String,
    pub(super) line: u64,
}

impl Property {
    pub(super) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

/// `BEGIN:NAME` ... `END:NAME`, with its properties and the components inside it.
#[derive(Debug)]
pub(super) struct Component {
    /// Upper case.
    pub(super) name: String,
    pub(super) line: u64,
    props: Vec<Property>,
    pub(super) children: Vec<Component>,
}

impl Component {
    pub(super) fn first(&self, name: &str) -> Option<&Property> {
        self.props.iter().find(|p| p.name == name)
    }

    pub(super) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Property> + 'a {
        self.props.iter().filter(move |p| p.name == name)
    }

    /// The unescaped text of every property called `name`, joined by newlines.
    pub(super) fn text(&self, name: &str) -> String {
        self.all(name)
            .map(|p| unescape(&p.value))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A line after unfolding, as bytes: folding may split a UTF-8 character (RFC 5545 3.1 warns
/// of it), so lines are joined before they are decoded.
struct Logical {
    line: u64,
    bytes: Vec<u8>,
    /// Where each continuation line starts in `bytes`, and its physical line.
    joins: Vec<(usize, u64)>,
}

impl Logical {
    /// The physical line that holds byte `offset` of the logical line.
    fn line_at(&self, offset: usize) -> u64 {
        self.joins
            .iter()
            .rev()
            .find(|(start, _)| *start <= offset)
            .map_or(self.line, |(_, line)| *line)
    }
}

/// Splits at `\n` (a `\r` before it goes too) and joins each line that starts with a space or a
/// tab onto the one before, without that first character.
fn unfold(bytes: &[u8]) -> Vec<Logical> {
    let mut lines: Vec<Logical> = Vec::new();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let number = i as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        match (raw.first(), lines.last_mut()) {
            (Some(b' ' | b'\t'), Some(last)) => {
                last.joins.push((last.bytes.len(), number));
                last.bytes.extend_from_slice(&raw[1..]);
            }
            _ => lines.push(Logical {
                line: number,
                bytes: raw.to_vec(),
                joins: Vec::new(),
            }),
        }
    }
    lines
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// Reads one unfolded line, or `None` when it is not `NAME[;PARAM=...]:value`.
fn parse_line(text: &str, line: u64) -> Option<Property> {
    let b = text.as_bytes();
    let mut i = b.iter().position(|c| !is_name_byte(*c))?;
    if i == 0 {
        return None;
    }
    let name = text[..i].to_ascii_uppercase();
    let mut params = Vec::new();
    // Every index below sits on an ASCII delimiter or the end, so slicing is on char bounds.
    while b[i] == b';' {
        i += 1;
        let start = i;
        while i < b.len() && is_name_byte(b[i]) {
            i += 1;
        }
        if i == start || i >= b.len() || b[i] != b'=' {
            return None;
        }
        let pname = text[start..i].to_ascii_uppercase();
        i += 1;
        let mut values = Vec::new();
        loop {
            if b.get(i) == Some(&b'"') {
                // A quoted value may hold ; : and , (Outlook's CN="Smith, Jo").
                let close = i + 1 + text[i + 1..].find('"')?;
                values.push(text[i + 1..close].to_string());
                i = close + 1;
            } else {
                let start = i;
                while i < b.len() && !matches!(b[i], b',' | b';' | b':') {
                    i += 1;
                }
                values.push(text[start..i].to_string());
            }
            if b.get(i) == Some(&b',') {
                i += 1;
            } else {
                break;
            }
        }
        if i >= b.len() {
            return None;
        }
        params.push((pname, values));
    }
    if b[i] != b':' {
        return None;
    }
    Some(Property {
        name,
        params,
        value: text[i + 1..].to_string(),
        line,
    })
}

/// Undoes text escapes: `\\`, `\;`, `\,`, and `\n` or `\N` for a new line.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn starts_like_a_calendar(bytes: &[u8]) -> bool {
    const HEAD: &[u8] = b"BEGIN:VCALENDAR";
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let rest = &bytes[start..];
    rest.len() >= HEAD.len()
        && rest[..HEAD.len()].eq_ignore_ascii_case(HEAD)
        && rest.get(HEAD.len()).is_none_or(u8::is_ascii_whitespace)
}

/// Why a file is not a calendar, guessing what it is from its first bytes, without quoting it.
fn not_a_calendar(bytes: &[u8]) -> String {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let first_line = &first_line[..first_line.len().min(4096)];
    let guess = if bytes.starts_with(b"PK\x03\x04") {
        ": it looks like a Word or Excel document (or another zip file)"
    } else if bytes.starts_with(b"%PDF") {
        ": it looks like a PDF"
    } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        ": it is saved as UTF-16 text, and calendars are UTF-8"
    } else if first_line
        .windows(11)
        .any(|w| w.eq_ignore_ascii_case(b"BEGIN:VCARD"))
    {
        ": it is a contact card (vCard)"
    } else if first_line.iter().any(|b| matches!(b, b',' | b'\t')) {
        ": it looks like a spreadsheet saved as CSV"
    } else {
        ""
    };
    format!("this is not a calendar file; it does not start with BEGIN:VCALENDAR{guess}")
}

/// A component name as it may be shown: only a plain word, since a broken line could carry
/// anything (a title, say) after `BEGIN:`.
pub(super) fn shown_name(name: &str) -> &str {
    if !name.is_empty() && name.len() <= 40 && name.bytes().all(is_name_byte) {
        name
    } else {
        "(unreadable name)"
    }
}

/// Checks the file as a whole and reads its components, or reports why not. `None` when the
/// file is refused before its lines are read (or when reading had to stop).
pub(super) fn read_components(bytes: &[u8], out: &mut Collector) -> Option<Vec<Component>> {
    let file = out.file.clone();
    if bytes.len() > MAX_ICS_BYTES {
        out.push(Diagnostic::error(
            &file,
            format!(
                "the file is {:.1} MB; calendar files larger than {} MB are not read",
                bytes.len() as f64 / (1024.0 * 1024.0),
                MAX_ICS_BYTES / (1024 * 1024)
            ),
            FIX_SIZE,
        ));
        return None;
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        out.push(Diagnostic::error(&file, "the file is empty", FIX_EXPORT));
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if !starts_like_a_calendar(bytes) {
        out.push(Diagnostic::error(&file, not_a_calendar(bytes), FIX_NOT_CALENDAR).at(1, None));
        return None;
    }
    let mut stack: Vec<Component> = Vec::new();
    let mut top: Vec<Component> = Vec::new();
    for logical in unfold(bytes) {
        if out.full() {
            return None;
        }
        let line = logical.line;
        let text = match std::str::from_utf8(&logical.bytes) {
            Ok(text) => text,
            Err(e) => {
                let at = logical.line_at(e.valid_up_to());
                out.push(
                    Diagnostic::error(
                        &file,
                        format!("line {at} has characters that are not UTF-8 text"),
                        FIX_EXPORT,
                    )
                    .at(at, None),
                );
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let Some(prop) = parse_line(text, line) else {
            // Never quoted: a line that lost its fold is usually part of a description.
            out.push(
                Diagnostic::error(
                    &file,
                    format!("line {line} is not a calendar line of the form NAME:value"),
                    FIX_EXPORT,
                )
                .at(line, None),
            );
            continue;
        };
        match prop.name.as_str() {
            "BEGIN" => {
                if stack.len() >= MAX_DEPTH {
                    out.push(
                        Diagnostic::error(
                            &file,
                            format!(
                                "BEGIN on line {line} nests components more than {MAX_DEPTH} deep"
                            ),
                            FIX_EXPORT,
                        )
                        .at(line, None)
                        .field("BEGIN"),
                    );
                    return None;
                }
                stack.push(Component {
                    name: prop.value.trim().to_ascii_uppercase(),
                    line,
                    props: Vec::new(),
                    children: Vec::new(),
                });
            }
            "END" => {
                let name = prop.value.trim().to_ascii_uppercase();
                let Some(open) = stack.iter().rposition(|c| c.name == name) else {
                    out.push(
                        Diagnostic::error(
                            &file,
                            format!(
                                "END:{} on line {line} closes nothing: there is no BEGIN:{} before it",
                                shown_name(&name),
                                shown_name(&name)
                            ),
                            FIX_EXPORT,
                        )
                        .at(line, None)
                        .field("END"),
                    );
                    continue;
                };
                while stack.len() > open {
                    let Some(done) = stack.pop() else { break };
                    if stack.len() > open {
                        out.push(
                            Diagnostic::error(
                                &file,
                                format!(
                                    "BEGIN:{} on line {} is not closed before END:{} on line {line}",
                                    shown_name(&done.name),
                                    done.line,
                                    shown_name(&name)
                                ),
                                FIX_EXPORT,
                            )
                            .at(done.line, None)
                            .field("BEGIN"),
                        );
                    }
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => top.push(done),
                    }
                }
            }
            _ => match stack.last_mut() {
                Some(c) => c.props.push(prop),
                None => out.push(
                    Diagnostic::error(
                        &file,
                        format!("line {line} is outside BEGIN:VCALENDAR and END:VCALENDAR"),
                        FIX_EXPORT,
                    )
                    .at(line, None),
                ),
            },
        }
    }
    for open in stack.iter().rev() {
        out.push(
            Diagnostic::error(
                &file,
                format!(
                    "BEGIN:{} on line {} is never closed by END:{}; the file may have been cut short",
                    shown_name(&open.name),
                    open.line,
                    shown_name(&open.name)
                ),
                "Export the calendar again and upload the whole file",
            )
            .at(open.line, None)
            .field("BEGIN"),
        );
    }
    Some(top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::fixtures::{cal, ev, london, minutes, refused, suggest, week};
    use crate::calendar::{default_rules, suggest_week};
    use swforce_domain::diary::Activity;

    #[test]
    fn folded_lines_are_joined_whether_lines_end_in_crlf_or_lf() {
        let text = cal(&[ev(&[
            "SUMMARY:Home vi",
            " sit",
            "DTSTART;TZID=Europe/",
            "\tLondon:20250324T090000",
            "DTEND;TZID=Europe/London:20250324T103000",
        ])]);
        let lf = suggest(&text, "2025-03-24");
        assert_eq!(minutes(&lf, Activity::DirectFaceToFace), 90);
        let crlf = suggest(&text.replace('\n', "\r\n"), "2025-03-24");
        assert_eq!(lf, crlf);
    }

    #[test]
    fn a_character_split_by_folding_is_put_back_together() {
        // "Café visit" with the two bytes of "é" on two lines.
        let mut bytes = cal(&[london("Caf", "20250324T090000", "20250324T100000")]).into_bytes();
        let at = bytes.windows(3).position(|w| w == b"Caf").unwrap() + 3;
        bytes.splice(at..at, b"\xC3\r\n \xA9 visit".iter().copied());
        let s = suggest_week("t.ics", &bytes, week("2025-03-24"), &default_rules(), &[]).unwrap();
        assert_eq!(minutes(&s, Activity::DirectFaceToFace), 60);
    }

    #[test]
    fn quoted_parameters_may_hold_semicolons_colons_and_commas() {
        let p = parse_line(
            r#"ATTENDEE;CN="Smith; Jo: SW, Team";PARTSTAT=DECLINED;X-A=a,"b:c":mailto:jo@example.org"#,
            7,
        )
        .unwrap();
        assert_eq!(p.name, "ATTENDEE");
        assert_eq!(p.param("CN"), Some("Smith; Jo: SW, Team"));
        assert_eq!(p.param("PARTSTAT"), Some("DECLINED"));
        assert_eq!(p.params[2].1, vec!["a".to_string(), "b:c".to_string()]);
        assert_eq!(p.value, "mailto:jo@example.org");
        assert_eq!(p.line, 7);
        let text = cal(&[ev(&[
            "SUMMARY:Core group",
            "DTSTART;TZID=\"GMT Standard Time\":20250324T090000",
            "DTEND;TZID=\"GMT Standard Time\":20250324T100000",
        ])]);
        assert_eq!(
            minutes(&suggest(&text, "2025-03-24"), Activity::Meetings),
            60
        );
    }

    #[test]
    fn escaped_text_is_undone_before_matching() {
        assert_eq!(unescape(r"a\, b\; c\\d\ne\N"), "a, b; c\\d\ne\n");
        // Only unescaped does "visit" start a word: "\nvisit" is "n" then "visit" otherwise.
        let text = cal(&[london(
            r"Smith family\nvisit",
            "20250324T090000",
            "20250324T100000",
        )]);
        assert_eq!(
            minutes(&suggest(&text, "2025-03-24"), Activity::DirectFaceToFace),
            60
        );
    }

    #[test]
    fn an_empty_file_is_refused() {
        for bytes in [&b""[..], b"  \r\n\n"] {
            let d = refused(bytes);
            assert_eq!(d[0].problem, "the file is empty");
            assert!(d[0].fix.contains("Export the calendar again"));
        }
    }

    #[test]
    fn a_word_document_or_a_spreadsheet_is_refused_as_not_a_calendar() {
        let d = refused(b"PK\x03\x04\x14\x00\x06\x00word/document.xml");
        assert!(d[0].problem.contains("Word or Excel"), "{}", d[0].problem);
        let d = refused(b"Subject,Start Date,Start Time\nHome visit,24/03/2025,09:00\n");
        assert!(d[0].problem.contains("CSV"), "{}", d[0].problem);
        assert!(!d[0].problem.contains("Home visit"));
        let d = refused(b"BEGIN:VCARD\nFN:Jo\nEND:VCARD\n");
        assert!(d[0].problem.contains("vCard"));
        assert!(d[0].problem.contains("BEGIN:VCALENDAR"));
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused() {
        let mut bytes = cal(&[]).into_bytes();
        bytes.resize(MAX_ICS_BYTES + 1, b'\n');
        let d = refused(&bytes);
        assert!(
            d[0].problem.contains("larger than 10 MB"),
            "{}",
            d[0].problem
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_with_its_line() {
        let mut bytes = cal(&[london("Visit", "20250324T090000", "20250324T100000")]).into_bytes();
        let at = bytes.windows(5).position(|w| w == b"Visit").unwrap();
        bytes.insert(at, 0xFF);
        let d = refused(&bytes);
        assert_eq!(d[0].line, Some(5));
        assert!(d[0].problem.contains("not UTF-8"));
    }

    #[test]
    fn a_file_cut_short_is_refused() {
        let text = cal(&[london("Visit", "20250324T090000", "20250324T100000")]);
        let cut = &text[..text.find("END:VEVENT").unwrap()];
        let d = refused(cut.as_bytes());
        let problems: Vec<&str> = d.iter().map(|d| d.problem.as_str()).collect();
        assert_eq!(
            problems,
            [
                "BEGIN:VEVENT on line 4 is never closed by END:VEVENT; the file may have been cut short",
                "BEGIN:VCALENDAR on line 1 is never closed by END:VCALENDAR; the file may have been cut short",
            ]
        );
        let crossed = text.replace("END:VEVENT", "END:VTODO");
        assert!(refused(crossed.as_bytes())[0].problem.contains("END:VTODO"));
    }
}
