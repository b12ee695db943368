use super::*;

#[test]
fn the_directory_file_sits_beside_the_database() {
    assert_eq!(
        directory_path("sqlite://data/geodae.db?mode=rwc"),
        Some(PathBuf::from("data/geodae-sirene.db"))
    );
    assert_eq!(directory_path("postgres://root@localhost/test"), None);
}

#[test]
fn each_tier_asks_fts5_for_whole_words_or_prefixes() {
    let words = vec!["bur".to_string(), "de".to_string(), "post".to_string()];
    assert_eq!(
        fts_query(&words, Tier::Whole).as_deref(),
        Some("\"bur\" AND \"de\" AND \"post\"")
    );
    assert_eq!(
        fts_query(&words, Tier::LastPrefix).as_deref(),
        Some("\"bur\" AND \"de\" AND \"post\"*")
    );
    assert_eq!(
        fts_query(&words, Tier::AllPrefixes).as_deref(),
        Some("\"bur\"* AND \"de\" AND \"post\"*")
    );
    assert_eq!(fts_query(&[], Tier::Whole), None);
}
