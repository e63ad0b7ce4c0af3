//! Folding text for search and sorting, identically for SQLite and PostgreSQL: lower case, no
//! accents, punctuation turned into spaces. "Amélie" and "AMELIE" both fold to "amelie".

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Lower-cases, strips accents (NFKD, then drops combining marks) and keeps only letters and
/// digits, separated by single spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    // Decompose, lower-case, decompose again: compatibility forms (𝕆) only get a lower case once
    // decomposed, and a few lower cases decompose further. Then the accents go.
    let lowered: String = text.nfkd().flat_map(char::to_lowercase).collect();
    for c in lowered.nfkd().filter(|c| !is_combining_mark(*c)) {
        // Letters that do not decompose but have a plain spelling.
        let replacement = match c {
            'ß' => Some("ss"),
            'æ' => Some("ae"),
            'œ' => Some("oe"),
            'ø' => Some("o"),
            'đ' | 'ð' => Some("d"),
            'ł' => Some("l"),
            'þ' => Some("th"),
            'ı' => Some("i"),
            _ => None,
        };
        if c.is_alphanumeric() || replacement.is_some() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            match replacement {
                Some(r) => out.push_str(r),
                None => out.push(c),
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// The key a title sorts by: folded, with a leading English, French, German or Spanish article
/// moved out of the way ("The Kid" sorts under K).
pub fn sort_key(title: &str) -> String {
    let folded = fold(title);
    for article in ["the ", "a ", "an ", "le ", "la ", "les ", "l ", "der ", "die ", "das ", "el ", "los ", "las "] {
        if let Some(rest) = folded.strip_prefix(article)
            && !rest.is_empty()
        {
            return rest.to_owned();
        }
    }
    folded
}

/// The folded words of a search query, at most `max` of them (each matched as a prefix).
pub fn query_terms(query: &str, max: usize) -> Vec<String> {
    fold(query).split(' ').filter(|w| !w.is_empty()).take(max).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("Le Fabuleux Destin d'Amélie Poulain"), "le fabuleux destin d amelie poulain");
        assert_eq!(fold("  NOSFERATU, eine Symphonie des Grauens! "), "nosferatu eine symphonie des grauens");
        assert_eq!(fold("Straße Ærø Łódź"), "strasse aero lodz");
        assert_eq!(fold("8½ ﬁlm ＡＢＣ"), "81 2 film abc");
        assert_eq!(fold("—"), "");
    }

    #[test]
    fn titles_sort_without_their_article() {
        assert_eq!(sort_key("The Kid"), "kid");
        assert_eq!(sort_key("La Jetée"), "jetee");
        assert_eq!(sort_key("The"), "the");
        assert_eq!(sort_key("Theremin"), "theremin");
    }

    #[test]
    fn query_terms_are_folded_words() {
        assert_eq!(query_terms("Amélie  poul", 8), vec!["amelie", "poul"]);
        assert_eq!(query_terms("\"); DROP TABLE movies; --", 8), vec!["drop", "table", "movies"]);
        assert!(query_terms("  ", 8).is_empty());
        assert_eq!(query_terms("a b c d e", 3).len(), 3);
    }

    proptest! {
        #[test]
        fn folding_is_idempotent_and_yields_only_lower_alphanumerics(text in "\\PC{0,60}") {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert!(once.chars().all(|c| c == ' ' || c.is_alphanumeric()));
            prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
        }
    }
}
