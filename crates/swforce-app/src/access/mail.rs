//! Email: invitations and password resets. SMTP is set up by the binary; the outbox writes
//! each message to a file, for a laptop or a test.

use std::io::Write;
use std::path::PathBuf;

/// One plain-text message.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Sends mail. A failure is reported to the person who asked, in words.
pub trait Mailer: Send + Sync + std::fmt::Debug {
    fn send(&self, mail: &Mail) -> Result<(), String>;
    /// Where messages go, in words, for the pages that mention it.
    fn describe(&self) -> String;
}

/// Writes each message to its own `.eml` file in a directory.
#[derive(Debug, Clone)]
pub struct Outbox {
    pub dir: PathBuf,
}

impl Mailer for Outbox {
    fn send(&self, mail: &Mail) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        let now = jiff::Timestamp::now();
        let name = format!(
            "{}-{}.eml",
            now.strftime("%Y%m%dT%H%M%S%.fZ"),
            &super::new_secret()[..8]
        );
        let path = self.dir.join(name);
        let text = format!(
            "Date: {}\r\nFrom: swforce <no-reply@swforce.invalid>\r\nTo: {}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}",
            now.strftime("%a, %d %b %Y %H:%M:%S +0000"),
            mail.to,
            mail.subject,
            mail.body.replace('\n', "\r\n")
        );
        let tmp = path.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp)
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        f.write_all(text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("the outbox folder {}", self.dir.display())
    }
}
