//! The mandatory pages: rendered by the server with this installation's settings (a reader without
//! JavaScript reads them whole), the same settings served to the browser, and linked from every page.

use crate::helpers::{Backend, Options, spawn_app, spawn_app_with};

/// The status and HTML of a page.
async fn fetch(app: &crate::helpers::TestApp, path: &str) -> (u16, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("page"))
}

async fn page(app: &crate::helpers::TestApp, path: &str) -> String {
    let (status, html) = fetch(app, path).await;
    assert_eq!(status, 200, "{path}");
    html
}

#[tokio::test]
async fn the_mandatory_pages_say_what_the_installation_is_configured_with() {
    let retention = app::api::Retention {
        refused_days: 30,
        audit_days: 400,
        ..Default::default()
    };
    let app = spawn_app_with(
        Backend::Sqlite,
        Options {
            retention,
            ..Default::default()
        },
    )
    .await;
    let (status, legal) = app.get("/api/v1/legal").await;
    assert_eq!(status, 200);
    assert_eq!(legal["site_url"], "http://comptes.geodae.test");
    assert_eq!(legal["retention"]["refused_days"], 30);
    assert_eq!(legal["retention"]["audit_days"], 400);
    assert_eq!(legal["retention"]["ended_days"], 7);

    let notice = page(&app, "/mentions-legales").await;
    for expected in [
        "<title>Mentions légales - Géo'DAE</title>",
        "Directeur de la publication",
        "Le directeur général de la santé",
        "Hébergement",
        "01 40 56 60 00",
        "http://comptes.geodae.test",
    ] {
        assert!(notice.contains(expected), "mentions légales: {expected}");
    }
    assert!(!notice.contains("Chargement…"), "rendered whole");

    let data = page(&app, "/donnees-personnelles").await;
    for expected in [
        "Responsable du traitement",
        "article 6, paragraphe 1, point e",
        "30 jours après le refus",
        "400 jours",
        "7 jours après leur utilisation ou leur expiration",
        "CNIL",
        "Délégué à la protection des données",
    ] {
        assert!(data.contains(expected), "données personnelles: {expected}");
    }

    let declaration = page(&app, "/accessibilite").await;
    for expected in [
        "non conforme",
        "RGAA",
        "Défenseur des droits",
        "Libre réponse 71120",
        "contact@geodae.sante.gouv.fr",
    ] {
        assert!(declaration.contains(expected), "accessibilité: {expected}");
    }
}

/// The page has a link to `href` whose text is `text`.
fn links_to(html: &str, href: &str, text: &str) -> bool {
    html.match_indices(&format!(">{text}</a>")).any(|(at, _)| {
        html[..at]
            .rfind("<a ")
            .is_some_and(|start| html[start..at].contains(&format!(r#"href="{href}""#)))
    })
}

#[tokio::test]
async fn every_page_links_to_the_mandatory_pages() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in [
        "/apropos",
        "/inscription",
        "/connexion",
        "/admin/connexion",
        "/mentions-legales",
        "/page-inconnue",
    ] {
        let html = fetch(&app, path).await.1.replace("<!>", "");
        for (href, text) in [
            ("/accessibilite", "Accessibilité : non conforme"),
            ("/mentions-legales", "Mentions légales"),
            ("/donnees-personnelles", "Données personnelles"),
        ] {
            assert!(links_to(&html, href, text), "{path}: {text}");
        }
    }
    // Where the applicant types their name, email and phone, a notice says what is done with them.
    let form = page(&app, "/inscription").await;
    let notice = form
        .split_once(r#"id="data-notice""#)
        .expect("the notice under the form")
        .1;
    assert!(notice.contains("administrateurs de Géo'DAE"), "{notice}");
    assert!(notice.contains(r#"href="/donnees-personnelles""#));
}
