//! Dutch stemming: the Snowball stemmer with the plurals, diminutives and
//! doubled consonants it leaves inconsistent smoothed, and the roots of
//! derived words.

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use rust_stemmers::{Algorithm, Stemmer};

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Dutch));

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

/// Stems already computed: a market stems the same words again and again.
static KNOWN: LazyLock<RwLock<HashMap<String, String>>> = LazyLock::new(Default::default);

/// How many stems are remembered at most; then the memory starts afresh.
const REMEMBERED: usize = 200_000;

/// The stem of one folded word: plural, singular and diminutive share it.
pub fn stem(word: &str) -> String {
    if let Some(s) = KNOWN.read().ok().and_then(|k| k.get(word).cloned()) {
        return s;
    }
    let pre = pre_stem(word);
    let s = post_stem(&STEMMER.stem(&pre));
    if let Ok(mut known) = KNOWN.write() {
        if known.len() >= REMEMBERED {
            known.clear();
        }
        known.insert(word.to_string(), s.clone());
    }
    s
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
pub(super) const PARTICLES: &[&str] = &[
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
        if let Some(rest) = PARTICLES.iter().find_map(|p| word.strip_prefix(p)) {
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
            ("jaarrekening", "jaarrekeningen"),
            ("vergaderruimte", "vergaderruimtes"),
            ("boom", "boompje"),
            ("kast", "kastje"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_ne!(stem("laptop"), stem("lessen"));
    }

    #[test]
    fn derivations_strip_one_suffix_or_a_separable_prefix() {
        let roots =
            |w: &str| -> Vec<String> { derivation_roots(w).iter().map(|r| stem(r)).collect() };
        assert!(roots("oplichters").contains(&stem("oplichting")));
        assert!(roots("budgetteren").contains(&stem("budget")));
        assert!(roots("opknappen").contains(&stem("knappen")));
        assert!(roots("trainers").contains(&stem("trainen")));
        assert!(roots("begeleiding").contains(&stem("begeleiden")));
        // Too short a remainder is no root; prefixes only on verbs.
        assert!(roots("water").is_empty());
        assert!(roots("afspraak").is_empty());
    }
}
