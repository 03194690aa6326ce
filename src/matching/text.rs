//! Dutch text handling: folding, tokenising, stop words, stemming, compound
//! splitting and spelling-slip detection. Pure functions only.

use std::collections::HashSet;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

/// One content word of a text: its folded surface form and its stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub surface: String,
    pub stem: String,
}

const STOPWORDS: &str = "aan al alle alles als altijd andere ben bij bijvoorbeeld daar daarna dan dat de deze die dit doen door dus een eens elk elke en enkele er erg ervan even geen graag had heb hebben heeft hem het hier hij hoe hun iemand ieder iedereen iets ik in is ja je jij jullie kan kunnen kun komt maar me meer mee men met mij mijn moet moeten na naar nee niet niets nog nu of om omdat ons onze ook op over per te tegen toch toe tot u uit uw van veel voor vaak want was wat we wel welke wie wij wil willen worden wordt zal ze zelf zich zij zijn zo zoals zonder zou zouden zoeken zoek zoekt gezocht staat staan gaan gaat komen kom zien ziet kent kennen weten weet vinden vindt laten laat geeft gedaan krijgt liefst meestal overdag tussen weer net tijd tijdens rond ongeveer zo'n ca max maximaal echt alleen beetje steeds iets ieder elk daarbij erbij wordt werd wilt hebt heb zit zitten lukt lukken ontbreekt dag dagen keer jaar week weken uur uren wel nodig mogen mag kunt krijgen graag hele heel paar goed goede mooi mooie nieuwe nieuw eigen samen via wie waar daarvoor soms vooral";

fn stopwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOPWORDS.split_whitespace().collect())
}

/// True for words that carry no matching signal.
pub fn is_stopword(word: &str) -> bool {
    stopwords().contains(word)
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::Dutch))
}

/// Lower-case and strip diacritics (é -> e, ë -> e, ...).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        for l in c.to_lowercase() {
            out.push(match l {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                'ñ' => 'n',
                other => other,
            });
        }
    }
    out
}

/// Folded words of a text, split on anything that is not a letter or digit.
/// Pure numbers and one-letter fragments are dropped; stop words are kept
/// out by [`tokens`], not here.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// Undo the Dutch diminutive and the plurals the Snowball stemmer leaves
/// inconsistent, before stemming.
fn pre_stem(word: &str) -> String {
    let mut w = word.to_string();
    if w.len() > 5 && w.ends_with("jes") {
        w.pop();
    }
    if w.len() > 4 && w.ends_with("je") {
        w.truncate(w.len() - 2);
        let b = w.as_bytes();
        let n = b.len();
        if n > 4 && w.ends_with("et") && b[n - 3] == b[n - 4] {
            w.truncate(n - 3);
        } else if w.ends_with("mp") {
            w.pop();
        }
    }
    if (w.len() > 5 && w.ends_with("es")) || (w.len() > 6 && w.ends_with("ens")) {
        w.pop();
    }
    w
}

/// Smooth the remaining Snowball inconsistencies (doubled final consonant,
/// final -s of "fiets" vs "fietsen").
fn post_stem(stem: &str) -> String {
    let mut s = stem.to_string();
    let b = s.as_bytes();
    let n = b.len();
    if n > 3 && b[n - 1] == b[n - 2] && !b"aeiou".contains(&b[n - 1]) {
        s.pop();
    }
    if s.len() > 4 && s.ends_with('s') {
        s.pop();
    }
    s
}

/// The matching stem of one folded word.
pub fn stem(word: &str) -> String {
    let pre = pre_stem(word);
    post_stem(&stemmer().stem(&pre))
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

/// Split a folded compound into (modifier, head) using `known` (a test on
/// folded words). The head (right part) must be known; the modifier must be
/// known too, or both parts must be long enough to be safe. A linking -s- or
/// -e(n)- between the parts is allowed. The longest known head wins.
pub fn split_compound(word: &str, known: &dyn Fn(&str) -> bool) -> Option<(String, String)> {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    if n < 6 {
        return None;
    }
    for i in 3..=(n - 3) {
        let head: String = chars[i..].iter().collect();
        if !known(&head) {
            continue;
        }
        let modifier: String = chars[..i].iter().collect();
        let linked = [
            modifier.strip_suffix('s'),
            modifier.strip_suffix("en"),
            modifier.strip_suffix('e'),
        ];
        let modifier_known = known(&modifier)
            || linked
                .iter()
                .flatten()
                .any(|m| m.chars().count() >= 3 && known(m));
        if modifier_known || (head.chars().count() >= 5 && modifier.chars().count() >= 4) {
            return Some((modifier, head));
        }
    }
    None
}

/// Derivational suffixes that make nouns, verbs and adjectives of one root
/// ("oplichter(s)", "begeleiding", "eenzaamheid", "budgetteren",
/// "organisatie", "fotografisch"), longest first.
const DERIVATIONS: &[&str] = &[
    "ingen", "heden", "sters", "aties", "ische", "eren", "heid", "atie", "isch", "ieve", "erij",
    "ster", "ers", "ing", "ief", "er",
];

/// Separable verb prefixes and particles ("vastlassen", "opknappen",
/// "meedenken").
const PREFIXES: &[&str] = &[
    "terug", "samen", "schoon", "vast", "door", "over", "mee", "uit", "aan", "weg", "bij", "toe",
    "voor", "rond", "op", "af", "in", "om",
];

/// Shorter words a folded word may be derived from: the word without one
/// derivational suffix, without a separable prefix, or both. The remainder
/// keeps at least four letters; whether it is a real root is for the caller
/// to decide (for instance: the root also occurs elsewhere).
pub fn derivation_roots(word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let long_enough = |w: &str| w.chars().count() >= 4;
    let mut bases = vec![word.to_string()];
    // Separable prefixes only on verbs (infinitives): "opknappen".
    if word.ends_with("en") {
        if let Some(rest) = PREFIXES.iter().find_map(|p| word.strip_prefix(p)) {
            if rest.chars().count() >= 5 {
                out.push(rest.to_string());
                bases.push(rest.to_string());
            }
        }
    }
    for base in bases {
        if let Some(rest) = DERIVATIONS
            .iter()
            .find_map(|suffix| base.strip_suffix(suffix))
        {
            if long_enough(rest) {
                out.push(rest.to_string());
            }
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
    fn plurals_and_diminutives_share_a_stem() {
        for (a, b) in [
            ("laptop", "laptops"),
            ("fiets", "fietsen"),
            ("les", "lessen"),
            ("ruimte", "ruimtes"),
            ("bus", "busje"),
            ("hand", "handjes"),
            ("zaal", "zalen"),
            ("cursus", "cursussen"),
            ("vrijwilliger", "vrijwilligers"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
    }

    #[test]
    fn folding_and_stopwords() {
        assert_eq!(fold("Café Coöperatie"), "cafe cooperatie");
        let t = tokens("Wij zoeken een café voor de 3 vrijwilligers");
        let s: Vec<&str> = t.iter().map(|t| t.surface.as_str()).collect();
        assert_eq!(s, vec!["cafe", "vrijwilligers"]);
        let n = tokens_with_negation("Randapparatuur, geen computers. Laptops");
        let flags: Vec<bool> = n.iter().map(|(_, neg)| *neg).collect();
        assert_eq!(flags, vec![false, true, false]);
    }

    #[test]
    fn compounds_split_on_known_heads() {
        let known = |w: &str| ["bus", "bestel", "ruimte", "vergader", "tuin"].contains(&w);
        assert_eq!(
            split_compound("bestelbus", &known),
            Some(("bestel".into(), "bus".into()))
        );
        assert_eq!(
            split_compound("vergaderruimte", &known),
            Some(("vergader".into(), "ruimte".into()))
        );
        assert_eq!(
            split_compound("tuinbus", &known),
            Some(("tuin".into(), "bus".into()))
        );
        assert_eq!(split_compound("autobus", &known), None);
    }

    #[test]
    fn derivations_strip_one_suffix_or_a_separable_prefix() {
        let roots =
            |w: &str| -> Vec<String> { derivation_roots(w).iter().map(|r| stem(r)).collect() };
        assert!(roots("oplichters").contains(&stem("oplichting")));
        assert!(roots("budgetteren").contains(&stem("budget")));
        assert!(roots("opknappen").contains(&stem("knappen")));
        assert!(roots("trainers").contains(&stem("trainen")));
        // Too short a remainder is no root; prefixes only on verbs.
        assert!(roots("water").is_empty());
        assert!(roots("afspraak").is_empty());
    }

    #[test]
    fn edit_distance_is_bounded() {
        assert_eq!(edit_distance("vrijwilligers", "vrijwiligers", 1), Some(1));
        assert_eq!(edit_distance("computer", "comptuer", 1), Some(1));
        assert_eq!(edit_distance("computer", "laptop", 2), None);
        assert!(deletions("abc").contains(&"ac".to_string()));
    }
}
