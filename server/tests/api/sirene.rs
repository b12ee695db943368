//! The SIRENE directory: lookups, imports of INSEE's file (layouts, sizes, damaged files, interruptions, the swap
//! while serving) and the search by name, on both engines.

use std::path::{Path, PathBuf};
use std::time::Duration;

use server::sirene::import::{Source, import};
use server::sirene::synthetic::Generator;

use crate::helpers::{Backend, TestApp, fixture, spawn_app};
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

async fn each_layout_of_insee_file_is_imported_by_header_names(backend: Backend) {
    let app = spawn_app(backend).await;
    for (file, rows) in [
        ("StockUniteLegale_sample_33cols_2019.csv", 3),
        ("StockUniteLegale_sample_34cols_14rows.csv", 14),
        ("StockUniteLegale_sample_35cols.csv", 9),
    ] {
        let report = app.import(&fixture(file)).await.expect(file);
        assert_eq!(
            (report.summary.rows, report.summary.loaded),
            (rows, rows),
            "{file}"
        );
        // A partial file: the shipped public bodies stay, and the summary says so.
        assert!(report.kept_from_extract > 30_000, "{file}");
        let (status, commune) = app.get("/api/v1/sirene/210100012").await;
        assert_eq!(status, 200, "{file}");
        assert_eq!(commune["legal_category"], "7210");
    }
    // The last file's word wins over the shipped extract: DELTA ASSURANCES has ceased since.
    let (_, unit) = app.get("/api/v1/sirene/057808172").await;
    assert_eq!(unit["company_name"], "DELTA ASSURANCES");
    assert_eq!(unit["state"], "ceased");
    let history = app
        .count("SELECT CAST(COUNT(*) AS BIGINT) FROM sirene_imports")
        .await;
    assert_eq!(history, 4, "the shipped extract, then three files");
}
on_both_databases!(each_layout_of_insee_file_is_imported_by_header_names);

/// A synthetic StockUniteLegale file of `rows` rows in a temporary folder.
fn generated(rows: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("folder");
    let path = dir.path().join("StockUniteLegale_utf8.csv");
    let out = std::fs::File::create(&path).expect("file");
    Generator::new(rows, 5).write(rows, out).expect("generated");
    (dir, path)
}

/// The SIREN and name of the row at `index` (0 = first after the header).
fn row_of(file: &Path, index: usize) -> (String, String) {
    let mut reader = csv::Reader::from_path(file).expect("file");
    let record = reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| &r[1] == "O" && &r[20] == "A" && !r[23].is_empty())
        .nth(index)
        .expect("an active company");
    (record[0].to_string(), record[23].to_string())
}

async fn a_generated_national_style_file_loads_whole(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_dir, file) = generated(30_000);
    let report = app.import(&file).await.expect("import");
    let s = &report.summary;
    assert_eq!((s.rows, s.loaded), (30_000, 30_000));
    assert_eq!(s.active + s.ceased, 30_000);
    assert!(s.non_diffusible > 500, "{}", s.non_diffusible);
    assert!(s.skipped.is_empty());
    assert_eq!(report.units(), 30_000 + report.kept_from_extract);
    let (siren, name) = row_of(&file, 100);
    let (status, unit) = app.get(&format!("/api/v1/sirene/{siren}")).await;
    assert_eq!(status, 200);
    assert_eq!(unit["company_name"], name.as_str());
    let (status, _) = app.get("/api/v1/sirene/356000000").await;
    assert_eq!(status, 200, "La Poste, from the shipped extract, is kept");
    // And the same file again: the same directory.
    let again = app.import(&file).await.expect("import again");
    assert_eq!(again.units(), report.units());
}
on_both_databases!(a_generated_national_style_file_loads_whole);

/// The directory answers as before: La Poste known, the units of `file` unknown.
async fn directory_is_untouched(app: &TestApp, file: &Path) {
    let (status, poste) = app.get("/api/v1/sirene/356000000").await;
    assert_eq!(
        (status, poste["company_name"].as_str()),
        (200, Some("LA POSTE"))
    );
    let (siren, _) = row_of(file, 10);
    let (status, _) = app.get(&format!("/api/v1/sirene/{siren}")).await;
    assert_eq!(status, 404, "nothing of the failed import is visible");
}

async fn nothing_is_left_of_a_failed_import(app: &TestApp, backend: Backend) {
    let left: Vec<String> = std::fs::read_dir(app.dir.path())
        .expect("folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("loading") || n.starts_with(".sirene-names"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    if let Backend::Postgres = backend {
        let tables = app
            .count("SELECT CAST(COUNT(*) AS BIGINT) FROM pg_tables WHERE tablename LIKE 'sirene_%_loading'")
            .await;
        assert_eq!(tables, 0);
    }
}

async fn a_truncated_or_damaged_file_leaves_the_directory_in_place(backend: Backend) {
    let app = spawn_app(backend).await;
    let (dir, file) = generated(20_000);
    let bytes = std::fs::read(&file).expect("file");

    // Cut in the middle of a line.
    let truncated = dir.path().join("truncated.csv");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).expect("write");
    let error = app
        .import(&truncated)
        .await
        .expect_err("truncated file refused");
    assert!(format!("{error:#}").contains("truncated"), "{error:#}");
    directory_is_untouched(&app, &file).await;
    nothing_is_left_of_a_failed_import(&app, backend).await;

    // A ZIP whose compressed data was damaged in transit.
    let zipped = dir.path().join("StockUniteLegale_utf8.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&zipped).expect("zip"));
        zip.start_file(
            "StockUniteLegale_utf8.csv",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("entry");
        std::io::Write::write_all(&mut zip, &bytes).expect("zip data");
        zip.finish().expect("zip");
    }
    let mut damaged = std::fs::read(&zipped).expect("zip");
    let middle = damaged.len() / 2;
    for b in &mut damaged[middle..middle + 64] {
        *b ^= 0x5a;
    }
    let damaged_path = dir.path().join("damaged.zip");
    std::fs::write(&damaged_path, &damaged).expect("write");
    assert!(
        app.import(&damaged_path).await.is_err(),
        "damaged ZIP refused"
    );
    directory_is_untouched(&app, &file).await;

    // Not a StockUniteLegale file at all.
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "nom,prenom\nMARTIN,JEAN\n").expect("write");
    let error = app.import(&other).await.expect_err("refused");
    assert!(format!("{error:#}").contains("siren"), "{error:#}");
    directory_is_untouched(&app, &file).await;
    nothing_is_left_of_a_failed_import(&app, backend).await;

    // The same ZIP, undamaged, loads.
    let report = app.import(&zipped).await.expect("the intact ZIP");
    assert_eq!(report.summary.loaded, 20_000);
}
on_both_databases!(a_truncated_or_damaged_file_leaves_the_directory_in_place);

async fn a_stopped_or_killed_import_leaves_the_directory_in_place(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_dir, file) = generated(150_000);

    // Stopped (Ctrl-C in the command) while writing.
    let stopped = import(
        &app.db,
        &app.context.directory,
        &app.database_url,
        Source::File(file.clone()),
        Default::default(),
        tokio::time::sleep(Duration::from_millis(300)),
    )
    .await;
    assert!(format!("{:#}", stopped.expect_err("stopped")).contains("stopped"));
    directory_is_untouched(&app, &file).await;
    nothing_is_left_of_a_failed_import(&app, backend).await;

    // Killed (kill -9) while writing: the command's process dies without cleaning up.
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["sirene", "import"])
        .arg(&file)
        .env("DATABASE_URL", &app.database_url)
        .env("GEODAE_DATA_DIR", app.dir.path())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("server sirene import");
    let mut writing = false;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        writing = match backend {
            Backend::Sqlite => std::fs::read_dir(app.dir.path())
                .expect("folder")
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().ends_with(".loading")),
            Backend::Postgres => {
                app.count("SELECT CAST(COUNT(*) AS BIGINT) FROM pg_tables WHERE tablename = 'sirene_units_loading'")
                    .await
                    > 0
            }
        };
        if writing {
            break;
        }
    }
    assert!(writing, "the import started writing");
    tokio::time::sleep(Duration::from_millis(200)).await;
    command.kill().expect("kill -9");
    command.wait().expect("killed");
    directory_is_untouched(&app, &file).await;

    // The next import clears what the killed one left, and completes.
    let report = app.import(&file).await.expect("import after a kill");
    assert_eq!(report.summary.loaded, 150_000);
    nothing_is_left_of_a_failed_import(&app, backend).await;
}
on_both_databases!(a_stopped_or_killed_import_leaves_the_directory_in_place);

async fn lookups_answer_during_an_import_and_see_the_new_directory_after_the_swap(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let (_dir, file) = generated(100_000);
    let (siren, name) = row_of(&file, 500);
    let importing = app.import(&file);
    let looking = async {
        let mut answers = 0;
        loop {
            let (status, poste) = app.get("/api/v1/sirene/356000000").await;
            assert_eq!(status, 200, "{poste}");
            assert_eq!(poste["company_name"], "LA POSTE");
            answers += 1;
            tokio::time::sleep(Duration::from_millis(5)).await;
            if answers > 10_000 {
                break answers;
            }
        }
    };
    let answers = tokio::select! {
        report = importing => {
            report.expect("import");
            None
        }
        answers = looking => Some(answers),
    };
    assert!(answers.is_none(), "the import finished");
    // The server opens the new file within a second (SQLite) or reads the new tables at once (PostgreSQL).
    let mut found = None;
    for _ in 0..40 {
        let (status, unit) = app.get(&format!("/api/v1/sirene/{siren}")).await;
        if status == 200 {
            found = Some(unit);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found.expect("the new unit")["company_name"], name.as_str());
    let (status, _) = app.get("/api/v1/sirene/356000000").await;
    assert_eq!(status, 200);
}
on_both_databases!(lookups_answer_during_an_import_and_see_the_new_directory_after_the_swap);

/// A StockUniteLegale file of these (SIREN body, état, diffusion, name) rows; the SIREN key is computed.
fn stock_file(dir: &Path, rows: &[(u32, &str, &str, &str)]) -> PathBuf {
    let mut text = String::from(
        "siren,etatAdministratifUniteLegale,statutDiffusionUniteLegale,categorieJuridiqueUniteLegale,denominationUniteLegale\n",
    );
    for (body, state, diffusion, name) in rows {
        let key = (0..10)
            .find(|k| app::domain::luhn::is_valid(&format!("{body:08}{k}")))
            .expect("key");
        text += &format!("{body:08}{key},{state},{diffusion},5710,\"{name}\"\n");
    }
    let path = dir.join("stock.csv");
    std::fs::write(&path, text).expect("file");
    path
}

async fn names(app: &TestApp, query: &str) -> Vec<String> {
    let (status, body) = app
        .get(&format!("/api/v1/sirene?q={}", query.replace(' ', "%20")))
        .await;
    assert_eq!(status, 200, "{query}: {body}");
    body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["company_name"].as_str().expect("name").to_string())
        .collect()
}

async fn the_search_by_name_ranks_whole_words_first_and_ignores_case_and_accents(backend: Backend) {
    let app = spawn_app(backend).await;
    let dir = tempfile::tempdir().expect("folder");
    let file = stock_file(
        dir.path(),
        &[
            (10_000_001, "A", "O", "POSTERIEUR"),
            (10_000_002, "A", "O", "CAFE DE LA POSTE DU VILLAGE"),
            (10_000_003, "A", "O", "RELAIS POSTE"),
            (10_000_004, "C", "O", "ANCIENNE POSTE FERMEE"),
            (10_000_005, "A", "P", "POSTE DISCRETE"),
            (10_000_006, "A", "O", "Société Générale des Crèmes"),
        ],
    );
    app.import(&file).await.expect("import");

    // Whole words first (shorter names first), then words that begin so; never a ceased or hidden unit.
    let found = names(&app, "poste").await;
    let at = |name: &str| {
        found
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("{name} in {found:?}"))
    };
    assert_eq!(at("LA POSTE"), 0);
    assert!(at("RELAIS POSTE") < at("Commune de Arnac-la-Poste"));
    assert!(at("Commune de Arnac-la-Poste") < at("CAFE DE LA POSTE DU VILLAGE"));
    assert_eq!(
        at("POSTERIEUR"),
        found.len() - 1,
        "the only prefix match comes last"
    );
    assert!(
        !found
            .iter()
            .any(|n| n.contains("FERMEE") || n.contains("DISCRETE"))
    );
    // A word being typed.
    assert_eq!(
        names(&app, "cafe de la pos").await,
        ["CAFE DE LA POSTE DU VILLAGE"]
    );
    // Case, accents and punctuation do not matter.
    for query in [
        "societe generale",
        "SOCIÉTÉ-GÉNÉRALE",
        "générale crèmes",
        "soc gen cre",
    ] {
        assert_eq!(
            names(&app, query).await,
            ["Société Générale des Crèmes"],
            "{query}"
        );
    }
    // The public bodies of the shipped extract are found too.
    assert!(
        names(&app, "abergement clemenciat")
            .await
            .contains(&"Commune de L'Abergement-Clémenciat".to_string())
    );
    // Each result has its SIREN and legal category.
    let (_, body) = app.get("/api/v1/sirene?q=relais%20poste&limit=1").await;
    let found = &body["results"][0];
    assert_eq!(found["company_name"], "RELAIS POSTE");
    assert_eq!(found["legal_category"], "5710");
    let (status, unit) = app
        .get(&format!(
            "/api/v1/sirene/{}",
            found["siren"].as_str().expect("siren")
        ))
        .await;
    assert_eq!(
        (status, unit["company_name"].as_str()),
        (200, Some("RELAIS POSTE"))
    );
    assert!(names(&app, "zzzqqq").await.is_empty());
}
on_both_databases!(the_search_by_name_ranks_whole_words_first_and_ignores_case_and_accents);

async fn a_search_too_short_or_too_wide_is_refused_with_a_french_message(backend: Backend) {
    let app = spawn_app(backend).await;
    for query in [
        "q=po",
        "q=%20%20-",
        "",
        "q=poste&limit=0",
        "q=poste&limit=21",
        "q=poste&limit=dix",
    ] {
        let (status, body) = app.get(&format!("/api/v1/sirene?{query}")).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("invalid_query")),
            "{query}"
        );
        assert!(!body["message"].as_str().unwrap_or_default().is_empty());
    }
    let (_, body) = app.get("/api/v1/sirene?q=commune&limit=20").await;
    assert_eq!(body["results"].as_array().map(Vec::len), Some(20));
}
on_both_databases!(a_search_too_short_or_too_wide_is_refused_with_a_french_message);
