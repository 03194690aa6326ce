//! The Dutch lexicon: every lower-case word of the OpenTaal word list,
//! folded, with what OpenTaal's spelling dictionary allows it to be in a
//! compound (see `data/README.md` for the source, licence and how it is
//! made). Decompressed once, on first use, into one sorted string that is
//! searched by bisection: no per-word allocation.

use std::io::Read;
use std::sync::LazyLock;

const DATA: &[u8] = include_bytes!("data/nl-words.txt.gz");

/// What a word may be in a compound, by OpenTaal's spelling dictionary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    /// May stand in front ("kantoor" in "kantoorruimte").
    pub modifier: bool,
    /// May stand behind, as the head ("ruimte").
    pub head: bool,
}

/// A sorted list of words, one a line, each optionally followed by a tab
/// and its roles ("m", "h" or "mh").
pub struct Lexicon {
    text: String,
    /// Byte offset of the start of every line.
    starts: Vec<u32>,
}

impl Lexicon {
    /// A lexicon from sorted lines (bytewise order, as `LC_ALL=C sort`).
    fn from_sorted(text: String) -> Lexicon {
        let mut starts = Vec::with_capacity(text.len() / 10);
        let mut at = 0usize;
        // `match_indices` finds the newlines with std's optimised memchr,
        // also in a debug build.
        for (end, _) in text.match_indices('\n') {
            if end > at {
                starts.push(u32::try_from(at).unwrap_or(u32::MAX));
            }
            at = end + 1;
        }
        if at < text.len() {
            starts.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        Lexicon { text, starts }
    }

    /// The word and the roles of the line starting at byte `start`.
    fn line(&self, start: u32) -> (&str, &str) {
        let rest = self.text.get(start as usize..).unwrap_or("");
        let line = rest.split('\n').next().unwrap_or("");
        line.split_once('\t').unwrap_or((line, ""))
    }

    #[cfg(test)]
    fn word(&self, i: usize) -> &str {
        self.line(self.starts[i]).0
    }

    /// The roles of a folded word, `None` when it is not in the list.
    pub fn get(&self, word: &str) -> Option<Roles> {
        let i = self
            .starts
            .binary_search_by(|&s| self.line(s).0.cmp(word))
            .ok()?;
        let roles = self.line(self.starts[i]).1;
        Some(Roles {
            modifier: roles.contains('m'),
            head: roles.contains('h'),
        })
    }

    /// True when the folded word is in the list.
    pub fn contains(&self, word: &str) -> bool {
        self.get(word).is_some()
    }

    /// Number of words.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether the lines are in order (checked by a test on the real data).
    #[cfg(test)]
    fn is_sorted(&self) -> bool {
        (1..self.len()).all(|i| self.word(i - 1) < self.word(i))
    }
}

/// The compiled-in Dutch lexicon, decompressed on first use.
pub static DUTCH: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut text = String::with_capacity(DATA.len() * 4);
    // The data is compiled in and checked by a test: a failure here is a
    // broken build, and an empty lexicon only means no compound splits.
    if flate2::read::GzDecoder::new(DATA)
        .read_to_string(&mut text)
        .is_err()
    {
        text.clear();
    }
    Lexicon::from_sorted(text)
});

/// True when the folded word is a Dutch word.
pub fn is_word(word: &str) -> bool {
    DUTCH.contains(word)
}

/// What a folded Dutch word may be in a compound (`None`: no word).
pub fn roles(word: &str) -> Option<Roles> {
    DUTCH.get(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_list_is_loaded_sorted_and_folded() {
        let started = std::time::Instant::now();
        let n = DUTCH.len();
        eprintln!("lexicon: {n} words in {:?}", started.elapsed());
        assert!(n > 300_000, "{n}");
        assert!(roles("kantoor").is_some_and(|r| r.modifier));
        assert!(roles("ruimte").is_some_and(|r| r.head));
        assert!(DUTCH.is_sorted());
        for w in [
            "kantoor",
            "ruimte",
            "vrijwilliger",
            "beleid",
            "machine",
            "cooperatie",
        ] {
            assert!(is_word(w), "{w}");
        }
        for w in ["kantoo", "coöperatie", "Kantoor", "", "zzzzzz"] {
            assert!(!is_word(w), "{w}");
        }
    }

    #[test]
    fn bisection_finds_first_last_and_absent_words() {
        let l = Lexicon::from_sorted("aap\nbeer\ncavia\n".to_string());
        assert_eq!(l.len(), 3);
        assert!(l.contains("aap") && l.contains("beer") && l.contains("cavia"));
        assert!(!l.contains("aa") && !l.contains("bee") && !l.contains("dodo"));
        let l = Lexicon::from_sorted("aap\tm\naapje\nbeer\tmh\n".to_string());
        assert_eq!(l.get("aapje"), Some(Roles::default()));
        assert_eq!(
            l.get("beer"),
            Some(Roles {
                modifier: true,
                head: true
            })
        );
        assert!(l.get("aap").is_some_and(|r| r.modifier && !r.head));
    }
}
