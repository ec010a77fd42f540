//! What the CSV readers share: the file's hash and the physical line a record starts on, taken
//! as the file streams past, and the diagnostics found so far, up to the limit past which a
//! file is more wrong than right.

use crate::diagnostic::{Diagnostic, Refused};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::io::Read;

/// The line a record starts on, from its byte offset, counted as the file streams past: the
/// csv crate's own line count lags behind after blank lines and `\r\n` line ends, and its
/// offset points before the line end that precedes the record. A line ends at `\n`, `\r\n`
/// or a lone `\r`, in a quoted cell too.
///
/// Rather than keep the bytes, keeps where each `\r` and `\n` is, from the last record
/// counted to the end of what the CSV reader has read ahead (a buffer or so).
#[derive(Default)]
pub(crate) struct Lines {
    /// The offset of each `\r` and `\n` not yet counted, times two, plus one for `\n`.
    ends: VecDeque<u64>,
    /// The line ends before the last record counted.
    line: u64,
}

impl Lines {
    /// Notes the line ends in `bytes`, read from `offset`.
    pub(crate) fn feed(&mut self, offset: u64, bytes: &[u8]) {
        for i in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            let lf = u64::from(bytes[i] == b'\n');
            self.ends.push_back((offset + i as u64) * 2 + lf);
        }
    }

    /// The line of the record read from `offset` (offsets only grow).
    pub(crate) fn of(&mut self, offset: u64) -> u64 {
        // The record starts at the first byte from `offset` that does not end a line.
        let mut start = offset;
        let mut before = 0;
        while let Some(&end) = self.ends.get(before) {
            match (end / 2).cmp(&start) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => start += 1,
                std::cmp::Ordering::Greater => break,
            }
            before += 1;
        }
        for k in 0..before {
            let end = self.ends[k];
            // A `\r` followed by `\n` (offset one on, so `end + 3`) ends the line with it.
            if end % 2 == 1 || self.ends.get(k + 1) != Some(&(end + 3)) {
                self.line += 1;
            }
        }
        self.ends.drain(..before);
        self.line + 1
    }
}

/// Diagnostics of one file; errors past [`Refused::LIMIT`] are counted, not kept.
pub(crate) struct Collector {
    pub(crate) file: String,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) errors: usize,
    /// Warnings met, kept or not.
    warnings: usize,
}

/// The most warnings kept for a file: past it they are counted, and one more warning says how
/// many (a file of ten thousand unknown columns is one problem, not ten thousand).
pub const WARNING_LIMIT: usize = 20;

impl Collector {
    pub(crate) fn new(file: &str) -> Self {
        Self {
            file: file.to_string(),
            diagnostics: Vec::new(),
            errors: 0,
            warnings: 0,
        }
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        if d.is_error() {
            self.errors += 1;
            if self.errors <= Refused::LIMIT {
                self.diagnostics.push(d);
            }
        } else {
            self.warnings += 1;
            if self.warnings <= WARNING_LIMIT {
                self.diagnostics.push(d);
            }
        }
    }

    /// What was kept, with a last warning counting those that were not.
    pub(crate) fn finish(mut self) -> Vec<Diagnostic> {
        if self.warnings > WARNING_LIMIT {
            self.diagnostics.push(Diagnostic::warning(
                &self.file,
                format!(
                    "and {} more warnings like these ({} in all)",
                    self.warnings - WARNING_LIMIT,
                    self.warnings
                ),
                "see the first ones above: they are likely all of a kind",
            ));
        }
        self.diagnostics
    }

    pub(crate) fn full(&self) -> bool {
        self.errors >= Refused::LIMIT
    }

    pub(crate) fn refuse(self) -> Refused {
        let file = self.file.clone();
        Refused {
            file,
            diagnostics: self.finish(),
        }
    }
}

/// The most a CSV file may hold (the published ones are under 1 MB): a larger one, or one that
/// never ends (`/dev/zero`), is refused while it streams, before it fills memory.
pub const MAX_CSV_BYTES: u64 = 50 * 1024 * 1024;

/// Passes a file through, refusing it past [`MAX_CSV_BYTES`] or at a NUL byte (a text file has
/// none: it is a binary file, or text saved as UTF-16).
pub(crate) struct Bounded<R> {
    pub(crate) inner: R,
    pub(crate) read: u64,
}

impl<R> Bounded<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self { inner, read: 0 }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(at) = memchr::memchr(0, &buf[..n]) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "it holds a NUL byte (byte {}), so it is not a CSV text file (a spreadsheet, or text saved as UTF-16?)",
                    self.read + at as u64 + 1
                ),
            ));
        }
        self.read += n as u64;
        if self.read > MAX_CSV_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "it is larger than {} MB, which no statistics or register file needs",
                    MAX_CSV_BYTES / (1024 * 1024)
                ),
            ));
        }
        Ok(n)
    }
}

/// Passes the file through to the CSV reader, hashing it and noting its line ends for
/// [`Lines`].
pub(crate) struct HashingReader<R> {
    pub(crate) inner: R,
    pub(crate) hasher: Sha256,
    pub(crate) bytes: u64,
    pub(crate) lines: Lines,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.lines.feed(self.bytes, &buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Lower-case hexadecimal, as a SHA-256 is shown.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a CSV reader says when its header row is not as expected: the problem when a name is
/// not UTF-8, and the fixes for that and for a file separated by something other than commas.
pub(crate) struct HeaderWords {
    pub not_utf8: &'static str,
    pub utf8_fix: &'static str,
    pub separator_fix: &'static str,
}

/// The column names of a header row, trimmed, without a UTF-8 byte-order mark; refused when a
/// name is not UTF-8 or when the one "column" shows the file uses another separator.
/// The most columns a header may have: the widest published file has about forty.
pub const MAX_COLUMNS: usize = 1000;

pub(crate) fn header_names(
    file: &str,
    line: u64,
    record: &csv::ByteRecord,
    words: &HeaderWords,
) -> Result<Vec<String>, Box<Diagnostic>> {
    if record.len() > MAX_COLUMNS {
        return Err(Box::new(
            Diagnostic::error(
                file,
                format!(
                    "the header has {} columns, more than any file swforce reads ({MAX_COLUMNS} at most)",
                    record.len()
                ),
                "check that this is the right file, saved as CSV with commas between columns",
            )
            .at(line, None),
        ));
    }
    let mut names = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        let raw = if i == 0 {
            raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
        } else {
            raw
        };
        let text = std::str::from_utf8(raw).map_err(|_| {
            Box::new(
                Diagnostic::error(file, words.not_utf8, words.utf8_fix)
                    .at(line, Some(i as u64 + 1)),
            )
        })?;
        names.push(text.trim().to_string());
    }
    if let [only] = names.as_slice() {
        for (sep, word) in [(';', "semicolons"), ('\t', "tabs"), ('|', "vertical bars")] {
            if only.contains(sep) {
                return Err(Box::new(
                    Diagnostic::error(
                        file,
                        format!("the columns are separated by {word}, not commas"),
                        words.separator_fix,
                    )
                    .at(line, None),
                ));
            }
        }
    }
    Ok(names)
}
