//! The identifiant of an API account: the first name's initial and the last name, lowercase ASCII without
//! accents, spaces or punctuation (`Marie Test` → `mtest`); a digit suffix when taken.

use super::person_name::fold;

/// The identifiant before any suffix.
pub fn login_base(first_name: &str, last_name: &str) -> String {
    let ascii = |text: &str| -> String {
        fold(text)
            .replace('œ', "oe")
            .replace('æ', "ae")
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    };
    let initial = ascii(first_name).chars().next();
    let base = format!(
        "{}{}",
        initial.map(String::from).unwrap_or_default(),
        ascii(last_name)
    );
    if base.is_empty() {
        "compte".to_string()
    } else {
        base
    }
}

/// The first free identifiant: the base, then base2, base3…
pub fn first_free(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|candidate| !taken.iter().any(|t| t == candidate))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiants_follow_the_guide() {
        assert_eq!(login_base("Marie", "Test"), "mtest");
        assert_eq!(login_base("Éloïse", "Le Bœuf-D'Arçon"), "eleboeufdarcon");
        assert_eq!(login_base("Jean-Éric", "N'Diaye"), "jndiaye");
    }

    #[test]
    fn taken_identifiants_get_a_suffix() {
        assert_eq!(first_free("mtest", &[]), "mtest");
        let taken = [
            "mtest".to_string(),
            "mtest2".to_string(),
            "mtester".to_string(),
        ];
        assert_eq!(first_free("mtest", &taken), "mtest3");
    }
}
