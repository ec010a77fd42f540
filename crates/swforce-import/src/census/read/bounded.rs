//! The reader under a census return: it hashes what it reads and refuses, in words, what no
//! return holds (a NUL byte, an endless stretch without markup, more than any return's size),
//! so that a hostile file is stopped before it fills memory.

use sha2::{Digest, Sha256};
use std::io::{BufRead, Read};

pub(super) struct Hashing<R> {
    pub(super) inner: R,
    pub(super) hasher: Option<Sha256>,
    pub(super) bytes: u64,
    /// How much of the reader's current buffer has been looked at for what no return holds.
    pub(super) scanned: usize,
    /// Bytes since the last `<` or `>`.
    pub(super) run: u64,
}

/// The deepest nesting read: a census return's elements nest four deep.
pub(super) const MAX_DEPTH: usize = 32;

/// The largest return read, in bytes: the largest authority's is a few megabytes, and a
/// million invented workers about one gigabyte.
const MAX_RETURN_BYTES: u64 = 1024 * 1024 * 1024;

/// The longest stretch between two pieces of markup: no value, name or comment of a return is
/// anywhere near it, and without a bound a file of one endless value (`/dev/zero`) would be
/// held whole.
const MAX_RUN: u64 = 1024 * 1024;

/// Looks at `fresh`, the bytes read from `at` on (`run` of them since the last markup): a NUL
/// byte, an endless stretch without markup, or too much in all is an error, said in words.
fn look(run: &mut u64, at: u64, fresh: &[u8]) -> std::io::Result<()> {
    let refuse = |what: String| Err(std::io::Error::new(std::io::ErrorKind::InvalidData, what));
    if let Some(i) = fresh.iter().position(|b| *b == 0) {
        return refuse(format!(
            "byte {} is a NUL, which no XML text holds: this is not a census return (or it is damaged)",
            at + i as u64 + 1
        ));
    }
    *run = match fresh.iter().rposition(|b| matches!(b, b'<' | b'>')) {
        Some(i) => (fresh.len() - i - 1) as u64,
        None => *run + fresh.len() as u64,
    };
    if *run > MAX_RUN {
        return refuse(format!(
            "more than {} MB without an element by byte {}: this is not a census return",
            MAX_RUN / (1024 * 1024),
            at + fresh.len() as u64
        ));
    }
    if at + fresh.len() as u64 > MAX_RETURN_BYTES {
        return refuse(format!(
            "the file is larger than {} GB, more than any census return",
            MAX_RETURN_BYTES / (1024 * 1024 * 1024)
        ));
    }
    Ok(())
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        look(&mut self.run, self.bytes, &buf[..n])?;
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Hashing<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let (at, scanned) = (self.bytes, self.scanned);
        let fresh = self.inner.fill_buf()?;
        if fresh.len() > scanned {
            look(&mut self.run, at + scanned as u64, &fresh[scanned..])?;
            self.scanned = fresh.len();
        }
        Ok(fresh)
    }

    fn consume(&mut self, amt: usize) {
        self.scanned = self.scanned.saturating_sub(amt);
        if let Ok(buf) = self.inner.fill_buf() {
            let n = amt.min(buf.len());
            if let Some(h) = self.hasher.as_mut() {
                h.update(&buf[..n]);
            }
            self.bytes += n as u64;
        }
        self.inner.consume(amt);
    }
}
