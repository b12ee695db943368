//! The dashboard's list: order, filters, search, pages.

use std::collections::BTreeSet;

use crate::helpers::{Backend, spawn_app};
use crate::on_both_databases;

async fn the_dashboard_lists_pending_first_searches_and_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let viewer = app.admin("lecteur", "viewer").await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let mut ids = Vec::new();
    for (who, first, last) in [
        ("p1", "Anne", "Durand"),
        ("p2", "Bruno", "Éluard"),
        ("p3", "Chloé", "Faure"),
        ("p4", "Denis", "Garnier"),
        ("p5", "Emma", "Hugo"),
    ] {
        ids.push(app.submit_as(who, first, last).await);
    }
    // The oldest request is decided: it goes after the pending ones.
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{}/approve", ids[0]),
            None,
        )
        .await;
    assert_eq!(status, 200);

    let mut seen = Vec::new();
    let mut url = "/api/v1/admin/registrations?limit=2".to_string();
    let mut pages = 0;
    loop {
        let (status, page) = app.call(Some(&viewer), "GET", &url, None).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        if pages == 1 {
            assert_eq!(page["counts"]["pending"], 4);
            assert_eq!(page["counts"]["approved"], 1);
            assert_eq!(page["weeks"].as_array().map(Vec::len), Some(12));
            let last = &page["weeks"][11];
            assert_eq!(
                (last["received"].as_i64(), last["decided"].as_i64()),
                (Some(5), Some(1))
            );
        }
        for item in page["items"].as_array().expect("items") {
            seen.push(item["id"].as_i64().expect("id"));
        }
        match page["next"].as_str() {
            Some(next) => url = format!("/api/v1/admin/registrations?limit=2&after={next}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<i64> = ids[1..].iter().copied().chain([ids[0]]).collect();
    assert_eq!(seen, expected, "pending first, oldest first, each once");

    let search = |q: &str| {
        let url = format!("/api/v1/admin/registrations?q={q}");
        let viewer = &viewer;
        let app = &app;
        async move {
            let (status, page) = app.call(Some(viewer), "GET", &url, None).await;
            assert_eq!(status, 200, "{page}");
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["id"].as_i64().expect("id"))
                .collect::<BTreeSet<i64>>()
        }
    };
    assert_eq!(
        search("eluard").await,
        BTreeSet::from([ids[1]]),
        "accents do not matter"
    );
    assert_eq!(search("Garnier").await, BTreeSet::from([ids[3]]));
    assert_eq!(search("356000000").await.len(), 5, "by SIREN");
    assert_eq!(search("la%20poste").await.len(), 5, "by raison sociale");
    assert_eq!(search("100%25").await.len(), 0, "% is literal");
    assert!(
        search("hu").await.contains(&ids[4]),
        "shorter than a trigram"
    );
    assert_eq!(
        search("rand%20anne").await,
        BTreeSet::from([ids[0]]),
        "across words"
    );
    assert_eq!(
        search("%22dur").await.len(),
        0,
        "a quote is text, not syntax"
    );
    assert_eq!(
        search("urand").await,
        BTreeSet::from([ids[0]]),
        "inside a word"
    );

    let (status, page) = app
        .call(
            Some(&viewer),
            "GET",
            "/api/v1/admin/registrations?status=approved",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    let (status, body) = app
        .call(
            Some(&viewer),
            "GET",
            "/api/v1/admin/registrations?status=nimporte",
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_query"))
    );
    let (status, _) = app
        .call(
            Some(&viewer),
            "GET",
            "/api/v1/admin/registrations?after=zzz",
            None,
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .call(
            Some(&viewer),
            "GET",
            "/api/v1/admin/registrations/abc",
            None,
        )
        .await;
    assert_eq!(status, 404);
}
on_both_databases!(the_dashboard_lists_pending_first_searches_and_pages);

/// Enough requests for a text held by many to be looked for in the list's order, and one held by few to come
/// from the trigram index: both answer the same page as reading every request would.
async fn many_or_few_matches_give_the_same_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    let viewer = app.admin("lecteur", "viewer").await;
    let total = 2_400_i64;
    let mut sql = String::from(
        "INSERT INTO registrations (reference, status, profile, last_name, first_name, email, email_key, organisation_kind, siren, company_name, company_name_source, siren_verified, phone, phone_national, warnings, created_at, decided_at, queue, search_text) VALUES ",
    );
    for i in 0..total {
        let pending = i % 4 == 0;
        // Everyone is a Martin; one in a hundred is a Zola.
        let name = if i % 100 == 7 { "Zola" } else { "Martin" };
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "('DAE-{i:08}', '{status}', 'api', '{name}', 'Lucie', 'c{i}@s{i}.fr', 'c{i}@s{i}.fr', 'entreprise_association', '{siren:09}', 'STRUCTURE {i}', 'register', 1, '+33123456789', '123456789', '[]', {created}, {decided}, {queue}, 'dae-{i:08} {lower} lucie c{i}@s{i}.fr {siren:09} structure {i}')",
            status = if pending { "pending" } else { "approved" },
            siren = 100_000_000 + i,
            created = 1_700_000_000_000 + i * 1000,
            decided = if pending { "NULL".to_string() } else { (1_800_000_000_000 + i).to_string() },
            queue = i64::from(!pending),
            lower = name.to_lowercase(),
        ));
    }
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&app.db.pool)
        .await
        .expect("requests");
    let page = |q: &'static str| {
        let (viewer, app) = (&viewer, &app);
        async move {
            let (status, page) = app
                .call(
                    Some(viewer),
                    "GET",
                    &format!("/api/v1/admin/registrations?limit=30&{q}"),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{page}");
            let references: Vec<String> = page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["reference"].as_str().expect("reference").to_string())
                .collect();
            (references, page["counts"].clone())
        }
    };
    // Pending first (every fourth), oldest first.
    let expected = |name: &str| -> Vec<String> {
        let held = |i: &i64| (i % 100 == 7) == (name == "zola");
        let pending = (0..total).filter(|i| i % 4 == 0).filter(held);
        let decided = (0..total).filter(|i| i % 4 != 0).filter(held);
        pending
            .chain(decided)
            .take(30)
            .map(|i| format!("DAE-{i:08}"))
            .collect()
    };
    let (common, counts) = page("q=martin").await;
    assert_eq!(common, expected("martin"));
    assert_eq!(
        (counts["pending"].as_i64(), counts["approved"].as_i64()),
        (Some(600), Some(1800)),
        "the counters follow rows written by any means"
    );
    assert_eq!(page("q=zola").await.0, expected("zola"));
    assert_eq!(
        page("q=ZOL").await.0,
        expected("zola"),
        "case does not matter"
    );
    // Every Zola was decided (7 + 100 k is never a multiple of 4).
    assert_eq!(page("q=zola&status=approved").await.0, expected("zola"));
    assert_eq!(page("q=zola&status=pending").await.0, Vec::<String>::new());
}
on_both_databases!(many_or_few_matches_give_the_same_pages);
