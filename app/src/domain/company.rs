//! What the form says about the company register's answer, shared by the browser and the server.

/// The SIREN is not in the register.
pub const UNKNOWN_SIREN: &str =
    "Ce code SIREN est introuvable dans le répertoire SIRENE : vérifiez les chiffres.";

/// A ceased unit cannot apply.
pub fn ceased(name: Option<&str>) -> String {
    format!(
        "Cette structure ({}) est fermée : elle est cessée au répertoire SIRENE et ne peut pas demander de compte.",
        name.unwrap_or("nom non diffusible")
    )
}

/// A non-diffusible unit: the applicant types the name.
pub const NON_DIFFUSIBLE: &str = "Cette structure n'est pas diffusible au répertoire SIRENE : son nom n'est pas public. Saisissez sa raison sociale ; un administrateur la vérifiera.";

/// The register did not answer: the applicant types the name and the request is marked for the reviewer.
pub const REGISTER_UNAVAILABLE: &str = "Le répertoire SIRENE ne répond pas pour le moment : saisissez la raison sociale. Votre demande sera marquée « SIREN non vérifié » et vérifiée par un administrateur.";

/// The flag shown to reviewers on a request whose SIREN could not be checked.
pub const SIREN_NOT_VERIFIED: &str = "SIREN non vérifié";
