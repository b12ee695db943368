//! Defibrillators (DAE): the public records of the national base, as re-users read them through the data API.
//!
//! Only the fields of the open-data export are kept: the telephones, emails and maintenance contacts that the
//! arrêté of 29 October 2019 keeps restricted are never stored, so that no answer can hold them.

pub mod export;
pub mod filter;
pub mod geojson;
pub mod geometry;
pub mod hours;
pub mod import;
pub mod list;
pub mod search;
pub mod stream;
pub mod usage;

/// How a field's values are typed, in filters and in answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Number,
    Text,
    Boolean,
    /// `AAAA-MM-JJ`, kept as text (so ordered as dates).
    Date,
    /// A list of words (`disp_j`, `disp_h`): kept as `schema-dae` writes it, `lundi|mardi`, and compared as that
    /// text in filters; answered as a JSON array of strings.
    List,
}

impl Kind {
    /// What a value of this kind looks like, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            Self::Integer => "un nombre entier",
            Self::Number => "un nombre (point décimal)",
            Self::Text => "un texte",
            Self::Boolean => "true ou false",
            Self::Date => "une date AAAA-MM-JJ",
            Self::List => "un texte (la liste écrite mot|mot)",
        }
    }
}

/// A public field: its name in answers and filters (the `schema-dae` name), which is also its column.
#[derive(Debug, PartialEq)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
}

const fn field(name: &'static str, kind: Kind) -> Field {
    Field { name, kind }
}

/// The public fields, in the order of `schema-dae` (then the platform's own: `gid`, `etat_valid`).
pub const FIELDS: &[Field] = &[
    field("gid", Kind::Integer),
    field("nom", Kind::Text),
    field("lat_coor1", Kind::Number),
    field("long_coor1", Kind::Number),
    field("adr_num", Kind::Text),
    field("adr_voie", Kind::Text),
    field("com_cp", Kind::Text),
    field("com_insee", Kind::Text),
    field("com_nom", Kind::Text),
    field("acc", Kind::Text),
    field("acc_lib", Kind::Boolean),
    field("acc_pcsec", Kind::Boolean),
    field("acc_acc", Kind::Boolean),
    field("acc_etg", Kind::Text),
    field("acc_complt", Kind::Text),
    field("photo1", Kind::Text),
    field("photo2", Kind::Text),
    field("disp_j", Kind::List),
    field("disp_h", Kind::List),
    field("dispo_horaires", Kind::Text),
    field("disp_complt", Kind::Text),
    field("date_instal", Kind::Date),
    field("etat_fonct", Kind::Text),
    field("lc_ped", Kind::Boolean),
    field("dtpr_lcped", Kind::Date),
    field("dtpr_lcad", Kind::Date),
    field("dtpr_bat", Kind::Date),
    field("freq_mnt", Kind::Text),
    field("dispsurv", Kind::Boolean),
    field("dermnt", Kind::Date),
    field("maj_don", Kind::Date),
    field("expt_siren", Kind::Text),
    field("expt_siret", Kind::Text),
    field("expt_rais", Kind::Text),
    field("etat", Kind::Text),
    field("etat_valid", Kind::Text),
    field("dae_mobile", Kind::Boolean),
];

/// Whether `text` is a date `AAAA-MM-JJ` of the calendar (29 February only in leap years).
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return false;
    }
    let number = |range: std::ops::Range<usize>| {
        text.get(range)
            .and_then(|t| t.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    year > 0 && (1..=days).contains(&day)
}

/// The public field of this name, or of its name in the original API's documentation (`latCoor1` for
/// `lat_coor1`, `comNom` for `com_nom`): a capital letter stands for an underscore and its small letter.
pub fn find_field(name: &str) -> Option<&'static Field> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        let mut snake = String::with_capacity(name.len() + 4);
        for c in name.chars() {
            if c.is_ascii_uppercase() {
                snake.push('_');
                snake.push(c.to_ascii_lowercase());
            } else {
                snake.push(c);
            }
        }
        return FIELDS.iter().find(|f| f.name == snake);
    }
    FIELDS.iter().find(|f| f.name == name)
}

/// The public field names, comma-separated: the column list of the queries, and the list given in messages.
pub fn field_names() -> String {
    FIELDS.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
}
