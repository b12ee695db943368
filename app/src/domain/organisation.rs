//! The two closed lists of the form: the profile and the type of organisation.

use serde::{Deserialize, Serialize};

/// The account profile; this product handles API accounts only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    Api,
}

impl Profile {
    pub const ALL: [Profile; 1] = [Profile::Api];

    pub fn code(self) -> &'static str {
        "api"
    }

    pub fn label(self) -> &'static str {
        "API"
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// "Type de structure", with the guide's three choices in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    EntrepriseAssociation,
    AdministrationCollectivite,
    CoproprieteParticulier,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 3] = [
        Self::EntrepriseAssociation,
        Self::AdministrationCollectivite,
        Self::CoproprieteParticulier,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::EntrepriseAssociation => "entreprise_association",
            Self::AdministrationCollectivite => "administration_collectivite",
            Self::CoproprieteParticulier => "copropriete_particulier",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::EntrepriseAssociation => "Je suis une entreprise ou association",
            Self::AdministrationCollectivite => {
                "Je suis une administration / une collectivité publique"
            }
            Self::CoproprieteParticulier => "Je suis une copropriété / un particulier",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The kind a SIRENE legal category (`categorieJuridiqueUniteLegale`) points to, if any.
    pub fn expected_for_legal_category(category: &str) -> Option<Self> {
        let c = category.as_bytes();
        match c.first()? {
            b'1' | b'2' => Some(Self::CoproprieteParticulier),
            _ if category == "9110" => Some(Self::CoproprieteParticulier),
            b'5' | b'6' => Some(Self::EntrepriseAssociation),
            b'9' if category.starts_with("92") => Some(Self::EntrepriseAssociation),
            b'7' => Some(Self::AdministrationCollectivite),
            b'4' if category.starts_with("41") => Some(Self::AdministrationCollectivite),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_categories_map_to_kinds() {
        use OrganisationKind::*;
        let cases = [
            ("1000", Some(CoproprieteParticulier)),
            ("9110", Some(CoproprieteParticulier)),
            ("5710", Some(EntrepriseAssociation)),
            ("5510", Some(EntrepriseAssociation)),
            ("9220", Some(EntrepriseAssociation)),
            ("7120", Some(AdministrationCollectivite)),
            ("7210", Some(AdministrationCollectivite)),
            ("4110", Some(AdministrationCollectivite)),
            ("8110", None),
        ];
        for (category, expected) in cases {
            assert_eq!(
                OrganisationKind::expected_for_legal_category(category),
                expected,
                "{category}"
            );
        }
    }

    #[test]
    fn codes_round_trip() {
        for kind in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(OrganisationKind::from_code("autre"), None);
    }
}
