//! `POST /api/v1/registrations`: storing requests, duplicates, every error code, the emails that leave.

use serde_json::{Value, json};

use crate::helpers::{Backend, Options, emails_to, spawn_app, spawn_app_with};
use crate::on_both_databases;

async fn a_valid_request_is_stored_and_both_emails_leave(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, body) = app.submit(&app.request("demandeur")).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body, json!({ "email": app.email("demandeur") }));
    let (id, reference) = app.stored("demandeur").await;
    let reference = reference.as_str();
    assert!(
        reference.starts_with("DAE-") && reference.len() == 12,
        "{reference}"
    );

    let stored: (String, String, String, i64, String) =
        sqlx::query_as("SELECT company_name, company_name_source, phone, siren_verified, status FROM registrations WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .expect("stored request");
    assert_eq!(
        stored,
        (
            "LA POSTE".into(),
            "register".into(),
            "+33123456789".into(),
            1,
            "pending".into()
        )
    );

    let acknowledgement = emails_to(&app.email("demandeur"), 1).await;
    assert_eq!(acknowledgement.len(), 1, "exactly one acknowledgement");
    let text = acknowledgement[0]["text"].as_str().expect("text part");
    assert!(
        text.contains("votre demande a été transmise aux administrateurs"),
        "{text}"
    );
    assert!(text.contains(reference));
    assert!(
        acknowledgement[0]["html"]
            .as_str()
            .is_some_and(|h| h.contains(reference))
    );
    let notice = emails_to(&app.admin_email, 1).await;
    assert_eq!(notice.len(), 1);
    assert!(
        notice[0]["subject"]
            .as_str()
            .is_some_and(|s| s.contains("LA POSTE") && s.contains(reference))
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
            .await,
        2
    );
}
on_both_databases!(a_valid_request_is_stored_and_both_emails_leave);

async fn the_register_name_wins_over_a_typed_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut request = app.request("nom");
    request["company_name"] = json!("Autre nom saisi");
    let (status, body) = app.submit(&request).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM registrations WHERE company_name = 'LA POSTE'")
            .await,
        1
    );
}
on_both_databases!(the_register_name_wins_over_a_typed_one);

#[tokio::test]
async fn every_field_error_is_reported_at_once() {
    let app = spawn_app(Backend::Sqlite).await;
    let body = json!({
        "profile": "exploitant", "last_name": "Dupont3", "first_name": "", "email": "pas-une-adresse",
        "organisation_kind": "autre", "siren": "356 000 000", "siret": "123", "company_name": "",
        "phone_prefix": "+33", "phone_number": "06 12"
    });
    let (status, answer) = app.submit(&body).await;
    assert_eq!(status, 422);
    assert_eq!(answer["code"], "validation");
    let fields: Vec<&str> = answer["fields"]
        .as_object()
        .expect("fields")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "email",
            "first_name",
            "last_name",
            "organisation_kind",
            "phone_number",
            "profile",
            "siren",
            "siret"
        ]
    );
    assert_eq!(
        answer["fields"]["siren"],
        "Le code SIREN s'écrit sans espace : 356000000."
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM registrations").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox").await,
        0,
        "nothing half written"
    );
}

/// The emails to `address` whose subject says a request was sent with it.
async fn told(address: &str, at_least: usize) -> Vec<Value> {
    emails_to(address, at_least)
        .await
        .into_iter()
        .filter(|m| {
            m["subject"].as_str().is_some_and(|s| {
                s.contains("une demande de compte API a été faite avec votre adresse")
            })
        })
        .collect()
}

async fn a_second_request_for_a_pending_address_is_told_to_its_owner_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.submit(&app.request("double")).await;
    let mut other = app.request("double");
    other["email"] = json!(
        app.email("double")
            .to_uppercase()
            .replace("@EXEMPLE.FR", "@exemple.fr")
    );
    other["last_name"] = json!("Autre");
    let second = app.submit(&other).await;
    // The sender learns nothing of the address: the same answer as for a request stored.
    assert_eq!((first.0, second.0), (202, 202), "{second:?}");
    assert_eq!(
        first.1["email"].as_str().map(str::to_lowercase),
        second.1["email"].as_str().map(str::to_lowercase)
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM registrations").await, 1);
    // Its owner is told, with the reference of the request under review.
    let (_, reference) = app.stored("double").await;
    let notice = told(&app.email("double"), 2).await;
    assert_eq!(notice.len(), 1, "{notice:?}");
    let text = notice[0]["text"].as_str().expect("text");
    assert!(
        text.contains(&reference) && text.contains("déjà en cours d'examen"),
        "{text}"
    );
}
on_both_databases!(a_second_request_for_a_pending_address_is_told_to_its_owner_only);

async fn a_double_click_creates_one_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let request = app.request("clic");
    let (first, second) = tokio::join!(app.submit(&request), app.submit(&request));
    assert_eq!((first.0, second.0), (202, 202), "{first:?} {second:?}");
    assert_eq!(app.submit(&request).await.0, 202, "sent again later");
    assert_eq!(app.count("SELECT COUNT(*) FROM registrations").await, 1);
    let emails = emails_to(&app.email("clic"), 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(emails_to(&app.email("clic"), 1).await.len(), emails.len(),);
    assert_eq!(
        emails.len(),
        1,
        "one acknowledgement, nothing else: {emails:?}"
    );
}
on_both_databases!(a_double_click_creates_one_request);

async fn an_address_with_an_account_is_told_to_its_owner_and_a_refused_applicant_may_apply_again(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let first = app.submit_as("refuse", "Marie", "Test").await;
    sqlx::query("UPDATE registrations SET status = 'refused' WHERE id = $1")
        .bind(first)
        .execute(&app.db.pool)
        .await
        .expect("refuse");
    let (status, second) = app.submit(&app.request("refuse")).await;
    assert_eq!(status, 202, "{second}");
    assert_ne!(app.request_id("refuse").await, first);

    sqlx::query("INSERT INTO accounts (login, email_key, email, registration_id, created_at) VALUES ('mtest', $1, $1, $2, 0)")
        .bind(app.email("compte"))
        .bind(first)
        .execute(&app.db.pool)
        .await
        .expect("account");
    let (status, body) = app.submit(&app.request("compte")).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM registrations").await,
        2,
        "not stored"
    );
    let notice = told(&app.email("compte"), 1).await;
    assert_eq!(notice.len(), 1);
    let text = notice[0]["text"].as_str().expect("text");
    assert!(
        text.contains("un compte existe déjà") && text.contains("Votre identifiant : mtest"),
        "{text}"
    );
}
on_both_databases!(
    an_address_with_an_account_is_told_to_its_owner_and_a_refused_applicant_may_apply_again
);

#[tokio::test]
async fn a_ceased_or_unknown_company_cannot_apply() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut ceased = app.request("cessee");
    ceased["siren"] = json!("883010316");
    ceased["organisation_kind"] = json!("copropriete_particulier");
    let (status, body) = app.submit(&ceased).await;
    assert_eq!(status, 422);
    assert!(
        body["fields"]["siren"]
            .as_str()
            .is_some_and(|m| m.contains("cessée")),
        "{body}"
    );
    let mut unknown = app.request("inconnue");
    unknown["siren"] = json!("880878145");
    let (status, body) = app.submit(&unknown).await;
    assert_eq!(status, 422);
    assert!(
        body["fields"]["siren"]
            .as_str()
            .is_some_and(|m| m.contains("introuvable")),
        "{body}"
    );
}

#[tokio::test]
async fn a_non_diffusible_company_types_its_name_and_is_marked() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut request = app.request("nd");
    request["siren"] = json!("300025764");
    let (status, body) = app.submit(&request).await;
    assert_eq!(status, 422);
    assert!(body["fields"]["company_name"].is_string(), "{body}");
    request["company_name"] = json!("Cabinet Martin");
    let (status, body) = app.submit(&request).await;
    assert_eq!(status, 202, "{body}");
    let (name, source, warnings): (String, String, String) =
        sqlx::query_as("SELECT company_name, company_name_source, warnings FROM registrations")
            .fetch_one(&app.db.pool)
            .await
            .expect("row");
    assert_eq!(
        (name.as_str(), source.as_str()),
        ("Cabinet Martin", "applicant")
    );
    assert!(warnings.contains("non diffusible"), "{warnings}");

    // The request page lists the point once, as the register says it now.
    let id = app.request_id("nd").await;
    let reviewer = app.admin("relecture", "viewer").await;
    let (status, detail) = app
        .call(
            Some(&reviewer),
            "GET",
            &format!("/api/v1/admin/registrations/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{detail}");
    let points: Vec<&str> = ["mismatches", "warnings"]
        .iter()
        .flat_map(|list| detail[*list].as_array().expect("list"))
        .filter_map(Value::as_str)
        .filter(|point| point.contains("non diffusible"))
        .collect();
    assert_eq!(points.len(), 1, "{detail}");
}

async fn with_the_register_unavailable_the_request_is_marked_not_verified(backend: Backend) {
    let app = spawn_app_with(
        backend,
        Options {
            sirene_seed: false,
            ..Options::default()
        },
    )
    .await;
    let (status, body) = app.get("/api/v1/sirene/356000000").await;
    assert_eq!(status, 503);
    assert_eq!(body["code"], "register_unavailable");
    let mut request = app.request("indispo");
    let (status, body) = app.submit(&request).await;
    assert_eq!(status, 422, "the name must be typed");
    assert!(body["fields"]["company_name"].is_string());
    request["company_name"] = json!("La Poste");
    let (status, body) = app.submit(&request).await;
    assert_eq!(status, 202, "{body}");
    let (verified, warnings): (i64, String) =
        sqlx::query_as("SELECT siren_verified, warnings FROM registrations")
            .fetch_one(&app.db.pool)
            .await
            .expect("row");
    assert_eq!(verified, 0);
    assert!(warnings.contains("SIREN non vérifié"), "{warnings}");
    assert!(!warnings.contains("invalide"));
}
on_both_databases!(with_the_register_unavailable_the_request_is_marked_not_verified);

#[tokio::test]
async fn malformed_bodies_get_a_code_never_a_500() {
    let app = spawn_app(Backend::Sqlite).await;
    let url = format!("{}/api/v1/registrations", app.base);
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (
            app.client
                .post(&url)
                .header("content-type", "application/json")
                .body("{not json"),
            400,
            "malformed_json",
        ),
        (
            app.client.post(&url).body("{}"),
            415,
            "unsupported_media_type",
        ),
        (
            app.client
                .post(&url)
                .header("content-type", "application/json")
                .body("[1, 2]"),
            422,
            "invalid_body",
        ),
        (
            app.client.post(&url).json(&json!({"siren": 356000000})),
            422,
            "invalid_body",
        ),
        (
            app.client
                .post(&url)
                .header("content-type", "application/json")
                .body(format!("{{\"last_name\": \"{}\"}}", "a".repeat(100_000))),
            413,
            "payload_too_large",
        ),
        (
            app.client.get(format!("{}/api/v1/nulle-part", app.base)),
            404,
            "not_found",
        ),
        (app.client.delete(&url), 405, ""),
    ];
    for (request, expected, code) in cases {
        let response = request.send().await.expect("answer");
        let status = response.status().as_u16();
        assert_eq!(status, expected);
        if !code.is_empty() {
            let body: Value = response.json().await.expect("JSON error body");
            assert_eq!(body["code"], code);
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }
    let (status, body) = app.submit(&json!({})).await;
    assert_eq!(
        status, 422,
        "an empty object is a form with every field missing: {body}"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app(Backend::Sqlite).await;
    let (status, doc) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/api/v1/health", "get"),
        ("/api/v1/sirene/{siren}", "get"),
        ("/api/v1/registrations", "post"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from the document"
        );
    }
    // And every documented operation is routed: no 405, and no 404 from the fallback for unknown addresses
    // (a 404 about a missing resource carries its own code).
    for (path, item) in paths {
        for method in item.as_object().expect("operations").keys() {
            let url = format!(
                "{}{}",
                app.base,
                path.replace("{siren}", "356000000")
                    .replace("{id}", "1")
                    .replace("{code}", "doublon")
                    .replace("{link}", "lien")
            );
            let method =
                reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let response = app
                .client
                .request(method.clone(), &url)
                .json(&json!({}))
                .send()
                .await
                .expect("answer");
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            assert!(
                status != 405 && body["code"] != "not_found",
                "{method} {path} answered {status} {body}"
            );
        }
    }
}

async fn health_answers_when_the_database_does(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, body) = app.get("/api/v1/health").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
}
on_both_databases!(health_answers_when_the_database_does);

#[tokio::test]
async fn the_openapi_document_says_what_is_required() {
    let app = spawn_app(Backend::Sqlite).await;
    let (_, doc) = app.get("/api/v1/openapi.json").await;
    let required: Vec<&str> = doc["components"]["schemas"]["RegistrationRequest"]["required"]
        .as_array()
        .expect("required members")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for field in app::domain::Field::ALL {
        assert!(
            required.contains(&field.key()),
            "{} in {required:?}",
            field.key()
        );
    }
    let search = &doc["paths"]["/api/v1/sirene"]["get"]["parameters"];
    let q = search
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "q")
        .expect("q");
    assert_eq!(q["required"], true, "{q}");
    // The audit trail's actions are listed, each with its label in the pages.
    let actions = doc["components"]["schemas"]["AuditAction"]["enum"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(actions, app::api::admin::AuditAction::ALL.len());
}
