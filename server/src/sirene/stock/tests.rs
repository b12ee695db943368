use super::*;

fn units_of(text: &[u8]) -> (Vec<Unit>, Summary) {
    let mut summary = Summary::default();
    let units = Reader::new(text)
        .expect("header")
        .units(&mut summary)
        .collect::<anyhow::Result<Vec<_>>>()
        .expect("rows");
    (units, summary)
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sirene/");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{name}")).expect(name)
}

#[test]
fn the_three_layouts_are_read_by_header_name() {
    let (l33, _) = units_of(&fixture("StockUniteLegale_sample_33cols_2019.csv"));
    let (l34, s34) = units_of(&fixture("StockUniteLegale_sample_34cols_14rows.csv"));
    let (l35, _) = units_of(&fixture("StockUniteLegale_sample_35cols.csv"));
    assert_eq!((l33.len(), l34.len(), l35.len()), (3, 14, 9));
    assert_eq!(
        l33[0],
        Unit {
            siren: 325_175,
            ceased: false,
            diffusible: true,
            name: Some("THIERRY JANOYER".into()),
            legal_category: Some("1000".into())
        }
    );
    assert!(l34[1].ceased);
    assert_eq!((s34.rows, s34.loaded, s34.ceased), (14, 14, 10));
    let sucreries = l34.iter().find(|u| u.siren == 5_420_120).expect("row");
    assert_eq!(
        sucreries.name.as_deref(),
        Some("SOCIETE DES SUCRERIES DU MARQUENTERRE")
    );
    let antinea = l35.iter().find(|u| u.siren == 57_502_510).expect("row");
    assert_eq!(
        antinea.name.as_deref(),
        Some("ANTINEA COURTAGE D'ASSURANCES")
    );
    assert_eq!(antinea.legal_category.as_deref(), Some("5710"));
}

#[test]
fn a_file_without_siren_column_is_refused() {
    let err = Reader::new("a,b\n1,2\n".as_bytes()).err().expect("refused");
    assert!(err.to_string().contains("siren"));
}

#[test]
fn bad_rows_are_skipped_and_counted_with_their_lines() {
    let file = "siren,etatAdministratifUniteLegale,statutDiffusionUniteLegale,denominationUniteLegale\n\
                356000000,A,O,LA POSTE\n\
                35600000,A,O,TOO SHORT\n\
                356000000,A,O,AGAIN\n\
                130025265\n\
                300025764,A,P,[ND]\n";
    let (units, summary) = units_of(file.as_bytes());
    assert_eq!(units.len(), 2);
    assert_eq!(units[0].name.as_deref(), Some("LA POSTE"));
    assert!(!units[1].diffusible && units[1].name.is_none());
    assert_eq!(
        (summary.rows, summary.loaded, summary.non_diffusible),
        (5, 2, 1)
    );
    assert_eq!(summary.skipped[&Skip::InvalidSiren], (1, vec![3]));
    assert_eq!(summary.skipped[&Skip::Duplicate], (1, vec![4]));
    assert_eq!(summary.skipped[&Skip::MissingFields], (1, vec![5]));
}

#[test]
fn a_file_cut_in_its_last_line_is_an_error() {
    let file = "siren,etatAdministratifUniteLegale,statutDiffusionUniteLegale,denominationUniteLegale\n\
                356000000,A,O,LA POSTE\n\
                130025265,A";
    let mut summary = Summary::default();
    let result: anyhow::Result<Vec<Unit>> = Reader::new(file.as_bytes())
        .expect("header")
        .units(&mut summary)
        .collect();
    let error = result.expect_err("truncated");
    assert!(error.to_string().contains("truncated"), "{error}");
}

#[test]
fn the_shipped_extract_reads_whole() {
    let units = shipped_units().expect("extract");
    assert!(units.len() > 30_000, "{}", units.len());
    let poste = units
        .iter()
        .find(|u| u.siren == 356_000_000)
        .expect("La Poste");
    assert_eq!(poste.name.as_deref(), Some("LA POSTE"));
    let hidden = units
        .iter()
        .find(|u| u.siren == 300_025_764)
        .expect("non-diffusible unit");
    assert!(!hidden.diffusible && hidden.name.is_none());
}
