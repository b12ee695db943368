//! Two server instances on one PostgreSQL database, requests alternating between them, as behind a load
//! balancer: sessions, throttling, decisions and the outbox are shared, and each email leaves once.

use crate::helpers::{
    ADMIN_PASSWORD, Backend, Options, emails_to, generous_flood_limits, spawn_app_with,
};

/// Three recovery emails an hour from one address; the rest far above the test's load.
fn flood_limits() -> server::flood::FloodLimits {
    server::flood::FloodLimits {
        recovery: server::flood::Limit {
            per_address: server::flood::Rate::per_hour(3),
            global: Some(server::flood::Rate::per_hour(1_000)),
        },
        ..generous_flood_limits()
    }
}

#[tokio::test]
async fn two_instances_share_sessions_throttling_decisions_and_the_outbox() {
    let first = spawn_app_with(
        Backend::Postgres,
        Options {
            flood: flood_limits(),
            ..Options::default()
        },
    )
    .await;
    let second = spawn_app_with(
        Backend::Postgres,
        Options {
            database_url: Some(first.database_url.clone()),
            flood: flood_limits(),
            ..Options::default()
        },
    )
    .await;
    let instances = [&first, &second];

    // A session opened on one instance is valid on the other.
    let reviewer = first.admin("equipe", "reviewer").await;
    let (status, me) = second
        .call(Some(&reviewer), "GET", "/api/v1/admin/session", None)
        .await;
    assert_eq!((status, me["login"].as_str()), (200, Some("equipe")));

    // Requests alternate between the instances; both mail workers send from the one outbox.
    let applicants: Vec<String> = (0..8).map(|i| format!("alterne{i}")).collect();
    let mut ids = Vec::new();
    for (i, who) in applicants.iter().enumerate() {
        let (status, body) = instances[i % 2].submit(&first.request(who)).await;
        assert_eq!(status, 202, "{body}");
        ids.push(first.request_id(who).await);
    }

    // The same request validated on both instances at once: one decision, one email.
    let url = format!("/api/v1/admin/registrations/{}/approve", ids[0]);
    let (a, b) = tokio::join!(
        first.call(Some(&reviewer), "POST", &url, None),
        second.call(Some(&reviewer), "POST", &url, None)
    );
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    assert_eq!(first.count("SELECT COUNT(*) FROM accounts").await, 1);

    // Each applicant gets its acknowledgement exactly once (and the first one its validation once): all
    // arrive, then a second look, a moment later, finds no duplicate.
    let expected = |i: usize| if i == 0 { 2 } else { 1 };
    for (i, who) in applicants.iter().enumerate() {
        emails_to(&first.email(who), expected(i)).await;
    }
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    for (i, who) in applicants.iter().enumerate() {
        let received = emails_to(&first.email(who), expected(i)).await;
        assert_eq!(received.len(), expected(i), "{who}: {received:?}");
    }
    let sent = first
        .count("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND attempts >= 1")
        .await;
    let queued = first.count("SELECT COUNT(*) FROM outbox").await;
    assert_eq!(sent, queued, "every queued email sent");

    // Sign-in throttling counts failures made on either instance: six failures, alternating, lock the login.
    for i in 0..6 {
        let response = instances[i % 2]
            .sign_in("equipe", "mauvais mot de passe")
            .await;
        assert_eq!(response.status().as_u16(), 401);
    }
    let locked = second.sign_in("equipe", ADMIN_PASSWORD).await;
    assert_eq!(locked.status().as_u16(), 429, "locked across instances");
    let locked = first.sign_in("equipe", ADMIN_PASSWORD).await;
    assert_eq!(locked.status().as_u16(), 429);

    // The flood limits count on both: three recoveries an hour from one address, the fourth refused by either.
    let mut statuses = Vec::new();
    for i in 0..5 {
        let (status, _) = instances[i % 2]
            .call(
                None,
                "POST",
                "/api/v1/account/forgot-login",
                Some(serde_json::json!({ "email": "x@exemple.fr" })),
            )
            .await;
        statuses.push(status);
    }
    assert_eq!(statuses, [202, 202, 202, 429, 429], "shared flood limits");
}
