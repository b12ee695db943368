//! The account owner's email address.
//!
//! A syntax check after RFC 5321/5322 as mail servers apply it in practice (dot-atom local part, a domain with
//! at least two labels and an alphabetic top-level domain), with the domain lowercased.

use std::fmt;

/// A syntactically valid address; the domain is lowercased, the local part kept as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmailError {
    Empty,
    TooLong,
    Spaces,
    MissingAt,
    SeveralAt,
    LocalPart,
    Domain,
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "L'adresse email est obligatoire.",
            Self::TooLong => "L'adresse email ne peut pas dépasser 254 caractères.",
            Self::Spaces => "L'adresse email ne doit pas contenir d'espace.",
            Self::MissingAt => "L'adresse email doit contenir un « @ », au format nom@domaine.fr.",
            Self::SeveralAt => "L'adresse email ne doit contenir qu'un seul « @ », au format nom@domaine.fr.",
            Self::LocalPart => "La partie avant le « @ » de l'adresse email contient un caractère non autorisé ou un point mal placé.",
            Self::Domain => "Le domaine de l'adresse email (après le « @ ») n'est pas valide : il doit ressembler à domaine.fr.",
        })
    }
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let email = input.trim();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.chars().any(char::is_whitespace) {
            return Err(EmailError::Spaces);
        }
        if email.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = match email.split_once('@') {
            None => return Err(EmailError::MissingAt),
            Some((_, d)) if d.contains('@') => return Err(EmailError::SeveralAt),
            Some(parts) => parts,
        };
        if !valid_local(local) {
            return Err(EmailError::LocalPart);
        }
        let domain = domain.to_lowercase();
        if !valid_domain(&domain) {
            return Err(EmailError::Domain);
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

fn valid_local(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-";
    !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_alphanumeric() || SPECIALS.contains(c))
        })
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let tld_ok = labels.last().is_some_and(|tld| {
        tld.chars().count() >= 2
            && (tld.chars().all(char::is_alphabetic) || tld.starts_with("xn--"))
    });
    labels.len() >= 2
        && tld_ok
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.chars().count() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses() {
        let cases = [
            (
                "contact@geodae.sante.gouv.fr",
                "contact@geodae.sante.gouv.fr",
            ),
            (" Contact@Mairie-Lyon.FR ", "Contact@mairie-lyon.fr"),
            ("jean.dupont+dae@exemple.org", "jean.dupont+dae@exemple.org"),
            ("o'brien@exemple.ie", "o'brien@exemple.ie"),
            ("secours@mairie-évry.fr", "secours@mairie-évry.fr"),
            ("a@b.co", "a@b.co"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                Email::parse(input).map(|e| e.0),
                Ok(expected.to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn invalid_addresses() {
        let cases = [
            ("", EmailError::Empty),
            ("contact", EmailError::MissingAt),
            ("contact@", EmailError::Domain),
            ("@exemple.fr", EmailError::LocalPart),
            ("contact@@exemple.fr", EmailError::SeveralAt),
            ("a@b@exemple.fr", EmailError::SeveralAt),
            ("jean dupont@exemple.fr", EmailError::Spaces),
            ("jean..dupont@exemple.fr", EmailError::LocalPart),
            (".jean@exemple.fr", EmailError::LocalPart),
            ("jean.@exemple.fr", EmailError::LocalPart),
            ("jean(at)@exemple.fr", EmailError::LocalPart),
            ("contact@exemple", EmailError::Domain),
            ("contact@exemple.f", EmailError::Domain),
            ("contact@exemple.123", EmailError::Domain),
            ("contact@-exemple.fr", EmailError::Domain),
            ("contact@exemple..fr", EmailError::Domain),
            ("contact@exem_ple.fr", EmailError::Domain),
        ];
        for (input, expected) in cases {
            assert_eq!(Email::parse(input), Err(expected), "{input}");
        }
        let long = format!("{}@exemple.fr", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }
}
