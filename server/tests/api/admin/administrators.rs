//! Administrators managing administrators: creation, roles, passwords, disabling.

use serde_json::json;

use crate::helpers::{Backend, spawn_app};
use crate::on_both_databases;

async fn admins_manage_administrators(backend: Backend) {
    let app = spawn_app(backend).await;
    let chief = app.admin("cheffe", "admin").await;
    let (status, created) = app
        .call(
            Some(&chief),
            "POST",
            "/api/v1/admin/admins",
            Some(
                json!({ "login": "nouveau", "email": "nouveau@sante.gouv.fr", "role": "reviewer" }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let first_password = created["password"].as_str().expect("password").to_string();
    assert!(first_password.len() >= 20);
    let id = created["admin"]["id"].as_i64().expect("id");
    // The answer is the stored row.
    let (_, listed) = app
        .call(Some(&chief), "GET", "/api/v1/admin/admins", None)
        .await;
    let stored = listed
        .as_array()
        .expect("admins")
        .iter()
        .find(|a| a["id"].as_i64() == Some(id))
        .expect("listed");
    assert_eq!(stored, &created["admin"]);
    let (status, _) = app
        .call(
            Some(&chief),
            "POST",
            "/api/v1/admin/admins",
            Some(json!({ "login": "nouveau", "email": "autre@sante.gouv.fr", "role": "viewer" })),
        )
        .await;
    assert_eq!(status, 409, "a login is unique");

    // The new reviewer signs in with the first password, then replaces it.
    let response = app.sign_in("nouveau", &first_password).await;
    assert_eq!(response.status().as_u16(), 204);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("cookie")
        .to_string();
    let mut newcomer = crate::helpers::AdminSession {
        cookie,
        csrf: String::new(),
    };
    let (_, me) = app
        .call(Some(&newcomer), "GET", "/api/v1/admin/session", None)
        .await;
    newcomer.csrf = me["csrf_token"].as_str().expect("csrf").to_string();
    assert_eq!(me["role"], "reviewer");
    let (status, _) = app
        .call(
            Some(&newcomer),
            "PUT",
            "/api/v1/admin/session/password",
            Some(json!({ "current": "faux", "new": "un nouveau mot de passe" })),
        )
        .await;
    assert_eq!(status, 422, "the current password is checked");
    let (status, _) = app
        .call(
            Some(&newcomer),
            "PUT",
            "/api/v1/admin/session/password",
            Some(json!({ "current": first_password, "new": "un nouveau mot de passe" })),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        app.sign_in("nouveau", &first_password)
            .await
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        app.sign_in("nouveau", "un nouveau mot de passe")
            .await
            .status()
            .as_u16(),
        204
    );

    // Disabled: every session ends and sign-in fails.
    let (status, _) = app
        .call(
            Some(&chief),
            "PATCH",
            &format!("/api/v1/admin/admins/{id}"),
            Some(json!({ "disabled": true })),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .call(Some(&newcomer), "GET", "/api/v1/admin/session", None)
        .await;
    assert_eq!(status, 401);
    assert_eq!(
        app.sign_in("nouveau", "un nouveau mot de passe")
            .await
            .status()
            .as_u16(),
        401
    );

    // Nobody changes themselves, and the last admin stays.
    let (_, list) = app
        .call(Some(&chief), "GET", "/api/v1/admin/admins", None)
        .await;
    let chief_id = list
        .as_array()
        .expect("admins")
        .iter()
        .find(|a| a["login"] == "cheffe")
        .and_then(|a| a["id"].as_i64())
        .expect("id");
    let (status, _) = app
        .call(
            Some(&chief),
            "PATCH",
            &format!("/api/v1/admin/admins/{chief_id}"),
            Some(json!({ "role": "viewer" })),
        )
        .await;
    assert_eq!(status, 422);
    let (_, list) = app
        .call(Some(&chief), "GET", "/api/v1/admin/admins", None)
        .await;
    let bootstrap = list
        .as_array()
        .expect("admins")
        .iter()
        .find(|a| a["login"] == "admin")
        .and_then(|a| a["id"].as_i64())
        .expect("first administrator");
    let (status, _) = app
        .call(
            Some(&chief),
            "PATCH",
            &format!("/api/v1/admin/admins/{bootstrap}"),
            Some(json!({ "disabled": true })),
        )
        .await;
    assert_eq!(status, 204, "another admin remains (cheffe)");

    let (_, trail) = app
        .call(Some(&chief), "GET", "/api/v1/admin/audit", None)
        .await;
    let actions: Vec<&str> = trail
        .as_array()
        .expect("trail")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in ["admin.created", "admin.changed", "admin.password_changed"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}
on_both_databases!(admins_manage_administrators);
