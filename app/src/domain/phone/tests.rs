//! Table tests of the phone rules, and a cross-check against libphonenumber (the `phonenumber` crate) as an oracle.

use super::*;
use PhonePrefix::*;

#[test]
fn numbers_as_people_write_them() {
    let cases = [
        (Metropole, "01 23 45 67 89", "+33123456789"),
        (Metropole, "0123456789", "+33123456789"),
        (Metropole, "123456789", "+33123456789"),
        (Metropole, "06.12.34.56.78", "+33612345678"),
        (Metropole, "06-12-34-56-78", "+33612345678"),
        (Metropole, "09 72 12 34 56", "+33972123456"),
        (Metropole, "07 81 23 45 67", "+33781234567"),
        (Metropole, "0 800 12 34 56", "+33800123456"),
        (Metropole, "+33 6 12 34 56 78", "+33612345678"),
        (Metropole, "+33 (0)6 12 34 56 78", "+33612345678"),
        (Metropole, "0033612345678", "+33612345678"),
        (Guadeloupe, "0590 20 12 34", "+590590201234"),
        (Guadeloupe, "0690 00 12 34", "+590690001234"),
        (Guadeloupe, "0590 27 12 34", "+590590271234"),
        (Guyane, "0594 10 12 34", "+594594101234"),
        (Guyane, "0694 20 12 34", "+594694201234"),
        (Martinique, "0596 30 12 34", "+596596301234"),
        (Martinique, "0696 20 12 34", "+596696201234"),
        (ReunionMayotte, "0262 16 12 34", "+262262161234"),
        (ReunionMayotte, "0692 12 34 56", "+262692123456"),
        (ReunionMayotte, "0269 60 12 34", "+262269601234"),
        (ReunionMayotte, "0639 01 23 45", "+262639012345"),
        (SaintPierreEtMiquelon, "41 23 45", "+508412345"),
        (SaintPierreEtMiquelon, "0 41 23 45", "+508412345"),
        (SaintPierreEtMiquelon, "55 12 34", "+508551234"),
        (NouvelleCaledonie, "75.12.34", "+687751234"),
        (NouvelleCaledonie, "20 12 34", "+687201234"),
        (NouvelleCaledonie, "05 00 12", "+687050012"),
        (Polynesie, "87 12 34 56", "+68987123456"),
        (Polynesie, "40 41 23 45", "+68940412345"),
    ];
    for (prefix, input, e164) in cases {
        let parsed = PhoneNumber::parse(prefix, input)
            .unwrap_or_else(|e| panic!("{} {input}: {e}", prefix.code()));
        assert_eq!(parsed.e164(), e164, "{} {input}", prefix.code());
        assert_eq!(
            PhoneNumber::from_e164(e164).map(|p| p.e164()),
            Ok(e164.to_string())
        );
    }
}

#[test]
fn refusals_say_what_is_wrong() {
    let cases = [
        (Metropole, "", PhoneError::Empty),
        (Metropole, "06 12 ab 56 78", PhoneError::Characters),
        (
            Metropole,
            "06 12 34 56 7",
            PhoneError::Length {
                prefix: Metropole,
                digits: 9,
            },
        ),
        (
            Metropole,
            "06 12 34 56 78 9",
            PhoneError::Length {
                prefix: Metropole,
                digits: 11,
            },
        ),
        (
            Metropole,
            "01 23 45 67",
            PhoneError::Length {
                prefix: Metropole,
                digits: 8,
            },
        ),
        (Metropole, "00 44 20 7946 0958", PhoneError::ForeignCountry),
        (Metropole, "+44 20 7946 0958", PhoneError::ForeignCountry),
        (
            Metropole,
            "+596 696 20 12 34",
            PhoneError::PrefixMismatch {
                typed: Martinique,
                chosen: Metropole,
            },
        ),
        (
            Metropole,
            "0696 20 12 34",
            PhoneError::OtherTerritory {
                prefix: Martinique,
                name_in: "en Martinique",
            },
        ),
        (
            Metropole,
            "0692 12 34 56",
            PhoneError::OtherTerritory {
                prefix: ReunionMayotte,
                name_in: "à La Réunion",
            },
        ),
        (
            Martinique,
            "06 12 34 56 78",
            PhoneError::OtherTerritory {
                prefix: Metropole,
                name_in: "en métropole",
            },
        ),
        (
            Guadeloupe,
            "0596 30 12 34",
            PhoneError::OtherTerritory {
                prefix: Martinique,
                name_in: "en Martinique",
            },
        ),
        (
            NouvelleCaledonie,
            "87 12 34 56",
            PhoneError::OtherTerritory {
                prefix: Polynesie,
                name_in: "en Polynésie française",
            },
        ),
        (Polynesie, "12 34 56 78", PhoneError::Unassigned(Polynesie)),
        (
            NouvelleCaledonie,
            "12 34 56",
            PhoneError::Unassigned(NouvelleCaledonie),
        ),
        (
            NouvelleCaledonie,
            "75 12 345",
            PhoneError::Length {
                prefix: NouvelleCaledonie,
                digits: 7,
            },
        ),
        (
            NouvelleCaledonie,
            "07 51 23",
            PhoneError::Unassigned(NouvelleCaledonie),
        ),
        (Polynesie, "871234567", PhoneError::Unassigned(Polynesie)),
    ];
    for (prefix, input, expected) in cases {
        assert_eq!(
            PhoneNumber::parse(prefix, input),
            Err(expected),
            "{} {input}",
            prefix.code()
        );
    }
}

#[test]
fn messages_name_the_prefix_and_the_expected_length() {
    let e = PhoneError::Length {
        prefix: Metropole,
        digits: 9,
    }
    .to_string();
    assert!(e.contains("+33") && e.contains("10 chiffres"), "{e}");
    let e = PhoneError::Length {
        prefix: Polynesie,
        digits: 5,
    }
    .to_string();
    assert!(e.contains("6, 8 ou 9 chiffres"), "{e}");
    let e = PhoneError::OtherTerritory {
        prefix: Martinique,
        name_in: "en Martinique",
    }
    .to_string();
    assert_eq!(
        e,
        "Ce numéro est un numéro en Martinique : choisissez l'indicatif +596 (Martinique)."
    );
}

/// libphonenumber's regions behind each prefix.
fn regions(prefix: PhonePrefix) -> &'static [&'static str] {
    match prefix {
        Metropole => &["FR"],
        Guadeloupe => &["GP", "BL", "MF"],
        Guyane => &["GF"],
        Martinique => &["MQ"],
        ReunionMayotte => &["RE", "YT"],
        SaintPierreEtMiquelon => &["PM"],
        NouvelleCaledonie => &["NC"],
        Polynesie => &["PF"],
    }
}

/// libphonenumber's verdict from the crate's own metadata, every number type, matched as a whole. (The crate's
/// `is_valid` only anchors its patterns at the start, which accepts e.g. 9-digit numbers in Saint-Pierre where
/// the plan has 6: the metadata is the authority, not that shortcut.)
fn oracle_valid(prefix: PhonePrefix, nsn: &str) -> bool {
    use phonenumber::metadata::DATABASE;
    regions(prefix).iter().any(|region| {
        let meta = DATABASE
            .by_id(*region)
            .expect("region in the crate's metadata");
        let d = meta.descriptors();
        let general_lengths = d.general().possible_length();
        [
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.voip(),
            d.uan(),
            d.personal_number(),
            d.pager(),
        ]
        .into_iter()
        .flatten()
        .any(|desc| {
            let lengths = if desc.possible_length().is_empty() {
                general_lengths
            } else {
                desc.possible_length()
            };
            (lengths.is_empty() || lengths.contains(&(nsn.len() as u16)))
                && whole_match(desc.national_number().as_str(), nsn)
        })
    })
}

fn whole_match(pattern: &str, nsn: &str) -> bool {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static COMPILED: RefCell<HashMap<String, regex::Regex>> = RefCell::new(HashMap::new());
    }
    COMPILED.with(|cache| {
        let mut cache = cache.borrow_mut();
        let re = cache.entry(pattern.to_string()).or_insert_with(|| {
            // The metadata's patterns are laid out over several lines; whitespace is not part of them.
            let compact: String = pattern.chars().filter(|c| !c.is_whitespace()).collect();
            regex::Regex::new(&format!("^(?:{compact})$")).expect("libphonenumber pattern")
        });
        re.is_match(nsn)
    })
}

/// Generates numbers per prefix around every assigned range: each leading-digit block of 1 to 5 digits,
/// completed at random, at every length from 5 to 10.
#[test]
fn rule_table_agrees_with_libphonenumber_on_generated_numbers() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let mut checked = 0usize;
    let mut disagreements = Vec::new();
    for prefix in PhonePrefix::ALL {
        for len in 5..=10usize {
            for lead_len in 1..=len.min(4) {
                for lead in 0..10u32.pow(lead_len as u32) {
                    let mut nsn = format!("{lead:0lead_len$}");
                    while nsn.len() < len {
                        nsn.push(char::from(b'0' + rng.random_range(0..10u8)));
                    }
                    let ours = prefix.territory_of(&nsn).is_some();
                    let oracle = oracle_valid(prefix, &nsn);
                    checked += 1;
                    if ours != oracle {
                        disagreements.push(format!(
                            "{}{nsn}: ours {ours}, libphonenumber {oracle}",
                            prefix.code()
                        ));
                    }
                }
            }
        }
    }
    println!("{checked} numbers checked against libphonenumber");
    assert!(checked > 100_000, "{checked}");
    assert!(
        disagreements.is_empty(),
        "{} disagreements, first: {:#?}",
        disagreements.len(),
        &disagreements[..disagreements.len().min(20)]
    );
}

#[test]
fn numbers_are_written_in_pairs_as_at_home() {
    let mobile = PhoneNumber::parse(PhonePrefix::from_code("+33").expect("+33"), "0612345678")
        .expect("valid");
    assert_eq!(mobile.national(), "06 12 34 56 78");
    let spm = PhoneNumber::from_e164(&format!("+508{}", "412345")).expect("valid");
    assert_eq!(spm.national(), "41 23 45");
}
