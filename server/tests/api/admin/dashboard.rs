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
