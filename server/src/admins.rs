//! Administrators: their accounts (argon2id hashes), roles, the first administrator created on an empty
//! database, and the changes administrators make to each other. Sign-in is the principals' one
//! (`auth::sign_in`).

#![warn(missing_docs)]

use anyhow::Context;
use app::api::admin::AdminView;

use crate::audit::{self, Actor, AuditAction, Target};
use crate::auth::session;
use crate::auth::{password, throttle, token};
use crate::principal::Kind;
use crate::principal::Principal;
use crate::store::{Db, decoded, is_unique_violation, now_ms};

pub use app::api::admin::Role;

/// A signed-in administrator.
#[derive(Clone, Debug)]
pub struct Admin {
    /// The internal id.
    pub id: i64,
    /// The identifiant.
    pub login: String,
    /// The address.
    pub email: String,
    /// What they may do.
    pub role: Role,
}

/// Administrators' passwords: at least 12 characters (they open every request's personal data).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Why an administrator was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// A field is wrong: the French message says which and what is expected.
    #[error("{0}")]
    Invalid(String),
    /// The identifiant is taken.
    #[error("the login {0} is taken")]
    Taken(String),
    /// A database or hashing failure.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Checks an administrator's identifiant; the message says what is expected.
pub fn check_login(login: &str) -> Result<(), String> {
    let login_ok = (2..=40).contains(&login.len())
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if login_ok {
        Ok(())
    } else {
        Err("L'identifiant doit faire 2 à 40 caractères : lettres minuscules sans accent, chiffres, points, tirets.".into())
    }
}

/// Checks a new administrator's fields; the message says what is expected.
pub fn check_new(login: &str, email: &str, password: &str) -> Result<(), String> {
    check_login(login)?;
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

/// Creates an administrator; answers the stored row.
pub async fn create(
    db: &Db,
    actor: &Actor,
    login: &str,
    email: &str,
    role: Role,
    password: &str,
) -> Result<AdminView, CreateError> {
    check_new(login, email, password).map_err(CreateError::Invalid)?;
    let hash = password::hash(password.to_string()).await?;
    let mut tx = db.begin().await?;
    let inserted: Result<AdminRow, sqlx::Error> = sqlx::query_as(
        "INSERT INTO admins (login, email, role, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, 0, $5)
         RETURNING id, login, email, role, disabled, created_at",
    )
    .bind(login)
    .bind(email)
    .bind(role.code())
    .bind(&hash)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await;
    let row = match inserted {
        Ok(row) => row,
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
        AuditAction::AdminCreated,
        Some(Target::admin(row.id)),
        serde_json::json!({ "login": login, "email": email, "role": role.code() }),
    )
    .await
    .context("cannot record the creation")?;
    tx.commit()
        .await
        .context("cannot store the administrator")?;
    Ok(view(row).context("cannot read the administrator")?)
}

/// An administrator, as stored.
#[derive(sqlx::FromRow)]
struct AdminRow {
    id: i64,
    login: String,
    email: String,
    role: String,
    disabled: i64,
    created_at: i64,
}

fn view(row: AdminRow) -> Result<AdminView, sqlx::Error> {
    Ok(AdminView {
        id: row.id,
        role: decoded(Role::parse(&row.role), "role", &row.role)?,
        login: row.login,
        email: row.email,
        disabled: row.disabled == 1,
        created_at: row.created_at,
    })
}

/// A first password, handed over once (the administrator changes it): 20 random URL-safe characters.
fn first_password() -> String {
    token::random()[..20].to_string()
}

/// Creates an administrator with a first password, returned to be shown once.
pub async fn create_with_first_password(
    db: &Db,
    actor: &Actor,
    login: &str,
    email: &str,
    role: Role,
) -> Result<(AdminView, String), CreateError> {
    let password = first_password();
    let admin = create(db, actor, login, email, role, &password).await?;
    Ok((admin, password))
}

/// On an empty database, creates the administrator `login` (`GEODAE_FIRST_ADMIN`, `admin` by default) with a
/// random password, returned to be shown once. Several instances starting together create one: the others lose
/// the unique login and return `None`.
pub async fn bootstrap(
    db: &Db,
    login: &str,
    email: &str,
) -> anyhow::Result<Option<(String, String)>> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM admins")
        .fetch_one(&db.pool)
        .await
        .context("cannot count administrators")?;
    if count > 0 {
        return Ok(None);
    }
    match create_with_first_password(db, &Actor::system(), login, email, Role::Admin).await {
        Ok((admin, password)) => Ok(Some((admin.login, password))),
        Err(CreateError::Taken(_)) => Ok(None),
        Err(CreateError::Invalid(message)) => {
            anyhow::bail!("cannot create the first administrator: {message}")
        }
        Err(CreateError::Internal(error)) => Err(error),
    }
}

impl Principal for Admin {
    const KIND: Kind = Kind::Admin;

    async fn load(db: &Db, id: i64) -> Result<Option<Self>, sqlx::Error> {
        let row: Option<AdminRow> = sqlx::query_as(
            "SELECT id, login, email, role, disabled, created_at FROM admins WHERE id = $1 AND disabled = 0",
        )
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
        row.map(view).transpose().map(|admin| {
            admin.map(|a| Self {
                id: a.id,
                login: a.login,
                email: a.email,
                role: a.role,
            })
        })
    }

    fn id(&self) -> i64 {
        self.id
    }

    fn login(&self) -> &str {
        &self.login
    }
}

/// Every administrator, by identifiant.
pub async fn list(db: &Db) -> Result<Vec<AdminView>, sqlx::Error> {
    let rows: Vec<AdminRow> = sqlx::query_as(
        "SELECT id, login, email, role, disabled, created_at FROM admins ORDER BY login",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(view).collect()
}

/// Why a change to an administrator was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// No such administrator.
    #[error("no such administrator")]
    NotFound,
    /// Not allowed (oneself, the last admin, a wrong current password…): the French message says why.
    #[error("{0}")]
    Refused(String),
    /// Too many wrong current passwords: retry after this many seconds.
    #[error("too many failures, retry in {0} s")]
    RateLimited(i64),
    /// A database or hashing failure.
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
    let mut tx = db.begin().await?;
    // Locks the active admins and the administrator changed until the end (a write that changes nothing):
    // two changes that could each leave no admin, made at once, are then taken one after the other, the
    // second seeing the first. On SQLite the write takes the database's lock first, so nothing read below
    // can be overtaken.
    sqlx::query(
        "UPDATE admins SET disabled = disabled WHERE (role = 'admin' AND disabled = 0) OR id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await
    .context("cannot lock the administrators")?;
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
        session::close_all(&mut tx, Kind::Admin, id, None)
            .await
            .context("cannot end the sessions")?;
    }
    audit::record(
        &mut tx,
        actor,
        AuditAction::AdminChanged,
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

/// Changes one's own password after checking the current one (throttled like a sign-in from `address`: a
/// stolen session cannot guess it); the other sessions end.
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    admin: &Admin,
    address: &str,
    current_session: &str,
    current: &str,
    new: &str,
) -> Result<(), ChangeError> {
    if new.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ChangeError::Refused(format!(
            "Le nouveau mot de passe doit faire au moins {MIN_PASSWORD_CHARS} caractères."
        )));
    }
    let keys = throttle::Keys::new(Kind::Admin.code(), &admin.login, address);
    let admission = throttle::admit(db, keys)
        .await
        .map_err(|throttled| match throttled {
            throttle::Throttled::Locked(seconds) => ChangeError::RateLimited(seconds),
            throttle::Throttled::Internal(error) => {
                ChangeError::Internal(anyhow::Error::new(error).context("cannot count the attempt"))
            }
        })?;
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
    throttle::succeeded(db, admission)
        .await
        .context("cannot reset the throttle")?;
    let hash = password::hash(new.to_string()).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE admins SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(admin.id)
        .execute(&mut *tx)
        .await
        .context("cannot store the password")?;
    session::close_all(&mut tx, Kind::Admin, admin.id, Some(current_session))
        .await
        .context("cannot end the other sessions")?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::AdminPasswordChanged,
        Some(Target::admin(admin.id)),
        serde_json::json!({}),
    )
    .await
    .context("cannot record the change")?;
    tx.commit().await.context("cannot store the password")?;
    Ok(())
}
