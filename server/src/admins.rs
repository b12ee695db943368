//! Administrators: their accounts (argon2id hashes), roles, the first administrator created on an empty
//! database, and sign-in with throttling.

use anyhow::Context;

use crate::audit::{self, Actor, Target};
use crate::auth::{password, throttle, token};
use crate::store::{Db, is_unique_violation, now_ms};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads only.
    Viewer,
    /// Decides on requests.
    Reviewer,
    /// Also manages administrators and the refusal reasons.
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Reviewer => "reviewer",
            Self::Admin => "admin",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "viewer" => Some(Self::Viewer),
            "reviewer" => Some(Self::Reviewer),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Admin {
    pub id: i64,
    pub login: String,
    pub email: String,
    pub role: Role,
}

/// Administrators' passwords: at least 12 characters (they open every request's personal data).
pub const MIN_PASSWORD_CHARS: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("{0}")]
    Invalid(String),
    #[error("the login {0} is taken")]
    Taken(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Checks a new administrator's fields; the message says what is expected.
pub fn check_new(login: &str, email: &str, password: &str) -> Result<(), String> {
    let login_ok = (2..=40).contains(&login.len())
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if !login_ok {
        return Err("L'identifiant doit faire 2 à 40 caractères : lettres minuscules sans accent, chiffres, points, tirets.".into());
    }
    if app::domain::Email::parse(email).is_err() {
        return Err(format!("L'adresse email « {email} » n'est pas valide."));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "Le mot de passe d'un administrateur doit faire au moins {MIN_PASSWORD_CHARS} caractères."
        ));
    }
    Ok(())
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    login: &str,
    email: &str,
    role: Role,
    password: &str,
) -> Result<Admin, CreateError> {
    check_new(login, email, password).map_err(CreateError::Invalid)?;
    let hash = password::hash(password.to_string()).await?;
    let mut tx = db.pool.begin().await.context("cannot open a transaction")?;
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO admins (login, email, role, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, 0, $5) RETURNING id",
    )
    .bind(login)
    .bind(email)
    .bind(role.code())
    .bind(&hash)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok((id,)) => id,
        Err(error) if is_unique_violation(&error) => {
            return Err(CreateError::Taken(login.to_string()));
        }
        Err(error) => {
            return Err(anyhow::Error::new(error)
                .context("cannot store the administrator")
                .into());
        }
    };
    audit::record(
        &mut tx,
        actor,
        "admin.created",
        Some(Target::admin(id)),
        serde_json::json!({ "login": login, "email": email, "role": role.code() }),
    )
    .await
    .context("cannot record the creation")?;
    tx.commit()
        .await
        .context("cannot store the administrator")?;
    Ok(Admin {
        id,
        login: login.to_string(),
        email: email.to_string(),
        role,
    })
}

/// On an empty database, creates the administrator `admin` with a random password, returned to be shown once.
/// Several instances starting together create one: the others lose the unique login and return `None`.
pub async fn bootstrap(db: &Db, email: &str) -> anyhow::Result<Option<(String, String)>> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM admins")
        .fetch_one(&db.pool)
        .await
        .context("cannot count administrators")?;
    if count > 0 {
        return Ok(None);
    }
    let secret = token::random()[..20].to_string();
    match create(db, &Actor::system(), "admin", email, Role::Admin, &secret).await {
        Ok(admin) => Ok(Some((admin.login, secret))),
        Err(CreateError::Taken(_)) => Ok(None),
        Err(CreateError::Invalid(message)) => {
            anyhow::bail!("cannot create the first administrator: {message}")
        }
        Err(CreateError::Internal(error)) => Err(error),
    }
}

pub async fn find(db: &Db, id: i64) -> Result<Option<Admin>, sqlx::Error> {
    let row: Option<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, login, email, role FROM admins WHERE id = $1 AND disabled = 0")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.and_then(|(id, login, email, role)| {
        Some(Admin {
            id,
            login,
            email,
            role: Role::parse(&role)?,
        })
    }))
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("wrong login or password")]
    Invalid,
    #[error("too many failures, retry in {0} s")]
    RateLimited(i64),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Checks a login and password. Locked counters refuse before any check; an unknown or disabled login costs
/// the same time as a wrong password; every outcome is in the audit trail.
pub async fn sign_in(
    db: &Db,
    login: &str,
    secret: &str,
    address: &str,
) -> Result<Admin, SignInError> {
    let keys = throttle::Keys::new("admin", login, address);
    if let Some(seconds) = throttle::locked(db, &keys)
        .await
        .context("cannot read the throttle")?
    {
        return Err(SignInError::RateLimited(seconds));
    }
    let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, login, email, role, password_hash FROM admins WHERE login = $1 AND disabled = 0",
    )
    .bind(login.trim().to_lowercase())
    .fetch_optional(&db.pool)
    .await
    .context("cannot read administrators")?;
    let stored = row.as_ref().map(|r| r.4.clone());
    let matches = password::verify(secret.to_string(), stored).await;
    let mut conn = db
        .pool
        .acquire()
        .await
        .context("cannot reach the database")?;
    let actor = Actor {
        kind: "admin",
        id: row.as_ref().map(|r| r.0),
        login: Some(login.chars().take(64).collect()),
        address: Some(address.to_string()),
    };
    match row {
        Some((id, login, email, role, _)) if matches => {
            throttle::succeeded(db, &keys)
                .await
                .context("cannot reset the throttle")?;
            audit::record(
                &mut conn,
                &actor,
                "admin.signed_in",
                Some(Target::admin(id)),
                serde_json::json!({}),
            )
            .await
            .context("cannot record the sign-in")?;
            let role = Role::parse(&role).context("unknown role in the database")?;
            Ok(Admin {
                id,
                login,
                email,
                role,
            })
        }
        _ => {
            throttle::failed(db, &keys)
                .await
                .context("cannot count the failure")?;
            audit::record(
                &mut conn,
                &actor,
                "admin.sign_in_failed",
                None,
                serde_json::json!({}),
            )
            .await
            .context("cannot record the failure")?;
            Err(SignInError::Invalid)
        }
    }
}

pub async fn list(db: &Db) -> Result<Vec<app::api::admin::AdminView>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT id, login, email, role, disabled, created_at FROM admins ORDER BY login",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, login, email, role, disabled, created_at)| app::api::admin::AdminView {
                id,
                login,
                email,
                role,
                disabled: disabled == 1,
                created_at,
            },
        )
        .collect())
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such administrator")]
    NotFound,
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Changes an administrator's role or disables them (their sessions end). An administrator cannot change
/// themselves, and the last active `admin` stays.
pub async fn change(
    db: &Db,
    actor: &Actor,
    by: &Admin,
    id: i64,
    role: Option<Role>,
    disabled: Option<bool>,
) -> Result<(), ChangeError> {
    if id == by.id {
        return Err(ChangeError::Refused(
            "Vous ne pouvez pas modifier votre propre rôle ni vous désactiver.".into(),
        ));
    }
    let mut tx = db.pool.begin().await.context("cannot open a transaction")?;
    let current: Option<(String, i64)> =
        sqlx::query_as("SELECT role, disabled FROM admins WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .context("cannot read the administrator")?;
    let Some((current_role, current_disabled)) = current else {
        return Err(ChangeError::NotFound);
    };
    let new_role = role.map_or(current_role.clone(), |r| r.code().to_string());
    let new_disabled = disabled.map_or(current_disabled, i64::from);
    sqlx::query("UPDATE admins SET role = $1, disabled = $2 WHERE id = $3")
        .bind(&new_role)
        .bind(new_disabled)
        .bind(id)
        .execute(&mut *tx)
        .await
        .context("cannot change the administrator")?;
    let (admins,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM admins WHERE role = 'admin' AND disabled = 0")
            .fetch_one(&mut *tx)
            .await
            .context("cannot count administrators")?;
    if admins == 0 {
        return Err(ChangeError::Refused(
            "Il doit rester au moins un administrateur actif avec le rôle admin.".into(),
        ));
    }
    if new_disabled == 1 {
        sqlx::query("DELETE FROM sessions WHERE kind = 'admin' AND subject_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .context("cannot end the sessions")?;
    }
    audit::record(
        &mut tx,
        actor,
        "admin.changed",
        Some(Target::admin(id)),
        serde_json::json!({
            "role": { "before": current_role, "after": new_role },
            "disabled": { "before": current_disabled == 1, "after": new_disabled == 1 },
        }),
    )
    .await
    .context("cannot record the change")?;
    tx.commit()
        .await
        .context("cannot change the administrator")?;
    Ok(())
}

/// Changes one's own password after checking the current one; the other sessions end.
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    admin: &Admin,
    current_session: &str,
    current: &str,
    new: &str,
) -> Result<(), ChangeError> {
    if new.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ChangeError::Refused(format!(
            "Le nouveau mot de passe doit faire au moins {MIN_PASSWORD_CHARS} caractères."
        )));
    }
    let (stored,): (String,) = sqlx::query_as("SELECT password_hash FROM admins WHERE id = $1")
        .bind(admin.id)
        .fetch_one(&db.pool)
        .await
        .context("cannot read the administrator")?;
    if !password::verify(current.to_string(), Some(stored)).await {
        return Err(ChangeError::Refused(
            "Le mot de passe actuel est incorrect.".into(),
        ));
    }
    let hash = password::hash(new.to_string()).await?;
    let mut tx = db.pool.begin().await.context("cannot open a transaction")?;
    sqlx::query("UPDATE admins SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(admin.id)
        .execute(&mut *tx)
        .await
        .context("cannot store the password")?;
    sqlx::query(
        "DELETE FROM sessions WHERE kind = 'admin' AND subject_id = $1 AND token_hash <> $2",
    )
    .bind(admin.id)
    .bind(current_session)
    .execute(&mut *tx)
    .await
    .context("cannot end the other sessions")?;
    audit::record(
        &mut tx,
        actor,
        "admin.password_changed",
        Some(Target::admin(admin.id)),
        serde_json::json!({}),
    )
    .await
    .context("cannot record the change")?;
    tx.commit().await.context("cannot store the password")?;
    Ok(())
}
