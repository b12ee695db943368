//! The data API, played as an existing Géo'DAE client plays it: `POST /api/login`, then `GET /api/dae` with the
//! bearer token, against the records shipped with the product (loaded on the first start).

use serde_json::{Value, json};

use crate::accounts::{link_token, validated};
use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_databases;
use server::dae::filter::Value as Typed;
use server::dae::{FIELDS, import};

pub(crate) const PASSWORD: &str = "Dae-2026!";

/// A validated account `mtest` with its password set.
pub(crate) async fn account(app: &TestApp, who: &str) {
    let link = validated(app, who).await;
    let response = app
        .client
        .post(format!("{}/api/v1/password-setup", app.base))
        .json(&json!({ "token": link, "password": PASSWORD, "confirmation": PASSWORD }))
        .send()
        .await
        .expect("password");
    assert_eq!(response.status().as_u16(), 204);
}

async fn login(app: &TestApp, username: &str, password: &str) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/api/login", app.base))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .expect("login");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn token(app: &TestApp) -> String {
    let (status, body) = login(app, "mtest", PASSWORD).await;
    assert_eq!(status, 201, "{body}");
    body["token"].as_str().expect("a token").to_string()
}

/// `GET /api/dae` with these query parameters: status, body, `WWW-Authenticate`.
async fn list(
    app: &TestApp,
    token: Option<&str>,
    query: &[(&str, &str)],
) -> (u16, Value, Option<String>) {
    let mut request = app.client.get(format!("{}/api/dae", app.base)).query(query);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("list");
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (
        status,
        response.json().await.unwrap_or(Value::Null),
        challenge,
    )
}

/// The shipped records, read apart from the database: what the answers must hold.
fn shipped() -> Vec<Vec<Option<Typed>>> {
    let (records, _) = import::read(import::SHIPPED).expect("shipped data");
    records.into_iter().map(|r| r.0).collect()
}

/// Which shipped records a filter must keep.
type Keep = fn(&[Option<Typed>]) -> bool;

fn column(name: &str) -> usize {
    FIELDS.iter().position(|f| f.name == name).expect("a field")
}

fn text_of(record: &[Option<Typed>], name: &str) -> Option<String> {
    match &record[column(name)] {
        Some(Typed::Text(t)) => Some(t.clone()),
        _ => None,
    }
}

fn gid_of(record: &[Option<Typed>]) -> i64 {
    match record[column("gid")] {
        Some(Typed::Integer(gid)) => gid,
        _ => panic!("every record has a gid"),
    }
}

fn gids(body: &Value) -> Vec<i64> {
    body.as_array()
        .expect("an array")
        .iter()
        .map(|r| r["gid"].as_i64().expect("gid"))
        .collect()
}

async fn an_existing_geodae_client_works_unchanged(backend: Backend) {
    let app = spawn_app(backend).await;
    account(&app, "donnees").await;
    let token = token(&app).await;
    // The email address is an identifiant too.
    let (status, _) = login(&app, &app.email("donnees"), PASSWORD).await;
    assert_eq!(status, 201);

    // Géo'DAE's documented call, on a commune of the shipped records.
    let (status, body, _) = list(
        &app,
        Some(&token),
        &[
            ("offset", "0"),
            ("limit", "20"),
            ("sort_by", "com_nom:asc"),
            (
                "_where",
                "and(eq(com_nom,Luceau),eq(etat_fonct,En fonctionnement))",
            ),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mut expected: Vec<i64> = shipped()
        .iter()
        .filter(|r| {
            text_of(r, "com_nom").as_deref() == Some("Luceau")
                && text_of(r, "etat_fonct").as_deref() == Some("En fonctionnement")
        })
        .map(|r| gid_of(r))
        .collect();
    expected.sort_unstable();
    assert!(!expected.is_empty());
    assert_eq!(gids(&body), expected);
    let first = &body[0];
    assert_eq!(first["com_nom"], "Luceau");
    assert!(
        first["lat_coor1"].is_f64() && first["acc_lib"].is_boolean(),
        "{first}"
    );

    // Every public field, and only those, in every record.
    let (status, all, _) = list(&app, Some(&token), &[("limit", "1000")]).await;
    assert_eq!(status, 200);
    let records = all.as_array().expect("array");
    assert_eq!(records.len(), shipped().len());
    let public: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
    for record in records {
        let keys: Vec<&str> = record
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), public.len(), "{record}");
        assert!(keys.iter().all(|k| public.contains(k)), "{record}");
        for restricted in [
            "tel1",
            "tel2",
            "site_email",
            "expt_tel1",
            "expt_tel2",
            "expt_email",
            "num_serie",
        ] {
            assert!(record.get(restricted).is_none());
        }
    }

    // Pages sorted by commune follow one another without overlap (ties broken by gid).
    let mut paged = Vec::new();
    for offset in (0..records.len()).step_by(25) {
        let offset = offset.to_string();
        let (status, page, _) = list(
            &app,
            Some(&token),
            &[
                ("sort_by", "com_nom:desc"),
                ("limit", "25"),
                ("offset", &offset),
            ],
        )
        .await;
        assert_eq!(status, 200);
        paged.extend(page.as_array().expect("array").iter().cloned());
    }
    let mut by_commune: Vec<(Option<String>, i64)> = shipped()
        .iter()
        .map(|r| (text_of(r, "com_nom"), gid_of(r)))
        .collect();
    by_commune.sort_by(|a, b| match (&a.0, &b.0) {
        (Some(x), Some(y)) => y.cmp(x).then(a.1.cmp(&b.1)),
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, None) => a.1.cmp(&b.1),
    });
    let got: Vec<i64> = paged
        .iter()
        .map(|r| r["gid"].as_i64().expect("gid"))
        .collect();
    assert_eq!(
        got,
        by_commune.iter().map(|(_, gid)| *gid).collect::<Vec<_>>()
    );

    // Typed filters: numbers, booleans, dates, lists, patterns.
    let cases: &[(&str, Keep)] = &[
        (
            "gt(lat_coor1,47.75)",
            |r| matches!(r[column("lat_coor1")], Some(Typed::Number(n)) if n > 47.75),
        ),
        ("eq(acc_lib,false)", |r| {
            r[column("acc_lib")] == Some(Typed::Boolean(false))
        }),
        ("isnull(date_instal)", |r| {
            r[column("date_instal")].is_none()
        }),
        ("ge(date_instal,2020-01-01)", |r| {
            text_of(r, "date_instal").is_some_and(|d| d.as_str() >= "2020-01-01")
        }),
        ("in(acc,Extérieur)", |r| {
            text_of(r, "acc").as_deref() == Some("Extérieur")
        }),
        ("like(com_nom,%loir%)", |r| {
            text_of(r, "com_nom").is_some_and(|c| c.to_lowercase().contains("loir"))
        }),
        (
            "or(eq(disp_h,24h/24),and(eq(acc,Intérieur),ne(etat_valid,validées)))",
            |r| {
                text_of(r, "disp_h").as_deref() == Some("24h/24")
                    || (text_of(r, "acc").as_deref() == Some("Intérieur")
                        && text_of(r, "etat_valid").is_some_and(|v| v != "validées"))
            },
        ),
    ];
    for (filter, keep) in cases {
        let (status, body, _) =
            list(&app, Some(&token), &[("_where", filter), ("limit", "1000")]).await;
        assert_eq!(status, 200, "{filter}: {body}");
        let mut expected: Vec<i64> = shipped()
            .iter()
            .filter(|r| keep(r))
            .map(|r| gid_of(r))
            .collect();
        expected.sort_unstable();
        assert!(!expected.is_empty(), "{filter} selects something");
        assert_eq!(gids(&body), expected, "{filter}");
    }

    // Refusals: the parameter at fault, and the position in _where.
    for (query, words) in [
        (vec![("_where", "eq(tel1,0102030405)")], "caractère 4"),
        (
            vec![("_where", "eq(com_nom,Luceau);DROP TABLE dae")],
            "caractère 19",
        ),
        (vec![("limit", "beaucoup")], "limit"),
        (vec![("limit", "-1")], "limit"),
        (vec![("offset", "-1")], "offset"),
        (vec![("sort_by", "expt_email:asc")], "sort_by"),
        (vec![("sort_by", "com_nom:up")], "sort_by"),
    ] {
        let (status, body, _) = list(&app, Some(&token), &query).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("invalid_query")),
            "{query:?}"
        );
        assert!(
            body["message"].as_str().is_some_and(|m| m.contains(words)),
            "{query:?}: {body}"
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM dae").await,
        i64::try_from(shipped().len()).expect("fits")
    );
}
on_both_databases!(an_existing_geodae_client_works_unchanged);

async fn a_token_ends_with_its_time_the_account_or_its_password(backend: Backend) {
    let app = spawn_app(backend).await;
    account(&app, "jeton").await;
    let (status, body) = login(&app, "mtest", "pas le bon").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("invalid_credentials"))
    );

    // Without a token, or with a wrong one: 401 and the Bearer challenge.
    let (status, body, challenge) = list(&app, None, &[]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    assert_eq!(challenge.as_deref(), Some(r#"Bearer realm="geodae""#));
    let (status, _, challenge) = list(&app, Some("inventé"), &[]).await;
    assert_eq!(status, 401);
    assert!(challenge.is_some_and(|c| c.contains("invalid_token")));
    let stored: i64 = app.count("SELECT COUNT(*) FROM api_tokens").await;
    assert_eq!(stored, 0);

    // Only the digest is stored.
    let token = token(&app).await;
    let digest: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_one(&app.db.pool)
        .await
        .expect("token row");
    assert_ne!(digest, token);
    assert_eq!(list(&app, Some(&token), &[]).await.0, 200);

    // The token alone, as the original's documentation page sends it, with its field names and `_where` as that
    // page wrote them: the same answer as the Bearer call with the lower_case names.
    let bare = app
        .client
        .get(format!("{}/api/dae", app.base))
        .query(&[
            ("sort_by", "comNom:desc"),
            ("_where", "?_where=(ne(etatFonct,Hors service))"),
            ("limit", "50"),
        ])
        .header("Authorization", &token)
        .send()
        .await
        .expect("bare token");
    assert_eq!(bare.status().as_u16(), 200);
    let bare: Value = bare.json().await.expect("records");
    let (status, bearer, _) = list(
        &app,
        Some(&token),
        &[
            ("sort_by", "com_nom:desc"),
            ("_where", "ne(etat_fonct,Hors service)"),
            ("limit", "50"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(bare, bearer);
    assert!(!gids(&bare).is_empty());
    assert!(bare[0].get("com_nom").is_some() && bare[0].get("comNom").is_none());
    // Another scheme is no token.
    let basic = app
        .client
        .get(format!("{}/api/dae", app.base))
        .header("Authorization", format!("Basic {token}"))
        .send()
        .await
        .expect("basic");
    assert_eq!(basic.status().as_u16(), 401);

    // 30 minutes later.
    sqlx::query("UPDATE api_tokens SET expires_at = expires_at - 30 * 60 * 1000")
        .execute(&app.db.pool)
        .await
        .expect("age the token");
    assert_eq!(list(&app, Some(&token), &[]).await.0, 401);

    // Disabled by an administrator: the token ends, and no new one is given.
    let token = self::token(&app).await;
    let account_id: i64 = sqlx::query_scalar("SELECT id FROM accounts")
        .fetch_one(&app.db.pool)
        .await
        .expect("account");
    let admin = app.admin("gestion-jeton", "reviewer").await;
    let (status, body) = app
        .call(
            Some(&admin),
            "POST",
            &format!("/api/v1/admin/accounts/{account_id}/disable"),
            None,
        )
        .await;
    assert!(status < 300, "{status} {body}");
    assert_eq!(list(&app, Some(&token), &[]).await.0, 401);
    assert_eq!(login(&app, "mtest", PASSWORD).await.0, 401);
    let (status, _) = app
        .call(
            Some(&admin),
            "POST",
            &format!("/api/v1/admin/accounts/{account_id}/enable"),
            None,
        )
        .await;
    assert!(status < 300);

    // A new password (by a new link): the token of the old one ends.
    let token = self::token(&app).await;
    let (status, _) = app
        .call(
            Some(&admin),
            "POST",
            &format!("/api/v1/admin/accounts/{account_id}/password-link"),
            None,
        )
        .await;
    assert!(status < 300);
    let link = link_token(&app.email("jeton"), "lien pour créer", 3).await;
    let response = app
        .client
        .post(format!("{}/api/v1/password-setup", app.base))
        .json(&json!({ "token": link, "password": "Dae-2027!", "confirmation": "Dae-2027!" }))
        .send()
        .await
        .expect("new password");
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(list(&app, Some(&token), &[]).await.0, 401);
    assert_eq!(login(&app, "mtest", "Dae-2027!").await.0, 201);
}
on_both_databases!(a_token_ends_with_its_time_the_account_or_its_password);

async fn an_import_replaces_the_records_whole_or_not_at_all(backend: Backend) {
    let app = spawn_app(backend).await;
    let shipped = i64::try_from(shipped().len()).expect("fits");
    assert_eq!(app.count("SELECT COUNT(*) FROM dae").await, shipped);
    let october = include_bytes!("../fixtures/dae/geodae-2026-10-partial.csv");
    let report = import::import(&app.db, "octobre.csv", october)
        .await
        .expect("import");
    assert_eq!((report.accepted, report.rejected.len()), (1, 7));
    assert_eq!(app.count("SELECT COUNT(*) FROM dae").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM dae WHERE gid = 1899 AND dispo_horaires = '24/7'")
            .await,
        1
    );
    // Nothing valid: refused, the records in place stay.
    let broken = b"c_gid;c_nom\nx;Sans position\n";
    assert!(import::import(&app.db, "vide.csv", broken).await.is_err());
    assert_eq!(app.count("SELECT COUNT(*) FROM dae").await, 1);
    // Imports are recorded; a restart does not load the shipped records again.
    assert_eq!(app.count("SELECT COUNT(*) FROM dae_imports").await, 2);
    assert!(
        import::seed_if_never_imported(&app.db)
            .await
            .expect("seed")
            .is_none()
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM dae").await, 1);
}
on_both_databases!(an_import_replaces_the_records_whole_or_not_at_all);

/// `GET /api/v1/dae` with these parameters (JSON, or GeoJSON when `geo`).
async fn search(
    app: &TestApp,
    token: &str,
    query: &[(&str, &str)],
    geo: bool,
) -> (u16, Value, String) {
    let mut request = app
        .client
        .get(format!("{}/api/v1/dae", app.base))
        .query(query)
        .bearer_auth(token);
    if geo {
        request = request.header("accept", "application/geo+json");
    }
    let response = request.send().await.expect("search");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (
        status,
        response.json().await.unwrap_or(Value::Null),
        content_type,
    )
}

fn position(record: &[Option<Typed>]) -> (f64, f64) {
    match (&record[column("lat_coor1")], &record[column("long_coor1")]) {
        (Some(Typed::Number(lat)), Some(Typed::Number(lon))) => (*lat, *lon),
        _ => panic!("every record has a position"),
    }
}

async fn the_nearest_records_come_first_by_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    account(&app, "proches").await;
    let token = token(&app).await;
    let (lat, lon) = (47.7163, 0.39855);
    let radius = 6_000.0;
    let mut expected: Vec<(f64, i64)> = shipped()
        .iter()
        .map(|r| {
            let (rlat, rlon) = position(r);
            (
                server::dae::geometry::distance_m(lat, lon, rlat, rlon),
                gid_of(r),
            )
        })
        .filter(|(d, _)| *d <= radius)
        .collect();
    expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    assert!(expected.len() > 5, "{expected:?}");

    // Pages of 4, following `next`.
    let (mut got, mut after) = (Vec::new(), String::new());
    loop {
        let mut query = vec![
            ("near", "47.7163,0.39855"),
            ("radius", "6000"),
            ("limit", "4"),
        ];
        if !after.is_empty() {
            query.push(("after", &after));
        }
        let (status, page, _) = search(&app, &token, &query, false).await;
        assert_eq!(status, 200, "{page}");
        for record in page["records"].as_array().expect("records") {
            got.push((
                record["distance_m"].as_f64().expect("distance"),
                record["gid"].as_i64().expect("gid"),
            ));
        }
        match page["next"].as_str() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    assert_eq!(
        got.iter().map(|(_, gid)| *gid).collect::<Vec<_>>(),
        expected.iter().map(|(_, gid)| *gid).collect::<Vec<_>>()
    );
    for ((d, _), (e, _)) in got.iter().zip(&expected) {
        assert!((d - e).abs() < 0.01, "{d} {e}");
    }

    // A box, with a field as a parameter, as GeoJSON.
    let (status, collection, content_type) = search(
        &app,
        &token,
        &[
            ("bbox", "0.30,47.60,0.60,47.80"),
            ("acc", "Intérieur"),
            ("limit", "1000"),
        ],
        true,
    )
    .await;
    assert_eq!(status, 200, "{collection}");
    assert_eq!(content_type, "application/geo+json");
    assert_eq!(collection["type"], "FeatureCollection");
    let features = collection["features"].as_array().expect("features");
    let mut inside: Vec<i64> = shipped()
        .iter()
        .filter(|r| {
            let (rlat, rlon) = position(r);
            (47.60..=47.80).contains(&rlat)
                && (0.30..=0.60).contains(&rlon)
                && text_of(r, "acc").as_deref() == Some("Intérieur")
        })
        .map(|r| gid_of(r))
        .collect();
    inside.sort_unstable();
    assert!(!inside.is_empty());
    assert_eq!(
        features
            .iter()
            .map(|f| f["id"].as_i64().expect("id"))
            .collect::<Vec<_>>(),
        inside
    );
    let first = &features[0];
    assert_eq!(first["geometry"]["type"], "Point");
    assert_eq!(
        first["geometry"]["coordinates"][0],
        first["properties"]["long_coor1"]
    );
    assert_eq!(
        first["geometry"]["coordinates"][1],
        first["properties"]["lat_coor1"]
    );
    assert!(first["properties"].get("expt_email").is_none());

    let (status, body, _) = search(
        &app,
        &token,
        &[("near", "47.7,0.4"), ("bbox", "0,47,1,48")],
        false,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_query"))
    );
    let response = app
        .client
        .get(format!("{}/api/v1/dae", app.base))
        .send()
        .await
        .expect("no token");
    assert_eq!(response.status().as_u16(), 401);
}
on_both_databases!(the_nearest_records_come_first_by_pages);

async fn each_account_has_its_rate_and_its_calls_are_counted(backend: Backend) {
    let app = crate::helpers::spawn_app_with(
        backend,
        crate::helpers::Options {
            api_rate: server::dae::usage::ApiRate {
                per_second: 0.5,
                burst: 3.0,
            },
            ..Default::default()
        },
    )
    .await;
    account(&app, "debit").await;
    let token = token(&app).await;
    for _ in 0..3 {
        assert_eq!(list(&app, Some(&token), &[]).await.0, 200);
    }
    let response = app
        .client
        .get(format!("{}/api/v1/dae", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .expect("over the rate");
    assert_eq!(response.status().as_u16(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("header")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&wait), "{wait}");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "rate_limited");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("réessayez")),
        "{body}"
    );

    // Counted per account and day: 3 calls, 1 refused, written by the counter.
    app.context.usage.flush(&app.db).await.expect("flush");
    let account_id: i64 = sqlx::query_scalar("SELECT id FROM accounts")
        .fetch_one(&app.db.pool)
        .await
        .expect("account");
    let usage = server::dae::usage::of_account(&app.db, account_id)
        .await
        .expect("usage");
    assert_eq!(
        (usage.today, usage.last_30_days, usage.refused_30_days),
        (3, 3, 1)
    );
    assert!(usage.last_call_at.is_some());
    // Counts add up across writes (several instances add theirs the same way).
    assert_eq!(list(&app, Some(&token), &[]).await.0, 429);
    app.context.usage.flush(&app.db).await.expect("flush");
    let usage = server::dae::usage::of_account(&app.db, account_id)
        .await
        .expect("usage");
    assert_eq!((usage.today, usage.refused_30_days), (3, 2));
}
on_both_databases!(each_account_has_its_rate_and_its_calls_are_counted);

async fn the_whole_data_set_is_exported_as_it_is_read(backend: Backend) {
    let app = spawn_app(backend).await;
    account(&app, "export").await;
    let token = token(&app).await;
    let response = app
        .client
        .get(format!("{}/api/v1/dae/export", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .expect("export");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/geo+json");
    let collection: Value = response.json().await.expect("a whole GeoJSON document");
    assert_eq!(collection["type"], "FeatureCollection");
    let features = collection["features"].as_array().expect("features");
    let mut expected: Vec<i64> = shipped().iter().map(|r| gid_of(r)).collect();
    expected.sort_unstable();
    assert_eq!(
        features
            .iter()
            .map(|f| f["id"].as_i64().expect("id"))
            .collect::<Vec<_>>(),
        expected
    );
    let public: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
    for feature in features {
        let properties = feature["properties"].as_object().expect("properties");
        assert!(
            properties.keys().all(|k| public.contains(&k.as_str())),
            "{feature}"
        );
        assert_eq!(
            feature["geometry"]["coordinates"][0],
            properties["long_coor1"]
        );
    }
    let response = app
        .client
        .get(format!("{}/api/v1/dae/export", app.base))
        .send()
        .await
        .expect("no token");
    assert_eq!(response.status().as_u16(), 401);
}
on_both_databases!(the_whole_data_set_is_exported_as_it_is_read);
