//! `GET /api/v1/sirene/{siren}` against the shipped directory.

use crate::helpers::{Backend, spawn_app};
use crate::on_both_databases;

async fn the_register_answers_for_every_kind_of_unit(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, poste) = app.get("/api/v1/sirene/356000000").await;
    assert_eq!(status, 200);
    assert_eq!(poste["company_name"], "LA POSTE");
    assert_eq!(poste["state"], "active");
    assert_eq!(poste["legal_category"], "5510");
    assert_eq!(poste["diffusible"], true);

    let (_, ceased) = app.get("/api/v1/sirene/883010316").await;
    assert_eq!(ceased["state"], "ceased");
    assert_eq!(ceased["company_name"], "RAPHAEL DUBIGNY");

    let (_, hidden) = app.get("/api/v1/sirene/300025764").await;
    assert_eq!(hidden["diffusible"], false);
    assert!(hidden["company_name"].is_null());

    let (_, commune) = app.get("/api/v1/sirene/210100012").await;
    assert_eq!(
        commune["company_name"],
        "Commune de L'Abergement-Clémenciat"
    );

    let (status, body) = app.get("/api/v1/sirene/880878145").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_siren"))
    );
    for bad in ["356000001", "35600000", "abc", "356%20000%20000"] {
        let (status, body) = app.get(&format!("/api/v1/sirene/{bad}")).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("invalid_siren")),
            "{bad}"
        );
    }
}
on_both_databases!(the_register_answers_for_every_kind_of_unit);

#[tokio::test]
async fn importing_a_stock_file_by_header_names_updates_the_directory() {
    let app = spawn_app(Backend::Sqlite).await;
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/sirene/StockUniteLegale_sample_35cols.csv"
    );
    let written = server::sirene::import::import_file(&app.db, std::path::Path::new(file))
        .await
        .expect("import");
    assert_eq!(written, 9);
    let (_, unit) = app.get("/api/v1/sirene/057808172").await;
    assert_eq!(unit["company_name"], "DELTA ASSURANCES");
    assert_eq!(unit["state"], "ceased");
}
