use super::*;

/// The value of `field` in a record.
fn get<'r>(record: &'r Record, field: &str) -> Option<&'r Value> {
    let i = FIELDS
        .iter()
        .position(|f| f.name == field)
        .expect("a public field");
    record.0[i].as_ref()
}

fn text(s: &str) -> Option<Value> {
    Some(Value::Text(s.to_string()))
}

fn by_gid(records: &[Record], gid: i64) -> &Record {
    records
        .iter()
        .find(|r| get(r, "gid") == Some(&Value::Integer(gid)))
        .expect("the record")
}

#[test]
fn the_shipped_geojson_is_read_whole_with_its_dirt_set_aside() {
    let (records, report) = read(SHIPPED).expect("readable");
    assert_eq!(report.unit, "objet");
    assert_eq!(records.len(), 92, "{}", report.describe());
    assert!(report.rejected.is_empty(), "{}", report.describe());
    let first = by_gid(&records, 11161);
    assert_eq!(get(first, "nom").cloned(), text("DAE"));
    assert_eq!(get(first, "com_nom").cloned(), text("Luceau"));
    assert_eq!(get(first, "acc_lib"), Some(&Value::Boolean(true)));
    assert_eq!(get(first, "acc_acc"), Some(&Value::Boolean(false)));
    assert_eq!(get(first, "disp_j").cloned(), text("non renseigné"));
    assert_eq!(get(first, "expt_siren").cloned(), text("597020841"));
    // 2000-01-01 is the export's "no maintenance date".
    assert_eq!(get(first, "dermnt"), None);
    // The geometry's point.
    assert_eq!(get(first, "lat_coor1"), Some(&Value::Number(47.7163)));
    assert_eq!(get(first, "long_coor1"), Some(&Value::Number(0.39855)));
    // A SIRET shifted into the "mobile" column of the source: the record is kept, the value is not.
    let shifted = report
        .emptied
        .iter()
        .find(|i| i.field == "dae_mobile")
        .expect("the shifted SIRET is reported");
    assert!(shifted.reason.contains("13001306300297"), "{shifted:?}");
    // "non renseigné" with a day: schema-dae wants it alone.
    assert!(
        report
            .emptied
            .iter()
            .any(|i| i.field == "disp_j" && i.reason.contains("non renseigné")),
        "{}",
        report.describe()
    );
    // Photos: the export's file name is replaced by its URL, given in cc_photo1.
    let with_photo = records
        .iter()
        .filter_map(|r| get(r, "photo1"))
        .collect::<Vec<_>>();
    assert_eq!(with_photo.len(), 8);
    assert!(
        with_photo
            .iter()
            .all(|p| matches!(p, Value::Text(u) if u.starts_with("https://")))
    );
    // Lists of days are written as schema-dae's.
    assert!(
        records
            .iter()
            .any(|r| get(r, "disp_j").cloned() == text("lundi|mardi|mercredi|jeudi|vendredi"))
    );
}

#[test]
fn the_layout_of_october_2026_is_read_and_records_without_a_name_are_refused() {
    let file = include_bytes!("../../../tests/fixtures/dae/geodae-2026-10-partial.csv");
    let (records, report) = read(file).expect("readable");
    assert_eq!(report.unit, "ligne");
    let kept = by_gid(&records, 1899);
    assert_eq!(get(kept, "dispo_horaires").cloned(), text("24/7"));
    assert_eq!(get(kept, "nom").cloned(), text("DAE Hôpital Montbrison"));
    // The layout before October 2026 is derived from it, for the clients that read it.
    assert_eq!(get(kept, "disp_j").cloned(), text("7j/7"));
    assert_eq!(get(kept, "disp_h").cloned(), text("24h/24"));
    assert_eq!(records.len(), 1, "{}", report.describe());
    // The other seven rows of the source were transcribed without their name.
    assert_eq!(report.rejected.len(), 7);
    let second = &report.rejected[0];
    assert_eq!((second.line, second.field.as_str()), (3, "nom"));
    assert_eq!(second.reason, "valeur obligatoire absente.");
}

#[test]
fn the_layout_before_october_2026_gives_days_and_hours_as_lists() {
    let file = include_bytes!("../../../tests/fixtures/dae/geodae-2026-06-five.csv");
    let (records, report) = read(file).expect("readable");
    assert_eq!(records.len(), 5, "{}", report.describe());
    for record in &records {
        assert!(get(record, "disp_h").is_some());
        assert!(matches!(get(record, "disp_j"), Some(Value::Text(d)) if !d.contains('{')));
    }
    // `dispo_horaires` is derived where the lists say it exactly, and only there.
    let derived: Vec<(Option<&Value>, Option<&Value>, Option<&Value>)> = records
        .iter()
        .map(|r| (get(r, "disp_j"), get(r, "disp_h"), get(r, "dispo_horaires")))
        .collect();
    for (days, hours, opening) in &derived {
        match (days, hours) {
            (Some(Value::Text(d)), Some(Value::Text(h))) if d == "7j/7" && h == "24h/24" => {
                assert_eq!(*opening, text("24/7").as_ref());
            }
            (_, Some(Value::Text(h))) if h != "24h/24" && h != "non renseigné" => {
                assert_eq!(*opening, None, "{days:?} {hours:?}");
            }
            _ => {}
        }
    }
    assert!(derived.iter().any(|(_, _, o)| o.is_some()), "{derived:?}");
}

#[test]
fn broken_rows_are_reported_by_line_and_field() {
    let file = "\u{feff}c_gid,c_nom,c_lat_coor1,c_long_coor1,c_acc,c_acc_lib,c_etat_fonct,c_com_cp,c_disp_j,c_date_instal\n\
        1,Mairie,47.5,0.4,Intérieur,t,En fonctionnement,72500,{lundi},2019-05-02\n\
        2,Stade,95.1,0.4,Extérieur,t,En fonctionnement,,,\n\
        1,Double,47.5,0.4,Intérieur,t,En fonctionnement,,,\n\
        3,Gymnase,47.5,0.4,Dehors,t,En fonctionnement,,,\n\
        4,Salle,47.5,0.4,Intérieur,peut-être,En fonctionnement,,,\n\
        5,\"Salle \"\"des fêtes\"\", hall\",47.5,0.4,Intérieur,f,Hors service,725,\"{dimanche,lundi}\",2019-02-30x\n\
        x,Sans identifiant,47.5,0.4,Intérieur,f,Hors service,,,\n\
        6,Poste,47.5,abc,Intérieur,f,Hors service,,,\n";
    let (records, report) = read(file.as_bytes()).expect("readable");
    let gids: Vec<_> = records.iter().filter_map(|r| get(r, "gid")).collect();
    assert_eq!(gids, vec![&Value::Integer(1), &Value::Integer(5)]);
    let rejected: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|i| (i.line, i.field.as_str()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (3, "lat_coor1"),
            (4, "gid"),
            (5, "acc"),
            (6, "acc_lib"),
            (8, "gid"),
            (9, "long_coor1")
        ]
    );
    assert!(
        report.rejected[1].reason.contains("ligne 2"),
        "{:?}",
        report.rejected[1]
    );
    assert!(report.rejected[2].reason.contains("Intérieur, Extérieur"));
    let emptied: Vec<(usize, &str)> = report
        .emptied
        .iter()
        .map(|i| (i.line, i.field.as_str()))
        .collect();
    assert_eq!(emptied, vec![(7, "com_cp"), (7, "date_instal")]);
    let salle = by_gid(&records, 5);
    assert_eq!(
        get(salle, "nom").cloned(),
        text("Salle \"des fêtes\", hall")
    );
    assert_eq!(get(salle, "disp_j").cloned(), text("dimanche|lundi"));
    let description = report.describe();
    assert!(description.starts_with(
        "2 défibrillateurs importés, 6 refusés, 2 valeurs laissées vides, 0 corrigées."
    ));
    assert!(
        description.contains("ligne 3, lat_coor1 : 95.1 est hors de [-90, 90]."),
        "{description}"
    );
}

#[test]
fn a_file_that_is_not_the_export_is_refused_whole() {
    assert!(read(b"nom,adresse\nMairie,1 rue\n").is_err());
    assert!(read(b"nom,lat_coor1\nMairie,47.5\n").is_err());
    assert!(read(b"{\"type\": \"Feature\"}").is_err());
    assert!(read(b"{not json").is_err());
}

#[test]
fn a_producers_schema_dae_file_is_read_with_its_own_conventions() {
    // The official example of schema-dae: plain names, ", " separators, oui/non, | lists, no identifier.
    let file = include_bytes!("../../../tests/fixtures/dae/schema-dae-exemple_valide.csv");
    let (records, report) = read(file).expect("readable");
    assert!(report.numbered);
    assert!(report.rejected.is_empty(), "{}", report.describe());
    assert!(records.len() >= 2, "{}", report.describe());
    let first = by_gid(&records, 1);
    assert_eq!(get(first, "nom").cloned(), text("DAE-MinSanté-Duquesne"));
    assert_eq!(get(first, "acc_lib"), Some(&Value::Boolean(true)));
    assert_eq!(get(first, "disp_j").cloned(), text("lundi|mardi"));
    assert_eq!(get(first, "disp_h").cloned(), text("24h/24|heures de nuit"));
    assert_eq!(get(first, "date_instal").cloned(), text("2019-09-30"));
    assert!(report.describe().contains("numérotés dans son ordre"));
}

#[test]
fn a_citys_open_data_file_is_read_with_its_dirt_reported() {
    // Montpellier Méditerranée Métropole's own file (2021): shapefile names (date_insta), lower-case words,
    // comma-separated days, dates without their zeros, latitude and longitude swapped, blank rows.
    let file = include_bytes!("../../../tests/fixtures/dae/montpellier-metropole_dae_2021.csv");
    let (records, report) = read(file).expect("readable");
    let description = report.describe();
    assert!(report.numbered, "{description}");
    // The first row: "Plateau sportif de Grammont", 3.93392108647369 then 43.6136351580956, intérieur, non.
    let first = by_gid(&records, 1);
    assert_eq!(
        get(first, "lat_coor1"),
        Some(&Value::Number(43.6136351580956))
    );
    assert_eq!(
        get(first, "long_coor1"),
        Some(&Value::Number(3.93392108647369))
    );
    assert_eq!(get(first, "acc").cloned(), text("Intérieur"));
    assert_eq!(get(first, "acc_lib"), Some(&Value::Boolean(false)));
    assert_eq!(
        get(first, "disp_j").cloned(),
        text("lundi|mardi|mercredi|jeudi|vendredi")
    );
    assert_eq!(get(first, "disp_h").cloned(), text("heures ouvrables"));
    assert_eq!(get(first, "date_instal").cloned(), text("2017-12-01"));
    assert!(
        report
            .corrected
            .iter()
            .any(|i| i.line == 2 && i.field == "lat_coor1"),
        "{description}"
    );
    // Rows with no access or no position are refused, by line and field; nothing else is lost.
    assert_eq!(
        (records.len(), report.rejected.len(), report.corrected.len()),
        (96, 179, 96),
        "{description}"
    );
    assert!(
        report
            .rejected
            .iter()
            .all(|i| !i.reason.is_empty() && i.line > 1),
        "{description}"
    );
    // Every kept record lies in France once read.
    for record in &records {
        let (Some(Value::Number(lat)), Some(Value::Number(lon))) =
            (get(record, "lat_coor1"), get(record, "long_coor1"))
        else {
            panic!("a position");
        };
        assert!(in_france(*lat, *lon), "{lat}, {lon}");
    }
}
