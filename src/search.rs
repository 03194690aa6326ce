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
        let stem = substring_stem(&stemmer, &text);
        out.push(Word { text, stem });
        if out.len() == 8 {
            break;
        }
    }
    out
}

/// The shortest of the Snowball stems of the word and of the word without a
/// plural or diminutive ending. Snowball keeps "-es" ("vergaderruimtes"), so
/// the ending is stripped first; a stem under 3 letters would match too much.
fn substring_stem(stemmer: &Stemmer, word: &str) -> String {
    const ENDINGS: [&str; 8] = ["tjes", "tje", "jes", "je", "'s", "en", "s", "e"];
    let mut best = stemmer.stem(word).into_owned();
    if let Some(base) = ENDINGS
        .iter()
        .find_map(|e| word.strip_suffix(e).filter(|b| b.chars().count() >= 4))
    {
        let stem = stemmer.stem(base).into_owned();
        if stem.chars().count() < best.chars().count() {
            best = stem;
        }
    }
    if best.chars().count() < 3 {
        word.to_string()
    } else {
        best
    }
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
        assert_eq!(words("laptops")[0].stem, "laptop");
        assert_eq!(
            words("jaarrekeningen")[0].stem,
            words("jaarrekening")[0].stem
        );
        assert_eq!(words("bus")[0].stem, "bus");
    }

    #[test]
    fn punctuation_and_sql_characters_are_dropped() {
        let w = words("laptops, 100%_'; DROP");
        assert_eq!(
            w.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
            ["laptops", "100", "drop"]
        );
        assert!(w
            .iter()
            .all(|w| !w.stem.contains('%') && !w.stem.contains('_')));
    }
}
