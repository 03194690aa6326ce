//! Compound splitting: "kantoorruimte" is kantoor|ruimte,
//! "vrijwilligersbeleid" vrijwilliger(s)|beleid, "sorteermachine"
//! sorteer|machine. A split is accepted only when both parts are words: of
//! the Dutch lexicon (preferably marked by OpenTaal's spelling dictionary as
//! fit for that place in a compound), or of whatever `extra` the caller
//! adds. The head, the right part, is what the compound is.

use super::lexicon::{self, Roles};
use super::stem::PARTICLES;

/// Words shorter than this are not split ("welkom" is no wel|kom).
const MIN_WORD: usize = 7;
/// Shortest part of a compound, in letters.
const MIN_PART: usize = 3;
/// Shortest part that counts without the spelling dictionary's compound
/// mark: the word list holds many short rare words ("kel", "tuur", "bes")
/// that would cut simple words into nonsense.
const MIN_UNMARKED: usize = 6;

/// Prefixes and particles that are words on their own ("ver", "voor",
/// "over") but make derived words, not compounds, when in front:
/// "voorlichting" is no voor|lichting, "ondersteuning" no onder|steuning.
const NOT_MODIFIERS: &[&str] = &["ver", "her", "ont", "mis", "onder", "achter", "tegen"];

/// Unstressed prefixes: a word made of one and a word ("be|stuur",
/// "ver|koop", "ge|bouw", "ont|werp") is a derivation, not to be split
/// elsewhere either ("bestuur" is no bes|tuur).
const PREFIXES: &[&str] = &["be", "ge", "ver", "ont", "her", "er"];

/// Suffixes that are words on their own ("heid", "ster", "schap") but make
/// derived words when behind: "gezondheid" is no gezond|heid.
const NOT_HEADS: &[&str] = &[
    "heid", "heden", "schap", "schappen", "dom", "dommen", "lijk", "lijke", "lijken", "baar",
    "bare", "loos", "loze", "zaam", "zame", "achtig", "achtige", "ster", "sters", "ling", "lingen",
    "nis", "sel", "sels", "erij", "ies", "iek", "ica", "ist", "isten", "tie", "ties", "aar",
    "aars", "ier", "iers",
];

/// Endings of comparatives and superlatives ("williger", "mogelijkste"):
/// an adjective heads a compound in its plain form, so these are no heads
/// ("vrijwilliger" is no vrij|williger).
const NOT_HEAD_ENDINGS: &[&str] = &[
    "iger", "igere", "igst", "igste", "lijker", "lijkere", "lijkst", "lijkste",
];

/// Linking sounds between the parts, tried after the bare modifier:
/// vrijwilliger-s-beleid, pann-en-koek, zieke-n-huis, kind-er-opvang,
/// geboort-e-dag.
const LINKS: &[&str] = &["s", "en", "e", "n", "er"];

/// Split a folded compound into (modifier, head) with the Dutch lexicon.
pub fn split(word: &str) -> Option<(String, String)> {
    split_with(word, &|_| false)
}

/// Split a folded compound into (modifier, head). `extra` names words that
/// count as fit for either place besides the lexicon's (a thesaurus's
/// words). The modifier is returned as written, with its link
/// ("vrijwilligers"); an inflected compound keeps its ending on the head
/// ("vergaderruimtes" is vergader|ruimtes).
///
/// The longest head wins, first among parts the spelling dictionary marks
/// for their place, then among unmarked words of at least six letters.
/// A word made of an unstressed prefix and a word, or the plural or
/// diminutive of a word that does not split, is not split.
pub fn split_with(word: &str, extra: &dyn Fn(&str) -> bool) -> Option<(String, String)> {
    split_at_depth(word, extra, 1)
}

fn split_at_depth(word: &str, extra: &dyn Fn(&str) -> bool, depth: u8) -> Option<(String, String)> {
    let n = word.len();
    if n < MIN_WORD || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let known = |w: &str| extra(w) || lexicon::is_word(w);
    if PREFIXES
        .iter()
        .filter_map(|p| word.strip_prefix(p))
        .any(|rest| rest.len() >= MIN_PART && known(rest))
    {
        return None;
    }
    // An inflected word: split its base form, keep the ending on the head.
    if let Some(base) = bases(word).into_iter().find(|b| known(b)) {
        let (modifier, _) = split_at_depth(&base, extra, depth)?;
        let head = word[modifier.len()..].to_string();
        return (head.len() >= MIN_PART).then_some((modifier, head));
    }
    for marked in [true, false] {
        for i in MIN_PART..=(n - MIN_PART) {
            let (modifier, head) = word.split_at(i);
            if is_head(head, marked, extra) && is_modifier(modifier, marked, extra, depth) {
                // A head starting with s may have taken the linking -s-:
                // "bestuursleden" is bestuurs|leden, not bestuur|sleden.
                if let Some(rest) = head.strip_prefix('s') {
                    let linked = format!("{modifier}s");
                    if rest.len() >= MIN_PART
                        && is_head(rest, marked, extra)
                        && is_modifier(&linked, marked, extra, depth)
                    {
                        return Some((linked, rest.to_string()));
                    }
                }
                return Some((modifier.to_string(), head.to_string()));
            }
        }
    }
    None
}

/// Base forms an inflected word may have: without a plural (-s, -en, -n,
/// -eren) or diminutive ending, spelled as Dutch spells the base
/// ("knippen" -> "knip", "kantoren" -> "kantoor", "huizen" -> "huis").
fn bases(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |b: &str| {
        if b.len() >= MIN_PART && !out.iter().any(|o: &String| o == b) {
            out.push(b.to_string());
        }
    };
    for ending in ["s", "n", "eren", "tjes", "jes", "tje", "je"] {
        if let Some(b) = word.strip_suffix(ending) {
            push(b);
        }
    }
    if let Some(b) = word.strip_suffix("en") {
        push(b);
        let bytes = b.as_bytes();
        let k = bytes.len();
        if k >= 3 && bytes[k - 1] == bytes[k - 2] && !is_vowel(bytes[k - 1]) {
            push(&b[..k - 1]);
        }
        // An open syllable spells a long vowel single: "kantoren", "zalen".
        if k >= 3 && !is_vowel(bytes[k - 1]) && is_vowel(bytes[k - 2]) && !is_vowel(bytes[k - 3]) {
            let vowel = char::from(bytes[k - 2]);
            if vowel != 'i' {
                let mut long = b[..k - 1].to_string();
                long.push(vowel);
                long.push_str(&b[k - 1..]);
                push(&long);
            }
        }
        for (voiced, plain) in [('z', 's'), ('v', 'f')] {
            if let Some(stem) = b.strip_suffix(voiced) {
                push(&format!("{stem}{plain}"));
            }
        }
    }
    out
}

fn is_vowel(b: u8) -> bool {
    b"aeiou".contains(&b)
}

/// Whether a dictionary entry fits: marked for the place, or (when
/// unmarked words are allowed) a word long enough.
fn fits(word: &str, marked: bool, role: fn(Roles) -> bool, extra: &dyn Fn(&str) -> bool) -> bool {
    if extra(word) {
        return true;
    }
    match lexicon::roles(word) {
        Some(r) if role(r) => true,
        Some(_) => !marked && word.len() >= MIN_UNMARKED,
        None => false,
    }
}

fn is_head(head: &str, marked: bool, extra: &dyn Fn(&str) -> bool) -> bool {
    if NOT_HEADS.contains(&head) || NOT_HEAD_ENDINGS.iter().any(|e| head.ends_with(e)) {
        return false;
    }
    let role = |r: Roles| r.head;
    fits(head, marked, role, extra) || bases(head).iter().any(|b| fits(b, marked, role, extra))
}

/// Whether a folded string can stand in front in a compound, with or
/// without a linking sound, or is itself a compound of words.
fn is_modifier(modifier: &str, marked: bool, extra: &dyn Fn(&str) -> bool, depth: u8) -> bool {
    let candidates = std::iter::once(modifier).chain(
        LINKS
            .iter()
            .filter_map(|l| modifier.strip_suffix(l))
            .filter(|m| m.len() >= MIN_PART),
    );
    for m in candidates {
        if NOT_MODIFIERS.contains(&m) || PARTICLES.contains(&m) {
            return false;
        }
        if fits(m, marked, |r| r.modifier, extra)
            || (depth > 0 && split_at_depth(m, extra, depth - 1).is_some())
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: &str, b: &str) -> Option<(String, String)> {
        Some((a.to_string(), b.to_string()))
    }

    #[test]
    fn compounds_split_into_words_of_the_lexicon() {
        assert_eq!(split("kantoorruimte"), pair("kantoor", "ruimte"));
        assert_eq!(
            split("vrijwilligersbeleid"),
            pair("vrijwilligers", "beleid")
        );
        assert_eq!(split("sorteermachine"), pair("sorteer", "machine"));
        assert_eq!(split("vergaderruimtes"), pair("vergader", "ruimtes"));
        assert_eq!(split("kantoorruimtes"), pair("kantoor", "ruimtes"));
        assert_eq!(split("huiswerkklas"), pair("huiswerk", "klas"));
        assert_eq!(split("kinderopvang"), pair("kinder", "opvang"));
        assert_eq!(split("voetbalvereniging"), pair("voetbal", "vereniging"));
        assert_eq!(split("bestuursleden"), pair("bestuurs", "leden"));
    }

    #[test]
    fn derived_simple_and_inflected_words_are_not_split() {
        for w in [
            "bestuur",
            "verkoop",
            "voorlichting",
            "aanbod",
            "gezondheid",
            "ondersteuning",
            "computer",
            "laptops",
            "vrijwilliger",
            "vrijwilligers",
            "organisatie",
            "materiaal",
            "jongeren",
            "kinderen",
            "knippen",
            "winkel",
            "mensen",
            "transport",
            "station",
            "welkom",
            "kantoren",
        ] {
            assert_eq!(split(w), None, "{w}");
        }
    }

    #[test]
    fn extra_words_count_as_parts() {
        let extra = |w: &str| ["bus"].contains(&w);
        assert_eq!(split_with("bestelbus", &extra), pair("bestel", "bus"));
        assert_eq!(split_with("bestelbusje", &extra), pair("bestel", "busje"));
        assert_eq!(split_with("zzzzbus", &extra), None, "zzzz is no word");
    }

    #[test]
    fn inflected_words_find_their_base() {
        for (w, base) in [
            ("knippen", "knip"),
            ("kantoren", "kantoor"),
            ("huizen", "huis"),
            ("ruimtes", "ruimte"),
            ("kinderen", "kind"),
            ("zaaltje", "zaal"),
        ] {
            assert!(bases(w).contains(&base.to_string()), "{w}: {:?}", bases(w));
        }
    }
}
