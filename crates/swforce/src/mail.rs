//! Email for invitations and password resets: SMTP when a server is set, else the outbox folder.

use crate::config::{MailArgs, StoreArgs};
use lettre::message::Mailbox;
use lettre::{SmtpTransport, Transport};
use std::sync::Arc;
use swforce_app::access::{Mail, Mailer, Outbox};

/// Sends through an SMTP server.
pub struct Smtp {
    transport: SmtpTransport,
    from: Mailbox,
    shown: String,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("server", &self.shown)
            .finish_non_exhaustive()
    }
}

impl Mailer for Smtp {
    fn send(&self, mail: &Mail) -> Result<(), String> {
        let message = mail.message(self.from.clone())?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| format!("{} refused the email: {e}", self.shown))
    }

    fn describe(&self) -> String {
        format!("the SMTP server {}", self.shown)
    }
}

/// A URL with its password hidden, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    }
}

/// The mailer the settings ask for.
pub fn mailer(store: &StoreArgs, mail: Option<&MailArgs>) -> anyhow::Result<Arc<dyn Mailer>> {
    // An empty setting (SWFORCE_SMTP_URL= in a compose file) is no setting.
    let Some((global, url)) = mail.and_then(|m| {
        m.smtp_url
            .as_ref()
            .filter(|u| !u.trim().is_empty())
            .map(|u| (m, u))
    }) else {
        return Ok(Arc::new(Outbox {
            dir: store.data_dir.join("outbox"),
        }));
    };
    let from: Mailbox = global
        .mail_from
        .parse()
        .map_err(|e| anyhow::anyhow!("--mail-from {:?} is not an email address ({e}); give one such as \"swforce <no-reply@council.gov.uk>\"", global.mail_from))?;
    let transport = SmtpTransport::from_url(url)
        .map_err(|e| anyhow::anyhow!("--smtp-url {} is not an SMTP address ({e}); give one such as smtp://user:password@mail.example.org:587", redact(url)))?
        .build();
    Ok(Arc::new(Smtp {
        transport,
        from,
        shown: redact(url),
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_hidden_from_messages() {
        assert_eq!(
            super::redact("smtp://sam:s3cret@mail.example:587"),
            "smtp://***@mail.example:587"
        );
        assert_eq!(
            super::redact("smtp://mail.example:25"),
            "smtp://mail.example:25"
        );
    }
}
