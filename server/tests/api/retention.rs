//! Retention: each kind of personal data past its period is erased by the purge, what is younger is kept, a
//! dry run erases nothing, a second run finds nothing, and the audit trail stays append-only for its period.

use serde_json::json;
use server::retention::{Purged, purge};
use server::store::now_ms;
use sqlx::Any;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_databases;

const DAY_MS: i64 = 86_400_000;

async fn execute(app: &TestApp, sql: &'static str, values: &[i64]) {
    let mut query = sqlx::query::<Any>(sql);
    for value in values {
        query = query.bind(*value);
    }
    query.execute(&app.db.pool).await.expect(sql);
}

async fn count(app: &TestApp, sql: &'static str, id: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect(sql);
    n
}

/// Submits and decides a request; returns its id and, when validated, its account's id.
async fn decided(
    app: &TestApp,
    reviewer: &crate::helpers::AdminSession,
    who: &str,
    approve: bool,
) -> (i64, Option<i64>) {
    let id = app.submit_as(who, "Marie", who).await;
    let (path, body) = if approve {
        (format!("/api/v1/admin/registrations/{id}/approve"), None)
    } else {
        (
            format!("/api/v1/admin/registrations/{id}/refuse"),
            Some(json!({ "reasons": ["doublon"], "message": "Votre structure a déjà un compte." })),
        )
    };
    let (status, answer) = app.call(Some(reviewer), "POST", &path, body).await;
    assert_eq!(status, 200, "{answer}");
    let account: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM accounts WHERE registration_id = $1")
            .bind(id)
            .fetch_optional(&app.db.pool)
            .await
            .expect("account");
    (id, account.map(|(a,)| a))
}

on_both_databases!(each_kind_of_personal_data_is_erased_after_its_period);
async fn each_kind_of_personal_data_is_erased_after_its_period(backend: Backend) {
    let app = spawn_app(backend).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let now = now_ms();
    let old = now - 400 * DAY_MS;
    let retention = app::api::Retention::default();

    // Requests: refused long ago and lately; validated long ago and never activated; active; disabled long
    // ago and lately.
    let (refused_old, _) = decided(&app, &reviewer, "refus-ancien", false).await;
    let (refused_new, _) = decided(&app, &reviewer, "refus-recent", false).await;
    let (unactivated, unactivated_account) = decided(&app, &reviewer, "jamais-active", true).await;
    let (active, active_account) = decided(&app, &reviewer, "actif", true).await;
    let (disabled_old, disabled_old_account) =
        decided(&app, &reviewer, "desactive-ancien", true).await;
    let (_, disabled_new_account) = decided(&app, &reviewer, "desactive-recent", true).await;
    let [
        unactivated_account,
        active_account,
        disabled_old_account,
        disabled_new_account,
    ] = [
        unactivated_account,
        active_account,
        disabled_old_account,
        disabled_new_account,
    ]
    .map(|a| a.expect("account"));
    for account in [active_account, disabled_old_account, disabled_new_account] {
        execute(
            &app,
            "UPDATE accounts SET password_hash = 'argon2' WHERE id = $1",
            &[account],
        )
        .await;
    }
    for account in [disabled_old_account, disabled_new_account] {
        let (status, body) = app
            .call(
                Some(&reviewer),
                "POST",
                &format!("/api/v1/admin/accounts/{account}/disable"),
                None,
            )
            .await;
        assert_eq!(status, 204, "{body}");
    }
    execute(
        &app,
        "UPDATE registrations SET decided_at = $1 WHERE id IN ($2, $3)",
        &[old, refused_old, unactivated],
    )
    .await;
    execute(
        &app,
        "UPDATE registrations SET decided_at = $1 WHERE id = $2",
        &[old, active],
    )
    .await;
    execute(
        &app,
        "UPDATE accounts SET disabled_at = $1 WHERE id = $2",
        &[old, disabled_old_account],
    )
    .await;

    // A used link, an ended session, an expired token, counters, a sent email and an audit entry, all old; and
    // their young counterparts.
    execute(
        &app,
        "UPDATE account_tokens SET used_at = $1 WHERE account_id = $2",
        &[now - 10 * DAY_MS, active_account],
    )
    .await;
    execute(
        &app,
        "INSERT INTO sessions (token_hash, kind, subject_id, csrf_token, created_at, last_seen_at, expires_at)
         VALUES ('fin', 'account', $1, 'x', $2, $2, $2), ('en-cours', 'account', $1, 'y', $3, $3, $4)",
        &[active_account, now - 9 * DAY_MS, now, now + DAY_MS],
    )
    .await;
    execute(
        &app,
        "INSERT INTO api_tokens (token_hash, account_id, created_at, expires_at) VALUES ('ancien', $1, $2, $2), ('frais', $1, $3, $4)",
        &[active_account, now - 8 * DAY_MS, now, now + 1_800_000],
    )
    .await;
    execute(
        &app,
        "INSERT INTO login_throttle (throttle_key, failures, first_failure_at, locked_until)
         VALUES ('account:ip:192.0.2.1', 3, $1, $1), ('account:ip:192.0.2.2', 3, $2, 0)",
        &[now - 2 * DAY_MS, now],
    )
    .await;
    execute(
        &app,
        "INSERT INTO rate_counters (counter_key, window_start, hits) VALUES ('registrations:ip:192.0.2.1', $1, 4)",
        &[now - 2 * DAY_MS],
    )
    .await;
    execute(
        &app,
        "INSERT INTO outbox (kind, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, created_at, sent_at)
         VALUES ('notice', 'ancien@exemple.fr', 'Ancien', 'texte', '<p>html</p>', 'sent', 1, $1, $1, $1)",
        &[now - 100 * DAY_MS],
    )
    .await;
    execute(
        &app,
        "INSERT INTO audit_log (at, actor_kind, action, detail, ip) VALUES ($1, 'system', 'ancien', '{}', '192.0.2.9')",
        &[old],
    )
    .await;
    let requests = app.count("SELECT COUNT(*) FROM registrations").await;
    let audit = app.count("SELECT COUNT(*) FROM audit_log").await;

    let expected = Purged {
        refused: 1,
        unactivated: 1,
        disabled: 1,
        links: 1,
        sessions: 1,
        api_tokens: 1,
        throttles: 2,
        emails: 1,
        audit: 1,
    };
    // A dry run counts and keeps everything.
    let dry = purge(&app.db, &retention, now, true)
        .await
        .expect("dry run");
    assert_eq!(dry, expected);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM registrations WHERE id = $1 AND erased_at IS NULL",
            refused_old
        )
        .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 4);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit);

    let purged = purge(&app.db, &retention, now, false).await.expect("purge");
    assert_eq!(purged, expected);

    // Erased requests stay as anonymous statistics: no name, address, phone, SIREN nor history; the date, kind
    // and decision kept; the dashboard's counts unchanged.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM registrations").await,
        requests
    );
    for id in [refused_old, unactivated, disabled_old] {
        let (last, first, email, phone, siren, company, status, kind, erased): (
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            Option<i64>,
        ) = sqlx::query_as(
            "SELECT last_name, first_name, email, phone, siren, company_name, status, organisation_kind, erased_at
             FROM registrations WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("request");
        assert_eq!(
            [last, first, email, phone, siren, company],
            ["", "", "", "", "", ""].map(String::from),
            "request {id}"
        );
        assert_eq!(kind, "entreprise_association");
        assert_eq!(erased, Some(now));
        assert_eq!(
            status,
            if id == refused_old {
                "refused"
            } else {
                "approved"
            }
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM registration_events WHERE registration_id = $1",
                id
            )
            .await,
            0
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM outbox WHERE registration_id = $1",
                id
            )
            .await,
            0
        );
    }
    let (status, page) = app
        .call(Some(&reviewer), "GET", "/api/v1/admin/registrations", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            page["counts"]["refused"].as_i64(),
            page["counts"]["approved"].as_i64()
        ),
        (Some(2), Some(4))
    );
    // The younger ones are whole; the deleted accounts are gone with their links and counts.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM registrations WHERE id = $1 AND erased_at IS NULL AND last_name <> ''", refused_new).await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM registrations WHERE id = $1 AND erased_at IS NULL",
            active
        )
        .await,
        1
    );
    for gone in [unactivated_account, disabled_old_account] {
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM accounts WHERE id = $1", gone).await,
            0
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM account_tokens WHERE account_id = $1",
                gone
            )
            .await,
            0
        );
    }
    for kept in [active_account, disabled_new_account] {
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM accounts WHERE id = $1", kept).await,
            1
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE token_hash = 'en-cours'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM api_tokens WHERE token_hash = 'frais'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM login_throttle").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'ancien'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'retention.purged'")
            .await,
        1,
        "the purge is in the audit trail"
    );

    // Nothing left to erase; the audit trail's younger entries cannot be deleted nor changed.
    assert_eq!(
        purge(&app.db, &retention, now, false).await.expect("again"),
        Purged::default()
    );
    for sql in [
        "DELETE FROM audit_log WHERE action = 'retention.purged'",
        "UPDATE audit_log SET detail = '{}' WHERE action = 'retention.purged'",
    ] {
        let refused = sqlx::query::<Any>(sql).execute(&app.db.pool).await;
        assert!(refused.is_err(), "{sql} must be refused");
    }
}

on_both_databases!(shorter_periods_erase_sooner_and_the_refusal_email_says_so);
async fn shorter_periods_erase_sooner_and_the_refusal_email_says_so(backend: Backend) {
    let retention = app::api::Retention {
        refused_days: 10,
        ..Default::default()
    };
    let app = crate::helpers::spawn_app_with(
        backend,
        crate::helpers::Options {
            retention,
            ..Default::default()
        },
    )
    .await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let (id, _) = decided(&app, &reviewer, "refus-court", false).await;
    let emails = crate::helpers::emails_to(&app.email("refus-court"), 2).await;
    let refusal = emails
        .iter()
        .find(|e| {
            e["subject"]
                .as_str()
                .is_some_and(|s| s.contains("pas été acceptée"))
        })
        .expect("refusal email");
    assert!(
        refusal["text"]
            .as_str()
            .is_some_and(|t| t.contains("conservées 10 jours après ce refus, puis effacées")),
        "{refusal}"
    );
    let now = now_ms();
    assert_eq!(
        purge(&app.db, &retention, now + 9 * DAY_MS, false)
            .await
            .expect("purge")
            .refused,
        0
    );
    assert_eq!(
        purge(&app.db, &retention, now + 11 * DAY_MS, false)
            .await
            .expect("purge")
            .refused,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM registrations WHERE id = $1 AND erased_at IS NOT NULL",
            id
        )
        .await,
        1
    );
}

on_both_databases!(the_command_tells_what_it_would_erase_then_erases_it);
async fn the_command_tells_what_it_would_erase_then_erases_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let (id, _) = decided(&app, &reviewer, "refus-commande", false).await;
    execute(
        &app,
        "UPDATE registrations SET decided_at = $1 WHERE id = $2",
        &[now_ms() - 400 * DAY_MS, id],
    )
    .await;
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("GEODAE_DATA_DIR", app.dir.path())
            .env("RUST_LOG", "warn")
            .output()
            .expect("server purge");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    let dry = run(&["purge", "--dry-run"]);
    assert!(
        dry.starts_with("Purge à blanc : rien n'est effacé."),
        "{dry}"
    );
    let refused_line = |text: &str| {
        text.lines()
            .find(|l| l.contains("Demandes refusées"))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .expect("the refused requests' line")
    };
    assert_eq!(refused_line(&dry), "Demandes refusées 1 (au-delà de 365 j)");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM registrations WHERE id = $1 AND erased_at IS NULL",
            id
        )
        .await,
        1
    );
    let done = run(&["purge"]);
    assert_eq!(
        refused_line(&done),
        "Demandes refusées 1 (au-delà de 365 j)"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM registrations WHERE id = $1 AND erased_at IS NOT NULL",
            id
        )
        .await,
        1
    );
    assert_eq!(
        refused_line(&run(&["purge"])),
        "Demandes refusées 0 (au-delà de 365 j)"
    );
}
