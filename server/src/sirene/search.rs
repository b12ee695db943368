//! The words of a name as the search by name sees them, the same for the index and for the query.
//!
//! Names are folded (lower case, accents and ligatures removed, anything but letters and digits a separator),
//! so that "Société Générale", "SOCIETE GENERALE" and "société-générale" are the same words. Both engines are fed
//! folded text, so they rank alike.

/// Lower case without accents, every run of other characters one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars() {
        let folded: &str = match c {
            'a'..='z' | '0'..='9' => {
                out.push(c);
                space = false;
                continue;
            }
            'A'..='Z' => {
                out.push(c.to_ascii_lowercase());
                space = false;
                continue;
            }
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                "a"
            }
            'ç' | 'Ç' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
            'ñ' | 'Ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => {
                "o"
            }
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
            'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            c if c.is_alphanumeric() => {
                out.extend(c.to_lowercase());
                space = false;
                continue;
            }
            _ => {
                if !space {
                    out.push(' ');
                    space = true;
                }
                continue;
            }
        };
        out.push_str(folded);
        space = false;
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of a query, folded, each once, at most `MAX_WORDS`.
pub fn words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in fold(query).split(' ').filter(|w| !w.is_empty()) {
        if !words.iter().any(|w| w == word) {
            words.push(word.to_string());
        }
    }
    words.truncate(MAX_WORDS);
    words
}

/// A word is matched as the beginning of longer words only from this length: "de" or "la" as prefixes would
/// match a large part of the register and cost a scan of it.
pub const MIN_PREFIX_CHARS: usize = 3;

/// Whether a word of the query is matched as a prefix in a tier.
pub fn as_prefix(word: &str, position: usize, words: usize, tier: Tier) -> bool {
    let typed = match tier {
        Tier::Whole => false,
        Tier::LastPrefix => position + 1 == words,
        Tier::AllPrefixes => true,
    };
    typed && word.chars().count() >= MIN_PREFIX_CHARS
}

/// The words of a query in a tier, each with whether it is matched as a prefix; `None` for no words.
pub fn terms(words: &[String], tier: Tier) -> Option<Vec<(&str, bool)>> {
    (!words.is_empty()).then(|| {
        words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_str(), as_prefix(w, i, words.len(), tier)))
            .collect()
    })
}

/// How loosely the words of a query match a name; tiers are tried in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// Every word is a whole word of the name.
    Whole,
    /// The last word is the beginning of a word (the one being typed).
    LastPrefix,
    /// Every word is the beginning of a word.
    AllPrefixes,
}

/// Words beyond this are ignored: names rarely have more, and each word costs an index lookup.
pub const MAX_WORDS: usize = 6;

/// The shortest query searched: fewer letters would match a large part of the register.
pub const MIN_QUERY_CHARS: usize = 3;

/// The rank of a name among those that match equally: shorter names first (the closest to what was typed), then
/// by SIREN. Both engines keep their name index ordered by this key, so the best matches are read first and a
/// search stops after a page, however frequent its words.
pub fn rank_key(folded_name: &str, siren: u32) -> i64 {
    i64::from(rank_length(folded_name)) * 1_000_000_000 + i64::from(siren)
}

/// The length part of the rank key; longer names all rank last.
pub fn rank_length(folded_name: &str) -> u8 {
    u8::try_from(folded_name.len()).unwrap_or(u8::MAX)
}

/// The SIREN a rank key was made from.
pub fn siren_of(rank_key: i64) -> u32 {
    u32::try_from(rank_key.rem_euclid(1_000_000_000)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_accents_and_punctuation() {
        assert_eq!(fold("Société Générale"), "societe generale");
        assert_eq!(fold("SOCIETE-GENERALE "), "societe generale");
        assert_eq!(fold("  L'Œuvre d'Ève, « Cœur »"), "l oeuvre d eve coeur");
        assert_eq!(
            fold("Commune de L'Abergement-Clémenciat"),
            "commune de l abergement clemenciat"
        );
        assert_eq!(fold("ÇA & ÇÀ"), "ca ca");
        assert_eq!(fold("***"), "");
    }

    #[test]
    fn query_words_are_folded_and_bounded() {
        assert_eq!(words("  La Poste "), ["la", "poste"]);
        assert_eq!(words("a b c d e f g h").len(), MAX_WORDS);
        assert_eq!(
            words("association de sauvegarde de la vallee"),
            ["association", "de", "sauvegarde", "la", "vallee"]
        );
    }

    #[test]
    fn short_words_are_never_prefixes() {
        assert!(as_prefix("post", 1, 2, Tier::LastPrefix));
        assert!(!as_prefix("la", 0, 2, Tier::LastPrefix));
        assert!(!as_prefix("po", 1, 2, Tier::LastPrefix));
        assert!(as_prefix("pos", 0, 2, Tier::AllPrefixes));
        assert!(!as_prefix("de", 0, 2, Tier::AllPrefixes));
        assert!(!as_prefix("poste", 1, 2, Tier::Whole));
    }

    #[test]
    fn rank_keys_order_by_length_then_siren_and_give_the_siren_back() {
        let short = rank_key("la poste", 356_000_000);
        let long = rank_key("la poste mobile", 1_000_000);
        assert!(short < long);
        assert_eq!(siren_of(short), 356_000_000);
        assert_eq!(siren_of(long), 1_000_000);
        assert!(rank_key("a", 5) < rank_key("a", 6));
    }
}
