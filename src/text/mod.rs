//! The one Dutch text pipeline of search and matching: folding,
//! tokenising, stop words, stemming (plurals, diminutives, derivations),
//! compound splitting against a real Dutch lexicon, and spelling-slip
//! detection. Pure functions only; the lexicon is compiled in and
//! decompressed once on first use.

mod compound;
mod fold;
mod lexicon;
mod stem;

use std::collections::HashSet;
use std::sync::LazyLock;

pub use compound::{split as split_compound, split_with as split_compound_with};
pub use fold::{fold, words};
pub use lexicon::is_word;
pub use stem::{derivation_roots, stem};

/// One content word of a text: its folded surface form and its stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub surface: String,
    pub stem: String,
}

const STOPWORDS: &str = "aan al alle alles als altijd andere ben bij bijvoorbeeld daar daarna dan dat de deze die dit doen door dus een eens elk elke en enkele er erg ervan even geen graag had heb hebben heeft hem het hier hij hoe hun iemand ieder iedereen iets ik in is ja je jij jullie kan kunnen kun komt maar me meer mee men met mij mijn moet moeten na naar nee niet niets nog nu of om omdat ons onze ook op over per te tegen toch toe tot u uit uw van veel voor vaak want was wat we wel welke wie wij wil willen worden wordt zal ze zelf zich zij zijn zo zoals zonder zou zouden zoeken zoek zoekt gezocht staat staan gaan gaat komen kom zien ziet kent kennen weten weet vinden vindt laten laat geeft gedaan krijgt liefst meestal overdag tussen weer net tijd tijdens rond ongeveer zo'n ca max maximaal echt alleen beetje steeds iets ieder elk daarbij erbij wordt werd wilt hebt heb zit zitten lukt lukken ontbreekt dag dagen keer jaar week weken uur uren wel nodig mogen mag kunt krijgen graag hele heel paar goed goede mooi mooie nieuwe nieuw eigen samen via wie waar daarvoor soms vooral";

static STOPWORD_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| STOPWORDS.split_whitespace().collect());

/// True for words that carry no matching signal.
pub fn is_stopword(word: &str) -> bool {
    STOPWORD_SET.contains(word)
}

/// Content tokens (no stop words) of a text.
pub fn tokens(text: &str) -> Vec<Token> {
    words(text)
        .into_iter()
        .filter(|w| !is_stopword(w))
        .map(|w| Token {
            stem: stem(&w),
            surface: w,
        })
        .collect()
}

/// Words that negate the content word right after them ("geen computers",
/// "zonder chauffeur").
const NEGATORS: &[&str] = &["geen", "zonder"];

/// Content tokens of a text, each with whether it is negated: the first
/// content word after "geen" or "zonder" in the same clause.
pub fn tokens_with_negation(text: &str) -> Vec<(Token, bool)> {
    let mut out = Vec::new();
    for clause in text.split(['.', ',', ';', ':', '!', '?', '(', ')']) {
        let mut negate = false;
        for w in words(clause) {
            if NEGATORS.contains(&w.as_str()) {
                negate = true;
                continue;
            }
            if is_stopword(&w) {
                continue;
            }
            out.push((
                Token {
                    stem: stem(&w),
                    surface: w,
                },
                negate,
            ));
            negate = false;
        }
    }
    out
}

/// Edit distance (Damerau, adjacent transpositions) bounded by `max`:
/// returns `None` when the distance exceeds `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// All strings made by deleting one character (for a deletion index that
/// finds edit-distance-1 neighbours without comparing all pairs).
pub fn deletions(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len())
        .map(|i| {
            chars[..i]
                .iter()
                .chain(chars[i + 1..].iter())
                .collect::<String>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_dropped_and_negation_is_kept() {
        let t = tokens("Wij zoeken een café voor de 3 vrijwilligers");
        let s: Vec<&str> = t.iter().map(|t| t.surface.as_str()).collect();
        assert_eq!(s, vec!["cafe", "vrijwilligers"]);
        let n = tokens_with_negation("Randapparatuur, geen computers. Laptops");
        let flags: Vec<bool> = n.iter().map(|(_, neg)| *neg).collect();
        assert_eq!(flags, vec![false, true, false]);
    }

    #[test]
    fn plural_with_apostrophe_s_is_the_singular() {
        assert_eq!(tokens("auto's"), tokens("auto"));
        assert_eq!(tokens("foto's")[0].stem, stem("foto"));
    }

    #[test]
    fn edit_distance_is_bounded() {
        assert_eq!(edit_distance("vrijwilligers", "vrijwiligers", 1), Some(1));
        assert_eq!(edit_distance("computer", "comptuer", 1), Some(1));
        assert_eq!(edit_distance("computer", "laptop", 2), None);
        assert!(deletions("abc").contains(&"ac".to_string()));
    }
}
