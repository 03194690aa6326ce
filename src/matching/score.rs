//! Scoring one offer against one request: text similarity, category
//! compatibility, theme, place and fit of hours/quantity, with reasons (`reason::Reason`).

use crate::domain::Category;

use super::features::{overlap, Dots, Feat, ItemText, KeyKind, Vocab};
use super::reason::Reason;
use super::text;

/// Tunable weights of the score. Scores are in 0..1.
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    /// Cosine similarity at which the text part saturates to 1.
    pub text_saturation: f64,
    /// Share of the text part in the score.
    pub text: f64,
    pub category: f64,
    pub theme: f64,
    pub place: f64,
    pub fit: f64,
    /// Share of title coverage (vs. full-text cosine) in the text similarity.
    pub title_blend: f64,
    /// Share of the character n-gram cosine in the text similarity.
    pub grams: f64,
    /// Lowest score a suggestion may have.
    pub min_suggestion: f64,
    /// Lowest score of each direction of a two-way candidate.
    pub min_two_way: f64,
    /// Share of the text part that does not depend on category fit.
    pub category_floor: f64,
    /// How much a request's margin over its next-best offer adds to a pair's
    /// confidence in the assignment.
    pub request_margin: f64,
    /// How much an offer's margin over its next-best request adds.
    pub offer_margin: f64,
    /// Share of the sentence encoder's cosine in the score of a pair whose
    /// two vectors are known (the rest is the lexical score above).
    pub encoder: f64,
    /// Cosine below which two texts count as unrelated: the encoder's part is
    /// (cosine - floor) / (1 - floor), at least 0 (unrelated Dutch texts
    /// still have cosines around 0.1-0.3).
    pub encoder_floor: f64,
    /// How many nearest counterparts by encoder cosine each item adds to
    /// its word candidates.
    pub encoder_candidates: usize,
    /// Local scaling of the encoder's cosine (CSLS, Conneau et al. 2018):
    /// some texts are close to everything ("hubs") and some to nothing. A
    /// pair's cosine is lowered by the mean of its two items' densities (each
    /// item's mean cosine to its this many nearest counterparts) and raised
    /// by the market's mean density, so its scale stays the cosine's. 0
    /// leaves the cosine as it is.
    pub encoder_local: usize,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            text_saturation: 0.5,
            text: 0.63,
            title_blend: 0.0,
            grams: 0.5,
            category: 0.175,
            theme: 0.105,
            place: 0.035,
            fit: 0.055,
            min_suggestion: 0.15,
            min_two_way: 0.22,
            category_floor: 0.4,
            request_margin: 1.5,
            offer_margin: 0.0,
            encoder: 0.5,
            encoder_floor: 0.0,
            encoder_candidates: 10,
            encoder_local: 10,
        }
    }
}

/// How well an offer of one category answers a request of another (1 = same).
pub fn category_fit(offer: Category, request: Category) -> f64 {
    use Category::*;
    if offer == request {
        return 1.0;
    }
    let pair = |a, b| (offer == a && request == b) || (offer == b && request == a);
    if pair(Kennis, Menskracht) {
        0.8
    } else if pair(Kennis, Creativiteit) || pair(Menskracht, Creativiteit) {
        0.7
    } else if pair(Netwerk, Menskracht)
        || pair(Netwerk, Kennis)
        || pair(Netwerk, Faciliteiten)
        || pair(Faciliteiten, Materiaal)
    {
        0.6
    } else if pair(Faciliteiten, Menskracht) || pair(Faciliteiten, Kennis) {
        0.5
    } else {
        0.3
    }
}

/// What the scorer needs to know of one item besides its text.
pub struct ItemFacts<'a> {
    pub party: i64,
    pub category: Category,
    /// The theme, folded and trimmed.
    pub theme_key: Option<&'a str>,
    pub hours: Option<f64>,
    pub quantity: Option<&'a str>,
    /// The quantity's number and unit class (`Quantity::read`), read once
    /// per item rather than per pair.
    pub amount: Option<&'a Quantity>,
    pub municipality: &'a str,
    /// The municipality folded, for comparison.
    pub municipality_key: &'a str,
    /// The four-digit postcode region (`region`).
    pub region: Option<&'a str>,
}

/// A quantity read: its number and the class of its unit (people, or the
/// unit's stem).
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub number: f64,
    pub unit: Option<String>,
}

impl Quantity {
    pub fn read(q: &str) -> Option<Quantity> {
        let (number, unit) = quantity_number(q)?;
        Some(Quantity {
            number,
            unit: unit_class(unit),
        })
    }
}

/// The leading number of a quantity ("tot 30 personen" -> 30, "1.000" -> 1000)
/// and the word after it, when there is one.
pub fn quantity_number(q: &str) -> Option<(f64, Option<String>)> {
    let folded = text::fold(q);
    let mut chars = folded.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_ascii_digit() {
            let rest = &folded[i..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            let digits: String = rest[..end].chars().filter(char::is_ascii_digit).collect();
            let n: f64 = digits.parse().ok()?;
            // "4-8 personen": take the upper bound.
            let mut after = &rest[end..];
            let mut n = n;
            if let Some(r) = after.strip_prefix('-') {
                let e2 = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
                if let Ok(m) = r[..e2].parse::<f64>() {
                    n = m;
                    after = &r[e2..];
                }
            }
            let unit = text::words(after)
                .into_iter()
                .next()
                .map(|w| text::stem(&w));
            return Some((n, unit));
        }
        chars.next();
    }
    None
}

/// Units that all count people ("30 personen" answers "25 deelnemers").
const PEOPLE: &[&str] = &[
    "personen",
    "mensen",
    "deelnemers",
    "bezoekers",
    "gasten",
    "leerlingen",
    "kinderen",
    "leden",
    "medewerkers",
    "vrijwilligers",
    "jongeren",
    "spelers",
    "collega",
    "man",
    "cursisten",
];

fn unit_class(unit: Option<String>) -> Option<String> {
    let unit = unit?;
    if PEOPLE.iter().any(|p| text::stem(p) == unit) {
        Some("people".to_string())
    } else {
        Some(unit)
    }
}

/// Fit of hours and quantity: a multiplier (1 = fits or unknown, lower when
/// the offer is clearly too small) and a reason when it is telling.
fn fit(offer: &ItemFacts<'_>, request: &ItemFacts<'_>) -> (f64, Option<Reason>) {
    if let (Some(o), Some(r)) = (offer.amount, request.amount) {
        let (no, nr) = (o.number, r.number);
        if o.unit.is_some() && o.unit == r.unit && no > 0.0 && nr > 0.0 {
            return if no >= nr {
                let (qo, qr) = (
                    offer.quantity.unwrap_or_default(),
                    request.quantity.unwrap_or_default(),
                );
                (1.0, Some(Reason::Enough(qo.to_string(), qr.to_string())))
            } else {
                (0.5 + 0.5 * no / nr, None)
            };
        }
    }
    if let (Some(ho), Some(hr)) = (offer.hours, request.hours) {
        if ho > 0.0 && hr > 0.0 {
            return if ho >= hr {
                (1.0, Some(Reason::Hours(ho, hr)))
            } else {
                (0.6 + 0.4 * ho / hr, None)
            };
        }
    }
    (1.0, None)
}

/// The four-digit postcode region of a postcode.
pub fn region(postcode: Option<&str>) -> Option<String> {
    let digits: String = postcode?
        .chars()
        .filter(char::is_ascii_digit)
        .take(4)
        .collect();
    (digits.len() == 4).then_some(digits)
}

/// The score of a pair and its reasons, strongest first.
pub struct Scored {
    pub score: f64,
    pub reasons: Vec<String>,
    pub parts: Parts,
}

/// The components of a score, for the acceptance model.
#[derive(Debug, Clone, Copy, Default)]
pub struct Parts {
    /// Request title covered by the offer's text, and vice versa.
    pub request_title: f64,
    pub offer_title: f64,
    /// Cosine of the two titles.
    pub titles: f64,
    pub category: f64,
    pub theme: f64,
    pub place: f64,
    pub fit: f64,
    /// Cosine of the two sentence-encoder vectors, locally scaled
    /// (`Weights::encoder_local`; 0 when one is unknown). Acceptance models
    /// fitted before the scaling read it as a plain cosine; the built-in
    /// one gives it no weight.
    pub encoder: f64,
}

/// Text similarity of an offer and a request: the cosine of their full
/// texts (blended with how well each title is covered by the other's text)
/// averaged with the cosine of their character n-grams.
fn text_similarity(dots: &Dots, tb: f64, gb: f64) -> (f64, Parts) {
    let (full, rt, ot) = (
        f64::from(dots.full),
        f64::from(dots.request_title),
        f64::from(dots.offer_title),
    );
    let sim = (1.0 - tb) * full + tb * (0.6 * rt + 0.4 * ot);
    let sim = (1.0 - gb) * sim + gb * f64::from(dots.grams);
    let parts = Parts {
        request_title: rt,
        offer_title: ot,
        titles: f64::from(dots.titles),
        ..Parts::default()
    };
    (sim, parts)
}

fn word_reason(vocab: &Vocab, c: &(f32, Feat, Feat)) -> Reason {
    let (_, fo, fr) = c;
    let so = vocab.surface_text(fo.surface).to_string();
    let sr = vocab.surface_text(fr.surface).to_string();
    match vocab.kind(fo.key) {
        KeyKind::Slip if so != sr => Reason::Spelled(so, sr),
        _ if so == sr => Reason::Word(so),
        _ => Reason::Related(so, sr),
    }
}

/// Score an offer against a request. `None` when they may not be paired
/// (same organisation).
pub fn score(
    w: &Weights,
    vocab: &Vocab,
    (offer, offer_text): (&ItemFacts<'_>, &ItemText),
    (request, request_text): (&ItemFacts<'_>, &ItemText),
    with_reasons: bool,
    dots: &Dots,
) -> Option<Scored> {
    if offer.party == request.party {
        return None;
    }
    let (sim, mut parts) = text_similarity(dots, w.title_blend, w.grams);
    // The shared words, for the reasons only.
    let (dot, mut shared) = if with_reasons {
        overlap(&offer_text.feats, &request_text.feats)
    } else {
        (dots.full, Vec::new())
    };
    let text_part = (sim / w.text_saturation).min(1.0);
    let cat = category_fit(offer.category, request.category);
    // Reasons are written only when asked for: scoring every candidate
    // pair needs the numbers alone.
    let mut reasons = Vec::new();
    let mut say = |reason: &dyn Fn() -> Reason| {
        if with_reasons {
            reasons.push(reason().encode());
        }
    };
    shared.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut words: Vec<Reason> = Vec::new();
    for c in shared.iter().take(6) {
        if c.0 < dot * 0.08 || words.len() >= 3 {
            break;
        }
        let r = word_reason(vocab, c);
        if !words.contains(&r) {
            words.push(r);
        }
    }
    for r in words {
        say(&|| r.clone());
    }
    if cat >= 1.0 {
        say(&|| Reason::SameCategory(offer.category));
    } else if cat >= 0.6 {
        say(&|| Reason::CategoryFits(offer.category, request.category));
    }
    let theme = match (offer.theme_key, request.theme_key) {
        (Some(a), Some(b)) if a == b && !a.is_empty() => {
            say(&|| Reason::SameTheme(a.to_string()));
            1.0
        }
        (Some(_), Some(_)) => 0.0,
        _ => 0.4,
    };
    let place = match (offer.region, request.region) {
        (Some(a), Some(b)) if a == b => {
            say(&|| Reason::Postcode(a.to_string()));
            1.0
        }
        _ if !offer.municipality_key.is_empty()
            && offer.municipality_key == request.municipality_key =>
        {
            say(&|| Reason::Municipality(offer.municipality.to_string()));
            0.6
        }
        _ => 0.0,
    };
    let (fit, fit_reason) = fit(offer, request);
    if let Some(r) = fit_reason {
        say(&|| r.clone());
    }
    let score = (w.text * text_part * (w.category_floor + (1.0 - w.category_floor) * cat)
        + text_part.sqrt() * (w.category * cat + w.theme * theme + w.place * place + w.fit))
        * fit;
    parts.category = cat;
    parts.theme = theme;
    parts.place = place;
    parts.fit = fit;
    Some(Scored {
        score: score.clamp(0.0, 1.0),
        reasons,
        parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_category_fits_best() {
        assert_eq!(category_fit(Category::Materiaal, Category::Materiaal), 1.0);
        assert!(category_fit(Category::Kennis, Category::Menskracht) > 0.5);
        assert!(
            category_fit(Category::Materiaal, Category::Kennis)
                < category_fit(Category::Kennis, Category::Menskracht)
        );
    }

    #[test]
    fn quantities_parse() {
        let (n, u) = quantity_number("tot 30 personen").unwrap_or((0.0, None));
        assert_eq!(n, 30.0);
        assert_eq!(u, Some(text::stem("personen")));
        assert_eq!(
            quantity_number("max. 1.000 exemplaren").map(|q| q.0),
            Some(1000.0)
        );
        assert_eq!(quantity_number("4-8 personen").map(|q| q.0), Some(8.0));
        assert_eq!(quantity_number("geen"), None);
    }

    #[test]
    fn postcode_region_is_four_digits() {
        assert_eq!(region(Some("7447 AB")), Some("7447".to_string()));
        assert_eq!(region(Some("74")), None);
    }
}
