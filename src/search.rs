//! Turning a search box's text into words, each with the alternatives it
//! may be found by: its stem, the head of its compound and its thesaurus
//! relatives, all from the one Dutch text pipeline (`crate::text`) that
//! matching uses too.

use crate::matching::related_words;
use crate::text;

#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The word as typed, lower-cased (not folded: the full-text index
    /// keeps diacritics).
    pub text: String,
    /// Substrings of the lower-cased item text that find the word: its
    /// stem, and the stem of its compound's head ("kantoorruimte" is found
    /// in "ruimtes"). Each at least 3 letters.
    pub stems: Vec<String>,
    /// Words the full-text index may find it by: the word itself, the head
    /// of its compound and the words of its thesaurus groups
    /// ("computers" ~ "laptops").
    pub alternatives: Vec<String>,
}

/// How many thesaurus relatives a query word is also searched by.
const RELATED: usize = 5;

/// The words of a query worth searching for (at most 8, at least 2 letters).
pub fn words(query: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    for raw in query.split(|c: char| !c.is_alphanumeric()) {
        let typed = raw.to_lowercase();
        if typed.chars().count() < 2 || out.iter().any(|w| w.text == typed) {
            continue;
        }
        out.push(word(typed));
        if out.len() == 8 {
            break;
        }
    }
    out
}

fn word(typed: String) -> Word {
    let folded = text::fold(&typed);
    let mut stems = Vec::new();
    let mut alternatives = vec![typed.clone()];
    let add = |list: &mut Vec<String>, w: String| {
        if !list.contains(&w) {
            list.push(w);
        }
    };
    add(&mut stems, substring_stem(&folded));
    if folded != typed {
        // The item text is lower-cased, not folded: "café" stays "café".
        add(&mut stems, typed.clone());
        add(&mut alternatives, folded.clone());
    }
    let mut seen_stems = vec![text::stem(&folded)];
    if let Some((_, head)) = text::split_compound(&folded) {
        seen_stems.push(text::stem(&head));
        add(&mut stems, substring_stem(&head));
        add(&mut alternatives, head);
    }
    // The closest relatives only (a group lists its core words first), one
    // per stem: a whole group would find a large share of the market and
    // make the page slow.
    let mut related = 0;
    for w in related_words(&folded) {
        let stem = text::stem(&w);
        if related == RELATED || seen_stems.contains(&stem) {
            continue;
        }
        seen_stems.push(stem);
        add(&mut alternatives, w);
        related += 1;
    }
    // A substring pattern that contains another finds nothing more.
    let all = stems.clone();
    stems.retain(|s| !all.iter().any(|o| o != s && s.contains(o.as_str())));
    Word {
        text: typed,
        stems,
        alternatives,
    }
}

/// The pipeline's stem of a folded word, as a substring to look for; a stem
/// under 3 letters would match too much, so then the word itself.
fn substring_stem(word: &str) -> String {
    let stem = text::stem(word);
    if stem.chars().count() < 3 || !stem.chars().all(char::is_alphanumeric) {
        word.to_string()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn plural_and_singular_share_a_stem() {
        let singular = &words("vergaderruimte")[0];
        let plural = &words("vergaderruimtes")[0];
        assert_eq!(singular.stems[0], plural.stems[0]);
        assert!("vergaderruimtes".contains(&singular.stems[0]));
        assert_eq!(words("laptops")[0].stems[0], "laptop");
        assert_eq!(
            words("jaarrekeningen")[0].stems[0],
            words("jaarrekening")[0].stems[0]
        );
        assert_eq!(words("bus")[0].stems, ["bus"]);
    }

    #[test]
    fn a_compound_is_found_by_its_head() {
        let w = &words("kantoorruimte")[0];
        assert!(w.alternatives.contains(&"ruimte".to_string()), "{w:?}");
        assert!(w.stems.iter().any(|s| "ruimtes".contains(s.as_str())));
        // "%ruimt%" finds all that "%kantoorruimt%" finds.
        assert_eq!(w.stems.len(), 1, "{w:?}");
        assert!(!w.alternatives.contains(&"kantoor".to_string()));
    }

    #[test]
    fn a_word_is_found_by_its_thesaurus_relatives() {
        let w = &words("computers")[0];
        assert!(w.alternatives.contains(&"laptop".to_string()), "{w:?}");
        let w = &words("laptops")[0];
        assert!(w.alternatives.contains(&"computer".to_string()), "{w:?}");
        assert!(w.alternatives.len() <= 1 + super::RELATED, "{w:?}");
    }

    #[test]
    fn diacritics_are_searched_as_typed_and_folded() {
        let w = &words("Café")[0];
        assert_eq!(w.text, "café");
        assert!(w.alternatives.contains(&"cafe".to_string()));
        // The item text is lower-cased, not folded.
        assert!(w.stems.iter().any(|s| "grand café".contains(s.as_str())));
    }

    #[test]
    fn punctuation_and_sql_characters_are_dropped() {
        let w = words("laptops, 100%_'; DROP");
        assert_eq!(
            w.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
            ["laptops", "100", "drop"]
        );
        assert!(w.iter().all(|w| w
            .stems
            .iter()
            .chain(&w.alternatives)
            .all(|s| !s.contains('%') && !s.contains('_') && !s.contains('\''))));
    }
}
