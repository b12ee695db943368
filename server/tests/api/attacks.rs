//! Attacks on the service, each played as an attacker would play it: filling a shared allowance from one
//! address, guessing in parallel or from many addresses, reading live links where they rest, holding
//! connections and exports open, rotating IPv6 addresses, probing which addresses are registered.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::accounts::{link_info, link_token, validated};
use crate::helpers::{
    ADMIN_PASSWORD, Backend, Options, TestApp, emails_to, generous_flood_limits, spawn_app,
    spawn_app_with,
};
use crate::on_both_databases;
use server::flood::{FloodLimits, Limit, Rate};

const PASSWORD: &str = "Dae-2026!";

/// A validated account `mtest` of `who`, its password set.
async fn account(app: &TestApp, who: &str) {
    let token = validated(app, who).await;
    let (status, body) = app
        .post(
            "/api/v1/password-setup",
            &json!({ "token": token, "password": PASSWORD, "confirmation": PASSWORD }),
        )
        .await;
    assert_eq!(status, 204, "{body}");
}

/// `POST path` from the client address `from`, behind the trusted proxy: the status and body.
async fn post_from(app: &TestApp, from: &str, path: &str, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}{path}", app.base))
        .header("x-forwarded-for", from)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The statuses of `requests` sent all at once.
async fn at_once<F: std::future::Future<Output = (u16, Value)>>(requests: Vec<F>) -> Vec<u16> {
    join_all(requests)
        .await
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

fn behind_proxy(flood: FloodLimits) -> Options {
    Options {
        flood,
        trust_proxy: true,
        ..Options::default()
    }
}

async fn one_address_past_its_allowance_shuts_no_one_else_out(backend: Backend) {
    // The shipped limits, behind a proxy.
    let app = spawn_app_with(backend, behind_proxy(FloodLimits::default())).await;
    account(&app, "victime").await;
    server::admins::create(
        &app.db,
        &server::audit::Actor::system(),
        "gardienne",
        "gardienne@sante.gouv.fr",
        server::admins::Role::Admin,
        ADMIN_PASSWORD,
    )
    .await
    .expect("administrator");

    // One address sends 700 wrong sign-ins (some 10 a second would do the same over a minute) and 600
    // recovery requests.
    let wrong = json!({ "username": "mtest", "password": "Mauvais-1" });
    for batch in 0..35 {
        let requests = (0..20)
            .map(|_| post_from(&app, "203.0.113.66", "/api/login", &wrong))
            .collect();
        let statuses = at_once(requests).await;
        if batch == 34 {
            assert_eq!(count(&statuses, 429), 20, "{statuses:?}");
        }
    }
    let forgot = json!({ "email": "quelquun@exemple.fr" });
    for _ in 0..30 {
        let requests = (0..20)
            .map(|_| {
                post_from(
                    &app,
                    "203.0.113.66",
                    "/api/v1/account/forgot-password",
                    &forgot,
                )
            })
            .collect();
        at_once(requests).await;
    }

    // Everyone else signs in and recovers as before.
    let (status, body) = post_from(
        &app,
        "198.51.100.7",
        "/api/login",
        &json!({ "username": "mtest", "password": PASSWORD }),
    )
    .await;
    assert_eq!(status, 201, "the data API's client: {body}");
    let (status, body) = post_from(
        &app,
        "198.51.100.8",
        "/api/v1/admin/session",
        &json!({ "login": "gardienne", "password": ADMIN_PASSWORD }),
    )
    .await;
    assert_eq!(status, 204, "an administrator: {body}");
    let (status, body) = post_from(
        &app,
        "198.51.100.9",
        "/api/v1/account/forgot-password",
        &json!({ "email": app.email("victime") }),
    )
    .await;
    assert_eq!(status, 202, "a recovery: {body}");
    link_token(&app.email("victime"), "réinitialisation", 3).await;
}
on_both_databases!(one_address_past_its_allowance_shuts_no_one_else_out);

/// Every secret of 43 URL-safe characters (the form of the links' secrets) in `text`.
fn secrets_in(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|word| word.len() == 43)
        .map(str::to_string)
        .collect()
}

async fn no_working_link_rests_in_the_outbox_an_export_or_a_backup(backend: Backend) {
    let app = spawn_app(backend).await;
    account(&app, "repos").await;
    // Three more links: a forgotten password, a renewal, an administrator's sending.
    let (status, _) = app
        .post(
            "/api/v1/account/forgot-password",
            &json!({ "email": app.email("repos") }),
        )
        .await;
    assert_eq!(status, 202);
    let sent = link_token(&app.email("repos"), "réinitialisation", 3).await;
    let reviewer = app.admin("relectrice", "reviewer").await;
    let (account_id,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE login = 'mtest'")
        .fetch_one(&app.db.pool)
        .await
        .expect("account");
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/accounts/{account_id}/password-link"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let latest = link_token(&app.email("repos"), "lien pour créer", 4).await;
    // The link delivered works (the scan below would find a live one)...
    assert_eq!(link_info(&app, &latest).await.0, 200);
    // ...and the older one ended with the newer.
    assert_eq!(link_info(&app, &sent).await.0, 410);

    // What a reviewer, an administrator or a backup can read.
    let id = app.request_id("repos").await;
    let export = app
        .client
        .post(format!(
            "{}/api/v1/admin/registrations/{id}/export",
            app.base
        ))
        .header("cookie", &reviewer.cookie)
        .header("x-csrf-token", &reviewer.csrf)
        .json(&json!({ "reason": "demande du 4 décembre" }))
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("export text");
    assert!(
        export.contains("[jeton-non-conservé]"),
        "the emails are in the export, their secrets are not: {export}"
    );
    let admin = app.admin("chef", "admin").await;
    let (status, outbox) = app
        .call(Some(&admin), "GET", "/api/v1/admin/outbox", None)
        .await;
    assert_eq!(status, 200);
    let bodies: Vec<(String, String)> = sqlx::query_as("SELECT body_text, body_html FROM outbox")
        .fetch_all(&app.db.pool)
        .await
        .expect("outbox");
    let mut at_rest = format!("{export}\n{outbox}");
    for (text, html) in bodies {
        at_rest.push_str(&text);
        at_rest.push_str(&html);
    }
    if matches!(backend, Backend::Sqlite) {
        let copy = app.dir.path().join("sauvegarde.db");
        app.db.backup(&copy).await.expect("backup");
        at_rest.push_str(&String::from_utf8_lossy(
            &std::fs::read(&copy).expect("backup file"),
        ));
    }
    let found = secrets_in(&at_rest);
    for secret in &found {
        let (status, _) = link_info(&app, secret).await;
        assert!(
            status == 404 || status == 410,
            "a working link at rest: {secret}"
        );
    }
    assert!(!found.contains(&latest), "the live link is nowhere at rest");
}
on_both_databases!(no_working_link_rests_in_the_outbox_an_export_or_a_backup);

/// `count` defibrillators more, generated in the database (as the benchmark's base is, by the hundred
/// thousand), one statement.
async fn many_defibrillators(app: &TestApp, count: i64) {
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
         INSERT INTO dae (gid, nom, lat_coor1, long_coor1, com_nom, acc, etat_fonct)
         SELECT 1000000 + i, 'DAE ' || i, 43.0 + (i % 1000) / 200.0, 1.0 + (i % 700) / 150.0,
                'Commune ' || (i % 3000), 'Intérieur', 'En fonctionnement'
         FROM n",
    )
    .bind(count)
    .execute(&app.db.pool)
    .await
    .expect("defibrillators");
}

/// A request written on a raw connection, which the test then reads or not.
async fn raw(app: &TestApp, request: &str) -> TcpStream {
    let mut stream = TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    stream
}

/// Reads until the server closes (`true`) or `limit` passes (`false`); returns what was read too.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> (bool, Vec<u8>) {
    let mut read = Vec::new();
    let mut buffer = vec![0u8; 1 << 16];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Err(_) => return (false, read),
            Ok(Ok(0) | Err(_)) => return (true, read),
            Ok(Ok(n)) => read.extend_from_slice(&buffer[..n]),
        }
    }
}

async fn exports_whose_clients_stop_reading_hold_nothing(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            api_rate: server::dae::usage::ApiRate {
                per_second: 1_000.0,
                burst: 1_000.0,
            },
            guards: server::config::Guards {
                stalled_write_timeout: Duration::from_secs(3),
                exports_at_once: 2,
                ..crate::helpers::generous_guards()
            },
            ..Options::default()
        },
    )
    .await;
    many_defibrillators(&app, 200_000).await;
    account(&app, "export").await;
    let (status, body) = app
        .post(
            "/api/login",
            &json!({ "username": "mtest", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let token = body["token"].as_str().expect("token").to_string();
    let export = format!(
        "GET /api/v1/dae/export HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n\r\n"
    );

    // Twenty exports opened, none read.
    let mut stalled = Vec::new();
    for _ in 0..20 {
        stalled.push(raw(&app, &export).await);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The account's others are refused; every other call is answered at once.
    let export_again = || {
        app.client
            .get(format!("{}/api/v1/dae/export", app.base))
            .bearer_auth(&token)
            .send()
    };
    let response = export_again().await.expect("export");
    assert_eq!(response.status().as_u16(), 429);
    assert!(response.headers().contains_key("retry-after"));
    // A list call beyond a page is a long read too, under the same limits: refused while they stall.
    for path in [
        "/api/dae?limit=5000".to_string(),
        "/api/data/8777a504-6c3e-4abe-8100-60bb58767faa?limit=5000".to_string(),
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .expect("a long list");
        assert_eq!(response.status().as_u16(), 429, "{path}");
        assert!(response.headers().contains_key("retry-after"), "{path}");
    }
    for _ in 0..40 {
        let started = Instant::now();
        let response = app
            .client
            .get(format!("{}/api/dae", app.base))
            .bearer_auth(&token)
            .query(&[("limit", "20"), ("_where", "eq(com_nom,Commune 7)")])
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .expect("the data API answers while exports stall");
        assert_eq!(response.status().as_u16(), 200);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    let (status, _) = app.get("/api/v1/health").await;
    assert_eq!(status, 200);

    // The stalled client is dropped once it has taken nothing for the timeout (3 s here): its connection
    // closes before the document ends, and the account may export again.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let ends = join_all(
        stalled
            .iter_mut()
            .map(|stream| closed_within(stream, Duration::from_secs(20))),
    )
    .await;
    let mut exported = 0;
    for (closed, read) in ends {
        let text = String::from_utf8_lossy(&read);
        assert!(closed, "{}", &text[..text.len().min(200)]);
        if text.starts_with("HTTP/1.1 200") {
            exported += 1;
            assert!(
                !text.trim_end().ends_with("]}"),
                "the document was cut, not finished"
            );
        } else {
            assert!(
                text.starts_with("HTTP/1.1 429"),
                "{}",
                &text[..text.len().min(200)]
            );
        }
    }
    assert_eq!(exported, 1, "one export at a time per account");
    drop(stalled);
    let mut again = None;
    for _ in 0..20 {
        let response = export_again().await.expect("export");
        if response.status().as_u16() == 200 {
            again = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let document = again
        .expect("a new export once the stalled one is given up")
        .bytes()
        .await
        .expect("a whole document");
    let text = String::from_utf8_lossy(&document);
    let features = text.matches("\"type\":\"Feature\"").count();
    assert_eq!(features, 200_092, "every record, paged by gid");
    assert!(text.trim_end().ends_with("]}"));
}
on_both_databases!(exports_whose_clients_stop_reading_hold_nothing);

async fn parallel_guesses_are_counted_before_they_are_checked(backend: Backend) {
    let app = spawn_app(backend).await;
    account(&app, "parallele").await;
    let wrong = json!({ "login": "mtest", "password": "Mauvais-1" });
    let requests = (0..40)
        .map(|_| app.post("/api/v1/account/session", &wrong))
        .collect();
    let statuses = at_once(requests).await;
    // Five free failures, then the one that locks the login: no more guesses get a password check.
    assert!(count(&statuses, 401) <= 6, "{statuses:?}");
    assert_eq!(count(&statuses, 401) + count(&statuses, 429), 40);

    // An administrator's own password change checks the current one under the same rule (a stolen session
    // cannot guess it).
    let admin = app.admin("proprietaire", "admin").await;
    let change = |current: &'static str| {
        let app = &app;
        let admin = &admin;
        async move {
            app.call(
                Some(admin),
                "PUT",
                "/api/v1/admin/session/password",
                Some(json!({ "current": current, "new": "un nouveau mot de passe long" })),
            )
            .await
        }
    };
    let statuses = at_once((0..30).map(|_| change("pas le bon mot de passe")).collect()).await;
    assert!(count(&statuses, 422) <= 6, "{statuses:?}");
    assert_eq!(count(&statuses, 422) + count(&statuses, 429), 30);
    let (status, body) = change(ADMIN_PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("rate_limited")),
        "locked from this address: {body}"
    );
}
on_both_databases!(parallel_guesses_are_counted_before_they_are_checked);

async fn strangers_guessing_a_login_cannot_lock_its_owner_out(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            first_admin: Some("responsable-dae".into()),
            ..behind_proxy(generous_flood_limits())
        },
    )
    .await;
    // The operator chose the first administrator's identifiant: no `admin` to guess.
    let logins: Vec<(String,)> = sqlx::query_as("SELECT login FROM admins")
        .fetch_all(&app.db.pool)
        .await
        .expect("admins");
    assert_eq!(logins, vec![("responsable-dae".to_string(),)]);

    account(&app, "cible").await;
    app.admin("cible-admin", "reviewer").await;
    for (path, body) in [
        (
            "/api/v1/admin/session",
            json!({ "login": "cible-admin", "password": "faux" }),
        ),
        (
            "/api/login",
            json!({ "username": "mtest", "password": "faux" }),
        ),
    ] {
        // Twenty guesses, each from another address.
        for i in 0..20 {
            let (status, _) = post_from(&app, &format!("203.0.113.{i}"), path, &body).await;
            assert!(status == 401 || status == 429, "{status}");
        }
        // An attacker's own address, past its allowance on the login, is refused even the right password...
        for _ in 0..6 {
            post_from(&app, "192.0.2.99", path, &body).await;
        }
        let right = match path {
            "/api/login" => json!({ "username": "mtest", "password": PASSWORD }),
            _ => json!({ "login": "cible-admin", "password": ADMIN_PASSWORD }),
        };
        let (status, _) = post_from(&app, "192.0.2.99", path, &right).await;
        assert_eq!(status, 429, "{path}: the attacker's address stays locked");
        // ...while the owner, from their own address, gets in after a pause of a second at most.
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        let (status, body) = post_from(&app, "198.51.100.20", path, &right).await;
        assert!(status == 201 || status == 204, "{path}: {status} {body}");
    }
}
on_both_databases!(strangers_guessing_a_login_cannot_lock_its_owner_out);

async fn an_ipv6_client_is_counted_by_its_64(backend: Backend) {
    let app = spawn_app_with(
        backend,
        behind_proxy(FloodLimits {
            registrations: Limit::per_address(Rate::per_hour(5)),
            ..generous_flood_limits()
        }),
    )
    .await;
    let mut statuses = Vec::new();
    for i in 0..6 {
        let (status, _) = post_from(
            &app,
            &format!("2001:db8:5:6:{i:x}::{:x}", i * 7 + 1),
            "/api/v1/registrations",
            &app.request(&format!("v6-{i}")),
        )
        .await;
        statuses.push(status);
    }
    assert_eq!(statuses, [202, 202, 202, 202, 202, 429]);
    let (status, _) = post_from(
        &app,
        "2001:db8:5:7::1",
        "/api/v1/registrations",
        &app.request("v6-voisin"),
    )
    .await;
    assert_eq!(status, 202, "the next /64 is another client");
    assert_eq!(app.count("SELECT COUNT(*) FROM registrations").await, 6);
}
on_both_databases!(an_ipv6_client_is_counted_by_its_64);

async fn probing_addresses_with_the_form_tells_nothing_and_counts(backend: Backend) {
    let app = spawn_app_with(
        backend,
        behind_proxy(FloodLimits {
            registrations: Limit::per_address(Rate::per_hour(3)),
            ..generous_flood_limits()
        }),
    )
    .await;
    account(&app, "connue").await;
    // A stranger tries the address of an account, again and again.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let mut probe = app.request("connue");
        probe["last_name"] = json!("Sonde");
        statuses.push(
            post_from(&app, "203.0.113.50", "/api/v1/registrations", &probe)
                .await
                .0,
        );
    }
    assert_eq!(statuses, [202, 202, 202, 429], "each attempt counts");
    // The answer is the one of an unknown address.
    let (status, body) = post_from(
        &app,
        "203.0.113.51",
        "/api/v1/registrations",
        &app.request("inconnue"),
    )
    .await;
    assert_eq!(
        (status, body),
        (202, json!({ "email": app.email("inconnue") }))
    );
}
on_both_databases!(probing_addresses_with_the_form_tells_nothing_and_counts);

/// The answer of a recovery does not wait for its work: with the links' table locked, a known address is
/// answered at once, and its email leaves once the lock is gone.
#[tokio::test]
async fn recovery_answers_before_it_works() {
    let app = spawn_app(Backend::Postgres).await;
    account(&app, "rapide").await;
    let mut holder = app.db.pool.begin().await.expect("transaction");
    sqlx::query("LOCK TABLE account_tokens IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *holder)
        .await
        .expect("lock");
    let started = Instant::now();
    let (status, _) = app
        .post(
            "/api/v1/account/forgot-password",
            &json!({ "email": app.email("rapide") }),
        )
        .await;
    let answered = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    holder.rollback().await.expect("unlock");
    assert_eq!(status, 202);
    assert!(
        answered < Duration::from_millis(400),
        "answered in {answered:?}: the answer waited for the work"
    );
    link_token(&app.email("rapide"), "réinitialisation", 3).await;
}

#[tokio::test]
async fn session_cookies_are_host_only_over_https() {
    let app = spawn_app_with(
        Backend::Sqlite,
        Options {
            https: true,
            ..Options::default()
        },
    )
    .await;
    let session = app.admin("hote", "viewer").await;
    assert!(
        session.cookie.starts_with("__Host-geodae_admin="),
        "{}",
        session.cookie
    );
    let response = app.sign_in("hote", ADMIN_PASSWORD).await;
    let cookie = response.headers()["set-cookie"].to_str().expect("cookie");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    // The cookie without its prefix is not the session's.
    let plain = session.cookie.trim_start_matches("__Host-");
    let (status, _) = app
        .call(
            Some(&crate::helpers::AdminSession {
                cookie: plain.to_string(),
                csrf: session.csrf.clone(),
            }),
            "GET",
            "/api/v1/admin/session",
            None,
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn half_sent_requests_and_idle_connections_are_dropped() {
    let app = spawn_app_with(
        Backend::Sqlite,
        Options {
            guards: server::config::Guards {
                request_timeout: Duration::from_secs(2),
                ..crate::helpers::generous_guards()
            },
            ..Options::default()
        },
    )
    .await;
    // Headers that never end, and a connection that sends nothing: closed within the header timeout (10 s).
    let mut slow = raw(
        &app,
        "GET /api/v1/health HTTP/1.1\r\nHost: test\r\nX-Lent: ",
    )
    .await;
    let mut idle = raw(&app, "").await;
    let started = Instant::now();
    let (closed, _) = closed_within(&mut slow, Duration::from_secs(30)).await;
    assert!(closed, "headers that never end");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    let (closed, _) = closed_within(&mut idle, Duration::from_secs(5)).await;
    assert!(closed, "a connection that sends nothing");

    // A body that never comes whole: 408 once the request's time is over.
    let mut body = raw(
        &app,
        "POST /api/v1/registrations HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"last_name\"",
    )
    .await;
    let (closed, read) = closed_within(&mut body, Duration::from_secs(10)).await;
    let text = String::from_utf8_lossy(&read);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request_timeout"), "{text}");
    assert!(closed, "{text}");
}

async fn an_overlong_login_is_refused_before_anything_is_stored(backend: Backend) {
    let app = spawn_app_with(backend, behind_proxy(generous_flood_limits())).await;
    let long = "a".repeat(10_000);
    for (path, body) in [
        (
            "/api/v1/admin/session",
            json!({ "login": long, "password": "x" }),
        ),
        (
            "/api/v1/account/session",
            json!({ "login": long, "password": "x" }),
        ),
        ("/api/login", json!({ "username": long, "password": "x" })),
    ] {
        let (status, _) = post_from(&app, "203.0.113.9", path, &body).await;
        assert_eq!(status, 401, "{path}");
    }
    // A forwarded address that is not one is not taken either.
    let response = app
        .client
        .post(format!("{}/api/v1/admin/session", app.base))
        .header("x-forwarded-for", "x".repeat(5_000))
        .json(&json!({ "login": "personne", "password": "x" }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 401);
    let (keys, longest): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MAX(LENGTH(throttle_key)) FROM login_throttle")
            .fetch_one(&app.db.pool)
            .await
            .expect("keys");
    assert!(keys > 0, "the short login was counted");
    assert!(longest.is_some_and(|n| n < 100), "{longest:?}");
    let (longest,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(LENGTH(actor_login) + LENGTH(COALESCE(ip, ''))) FROM audit_log")
            .fetch_one(&app.db.pool)
            .await
            .expect("audit");
    assert!(longest.is_some_and(|n| n < 120), "{longest:?}");
}
on_both_databases!(an_overlong_login_is_refused_before_anything_is_stored);

#[tokio::test]
async fn the_public_register_lookups_are_limited_per_address() {
    let app = spawn_app_with(
        Backend::Sqlite,
        Options {
            trust_proxy: true,
            guards: server::config::Guards {
                sirene_per_address: server::bucket::ApiRate {
                    per_second: 0.1,
                    burst: 5.0,
                },
                ..Default::default()
            },
            ..Options::default()
        },
    )
    .await;
    let get_from = |from: &'static str, path: &'static str| {
        let app = &app;
        async move {
            let response = app
                .client
                .get(format!("{}{path}", app.base))
                .header("x-forwarded-for", from)
                .send()
                .await
                .expect("request");
            (
                response.status().as_u16(),
                response.headers().contains_key("retry-after"),
            )
        }
    };
    let mut statuses = Vec::new();
    for i in 0..6 {
        let path = if i % 2 == 0 {
            "/api/v1/sirene/356000000"
        } else {
            "/api/v1/sirene?q=poste"
        };
        statuses.push(get_from("203.0.113.70", path).await);
    }
    assert_eq!(
        statuses.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        [200, 200, 200, 200, 200, 429]
    );
    assert!(statuses[5].1, "Retry-After");
    assert_eq!(
        get_from("198.51.100.70", "/api/v1/sirene/356000000")
            .await
            .0,
        200
    );
}

async fn the_last_admin_survives_two_admins_disabling_each_other(backend: Backend) {
    let app = spawn_app(backend).await;
    for round in 0..8 {
        sqlx::query("UPDATE admins SET disabled = 1")
            .execute(&app.db.pool)
            .await
            .expect("a fresh pair of admins each round");
        let a = app.admin(&format!("alpha{round}"), "admin").await;
        let b = app.admin(&format!("beta{round}"), "admin").await;
        let id = |login: String| {
            let app = &app;
            async move {
                let (id,): (i64,) = sqlx::query_as("SELECT id FROM admins WHERE login = $1")
                    .bind(login)
                    .fetch_one(&app.db.pool)
                    .await
                    .expect("admin");
                id
            }
        };
        let (ida, idb) = (
            id(format!("alpha{round}")).await,
            id(format!("beta{round}")).await,
        );
        let disable = json!({ "disabled": true });
        let (to_b, to_a) = (
            format!("/api/v1/admin/admins/{idb}"),
            format!("/api/v1/admin/admins/{ida}"),
        );
        let (x, y) = tokio::join!(
            app.call(Some(&a), "PATCH", &to_b, Some(disable.clone())),
            app.call(Some(&b), "PATCH", &to_a, Some(disable.clone())),
        );
        let active = app
            .count("SELECT COUNT(*) FROM admins WHERE role = 'admin' AND disabled = 0")
            .await;
        assert_eq!(active, 1, "round {round}: {x:?} {y:?}");
        // One is done; the other is refused, or finds its session ended by the first.
        let mut statuses = [x.0, y.0];
        statuses.sort_unstable();
        assert!(
            statuses == [204, 422] || statuses == [204, 401],
            "round {round}: {x:?} {y:?}"
        );
    }
}
on_both_databases!(the_last_admin_survives_two_admins_disabling_each_other);

async fn recovery_links_live_hours_and_the_newest_ends_the_others(backend: Backend) {
    let app = spawn_app(backend).await;
    account(&app, "heures").await;
    for _ in 0..2 {
        let (status, _) = app
            .post(
                "/api/v1/account/forgot-password",
                &json!({ "email": app.email("heures") }),
            )
            .await;
        assert_eq!(status, 202);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let emails = emails_to(&app.email("heures"), 4).await;
    let links: Vec<String> = emails
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.contains("réinitialisation"))
        })
        .filter_map(|m| m["text"].as_str())
        .filter_map(|t| t.split("#jeton=").nth(1))
        .map(|rest| {
            rest.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(links.len(), 2, "{emails:?}");
    let statuses = [
        link_info(&app, &links[0]).await.0,
        link_info(&app, &links[1]).await.0,
    ];
    assert!(
        statuses.contains(&200) && statuses.contains(&410),
        "{statuses:?}"
    );
    assert!(
        emails.iter().any(|m| m["text"]
            .as_str()
            .is_some_and(|t| t.contains("expire dans 2 heures"))),
        "the email says how long"
    );
    let lifetimes: Vec<(String, i64)> =
        sqlx::query_as("SELECT purpose, expires_at - created_at FROM account_tokens ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .expect("links");
    let hours: Vec<i64> = lifetimes.iter().map(|(_, ms)| ms / 3_600_000).collect();
    assert_eq!(hours, [7 * 24, 2, 2], "validation 7 days, recovery 2 hours");

    // No secret travels in an address: the old form of the calls is gone.
    let (status, _) = app
        .get(&format!("/api/v1/password-setup/{}", links[0]))
        .await;
    assert_eq!(status, 404);
}
on_both_databases!(recovery_links_live_hours_and_the_newest_ends_the_others);

#[tokio::test]
async fn a_request_from_another_origin_is_refused_whatever_its_host() {
    let app = spawn_app(Backend::Sqlite).await;
    app.admin("origine", "viewer").await;
    let sign_in = |origin: &'static str, host: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(format!("{}/api/v1/admin/session", app.base))
                .header("origin", origin)
                .header("host", host)
                .json(&json!({ "login": "origine", "password": ADMIN_PASSWORD }))
                .send()
                .await
                .expect("request")
                .status()
                .as_u16()
        }
    };
    // A page of a name the attacker points at this server (DNS rebinding): its Origin and Host agree.
    assert_eq!(
        sign_in("http://rebond.example", "rebond.example").await,
        403
    );
    // The public address (GEODAE_PUBLIC_URL) is this site.
    assert_eq!(
        sign_in("http://comptes.geodae.test", "comptes.geodae.test").await,
        204
    );
}

#[tokio::test]
async fn what_the_server_writes_is_its_users_only_and_erasure_takes_the_emails() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("folder");
    let mail = dir.path().join("courrier");
    let app = spawn_app_with(
        Backend::Sqlite,
        Options {
            mail_dir: Some(mail.clone()),
            ..Options::default()
        },
    )
    .await;
    let id = app.submit_as("fichiers", "Marie", "Test").await;
    let admin = app.admin("effaceuse", "admin").await;
    let (status, _) = app
        .call(
            Some(&admin),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    // An email about the account that is not tied to the request.
    let (status, _) = app
        .post(
            "/api/v1/account/forgot-login",
            &json!({ "email": app.email("fichiers") }),
        )
        .await;
    assert_eq!(status, 202);
    let mut files = Vec::new();
    for _ in 0..40 {
        files = std::fs::read_dir(&mail)
            .expect("mail folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        if files.len() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(files.len() >= 4, "{files:?}");
    let copy = app.dir.path().join("sauvegarde.db");
    app.db.backup(&copy).await.expect("backup");
    let mode = |p: &std::path::Path| {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(&mail), 0o700, "the mail folder");
    assert_eq!(mode(app.dir.path()), 0o700, "the data folder");
    for file in files.iter().chain([&copy]) {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = app.dir.path().join(format!("geodae.db{suffix}"));
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }

    // Erasing the applicant's data takes every email to their address.
    let before = |app: &TestApp| {
        let address = app.email("fichiers");
        let pool = app.db.pool.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE recipient = $1")
                .bind(address)
                .fetch_one(&pool)
                .await
                .expect("count");
            n
        }
    };
    assert!(before(&app).await >= 3);
    let response = app
        .client
        .post(format!(
            "{}/api/v1/admin/registrations/{id}/erase",
            app.base
        ))
        .header("cookie", &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .json(&json!({ "reason": "courrier du 4 décembre" }))
        .send()
        .await
        .expect("erase");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        before(&app).await,
        0,
        "no email to the erased address is kept"
    );
}

async fn links_written_whole_before_are_taken_out_of_the_outbox_at_start(backend: Backend) {
    let app = spawn_app(backend).await;
    account(&app, "ancien").await;
    let (account_id,): (i64,) = sqlx::query_as("SELECT id FROM accounts WHERE login = 'mtest'")
        .fetch_one(&app.db.pool)
        .await
        .expect("account");
    // Two emails as an older version queued them, each with its link whole: one sent, one due in a moment.
    let now = server::store::now_ms();
    let mut secrets = Vec::new();
    for (status, due) in [("sent", now), ("waiting", now + 4_000)] {
        let secret = server::auth::token::random();
        let (token_id,): (i64,) = sqlx::query_as(
            "INSERT INTO account_tokens (account_id, purpose, token_hash, created_at, expires_at)
             VALUES ($1, 'password', $2, $3, $4) RETURNING id",
        )
        .bind(account_id)
        .bind(server::auth::token::digest(&secret))
        .bind(now)
        .bind(now + 3_600_000)
        .fetch_one(&app.db.pool)
        .await
        .expect("link");
        let link = format!("http://comptes.geodae.test/compte/mot-de-passe?jeton={secret}");
        sqlx::query(
            "INSERT INTO outbox (kind, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, created_at)
             VALUES ('password_link', $1, 'Géo''DAE : votre nouveau lien pour créer votre mot de passe', $2, $3, $4, 0, $5, $6)",
        )
        .bind(app.email("ancien"))
        .bind(format!("Ouvrez ce lien :\n{link}\n"))
        .bind(format!("<a href=\"{link}\">{link}</a>"))
        .bind(status)
        .bind(due)
        .bind(now)
        .execute(&app.db.pool)
        .await
        .expect("email");
        assert_eq!(link_info(&app, &secret).await.0, 200, "{token_id}");
        secrets.push(secret);
    }

    // The next start takes the secrets out.
    let again = spawn_app_with(
        backend,
        Options {
            database_url: Some(app.database_url.clone()),
            ..Options::default()
        },
    )
    .await;
    let bodies: Vec<(String, String, Option<i64>)> = sqlx::query_as(
        "SELECT body_text, body_html, link_token_id FROM outbox WHERE kind = 'password_link'",
    )
    .fetch_all(&again.db.pool)
    .await
    .expect("outbox");
    assert_eq!(bodies.len(), 2);
    for (text, html, token) in &bodies {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()) && !html.contains(secret.as_str()));
        }
        assert!(text.contains("?jeton=[jeton-non-conservé]"), "{text}");
        assert!(token.is_some());
    }
    // The waiting one leaves with a fresh secret, which works; the one it replaced no longer does.
    let fresh = emails_to(&app.email("ancien"), 3)
        .await
        .iter()
        .filter_map(|m| m["text"].as_str())
        .filter_map(|t| t.split("?jeton=").nth(1))
        .map(|rest| {
            rest.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .next()
        .expect("the waiting email, sent");
    assert!(!secrets.contains(&fresh));
    assert_eq!(link_info(&again, &fresh).await.0, 200);
    assert_eq!(link_info(&again, &secrets[1]).await.0, 404);
}
on_both_databases!(links_written_whole_before_are_taken_out_of_the_outbox_at_start);
