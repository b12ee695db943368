//! The security headers on every answer of the router: every API route of the OpenAPI document, with every
//! method, the pages, static files and unknown addresses; no-store on what may carry personal data.

use crate::helpers::{ADMIN_PASSWORD, Backend, Options, spawn_app, spawn_app_with};
use reqwest::Method;

const EVERYWHERE: [(&str, &str); 6] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "content-security-policy",
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
    ),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), accelerometer=(), gyroscope=(), magnetometer=(), browsing-topics=()",
    ),
];

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app(Backend::Sqlite).await;
    let (status, doc) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let mut calls: Vec<(Method, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let concrete = path
            .replace("{id}", "1")
            .replace("{siren}", "356000000")
            .replace("{code}", "doublon")
            .replace("{token}", "inconnu")
            .replace("{link}", "inconnu");
        for method in item.as_object().expect("path item").keys() {
            calls.push((
                method.to_uppercase().parse().expect("method"),
                concrete.clone(),
            ));
        }
    }
    assert!(calls.len() >= 30, "{calls:?}");
    for page in [
        "/apropos",
        "/inscription",
        "/connexion",
        "/compte",
        "/admin",
        "/admin/connexion",
        "/accessibilite",
        "/mentions-legales",
        "/donnees-personnelles",
        "/page-inconnue",
        "/api/v1/inconnue",
    ] {
        calls.push((Method::GET, page.to_string()));
    }
    for (method, path) in &calls {
        let response = app
            .client
            .request(method.clone(), format!("{}{path}", app.base))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let headers = response.headers();
        for (name, value) in EVERYWHERE {
            assert_eq!(
                headers.get(name).and_then(|v| v.to_str().ok()),
                Some(value),
                "{method} {path} ({status}): {name}"
            );
        }
        assert!(
            headers.get("strict-transport-security").is_none(),
            "no HSTS over plain HTTP"
        );
        let private = path.starts_with("/api/")
            && ![
                "/api/v1/openapi.json",
                "/api/v1/health",
                "/api/v1/health/live",
                "/api/v1/health/ready",
            ]
            .contains(&path.as_str())
            || path.starts_with("/admin")
            || path.starts_with("/compte");
        assert_eq!(
            headers.get("cache-control").and_then(|v| v.to_str().ok()),
            Some(if private { "no-store" } else { "no-cache" }),
            "{method} {path} ({status})"
        );
    }
}

#[tokio::test]
async fn a_session_cookie_is_never_stored_by_a_cache() {
    let app = spawn_app(Backend::Sqlite).await;
    server::admins::create(
        &app.db,
        &server::audit::Actor::system(),
        "vigie",
        "vigie@sante.gouv.fr",
        server::admins::Role::Viewer,
        ADMIN_PASSWORD,
    )
    .await
    .expect("administrator created");
    let response = app.sign_in("vigie", ADMIN_PASSWORD).await;
    assert_eq!(response.status().as_u16(), 204);
    assert!(response.headers().contains_key("set-cookie"));
    assert_eq!(response.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn https_is_pinned_when_the_service_is_public_over_https() {
    let app = spawn_app_with(
        Backend::Sqlite,
        Options {
            https: true,
            ..Options::default()
        },
    )
    .await;
    for path in ["/apropos", "/api/v1/health"] {
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("request");
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=63072000; includeSubDomains",
            "{path}"
        );
    }
}

#[tokio::test]
async fn pages_name_their_scripts_by_a_fresh_nonce() {
    let app = spawn_app(Backend::Sqlite).await;
    let page = |path: &'static str| {
        let app = &app;
        async move {
            app.client
                .get(format!("{}{path}", app.base))
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("html")
        }
    };
    let first = page("/inscription").await;
    let nonce_of = |html: &str| {
        html.split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .map(str::to_string)
            .expect("a nonce in the policy")
    };
    let nonce = nonce_of(&first);
    assert!(nonce.len() >= 20, "{nonce}");
    let policy_at = first
        .find("http-equiv=\"Content-Security-Policy\"")
        .expect("the policy");
    let first_script = first.find("<script").expect("a script");
    assert!(
        policy_at < first_script,
        "the policy comes before every script"
    );
    assert!(
        first.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the policy's nonce"
    );
    assert!(!first.contains("unsafe-inline"));
    // The public bundle's loader, whole: one text, called with the bundle's files.
    let loader = first
        .split("<script type=\"module\"")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("the loader");
    assert!(
        !loader.contains("<!"),
        "no marker inside the script: {loader}"
    );
    assert!(
        loader
            .trim_end()
            .ends_with("(\"/pkg/geodae.js\", \"/pkg/geodae.wasm\");"),
        "{loader}"
    );
    assert_ne!(
        nonce_of(&page("/inscription").await),
        nonce,
        "fresh each time"
    );
}

#[tokio::test]
async fn static_files_go_compressed_and_are_kept_by_their_rule() {
    let site = tempfile::tempdir().expect("site folder");
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    let css = "body { color: #161616; } ".repeat(200);
    std::fs::write(pkg.join("geodae.css"), &css).expect("css");
    std::fs::write(pkg.join("geodae.css.br"), b"brotli bytes").expect("br");
    std::fs::write(pkg.join("geodae.css.gz"), b"gzip bytes").expect("gz");
    let app = spawn_app_with(
        Backend::Sqlite,
        Options {
            site_root: Some(site.path().to_path_buf()),
            ..Options::default()
        },
    )
    .await;
    let get = |encodings: &'static str| {
        app.client
            .get(format!("{}/pkg/geodae.css", app.base))
            .header("accept-encoding", encodings)
            .send()
    };

    // The precompressed copy the browser takes, brotli first.
    for (accepted, encoding, body) in [
        ("gzip, deflate, br", Some("br"), "brotli bytes".to_string()),
        ("gzip", Some("gzip"), "gzip bytes".to_string()),
        ("identity", None, css.clone()),
    ] {
        let response = get(accepted).await.expect("request");
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok()),
            encoding,
            "{accepted}"
        );
        assert_eq!(response.headers()["cache-control"], "no-cache");
        // A style sheet is never shown as a document: it carries what applies to it, not what governs one.
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        for document_only in [
            "x-frame-options",
            "permissions-policy",
            "content-security-policy",
        ] {
            assert!(
                response.headers().get(document_only).is_none(),
                "{document_only}"
            );
        }
        assert_eq!(response.text().await.expect("body"), body, "{accepted}");
    }

    // A second visit asks whether the file changed, and gets no body.
    let first = get("br").await.expect("request");
    let modified = first.headers()["last-modified"].clone();
    let again = app
        .client
        .get(format!("{}/pkg/geodae.css", app.base))
        .header("accept-encoding", "br")
        .header("if-modified-since", modified)
        .send()
        .await
        .expect("request");
    assert_eq!(again.status().as_u16(), 304);

    // A built file, whose name holds its hash, and a file named with its digest are kept for good; the
    // back office's build is served beside the public one. A missing hashed name is no rule to keep.
    let hashed = "geodae.AbCdEfGhIjKlMnOpQrStUv";
    std::fs::write(pkg.join(format!("{hashed}.wasm")), b"\0asm").expect("wasm");
    std::fs::create_dir_all(site.path().join("dsfr/css")).expect("dsfr");
    std::fs::write(site.path().join("dsfr/css/dsfr.min.css"), &css).expect("dsfr css");
    let back_office = server::http::assets::back_office_root(site.path());
    std::fs::create_dir_all(back_office.join("pkg/back-office")).expect("back office");
    std::fs::write(
        back_office.join(format!("pkg/back-office/{hashed}.js")),
        b"export {}",
    )
    .expect("js");
    for (address, status, rule) in [
        (
            format!("/pkg/{hashed}.wasm"),
            200,
            "public, max-age=31536000, immutable",
        ),
        (
            format!("/pkg/back-office/{hashed}.js"),
            200,
            "public, max-age=31536000, immutable",
        ),
        (
            "/dsfr/css/dsfr.min.css?v=0123456789abcdef".to_string(),
            200,
            "public, max-age=31536000, immutable",
        ),
        ("/dsfr/css/dsfr.min.css".to_string(), 200, "no-cache"),
        // A page is never kept for good, whatever its address says.
        ("/inscription?v=0123abcd".to_string(), 200, "no-cache"),
        (format!("/pkg/{hashed}.js"), 404, "no-cache"),
    ] {
        let response = app
            .client
            .get(format!("{}{address}", app.base))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), status, "{address}");
        assert_eq!(response.headers()["cache-control"], rule, "{address}");
        // The 404 page and the form's page are documents.
        assert_eq!(
            response.headers().contains_key("x-frame-options"),
            status == 404 || address.starts_with("/inscription"),
            "{address}"
        );
    }
    std::fs::remove_dir_all(&back_office).expect("clean up");

    // Pages and JSON are compressed on the fly; a missing file is the application's 404 page.
    let document = app
        .client
        .get(format!("{}/api/v1/openapi.json", app.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(document.headers()["content-encoding"], "gzip");
    let missing = app
        .client
        .get(format!("{}/pkg/absent.js", app.base))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status().as_u16(), 404);
}
