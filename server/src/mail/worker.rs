//! The background worker that sends the outbox.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};

use super::transport::Mailer;
use super::{digest, outbox};
use crate::config::Config;
use crate::store::Db;

/// How often the worker looks for due messages when nobody wakes it.
const POLL: Duration = Duration::from_secs(2);
/// Messages claimed, then recorded as sent, together: the worker takes the database's write lock twice per batch,
/// not twice per email, and leaves it to the forms. A crash may send a batch's messages again (each keeps its
/// identity, see `transport`).
const BATCH: i64 = 16;

/// Runs until `stop` turns true: queues the ministry's digest when one is due, sends every due message, then
/// waits for a wake-up or the next poll. Stopping never cuts an email short: the one being sent is sent and
/// recorded first.
pub async fn run(
    db: Db,
    config: Arc<Config>,
    mailer: Arc<Mailer>,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let lease_ms = i64::try_from(mailer.lease().as_millis()).unwrap_or(i64::MAX);
    loop {
        if let Err(error) = digest::flush(&db, &config).await {
            tracing::error!(
                error = format!("{error:#}"),
                "cannot queue the digest of new requests"
            );
        }
        loop {
            if *stop.borrow() {
                return;
            }
            let batch = match outbox::claim(&db, lease_ms, BATCH).await {
                Ok(batch) if batch.is_empty() => break,
                Ok(batch) => batch,
                Err(error) => {
                    tracing::error!(%error, "cannot read the outbox");
                    break;
                }
            };
            let mut sent = Vec::new();
            let mut untried = Vec::new();
            for message in batch {
                if *stop.borrow() {
                    untried.push(message.id);
                    continue;
                }
                let (text, html) = match with_link(&db, &message).await {
                    Ok(Some(bodies)) => bodies,
                    Ok(None) => {
                        tracing::info!(
                            outbox_id = message.id,
                            "email not sent: its link has ended"
                        );
                        if let Err(error) = outbox::give_up(&db, message.id, LINK_ENDED).await {
                            tracing::error!(outbox_id = message.id, %error, "cannot record an email given up");
                        }
                        continue;
                    }
                    Err(error) => {
                        tracing::error!(outbox_id = message.id, %error, "cannot draw the email's link");
                        untried.push(message.id);
                        continue;
                    }
                };
                match mailer
                    .send(
                        message.id,
                        &message.recipient,
                        &message.subject,
                        &text,
                        &html,
                    )
                    .await
                {
                    Ok(()) => {
                        tracing::info!(outbox_id = message.id, "email sent");
                        sent.push(message.id);
                    }
                    Err(error) => {
                        tracing::warn!(
                            outbox_id = message.id,
                            attempts = message.attempts,
                            error = without_addresses(&format!("{error:#}")),
                            "email not sent, will retry"
                        );
                        if let Err(error) = outbox::mark_failed(
                            &db,
                            message.id,
                            message.attempts,
                            &format!("{error:#}"),
                        )
                        .await
                        {
                            tracing::error!(outbox_id = message.id, %error, "cannot record a failed email");
                        }
                    }
                }
            }
            if let Err(error) = outbox::mark_sent(&db, &sent).await {
                tracing::error!(emails = sent.len(), %error, "cannot record emails as sent");
            }
            if let Err(error) = outbox::release(&db, &untried).await {
                tracing::error!(emails = untried.len(), %error, "cannot give back emails not tried");
            }
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
            // A dropped sender never stops the worker (the branch is then disabled).
            Ok(()) = stop.changed() => {}
        }
    }
}

/// Why an email with a link was not sent, as the outbox page shows it.
const LINK_ENDED: &str = "Non envoyé : son lien à usage unique ne peut plus servir (un lien plus récent l'a remplacé, il a servi ou il a expiré).";

/// The message's bodies as they leave: the secret of its one-time link drawn now and put in place of the
/// placeholder. `None` when its link can no longer be used (the email must not leave).
async fn with_link(
    db: &Db,
    message: &outbox::Claimed,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let has_placeholder = message.body_text.contains(outbox::SECRET_PLACEHOLDER)
        || message.body_html.contains(outbox::SECRET_PLACEHOLDER);
    let secret = match (message.link_token_id, message.follow_link_id) {
        (Some(token_id), _) => match outbox::draw_secret(db, token_id).await? {
            Some(secret) => secret,
            None => return Ok(None),
        },
        (None, Some(link_id)) => match crate::registration::follow::draw(db, link_id).await? {
            Some(secret) => secret,
            None => return Ok(None),
        },
        // Its link's row is gone (erased, purged): nothing to put in.
        (None, None) if has_placeholder => return Ok(None),
        (None, None) => return Ok(Some((message.body_text.clone(), message.body_html.clone()))),
    };
    Ok(Some((
        message
            .body_text
            .replace(outbox::SECRET_PLACEHOLDER, &secret),
        message
            .body_html
            .replace(outbox::SECRET_PLACEHOLDER, &secret),
    )))
}

/// A mail server's error as the logs may show it: the addresses it quotes (« 550 <jean@exemple.fr>: unknown »)
/// replaced by `adresse-masquée`. The outbox keeps the whole text for the administrators.
fn without_addresses(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                let start = word.find(|c: char| c.is_alphanumeric()).unwrap_or(0);
                let end = word
                    .rfind(|c: char| c.is_alphanumeric())
                    .map_or(word.len(), |i| i + 1);
                format!("{}adresse-masquée{}", &word[..start], &word[end..])
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::without_addresses;

    #[test]
    fn mail_server_errors_are_logged_without_addresses() {
        assert_eq!(
            without_addresses(
                "permanent error (550): 5.1.1 <jean.dupont@exemple.fr>: Recipient address rejected"
            ),
            "permanent error (550): 5.1.1 <adresse-masquée>: Recipient address rejected"
        );
        assert_eq!(
            without_addresses("connection refused"),
            "connection refused"
        );
    }
}
