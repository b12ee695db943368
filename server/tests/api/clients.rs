//! The calls of the README's compatibility table, sent as the existing Géo'DAE clients send them — their
//! headers, parameters and bodies written out as such code writes them — and read as they read the answers:
//! the first generation (`POST /api/login`, `GET /api/dae`) and the catalogue (`POST /api/jwt_login`,
//! `POST /api/login` with `Basic`, `GET /api/data/{layer}`), on 2,500 records so that long reads stream.

use std::fmt::Write as _;

use base64::Engine;
use serde_json::Value;

use crate::dae::{PASSWORD, account};
use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_databases;
use server::dae::import;

const LAYER: &str = "8777a504-6c3e-4abe-8100-60bb58767faa";
const RECORDS: i64 = 2_500;
const COMMUNES: [&str; 7] = [
    "ARDON",
    "BEAUMONT",
    "CHALONNES",
    "DURTAL",
    "ECOUFLANT",
    "FENEU",
    "GENNES",
];

/// A commune for record `gid`, none for one in eleven (empty values sort last).
fn commune(gid: i64) -> Option<&'static str> {
    (gid % 11 != 0).then(|| COMMUNES[usize::try_from(gid * 7 % 13 % 7).expect("small")])
}

/// 2,500 records in the export's layout, written in a shuffled order.
async fn many_records(app: &TestApp) {
    let mut csv = String::from(
        "c_gid;c_nom;c_lat_coor1;c_long_coor1;c_acc;c_acc_lib;c_etat_fonct;c_com_nom;c_disp_j;c_disp_h;c_date_instal\n",
    );
    for i in 0..RECORDS {
        let gid = (i * 1_237) % RECORDS + 1;
        let (days, hours) = if gid % 2 == 0 {
            ("{7j/7}", "{24h/24}")
        } else {
            ("{lundi,mardi}", "{\"heures ouvrables\"}")
        };
        writeln!(
            csv,
            "{gid};DAE {gid};47.{gid:04};0.{gid:04};Intérieur;{};En fonctionnement;{};\"{}\";\"{}\";2019-05-02",
            if gid % 3 == 0 { "t" } else { "f" },
            commune(gid).unwrap_or(""),
            days.replace('"', "\"\""),
            hours.replace('"', "\"\""),
        )
        .expect("written");
    }
    let report = import::import(&app.db, "clients.csv", csv.as_bytes())
        .await
        .expect("import");
    assert_eq!(report.accepted, 2_500, "{}", report.describe());
}

/// The gids in the order `sort_by=com_nom:desc` gives: communes descending, the empty ones last, gid ascending.
fn by_commune_descending() -> Vec<i64> {
    let mut gids: Vec<i64> = (1..=RECORDS).collect();
    gids.sort_by(|a, b| match (commune(*a), commune(*b)) {
        (Some(x), Some(y)) => y.cmp(x).then(a.cmp(b)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    });
    gids
}

fn gids(records: &[Value]) -> Vec<i64> {
    records
        .iter()
        .map(|r| r["gid"].as_i64().expect("gid"))
        .collect()
}

/// Sends a request as written: method, path with its query, headers, body.
async fn send(
    app: &TestApp,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> reqwest::Response {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = app
        .client
        .request(method, format!("{}{path_and_query}", app.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    request.send().await.expect("an answer")
}

async fn first_generation(backend: Backend) {
    let app = spawn_app(backend).await;
    account(&app, "premiere").await;
    many_records(&app).await;
    let credentials = format!(r#"{{"username": "mtest", "password": "{PASSWORD}"}}"#);

    // POST /api/login as the clients send it: 201 and `token`.
    let response = send(
        &app,
        "POST",
        "/api/login",
        &[
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ],
        Some(&credentials),
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);
    let token = response.json::<Value>().await.expect("json")["token"]
        .as_str()
        .expect("token")
        .to_string();
    // Logging in again with the old token attached changes nothing.
    let bearer = format!("Bearer {token}");
    let response = send(
        &app,
        "POST",
        "/api/login",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &bearer),
        ],
        Some(&credentials),
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);
    assert!(response.json::<Value>().await.expect("json")["token"].is_string());

    // The documented call with the token alone (the documentation page's way), and the records as clients
    // decode them: lists of days and hours, booleans, dates, nulls.
    let response = send(
        &app,
        "GET",
        "/api/dae?offset=0&limit=20&sort_by=com_nom:asc&_where=and(eq(com_nom,ARDON),eq(etat_fonct,En%20fonctionnement))",
        &[("Authorization", &token)],
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let page: Vec<Value> = response.json().await.expect("a list");
    assert_eq!(page.len(), 20);
    for record in &page {
        assert_eq!(record["com_nom"], "ARDON");
        let days = record["disp_j"].as_array().expect("disp_j is a list");
        assert!(days.iter().all(Value::is_string));
        assert!(record["disp_h"].is_array());
        assert!(record["acc_lib"].is_boolean());
        assert_eq!(record["date_instal"], "2019-05-02");
        assert!(record["photo1"].is_null());
    }
    let even = page
        .iter()
        .find(|r| r["gid"].as_i64().is_some_and(|g| g % 2 == 0))
        .expect("an even gid");
    assert_eq!(even["disp_j"], serde_json::json!(["7j/7"]));
    assert_eq!(even["disp_h"], serde_json::json!(["24h/24"]));
    assert_eq!(even["dispo_horaires"], "24/7");
    let odd = page
        .iter()
        .find(|r| r["gid"].as_i64().is_some_and(|g| g % 2 == 1))
        .expect("an odd gid");
    assert_eq!(odd["disp_j"], serde_json::json!(["lundi", "mardi"]));
    assert!(odd["dispo_horaires"].is_null(), "{odd}");

    // A typo in a parameter's name is ignored: the list, not an error.
    let response = send(
        &app,
        "GET",
        "/api/dae?limt=5&ofset=3",
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.json::<Vec<Value>>().await.expect("list").len(), 20);

    // Paging with large limits until the first short page: every record once, in gid order.
    let mut all = Vec::new();
    for offset in (0..).step_by(1_500) {
        let response = send(
            &app,
            "GET",
            &format!("/api/dae?offset={offset}&limit=1500"),
            &[("Authorization", &bearer)],
            None,
        )
        .await;
        assert_eq!(response.status().as_u16(), 200);
        let page: Vec<Value> = response.json().await.expect("a whole list");
        let short = page.len() < 1_500;
        all.extend(page);
        if short {
            break;
        }
    }
    assert_eq!(gids(&all), (1..=RECORDS).collect::<Vec<_>>());

    // One answer beyond a page, sorted with empty values, from an offset: the order of the whole.
    let response = send(
        &app,
        "GET",
        "/api/dae?sort_by=comNom:desc&offset=700&limit=1600",
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let sorted: Vec<Value> = response.json().await.expect("a whole list");
    assert_eq!(gids(&sorted), by_commune_descending()[700..2_300]);
    // Filtered, the end is a short answer.
    let response = send(
        &app,
        "GET",
        "/api/dae?_where=(ne(com_nom,ARDON))&sort_by=com_nom:asc&limit=100000",
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let rest: Vec<Value> = response.json().await.expect("a whole list");
    let expected = (1..=RECORDS)
        .filter(|g| commune(*g).is_some_and(|c| c != "ARDON"))
        .count();
    assert_eq!(rest.len(), expected);
    let names: Vec<&str> = rest
        .iter()
        .map(|r| r["com_nom"].as_str().expect("a commune"))
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));
}
on_both_databases!(first_generation);

async fn the_catalogue(backend: Backend) {
    let app = spawn_app(backend).await;
    account(&app, "catalogue").await;
    many_records(&app).await;
    let credentials = format!(r#"{{"username":"mtest","password":"{PASSWORD}"}}"#);

    // POST /api/jwt_login: 200, `access_token` and `token_type`, and `token` for the older clients.
    let response = send(
        &app,
        "POST",
        "/api/jwt_login",
        &[("Content-Type", "application/json")],
        Some(&credentials),
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["token"], body["access_token"]);
    let bearer = format!("Bearer {}", body["access_token"].as_str().expect("token"));

    // POST /api/login with Basic and no body: 200 and the PHPSESSID cookie, found as clients find it.
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("mtest:{PASSWORD}"))
    );
    let response = send(
        &app,
        "POST",
        "/api/login",
        &[("Authorization", &basic)],
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a cookie")
        .to_string();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("Max-Age=1800"),
        "{set_cookie}"
    );
    let session = set_cookie
        .split_once("PHPSESSID=")
        .and_then(|(_, rest)| rest.split(';').next())
        .expect("PHPSESSID=…")
        .to_string();
    let cookie = format!("PHPSESSID={session}");

    // Wrong credentials, both ways: 401.
    let wrong = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("mtest:pas-le-bon")
    );
    assert_eq!(
        send(
            &app,
            "POST",
            "/api/login",
            &[("Authorization", &wrong)],
            None
        )
        .await
        .status()
        .as_u16(),
        401
    );
    let response = send(
        &app,
        "POST",
        "/api/jwt_login",
        &[("Content-Type", "application/json")],
        Some(r#"{"username":"mtest","password":"pas-le-bon"}"#),
    )
    .await;
    assert_eq!(response.status().as_u16(), 401);

    // The layer, by pages, with the token and with the session: FeatureCollections of MultiPoints, the end a
    // short page.
    let path = format!("/api/data/{LAYER}");
    let mut features = Vec::new();
    for (page, offset) in (0..).step_by(1_000).enumerate() {
        let authentication = if page % 2 == 0 {
            ("Authorization", bearer.as_str())
        } else {
            ("Cookie", cookie.as_str())
        };
        let response = send(
            &app,
            "GET",
            &format!("{path}?limit=1000&offset={offset}"),
            &[authentication],
            None,
        )
        .await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], "application/geo+json");
        let collection: Value = response.json().await.expect("GeoJSON");
        assert_eq!(collection["type"], "FeatureCollection");
        assert_eq!(
            collection["crs"]["properties"]["name"],
            "urn:ogc:def:crs:OGC:1.3:CRS84"
        );
        let these = collection["features"].as_array().expect("features").clone();
        let short = these.len() < 1_000;
        features.extend(these);
        if short {
            break;
        }
    }
    assert_eq!(features.len(), 2_500);
    let properties: Vec<Value> = features.iter().map(|f| f["properties"].clone()).collect();
    assert_eq!(gids(&properties), (1..=RECORDS).collect::<Vec<_>>());
    for feature in &features {
        assert_eq!(feature["geometry"]["type"], "MultiPoint");
        assert_eq!(
            feature["geometry"]["coordinates"][0][0],
            feature["properties"]["long_coor1"]
        );
        assert_eq!(
            feature["geometry"]["coordinates"][0][1],
            feature["properties"]["lat_coor1"]
        );
        assert!(feature["properties"]["disp_j"].is_array());
    }

    // One record by gid, within a condition.
    let response = send(
        &app,
        "GET",
        &format!("{path}?gid=42&_where=eq(acc,Int%C3%A9rieur)"),
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 200);
    let one: Value = response.json().await.expect("GeoJSON");
    assert_eq!(one["features"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["features"][0]["properties"]["gid"], 42);
    let response = send(
        &app,
        "GET",
        &format!("{path}?gid=quarante"),
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 400);

    // Writing: 403, saying the account reads only; another layer: 404.
    for method in ["POST", "PATCH"] {
        let response = send(
            &app,
            method,
            &path,
            &[
                ("Authorization", &bearer),
                ("Content-Type", "application/json"),
            ],
            Some(r#"{"type":"FeatureCollection","features":[]}"#),
        )
        .await;
        assert_eq!(response.status().as_u16(), 403, "{method}");
        let body: Value = response.json().await.expect("json");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("lecture seule")),
            "{body}"
        );
    }
    let response = send(
        &app,
        "GET",
        "/api/data/00000000-0000-0000-0000-000000000000?limit=1",
        &[("Cookie", &cookie)],
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 404);
    // Without a token or a session: 401.
    assert_eq!(
        send(&app, "GET", &path, &[], None).await.status().as_u16(),
        401
    );
}
on_both_databases!(the_catalogue);
