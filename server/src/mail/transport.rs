//! Delivering a message: `.eml` files (the default, for a laptop) or SMTP.
//!
//! A message is sent again when the server stopped between sending it and recording it as sent (a crash). Each
//! outbox row therefore keeps one identity: the file transport writes `<outbox id>.eml` (a second write replaces
//! the first, atomically), and every message carries the Message-ID `<outbox-<id>@<sender's domain>>`, by which
//! a duplicate delivered by SMTP is recognisable.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailConfig, MailTransport, SmtpTls};

/// The longest wait for the SMTP server.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

enum Transport {
    Files(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn new(config: &MailConfig) -> anyhow::Result<Self> {
        let from: Mailbox = config
            .from
            .parse()
            .with_context(|| format!("GEODAE_MAIL_FROM is not an address: {}", config.from))?;
        let transport = match &config.transport {
            MailTransport::Files(dir) => {
                // The messages hold one-time links: the folder is the server's user's only.
                crate::files::private_dir(dir)?;
                Transport::Files(dir.clone())
            }
            MailTransport::Smtp(smtp) => {
                let mut builder = match smtp.tls {
                    SmtpTls::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                    }
                    SmtpTls::StartTls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?
                    }
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
                }
                .port(smtp.port)
                .timeout(Some(SMTP_TIMEOUT));
                if let Some((user, password)) = &smtp.credentials {
                    builder = builder.credentials(Credentials::new(
                        user.clone(),
                        password.expose().to_string(),
                    ));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Self { from, transport })
    }

    /// How long a worker may take over a message it claimed: well above the longest send, so that a message is
    /// taken over only when its worker is gone (after a crash, it leaves again this long after).
    pub fn lease(&self) -> Duration {
        match self.transport {
            Transport::Files(_) => Duration::from_secs(10),
            Transport::Smtp(_) => SMTP_TIMEOUT * 6,
        }
    }

    /// Sends the message of the outbox row `id`.
    pub async fn send(
        &self,
        id: i64,
        to: &str,
        subject: &str,
        text: &str,
        html: &str,
    ) -> anyhow::Result<()> {
        let message = Message::builder()
            .message_id(Some(format!("<outbox-{id}@{}>", self.from.email.domain())))
            .from(self.from.clone())
            .to(to
                .parse()
                .with_context(|| format!("invalid recipient {to}"))?)
            .subject(subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(text.to_string()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(html.to_string()),
                    ),
            )
            .context("cannot build the message")?;
        match &self.transport {
            Transport::Files(dir) => write_file(dir, id, &message.formatted())
                .await
                .context("cannot write the message file"),
            Transport::Smtp(t) => t
                .send(message)
                .await
                .map(|_| ())
                .context("SMTP delivery failed"),
        }
    }
}

/// Writes `<id>.eml` whole or not at all: a temporary file (readable by the server's user only: the message
/// may hold a one-time link) renamed over the final name.
async fn write_file(dir: &std::path::Path, id: i64, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let part = dir.join(format!(".{id}.eml.part"));
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&part)
        .await?;
    file.write_all(bytes).await?;
    file.flush().await?;
    drop(file);
    tokio::fs::rename(&part, dir.join(format!("{id}.eml"))).await
}
