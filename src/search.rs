//! Turning a search box's text into words and their Dutch stems.

use rust_stemmers::{Algorithm, Stemmer};

#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The word as typed, lower-cased.
    pub text: String,
    /// Its Snowball Dutch stem, used as a substring.
    pub stem: String,
}

/// The words of a query worth searching for (at most 8, at least 2 letters).
pub fn words(query: &str) -> Vec<Word> {
    let stemmer = Stemmer::create(Algorithm::Dutch);
    let mut out: Vec<Word> = Vec::new();
    for raw in query.split(|c: char| !c.is_alphanumeric()) {
        let text = raw.to_lowercase();
        if text.chars().count() < 2 || out.iter().any(|w| w.text == text) {
            continue;
        }
        let stem = stemmer.stem(&text).into_owned();
        // A stem shorter than 3 letters would match too much as a substring.
        let stem = if stem.chars().count() < 3 { text.clone() } else { stem };
        out.push(Word { text, stem });
        if out.len() == 8 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn plural_and_singular_share_a_stem() {
        let singular = &words("vergaderruimte")[0];
        let plural = &words("vergaderruimtes")[0];
        assert_eq!(singular.stem, plural.stem);
        assert!("vergaderruimtes".contains(&singular.stem));
    }

    #[test]
    fn punctuation_and_sql_characters_are_dropped() {
        let w = words("laptops, 100%_'; DROP");
        assert_eq!(
            w.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
            ["laptops", "100", "drop"]
        );
        assert!(w.iter().all(|w| !w.stem.contains('%') && !w.stem.contains('_')));
    }
}
