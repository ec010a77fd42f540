//! The streaming reader: one pass, memory bounded by the depth of the document and a set of
//! fingerprints of SWE numbers, however many workers the return holds.

mod bounded;
mod done;

use super::Finding;
use super::rules::{Duplicates, Hit, Severity};
use super::schema::{self, Content, MESSAGE, Particle};
use bounded::{Hashing, MAX_DEPTH};
use quick_xml::Reader;
use quick_xml::events::Event;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::io::BufRead;
use swforce_domain::Date;
use swforce_domain::census::{CensusHeader, CensusWorker, CollectionYear, LaVacancies, SweNumber};

/// How to read.
#[derive(Debug, Clone, Copy)]
pub struct CensusOptions {
    /// The collection year when the header does not give one.
    pub year: Option<i32>,
    /// Findings kept; past this they are only counted.
    pub max_findings: usize,
    /// Whether to compute the file's SHA-256 (needed to import it, not to check it).
    pub fingerprint: bool,
}

impl Default for CensusOptions {
    fn default() -> Self {
        Self {
            year: None,
            max_findings: 1000,
            fingerprint: true,
        }
    }
}

/// What reading a return found.
#[derive(Debug, Clone, Default)]
pub struct CensusRead {
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
    pub header: CensusHeader,
    pub vacancies: Option<LaVacancies>,
    pub workers: u32,
    pub year: Option<CollectionYear>,
    /// The first findings, in document order.
    pub findings: Vec<Finding>,
    /// Findings of each severity, including those past the limit.
    pub errors: usize,
    pub queries: usize,
    /// Where the header's LEA is, when it gives one.
    pub lea_at: Option<(u64, u64)>,
    /// Agency workers in post on 30 September, and their FTE, for comparing with the vacancy
    /// block.
    pub agency_in_post: u32,
    pub agency_in_post_fte: f64,
    /// Agency workers in post on 30 September whose record gives no FTE (agency records need
    /// not), so their FTE is unknown.
    pub agency_in_post_without_fte: u32,
    /// Whether reading stopped early because the XML itself is broken.
    pub fatal: bool,
}

impl CensusRead {
    /// No errors: the return can be imported.
    pub fn is_valid(&self) -> bool {
        self.errors == 0
    }

    /// Adds a finding made outside the reader (one that needs the geography or the authority's
    /// earlier returns), in document order among the others.
    pub fn add(&mut self, f: Finding, max: usize) {
        match f.severity {
            Severity::Error => self.errors += 1,
            Severity::Query => self.queries += 1,
        }
        if self.findings.len() < max {
            let at = self
                .findings
                .partition_point(|g| (g.line, g.column) <= (f.line, f.column));
            self.findings.insert(at, f);
        }
    }
}

struct Frame {
    name: Cow<'static, str>,
    content: Option<&'static Content>,
    cursor: usize,
    count: u32,
    line: u64,
    column: u64,
    text: String,
    reported: bool,
    index: Option<u32>,
}

/// The worker being read.
#[derive(Default)]
struct Builder {
    record: u32,
    start: (u64, u64),
    agency: Option<bool>,
    swe: Option<SweNumber>,
    fields: Vec<(&'static str, String)>,
    /// Elements whose value the schema refused: the rules say nothing more of them.
    refused: Vec<String>,
}

struct State<'f> {
    file: &'f str,
    out: CensusRead,
    max: usize,
    stack: Vec<Frame>,
    worker: Option<Builder>,
    duplicates: Duplicates,
    year: Option<CollectionYear>,
    explicit_year: Option<i32>,
    header_year: Option<i32>,
    reference: Option<Date>,
    vacancy_fields: Vec<(String, String, (u64, u64))>,
    /// Where the header's ReferenceDate is.
    reference_at: Option<(u64, u64)>,
    /// Where the vacancy block is.
    vacancies_at: (u64, u64),
}

impl State<'_> {
    fn path(&self) -> String {
        self.stack
            .iter()
            .map(|f| match f.index {
                Some(i) => format!("{}[{i}]", f.name),
                None => f.name.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    fn record(&self) -> Option<u32> {
        self.worker.as_ref().map(|w| w.record)
    }

    fn push(&mut self, f: Finding) {
        match f.severity {
            Severity::Error => self.out.errors += 1,
            Severity::Query => self.out.queries += 1,
        }
        if self.out.findings.len() < self.max {
            self.out.findings.push(f);
        }
    }

    fn finding(
        &mut self,
        rule: &'static str,
        severity: Severity,
        at: (u64, u64),
        element: &str,
        message: String,
        fix: String,
    ) {
        let f = Finding {
            rule,
            severity,
            line: at.0,
            column: at.1,
            path: self.path(),
            element: element.to_string(),
            record: self.record(),
            message,
            fix,
        };
        self.push(f);
    }

    /// A finding of a business rule about an element read earlier (the vacancy block, once
    /// every worker is counted), put in its place in document order.
    fn hit_in(&mut self, at: (u64, u64), path: &str, h: Hit) {
        let max = self.max;
        self.out.add(h.finding(at, path.to_string(), None), max);
    }

    /// A finding of a business rule, with the rule's severity and, unless the hit says more, its fix.
    fn hit(&mut self, at: (u64, u64), h: Hit) {
        let f = h.finding(at, self.path(), self.record());
        self.push(f);
    }
}

/// The names a content model would accept next, up to the first it requires.
fn expected(parts: &[Particle], cursor: usize, count: u32) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate().skip(cursor) {
        let used = if i == cursor { count } else { 0 };
        if used < p.max {
            out.push(p.name);
        }
        if used < p.min {
            break;
        }
    }
    out
}

fn describe(names: &[&str]) -> String {
    match names {
        [] => "no further element".to_string(),
        [one] => one.to_string(),
        many => format!("one of {}", many.join(", ")),
    }
}

/// Reads a CSWW census return, checking it as it goes and handing each worker's record (with
/// the collection year, once known) to `on_worker`. Never stops early except for broken XML (reported as a fatal finding).
pub fn read_census(
    file: &str,
    reader: impl BufRead,
    options: CensusOptions,
    mut on_worker: impl FnMut(CensusWorker, Option<CollectionYear>),
) -> CensusRead {
    let mut hashing = Hashing {
        inner: reader,
        hasher: options.fingerprint.then(Sha256::new),
        bytes: 0,
        scanned: 0,
        run: 0,
    };
    let mut state = State {
        file,
        out: CensusRead {
            file: file.to_string(),
            ..Default::default()
        },
        max: options.max_findings,
        stack: Vec::new(),
        worker: None,
        duplicates: Duplicates::default(),
        year: options
            .year
            .filter(|y| CollectionYear::PLAUSIBLE.contains(y))
            .map(CollectionYear),
        explicit_year: options.year,
        header_year: None,
        reference: None,
        vacancy_fields: Vec::new(),
        reference_at: None,
        vacancies_at: (0, 0),
    };
    {
        let mut xml = Reader::from_reader(&mut hashing);
        let cfg = xml.config_mut();
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
        let mut buf = Vec::with_capacity(1024);
        let (mut line, mut line_start) = (1u64, 0u64);
        let mut saw_root = false;
        loop {
            buf.clear();
            let before = xml.buffer_position();
            let at = (line, before.saturating_sub(line_start) + 1);
            let event = match xml.read_event_into(&mut buf) {
                Ok(e) => e,
                Err(e) => {
                    let message = match &e {
                        quick_xml::Error::Encoding(_) => "the file is not UTF-8 text".to_string(),
                        quick_xml::Error::Io(io) => format!("the file could not be read ({io})"),
                        other => format!("the XML is broken: {other}"),
                    };
                    let pos = xml.error_position();
                    let col = pos.saturating_sub(line_start) + 1;
                    state.finding("XML-SYNTAX", Severity::Error, (line, col), "", message, "check the file is a complete CSWW return saved as UTF-8 XML; a truncated upload or an edit by hand can break it".into());
                    state.out.fatal = true;
                    break;
                }
            };
            // Keep line and column of what follows.
            let mut advance = |raw: &[u8], offset: u64| {
                if let Some(last) = memchr::memrchr(b'\n', raw) {
                    line += memchr::memchr_iter(b'\n', raw).count() as u64;
                    line_start = before + offset + last as u64 + 1;
                }
            };
            match event {
                Event::Decl(d) => {
                    advance(d.as_ref().as_bytes(), 2);
                    if let Some(Ok(enc)) = d.encoding() {
                        let enc = enc.to_lowercase();
                        if enc != "utf-8" && enc != "utf8" {
                            state.finding(
                                "XML-ENCODING",
                                Severity::Error,
                                at,
                                "",
                                format!(
                                    "the file says it is encoded as {enc}; swforce reads UTF-8"
                                ),
                                "save the return as UTF-8 XML and upload it again".into(),
                            );
                            state.out.fatal = true;
                            break;
                        }
                    }
                }
                Event::DocType(d) => {
                    advance(d.as_ref().as_bytes(), 2);
                    state.finding("XML-DTD", Severity::Error, at, "", "the file declares a document type (DOCTYPE); census returns have none, and entity declarations are refused".into(), "remove the DOCTYPE declaration; the return needs only its elements".into());
                    state.out.fatal = true;
                    break;
                }
                Event::PI(p) => advance(p.as_ref().as_bytes(), 2),
                Event::Comment(c) => advance(c.as_ref().as_bytes(), 4),
                Event::CData(c) => {
                    advance(c.as_ref().as_bytes(), 9);
                    text(&mut state, c.as_ref(), at);
                }
                Event::Text(t) => {
                    let raw = t.into_inner();
                    advance(raw.as_bytes(), 0);
                    if saw_root && state.stack.is_empty() && !raw.trim().is_empty() {
                        after_the_end(&mut state, at);
                        break;
                    }
                    text(&mut state, &raw, at);
                }
                Event::GeneralRef(r) => {
                    let resolved = match &*r {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => r.resolve_char_ref().ok().flatten(),
                    };
                    match resolved {
                        Some(c) => text(&mut state, &c.to_string(), at),
                        None => {
                            state.finding(
                                "XML-ENTITY",
                                Severity::Error,
                                at,
                                "",
                                format!("the entity &{}; is not defined", &*r),
                                "write the character itself, or &amp; &lt; &gt; &apos; &quot;"
                                    .into(),
                            );
                            state.out.fatal = true;
                            break;
                        }
                    }
                }
                Event::Start(s) | Event::Empty(s) if state.out.fatal => {
                    let _ = s;
                }
                Event::Start(s) | Event::Empty(s) if saw_root && state.stack.is_empty() => {
                    let _ = s;
                    after_the_end(&mut state, at);
                    break;
                }
                Event::Start(_) if state.stack.len() >= MAX_DEPTH => {
                    let open = state
                        .stack
                        .last()
                        .map(|f| f.name.clone())
                        .unwrap_or_default();
                    state.finding(
                        "XSD-STRUCTURE",
                        Severity::Error,
                        at,
                        &open,
                        format!("elements are nested more than {MAX_DEPTH} deep, far deeper than a census return's (four); the file was not read further"),
                        "choose the CSWW census return (an XML file starting <Message>)".into(),
                    );
                    state.out.fatal = true;
                    break;
                }
                Event::Start(s) => {
                    advance(s.as_ref().as_bytes(), 1);
                    namespaced(&mut state, &s, at);
                    let attrs: Vec<String> = s
                        .attributes()
                        .flatten()
                        .map(|a| a.key.as_ref().to_string())
                        .collect();
                    saw_root = true;
                    open(&mut state, s.local_name().as_ref(), &attrs, at);
                }
                Event::Empty(s) => {
                    advance(s.as_ref().as_bytes(), 1);
                    namespaced(&mut state, &s, at);
                    let attrs: Vec<String> = s
                        .attributes()
                        .flatten()
                        .map(|a| a.key.as_ref().to_string())
                        .collect();
                    saw_root = true;
                    open(&mut state, s.local_name().as_ref(), &attrs, at);
                    close(&mut state, at, &mut on_worker);
                }
                Event::End(e) => {
                    advance(e.as_ref().as_bytes(), 2);
                    close(&mut state, at, &mut on_worker);
                }
                Event::Eof => {
                    if let Some(open) = state.stack.last().map(|f| f.name.clone()) {
                        state.finding(
                            "XML-SYNTAX",
                            Severity::Error,
                            at,
                            &open,
                            format!("the file ends before <{open}> is closed; it looks cut short"),
                            "upload the whole return again; the file was truncated".into(),
                        );
                        state.out.fatal = true;
                    } else if !saw_root {
                        state.finding(
                            "XML-SYNTAX",
                            Severity::Error,
                            at,
                            "",
                            "the file has no elements; it is empty or not XML".into(),
                            "choose the CSWW census return (an XML file starting <Message>)".into(),
                        );
                        state.out.fatal = true;
                    }
                    break;
                }
            }
        }
    }
    // Read to the end so the fingerprint covers the whole file, even after a fatal error.
    let _ = std::io::copy(&mut hashing, &mut std::io::sink());
    state.out.sha256 = hashing
        .hasher
        .map(|h| h.finalize().iter().map(|b| format!("{b:02x}")).collect())
        .unwrap_or_default();
    state.out.bytes = hashing.bytes;
    state.out.year = state.year;
    state.out
}

/// Anything but white space after the root element closes: the file holds more than one
/// document, as xmllint says.
fn after_the_end(state: &mut State<'_>, at: (u64, u64)) {
    state.finding(
        "XML-SYNTAX",
        Severity::Error,
        at,
        "",
        "there is more after the end of <Message>; a return is one document".into(),
        "remove what follows </Message>: the file may hold two returns, or text pasted after it"
            .into(),
    );
    state.out.fatal = true;
}

/// The census schema has no namespace: an element in one (by a default namespace or a prefix)
/// is not the schema's element, as xmllint says.
fn namespaced(state: &mut State<'_>, s: &quick_xml::events::BytesStart<'_>, at: (u64, u64)) {
    let name = s.name().as_ref().to_string();
    let default = s.attributes().flatten().find_map(|a| {
        (a.key.as_ref() == "xmlns" && !a.value.is_empty()).then(|| a.value.to_string())
    });
    let problem = if name.contains(':') {
        Some(format!("<{name}> has a namespace prefix"))
    } else {
        default.map(|ns| format!("<{name}> is in the namespace {ns}"))
    };
    if let Some(problem) = problem {
        state.finding(
            "XSD-STRUCTURE",
            Severity::Error,
            at,
            &name,
            format!("{problem}, but the census schema's elements have no namespace"),
            "remove the xmlns declaration and the prefix: write <Message> as the schema does"
                .into(),
        );
    }
}

fn text(state: &mut State<'_>, t: &str, at: (u64, u64)) {
    let Some(frame) = state.stack.last_mut() else {
        return;
    };
    match frame.content {
        Some(Content::Simple(_)) => frame.text.push_str(t),
        Some(Content::Complex(_)) if !t.trim().is_empty() && !frame.reported => {
            frame.reported = true;
            let name = frame.name.clone();
            state.finding(
                "XSD-CONTENT",
                Severity::Error,
                at,
                &name,
                format!("<{name}> holds text, but it may only hold other elements"),
                "remove the stray text between the elements".into(),
            );
        }
        _ => {}
    }
}

fn open(state: &mut State<'_>, local: &str, attrs: &[String], at: (u64, u64)) {
    // Names the schema knows are borrowed from it; only a stranger's name is allocated.
    let known = |parts: &'static [Particle]| {
        parts
            .iter()
            .find(|p| p.name == local)
            .map(|p| Cow::Borrowed(p.name))
    };
    let name: Cow<'static, str> = match state.stack.last().and_then(|f| f.content) {
        Some(Content::Complex(parts)) => {
            known(parts).unwrap_or_else(|| Cow::Owned(local.to_string()))
        }
        _ if local == "Message" => Cow::Borrowed("Message"),
        _ => Cow::Owned(local.to_string()),
    };
    let mut index = None;
    let content = match state.stack.last_mut() {
        None => {
            if name == "Message" {
                Some(&MESSAGE)
            } else {
                let n = name.clone();
                state.stack.push(Frame {
                    name,
                    content: None,
                    cursor: 0,
                    count: 0,
                    line: at.0,
                    column: at.1,
                    text: String::new(),
                    reported: true,
                    index: None,
                });
                state.finding(
                    "XSD-STRUCTURE",
                    Severity::Error,
                    at,
                    &n,
                    format!(
                        "the document starts with <{n}>; a census return starts with <Message>"
                    ),
                    "choose the CSWW census return file".into(),
                );
                return;
            }
        }
        Some(parent) => match parent.content {
            Some(Content::Complex(parts)) => {
                let mut found = None;
                while let Some(p) = parts.get(parent.cursor) {
                    if p.name == name && parent.count < p.max {
                        parent.count += 1;
                        found = Some(p.content);
                        break;
                    }
                    if parent.count >= p.min {
                        parent.cursor += 1;
                        parent.count = 0;
                        continue;
                    }
                    break;
                }
                if found.is_none() {
                    if let Some(w) = state.worker.as_mut() {
                        w.refused.push(name.to_string());
                    }
                    // Rewind is impossible; report against the arriving element and skip it.
                    let want = expected(parts, parent.cursor, parent.count);
                    let parent_name = parent.name.clone();
                    let n = name.clone();
                    state.finding(
                        "XSD-STRUCTURE",
                        Severity::Error,
                        at,
                        &n,
                        format!("<{n}> is not expected here in <{parent_name}>; expected {}", describe(&want)),
                        "put the elements in the order the schema gives, each as often as it allows, and remove any it does not name".into(),
                    );
                }
                if found.is_some() && name == "CSWWWorker" {
                    state.out.workers += 1;
                    index = Some(state.out.workers);
                }
                found
            }
            Some(Content::Simple(_)) => {
                if !parent.reported {
                    parent.reported = true;
                    let p = parent.name.clone();
                    state.finding(
                        "XSD-CONTENT",
                        Severity::Error,
                        at,
                        &p,
                        format!("<{p}> holds an element <{name}>, but it may only hold a value"),
                        "remove the nested element".into(),
                    );
                }
                None
            }
            None => None,
        },
    };
    for a in attrs {
        if !(a.starts_with("xmlns") || a.starts_with("xsi:")) {
            state.finding(
                "XSD-ATTRIBUTE",
                Severity::Error,
                at,
                &name,
                format!("<{name}> has an attribute {a}, which the schema does not allow"),
                "remove the attribute; census elements have none".into(),
            );
        }
    }
    if name == "LALevelVacancies" {
        state.vacancies_at = at;
    }
    if name == "CSWWWorker" && content.is_some() {
        state.worker = Some(Builder {
            record: state.out.workers,
            start: at,
            ..Default::default()
        });
    }
    let reported = content.is_none();
    state.stack.push(Frame {
        name,
        content,
        cursor: 0,
        count: 0,
        line: at.0,
        column: at.1,
        text: String::new(),
        reported,
        index,
    });
}

fn close(
    state: &mut State<'_>,
    at: (u64, u64),
    on_worker: &mut impl FnMut(CensusWorker, Option<CollectionYear>),
) {
    let Some(frame) = state.stack.last() else {
        return;
    };
    let start = (frame.line, frame.column);
    match frame.content {
        Some(Content::Complex(parts)) => {
            let missing: Vec<&str> = parts
                .iter()
                .enumerate()
                .skip(frame.cursor)
                .filter(|(i, p)| p.min > if *i == frame.cursor { frame.count } else { 0 })
                .map(|(_, p)| p.name)
                .collect();
            if !missing.is_empty() && !frame.reported {
                let want = expected(parts, frame.cursor, frame.count);
                let name = frame.name.clone();
                state.finding(
                    "XSD-STRUCTURE",
                    Severity::Error,
                    at,
                    &name,
                    format!(
                        "<{name}> is missing {}; expected {}",
                        missing.join(", "),
                        describe(&want)
                    ),
                    format!("add {} in its place in <{name}>", missing.join(", ")),
                );
            }
        }
        Some(Content::Simple(ty)) => {
            let ty = *ty;
            if !frame.reported {
                let name = frame.name.clone();
                let value = state
                    .stack
                    .last_mut()
                    .map(|f| std::mem::take(&mut f.text))
                    .unwrap_or_default();
                if let Err((problem, fix)) = schema::check(ty, &value) {
                    if let Some(w) = state.worker.as_mut() {
                        w.refused.push(name.to_string());
                    }
                    state.finding(
                        "XSD-VALUE",
                        Severity::Error,
                        start,
                        &name,
                        format!("<{name}> {problem}"),
                        fix,
                    );
                } else {
                    done::store(state, &name, value, ty);
                }
            }
        }
        None => {}
    }
    let name = state
        .stack
        .last()
        .map(|f| f.name.clone())
        .unwrap_or_default();
    match name.as_ref() {
        "CSWWWorker" => done::worker(state, on_worker),
        "LALevelVacancies" => done::vacancies(state, start),
        "CollectionDetails" | "Header" => done::header(state, &name, start),
        "Message" => done::message(state, at),
        _ => {}
    }
    state.stack.pop();
}
