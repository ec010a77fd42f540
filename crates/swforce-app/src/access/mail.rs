//! Email: invitations and password resets. SMTP is set up by the binary; the outbox writes
//! each message to a file, for a laptop or a test.

use lettre::Message;
use lettre::message::Body;
use lettre::message::Mailbox;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use std::io::Write;
use std::path::PathBuf;

/// One plain-text message.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mail {
    /// The message from `from`, made by lettre's typed builder only: the address is parsed as
    /// a mailbox and the subject is encoded as a header value, so nothing in them can add a
    /// header. The body is encoded as lettre judges best for sending.
    pub fn message(&self, from: Mailbox) -> Result<Message, String> {
        self.build(from, Body::new(self.body.clone()))
    }

    /// The same message with its body as written (line ends made CRLF), for a file a person
    /// reads: links stay whole rather than folded by quoted-printable.
    pub fn readable_message(&self, from: Mailbox) -> Result<Message, String> {
        let body = Body::new_with_encoding(self.body.clone(), ContentTransferEncoding::Binary)
            .map_err(|_| "the email's text could not be kept as written".to_string())?;
        self.build(from, body)
    }

    fn build(&self, from: Mailbox, body: Body) -> Result<Message, String> {
        let to: Mailbox = self
            .to
            .parse()
            .map_err(|e| format!("{} is not an email address: {e}", self.to))?;
        Message::builder()
            .from(from)
            .to(to)
            .subject(self.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("the email could not be made: {e}"))
    }
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
        let from: Mailbox = "swforce <no-reply@swforce.invalid>"
            .parse()
            .map_err(|e| format!("the sender's address is not valid: {e}"))?;
        let text = mail.readable_message(from)?.formatted();
        let tmp = path.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp)
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        f.write_all(&text)
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("the outbox folder {}", self.dir.display())
    }
}
