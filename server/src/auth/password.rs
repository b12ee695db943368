//! Password hashes: argon2id with the crate's defaults (19 MiB, 2 passes), computed off the async threads.

use std::sync::LazyLock;

use anyhow::{Context, anyhow};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Hashes a password into a PHC string (`$argon2id$v=19$…`), with a fresh random salt.
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow!("cannot hash a password: {e}"))
}

/// Hashes a password with argon2id, on a blocking thread.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .context("the hashing task stopped")?
}

/// A hash of nothing anybody knows, checked when the login is unknown so that an unknown login costs the same
/// time as a wrong password.
static DECOY: LazyLock<String> =
    LazyLock::new(|| hash_blocking("decoy password, never valid").unwrap_or_default());

/// Computes the decoy hash now rather than during the first sign-in.
pub fn prepare() {
    LazyLock::force(&DECOY);
}

/// True when `password` matches `stored`; with no stored hash, spends the same time and answers false.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DECOY.clone());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        matches && known
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verified() {
        let first = hash("correct horse".into()).await.expect("hash");
        let second = hash("correct horse".into()).await.expect("hash");
        assert!(first.starts_with("$argon2id$v=19$"), "{first}");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify("correct horse".into(), Some(first.clone())).await);
        assert!(!verify("correct horsE".into(), Some(first)).await);
        assert!(!verify("decoy password, never valid".into(), None).await);
    }
}
