//! Decisions: validation and refusal, their emails, races between administrators, identifiants.

use serde_json::{Value, json};

use crate::helpers::{Backend, emails_to, spawn_app};
use crate::on_both_databases;

async fn approval_creates_the_account_and_sends_one_validation_email(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("valide", "Marie", "Test").await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let (status, body) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["login"], "mtest");

    let emails = emails_to(&app.email("valide"), 2).await;
    let validation: Vec<&Value> = emails
        .iter()
        .filter(|m| m["subject"].as_str().is_some_and(|s| s.contains("validé")))
        .collect();
    assert_eq!(validation.len(), 1, "exactly one validation email");
    let text = validation[0]["text"].as_str().expect("text");
    assert!(text.contains("Votre identifiant : mtest"), "{text}");
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/compte/mot-de-passe#jeton="))
        .expect("password link");
    assert!(
        link.starts_with("http://comptes.geodae.test/compte/mot-de-passe#jeton="),
        "{link}"
    );
    let secret = link.rsplit('=').next().expect("token");
    assert!(secret.len() >= 22, "at least 128 bits: {secret}");
    let (stored, lifetime): (String, i64) = sqlx::query_as(
        "SELECT t.token_hash, t.expires_at - t.created_at FROM account_tokens t JOIN accounts a ON a.id = t.account_id WHERE a.login = 'mtest'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("token row");
    assert_eq!(
        stored,
        server::auth::token::digest(secret),
        "only the digest is stored"
    );
    assert_eq!(lifetime, 7 * 24 * 3600 * 1000);

    let (status, again) = app
        .call(
            Some(&reviewer),
            "POST",
            &format!("/api/v1/admin/registrations/{id}/approve"),
            None,
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(again["code"], "already_decided");
    assert!(
        again["message"]
            .as_str()
            .is_some_and(|m| m.contains("instructeur")),
        "{again}"
    );

    let (status, detail) = app
        .call(
            Some(&reviewer),
            "GET",
            &format!("/api/v1/admin/registrations/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(detail["decision"]["login"], "mtest");
    assert_eq!(detail["decision"]["decided_by"], "instructeur");
    assert_eq!(detail["register"]["company_name"], "LA POSTE");
    let actions: Vec<&str> = detail["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|h| h["action"].as_str())
        .collect();
    assert_eq!(actions, ["submitted", "approved"]);

    // The applicant cannot apply again with this address: an account exists (the answer does not say so,
    // the address's owner is told by email).
    let (status, body) = app.submit(&app.request("valide")).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM registrations").await,
        1,
        "not stored"
    );
}
on_both_databases!(approval_creates_the_account_and_sends_one_validation_email);

async fn refusal_quotes_the_reasons_and_links_to_a_filled_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.submit_as("refus", "Marie", "Test").await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let url = format!("/api/v1/admin/registrations/{id}/refuse");

    let (status, body) = app
        .call(
            Some(&reviewer),
            "POST",
            &url,
            Some(json!({ "reasons": [], "message": "" })),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("validation")),
        "at least one reason"
    );
    let (status, _) = app
        .call(
            Some(&reviewer),
            "POST",
            &url,
            Some(json!({ "reasons": ["inconnu"] })),
        )
        .await;
    assert_eq!(status, 422, "an unknown reason");

    let (status, body) = app
        .call(
            Some(&reviewer),
            "POST",
            &url,
            // A reason sent twice, not in a row, counts once.
            Some(json!({ "reasons": ["email_personnel", "nom_demandeur", "email_personnel"], "message": "Merci de refaire la demande." })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, detail) = app
        .call(
            Some(&reviewer),
            "GET",
            &format!("/api/v1/admin/registrations/{id}"),
            None,
        )
        .await;
    assert_eq!(
        detail["decision"]["reasons"].as_array().map(Vec::len),
        Some(2),
        "{detail}"
    );
    let emails = emails_to(&app.email("refus"), 2).await;
    let refusal: Vec<&Value> = emails
        .iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .is_some_and(|s| s.contains("pas été acceptée"))
        })
        .collect();
    assert_eq!(refusal.len(), 1, "exactly one refusal email");
    let text = refusal[0]["text"].as_str().expect("text");
    assert!(text.contains("adresse email professionnelle"), "{text}");
    assert!(text.contains("nom d'une personne physique"), "{text}");
    assert!(text.contains("Merci de refaire la demande."), "{text}");
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/inscription#reprise="))
        .expect("re-application link");
    let token = link.rsplit('=').next().expect("token");

    let (status, prefill) = app
        .post("/api/v1/registrations/reprise", &json!({ "token": token }))
        .await;
    assert_eq!(status, 200, "{prefill}");
    assert_eq!(prefill["email"], app.email("refus"));
    assert_eq!(prefill["siren"], "356000000");
    assert_eq!(prefill["phone_prefix"], "+33");
    assert_eq!(prefill["phone_number"], "123456789");
    assert_eq!(prefill["first_name"], "Marie");

    let forged = format!("{token}x");
    let (status, body) = app
        .post("/api/v1/registrations/reprise", &json!({ "token": forged }))
        .await;
    assert_eq!((status, body["code"].as_str()), (404, Some("link_unknown")));

    // The refused applicant may apply again with the same address.
    let (status, body) = app.submit(&app.request("refus")).await;
    assert_eq!(status, 202, "{body}");
}
on_both_databases!(refusal_quotes_the_reasons_and_links_to_a_filled_form);

async fn simultaneous_decisions_end_with_one(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.admin("premiere", "reviewer").await;
    let second = app.admin("seconde", "reviewer").await;
    for round in 0..12 {
        let id = app
            .submit_as(&format!("course{round}"), "Marie", "Test")
            .await;
        let (approve_url, refuse_url) = (
            format!("/api/v1/admin/registrations/{id}/approve"),
            format!("/api/v1/admin/registrations/{id}/refuse"),
        );
        let approve = app.call(Some(&first), "POST", &approve_url, None);
        let refuse = app.call(
            Some(&second),
            "POST",
            &refuse_url,
            Some(json!({ "reasons": ["doublon"] })),
        );
        let ((a, a_body), (r, r_body)) = tokio::join!(approve, refuse);
        let mut statuses = [a, r];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}: {a_body} {r_body}");
        let loser = if a == 409 { &a_body } else { &r_body };
        assert_eq!(loser["code"], "already_decided");
        let (decisions,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM outbox WHERE registration_id = $1 AND kind IN ('validation', 'refusal')",
        )
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
        assert_eq!(decisions, 1, "round {round}: one decision email");
    }
    let accounts = app.count("SELECT COUNT(*) FROM accounts").await;
    let approved = app
        .count("SELECT COUNT(*) FROM registrations WHERE status = 'approved'")
        .await;
    assert_eq!(accounts, approved, "one account per validation");
}
on_both_databases!(simultaneous_decisions_end_with_one);

async fn identifiants_get_a_suffix_when_taken(backend: Backend) {
    let app = spawn_app(backend).await;
    let reviewer = app.admin("instructeur", "reviewer").await;
    let mut logins = Vec::new();
    for (who, first, last) in [
        ("a", "Marie", "Test"),
        ("b", "Mathieu", "Test"),
        ("c", "Mélanie", "Test"),
        ("d", "Éloïse", "Le Bœuf"),
    ] {
        let id = app.submit_as(who, first, last).await;
        let (status, body) = app
            .call(
                Some(&reviewer),
                "POST",
                &format!("/api/v1/admin/registrations/{id}/approve"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        logins.push(body["login"].as_str().expect("login").to_string());
    }
    assert_eq!(logins, ["mtest", "mtest2", "mtest3", "eleboeuf"]);
}
on_both_databases!(identifiants_get_a_suffix_when_taken);
