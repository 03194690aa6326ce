//! Why an offer fits a request, as the matcher says it. A reason is kept
//! (in `suggestions.reasons` and `matches.reasons`) as a key with its
//! arguments, `Reason::encode`, and written out in the reader's language only
//! when it is shown, `text`: a page served in English says "Both mention
//! ‘bikes’" for the pair whose Dutch page says "Beide noemen ‘fietsen’".
//! Reasons stored before they were kept as keys are Dutch sentences; they
//! are shown as they are.

use crate::domain::Category;

/// What marks a stored reason as a key with arguments rather than a
/// sentence.
const PREFIX: &str = "reason:";
/// Between the key and its arguments; never typed in a word or a quantity.
const SEP: char = '\u{1f}';

/// One reason a pair fits.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// Both texts use the word.
    Word(String),
    /// Both use the word, one spelled otherwise (offer's, request's).
    Spelled(String, String),
    /// Two words that mean the same thing here (offer's, request's).
    Related(String, String),
    SameCategory(Category),
    /// The offer's category answers the request's (offer's, request's).
    CategoryFits(Category, Category),
    SameTheme(String),
    Postcode(String),
    Municipality(String),
    /// The offer's quantity covers the request's (as they were typed).
    Enough(String, String),
    /// The offer's hours cover the request's.
    Hours(f64, f64),
    /// The sentence encoder finds them close in meaning.
    Meaning,
}

impl Reason {
    /// The stored form: `reason:` then the key and its arguments.
    pub fn encode(&self) -> String {
        let (key, args): (&str, Vec<String>) = match self {
            Reason::Word(w) => ("word", vec![w.clone()]),
            Reason::Spelled(a, b) => ("spelled", vec![a.clone(), b.clone()]),
            Reason::Related(a, b) => ("related", vec![a.clone(), b.clone()]),
            Reason::SameCategory(c) => ("same-category", vec![c.code().to_string()]),
            Reason::CategoryFits(a, b) => (
                "category-fits",
                vec![a.code().to_string(), b.code().to_string()],
            ),
            Reason::SameTheme(t) => ("theme", vec![t.clone()]),
            Reason::Postcode(p) => ("postcode", vec![p.clone()]),
            Reason::Municipality(m) => ("municipality", vec![m.clone()]),
            Reason::Enough(a, b) => ("enough", vec![a.clone(), b.clone()]),
            Reason::Hours(a, b) => ("hours", vec![a.to_string(), b.to_string()]),
            Reason::Meaning => ("meaning", vec![]),
        };
        let mut out = format!("{PREFIX}{key}");
        for a in args {
            out.push(SEP);
            // A separator inside an argument would shift the others.
            out.extend(a.chars().filter(|&c| c != SEP));
        }
        out
    }

    /// A stored reason read back; `None` for a sentence stored before keys
    /// were used, or a key this build does not know.
    pub fn decode(stored: &str) -> Option<Reason> {
        let rest = stored.strip_prefix(PREFIX)?;
        let mut parts = rest.split(SEP);
        let key = parts.next()?;
        let args: Vec<&str> = parts.collect();
        let text = |i: usize| args.get(i).map(|s| s.to_string());
        let category = |i: usize| args.get(i).and_then(|s| s.parse::<Category>().ok());
        let hours = |i: usize| args.get(i).and_then(|s| s.parse::<f64>().ok());
        Some(match (key, args.len()) {
            ("word", 1) => Reason::Word(text(0)?),
            ("spelled", 2) => Reason::Spelled(text(0)?, text(1)?),
            ("related", 2) => Reason::Related(text(0)?, text(1)?),
            ("same-category", 1) => Reason::SameCategory(category(0)?),
            ("category-fits", 2) => Reason::CategoryFits(category(0)?, category(1)?),
            ("theme", 1) => Reason::SameTheme(text(0)?),
            ("postcode", 1) => Reason::Postcode(text(0)?),
            ("municipality", 1) => Reason::Municipality(text(0)?),
            ("enough", 2) => Reason::Enough(text(0)?, text(1)?),
            ("hours", 2) => Reason::Hours(hours(0)?, hours(1)?),
            ("meaning", 0) => Reason::Meaning,
            _ => return None,
        })
    }

    /// The reason in the language being served.
    pub fn message(&self) -> crate::i18n::Msg {
        use crate::tr;
        let lower = |c: &Category| c.label().to_lowercase();
        let hours = |h: &f64| crate::i18n::decimal(*h, if h.fract() == 0.0 { 0 } else { 1 });
        match self {
            Reason::Word(w) => tr("reason-word").arg("word", w),
            Reason::Spelled(a, b) => tr("reason-spelled").arg("word", a).arg("other", b),
            Reason::Related(a, b) => tr("reason-related").arg("word", a).arg("other", b),
            Reason::SameCategory(c) => tr("reason-same-category").arg("category", lower(c)),
            Reason::CategoryFits(a, b) => tr("reason-category-fits")
                .arg("offer", a.label())
                .arg("request", lower(b)),
            Reason::SameTheme(t) => tr("reason-theme").arg("theme", t),
            Reason::Postcode(p) => tr("reason-postcode").arg("postcode", p),
            Reason::Municipality(m) => tr("reason-municipality").arg("municipality", m),
            Reason::Enough(a, b) => tr("reason-enough").arg("offer", a).arg("request", b),
            Reason::Hours(a, b) => tr("reason-hours")
                .arg("offer", hours(a))
                .arg("request", hours(b)),
            Reason::Meaning => tr("reason-meaning"),
        }
    }
}

/// A stored reason as the reader reads it: a key in the language being
/// served, an older stored sentence as it is.
pub fn text(stored: &str) -> String {
    match Reason::decode(stored) {
        Some(r) => r.message().to_string(),
        None => stored.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{in_lang, Lang};

    fn every_kind() -> Vec<Reason> {
        vec![
            Reason::Word("fietsen".into()),
            Reason::Spelled("fietsen".into(), "fieten".into()),
            Reason::Related("laptops".into(), "computers".into()),
            Reason::SameCategory(Category::Materiaal),
            Reason::CategoryFits(Category::Kennis, Category::Menskracht),
            Reason::SameTheme("sport".into()),
            Reason::Postcode("7201".into()),
            Reason::Municipality("Zutphen".into()),
            Reason::Enough("30 stoelen".into(), "25 stoelen".into()),
            Reason::Hours(4.0, 2.5),
            Reason::Meaning,
        ]
    }

    #[test]
    fn every_reason_reads_back_as_it_was_stored() {
        for r in every_kind() {
            assert_eq!(Reason::decode(&r.encode()), Some(r.clone()), "{r:?}");
        }
    }

    #[test]
    fn a_reason_is_written_in_the_readers_language() {
        let stored = Reason::Word("fietsen".into()).encode();
        let nl = in_lang(Lang::Nl, || text(&stored));
        let en = in_lang(Lang::En, || text(&stored));
        assert!(
            nl.contains("Beide noemen") && nl.contains("fietsen"),
            "{nl}"
        );
        assert!(
            en.contains("Both mention") && en.contains("fietsen"),
            "{en}"
        );
        let hours = Reason::Hours(4.0, 2.5).encode();
        assert!(in_lang(Lang::Nl, || text(&hours)).contains("2,5"));
        assert!(in_lang(Lang::En, || text(&hours)).contains("2.5"));
        let fits = Reason::CategoryFits(Category::Kennis, Category::Menskracht).encode();
        assert!(in_lang(Lang::En, || text(&fits)).contains("Knowledge"));
    }

    #[test]
    fn every_reason_has_words_in_both_languages() {
        for r in every_kind() {
            for lang in Lang::ALL {
                let shown = in_lang(lang, || text(&r.encode()));
                assert!(
                    !shown.is_empty()
                        && !shown.starts_with(PREFIX)
                        && !shown.contains("reason-")
                        && !shown.contains('{'),
                    "{lang:?} {r:?}: {shown}"
                );
            }
        }
    }

    #[test]
    fn an_older_stored_sentence_is_shown_as_it_is() {
        assert_eq!(text("Beide noemen ‘fietsen’"), "Beide noemen ‘fietsen’");
        assert_eq!(text("reason:unknown\u{1f}x"), "reason:unknown\u{1f}x");
        assert_eq!(Reason::decode("reason:word"), None, "an argument short");
    }
}
