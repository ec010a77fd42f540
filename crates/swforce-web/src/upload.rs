//! Files sent with a form: read whole (a CSV of statistics or engagements, a calendar), or
//! streamed into the work that reads them as they arrive (a census return, which may be large).
//! Each page words its own problems; this module only says what went wrong.

use crate::error::Problem;
use axum::body::Bytes;
use axum::extract::multipart::{Field, Multipart, MultipartError, MultipartRejection};
use axum::http::StatusCode;
use std::io::{BufReader, Read};

/// Why no file came with a form.
#[derive(Debug)]
pub enum Unread {
    /// The form or the file could not be read: what went wrong, in the transport's words.
    Broken(String),
    /// The file is larger than the route accepts.
    TooLarge,
    /// The upload stopped arriving (a pause longer than allowed).
    Stalled,
    /// The form has no file in it.
    Missing,
}

impl From<MultipartError> for Unread {
    fn from(e: MultipartError) -> Self {
        if crate::error::caused_by::<tower_http::timeout::TimeoutError>(&e) {
            return Self::Stalled;
        }
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::TooLarge
        } else {
            Self::Broken(e.body_text())
        }
    }
}

/// The form's `file` field, read whole: the file's name (`upload.csv` when the browser gives
/// none) and its bytes (perhaps none, for an empty file).
pub async fn file(
    form: Result<Multipart, MultipartRejection>,
) -> Result<(String, Vec<u8>), Unread> {
    let mut form = form.map_err(|e| Unread::Broken(e.body_text()))?;
    while let Some(mut field) = form.next_field().await? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload.csv").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await? {
            bytes.extend_from_slice(&chunk);
        }
        return Ok((name, bytes));
    }
    Err(Unread::Missing)
}

/// One problem, shown beside the file field.
pub fn problem(text: impl Into<String>, fix: impl Into<String>) -> Vec<Problem> {
    vec![Problem {
        text: text.into(),
        fix: fix.into(),
        target: "file".into(),
    }]
}

/// Reads chunks sent from the request as one stream, so the checks run while the file arrives.
pub struct ChannelReader {
    rx: tokio::sync::mpsc::Receiver<Bytes>,
    chunk: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.chunk.is_empty() {
            // Runs on a blocking thread, where waiting for the next chunk is allowed.
            match self.rx.blocking_recv() {
                Some(c) => self.chunk = c,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        self.chunk = self.chunk.slice(n..);
        Ok(n)
    }
}

/// Streams an uploaded file into `work` on a blocking thread as it arrives (the file's name is
/// `return.xml` when the browser gives none); returns the job and the bytes received.
pub async fn stream<T: Send + 'static>(
    mut field: Field<'_>,
    work: impl FnOnce(String, BufReader<ChannelReader>) -> T + Send + 'static,
) -> Result<(tokio::task::JoinHandle<T>, usize), Unread> {
    let name = field.file_name().unwrap_or("return.xml").to_string();
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    let reader = BufReader::with_capacity(
        1 << 16,
        ChannelReader {
            rx,
            chunk: Bytes::new(),
        },
    );
    let viewer = crate::auth::VIEWER
        .try_with(Clone::clone)
        .unwrap_or_default();
    let job = tokio::task::spawn_blocking(move || {
        crate::auth::VIEWER.sync_scope(viewer, || work(name, reader))
    });
    let mut bytes = 0usize;
    while let Some(chunk) = field.chunk().await? {
        bytes += chunk.len();
        if tx.send(chunk).await.is_err() {
            break;
        }
    }
    drop(tx);
    Ok((job, bytes))
}

/// The problem of an upload that stopped arriving (408).
pub fn stalled() -> (StatusCode, Vec<Problem>) {
    (
        StatusCode::REQUEST_TIMEOUT,
        problem(
            "The upload stopped arriving and was given up on: nothing was saved",
            "Check your connection and choose the file again",
        ),
    )
}
