//! Links sent by email: why one cannot be used ([`LinkError`], for every kind), and the signed, expiring links
//! that carry no secret state in the database (the re-application link of a refusal). The signing key is
//! generated once per installation and kept in the database, so that every instance checks the links of the
//! others. The one-time password links are `accounts::password_link`.

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use sqlx::Any;

use crate::auth::token;
use crate::store::Db;

/// The installation's signing key, created on first use.
pub async fn signing_key(db: &Db) -> anyhow::Result<Vec<u8>> {
    sqlx::query::<Any>(
        "INSERT INTO settings (name, value) VALUES ('link_key', $1) ON CONFLICT (name) DO NOTHING",
    )
    .bind(token::random())
    .execute(&db.pool)
    .await
    .context("cannot store the link key")?;
    let (value,): (String,) = sqlx::query_as("SELECT value FROM settings WHERE name = 'link_key'")
        .fetch_one(&db.pool)
        .await
        .context("cannot read the link key")?;
    Ok(value.into_bytes())
}

fn mac(key: &[u8], payload: &str) -> Vec<u8> {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(payload.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// `purpose.id.expires_at` and its signature, URL-safe.
pub fn sign(key: &[u8], purpose: &str, id: i64, expires_at: i64) -> String {
    let payload = format!("{purpose}.{id}.{expires_at}");
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&payload),
        URL_SAFE_NO_PAD.encode(mac(key, &payload))
    )
}

/// Why a link gives nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// No such link: not one of this installation (or altered), or what it leads to is gone.
    Unknown,
    /// Past its end, used, or ended by a newer one.
    Expired,
}

/// The id a link carries, when its signature holds and it has not expired.
pub fn verify(key: &[u8], purpose: &str, link: &str, now: i64) -> Result<i64, LinkError> {
    let (payload, signature) = link.split_once('.').ok_or(LinkError::Unknown)?;
    let payload = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|p| String::from_utf8(p).ok())
        .ok_or(LinkError::Unknown)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| LinkError::Unknown)?;
    let mut check =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| LinkError::Unknown)?;
    check.update(payload.as_bytes());
    check
        .verify_slice(&signature)
        .map_err(|_| LinkError::Unknown)?;
    let mut parts = payload.split('.');
    let (Some(p), Some(id), Some(expires_at), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(LinkError::Unknown);
    };
    let id: i64 = id.parse().map_err(|_| LinkError::Unknown)?;
    let expires_at: i64 = expires_at.parse().map_err(|_| LinkError::Unknown)?;
    if p != purpose {
        return Err(LinkError::Unknown);
    }
    if now >= expires_at {
        return Err(LinkError::Expired);
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_hold_until_they_expire_and_cannot_be_altered() {
        let key = b"key";
        let link = sign(key, "reprise", 42, 1_000);
        assert_eq!(verify(key, "reprise", &link, 999), Ok(42));
        assert_eq!(
            verify(key, "reprise", &link, 1_000),
            Err(LinkError::Expired)
        );
        assert_eq!(
            verify(b"other", "reprise", &link, 0),
            Err(LinkError::Unknown)
        );
        assert_eq!(verify(key, "autre", &link, 0), Err(LinkError::Unknown));
        let forged = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode("reprise.43.1000"),
            link.split_once('.').map(|x| x.1).unwrap_or("")
        );
        assert_eq!(verify(key, "reprise", &forged, 0), Err(LinkError::Unknown));
        assert_eq!(
            verify(key, "reprise", "n'importe quoi", 0),
            Err(LinkError::Unknown)
        );
    }
}
