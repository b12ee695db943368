//! The password policy of API accounts, checked the same way in the browser (the live checklist) and on the
//! server. By default, as the guide says, 8 to 12 characters; and since the CNIL accepts 8 characters only
//! with throttling and some complexity, at least three of the four character classes, and neither the
//! identifiant nor the email address inside.

use serde::{Deserialize, Serialize};

/// Minimum and maximum length (in characters) and how many character classes are required.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordPolicy {
    pub min: usize,
    pub max: usize,
    /// Out of four: lowercase letters, uppercase letters, digits, other characters.
    pub classes: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min: 8,
            max: 12,
            classes: 3,
        }
    }
}

/// One rule of the checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Length,
    Classes,
    NotIdentity,
    Confirmation,
}

impl Rule {
    pub const ALL: [Self; 4] = [
        Self::Length,
        Self::Classes,
        Self::NotIdentity,
        Self::Confirmation,
    ];

    /// The rule as the checklist shows it.
    pub fn label(self, policy: &PasswordPolicy) -> String {
        match self {
            Self::Length => format!("De {} à {} caractères", policy.min, policy.max),
            Self::Classes => format!(
                "Au moins {} types de caractères parmi : minuscules, majuscules, chiffres, caractères spéciaux",
                policy.classes
            ),
            Self::NotIdentity => {
                "Ne contient ni votre identifiant ni votre adresse email".to_string()
            }
            Self::Confirmation => "Les deux mots de passe sont identiques".to_string(),
        }
    }
}

/// How many of the four classes a password uses.
pub fn classes(password: &str) -> usize {
    let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
    [
        has(|c| c.is_lowercase()),
        has(|c| c.is_uppercase()),
        has(char::is_ascii_digit),
        has(|c| !c.is_alphanumeric()),
    ]
    .into_iter()
    .filter(|b| *b)
    .count()
}

/// The state of each rule, in the checklist's order.
pub fn check(
    policy: &PasswordPolicy,
    password: &str,
    confirmation: &str,
    login: &str,
    email: &str,
) -> Vec<(Rule, bool)> {
    let length = password.chars().count();
    let lower = password.to_lowercase();
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    let identity = (!login.is_empty() && lower.contains(&login.to_lowercase()))
        || (local.chars().count() >= 3 && lower.contains(&local));
    vec![
        (Rule::Length, (policy.min..=policy.max).contains(&length)),
        (Rule::Classes, classes(password) >= policy.classes),
        (Rule::NotIdentity, !password.is_empty() && !identity),
        (
            Rule::Confirmation,
            !password.is_empty() && password == confirmation,
        ),
    ]
}

/// The rules a password breaks, with a French sentence naming the field; empty when it is acceptable.
pub fn failures(
    policy: &PasswordPolicy,
    password: &str,
    confirmation: &str,
    login: &str,
    email: &str,
) -> Vec<(Rule, String)> {
    check(policy, password, confirmation, login, email)
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(rule, _)| {
            let message = match rule {
                Rule::Length => format!(
                    "Mot de passe : il doit faire de {} à {} caractères.",
                    policy.min, policy.max
                ),
                Rule::Classes => format!(
                    "Mot de passe : utilisez au moins {} types de caractères parmi minuscules, majuscules, chiffres et caractères spéciaux.",
                    policy.classes
                ),
                Rule::NotIdentity => {
                    "Mot de passe : il ne doit contenir ni votre identifiant ni votre adresse email.".to_string()
                }
                Rule::Confirmation => {
                    "Confirmer le mot de passe : les deux saisies doivent être identiques.".to_string()
                }
            };
            (rule, message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broken(password: &str, confirmation: &str) -> Vec<Rule> {
        failures(
            &PasswordPolicy::default(),
            password,
            confirmation,
            "mtest",
            "contact@exemple.fr",
        )
        .into_iter()
        .map(|(rule, _)| rule)
        .collect()
    }

    #[test]
    fn the_guides_length_and_three_classes() {
        assert_eq!(broken("Dae-2026", "Dae-2026"), []);
        assert_eq!(broken("Dae-26", "Dae-26"), [Rule::Length]);
        assert_eq!(
            broken("Dae-2026-Pari", "Dae-2026-Pari"),
            [Rule::Length],
            "13 characters"
        );
        assert_eq!(broken("daedaedae", "daedaedae"), [Rule::Classes]);
        assert_eq!(
            broken("Daedaedae", "Daedaedae"),
            [Rule::Classes],
            "two classes"
        );
        assert_eq!(broken("Daedaedae1", "Daedaedae1"), [], "three classes");
        assert_eq!(
            broken("Défibril-8", "Défibril-8"),
            [],
            "accented letters are lowercase letters"
        );
    }

    #[test]
    fn identity_and_confirmation() {
        assert_eq!(broken("MTest-2026", "MTest-2026"), [Rule::NotIdentity]);
        assert_eq!(broken("Contact-26", "Contact-26"), [Rule::NotIdentity]);
        assert_eq!(broken("Dae-2026", "Dae-2027"), [Rule::Confirmation]);
        assert_eq!(
            broken("", ""),
            [
                Rule::Length,
                Rule::Classes,
                Rule::NotIdentity,
                Rule::Confirmation
            ]
        );
    }

    #[test]
    fn the_policy_is_configurable() {
        let strict = PasswordPolicy {
            min: 12,
            max: 64,
            classes: 4,
        };
        let rules: Vec<Rule> = failures(&strict, "dae-2026", "dae-2026", "x", "y@z.fr")
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        assert_eq!(rules, [Rule::Length, Rule::Classes]);
        assert_eq!(
            failures(
                &strict,
                "Défibrillateur-2026",
                "Défibrillateur-2026",
                "x",
                "y@z.fr"
            ),
            []
        );
    }
}
