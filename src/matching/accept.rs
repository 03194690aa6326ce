//! Acceptance model for the global assignment: the probability that a
//! makelaar would accept a candidate pair, from a small feature vector, by a
//! logistic regression. The built-in coefficients were fitted offline on
//! the labelled sets (see `COEF`); the assignment uses `probability - threshold` as gain.

use crate::domain::OrganisationKind;

use super::score::Parts;

/// Number of features.
pub const N: usize = 17;

/// What the model looks at for one candidate pair.
pub struct Inputs {
    pub score: f64,
    /// Score plus weighted margins (see `margins::confidence`).
    pub confidence: f64,
    /// Margin over the request's next-best offer.
    pub request_margin: f64,
    /// Margin over the offer's next-best request beyond its capacity.
    pub offer_margin: f64,
    /// The request's best offer.
    pub top_of_request: bool,
    /// Also among the offer's best requests (within its capacity).
    pub mutual: bool,
    /// Part of a two-way (wederdienst) candidate.
    pub reciprocal: bool,
    pub parts: Parts,
    pub offer_kind: Option<OrganisationKind>,
    pub request_kind: Option<OrganisationKind>,
    /// The margins by meaning alone: the pair's encoder cosine
    /// (`Parts::encoder`) over the request's next-best offer by that
    /// cosine, and over the offer's next-best request beyond its capacity.
    pub meaning_request_margin: f64,
    pub meaning_offer_margin: f64,
}

fn flag(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// The feature vector of one pair.
pub fn features(x: &Inputs) -> [f64; N] {
    let m = |v: f64| v.clamp(-0.2, 0.2);
    [
        x.score,
        x.confidence,
        m(x.request_margin),
        m(x.offer_margin),
        flag(x.top_of_request),
        flag(x.mutual),
        flag(x.reciprocal),
        x.parts.titles,
        x.parts.request_title,
        x.parts.offer_title,
        x.parts.category,
        x.parts.theme,
        x.parts.fit,
        flag(
            x.offer_kind == Some(OrganisationKind::Bedrijf)
                || x.request_kind == Some(OrganisationKind::Bedrijf),
        ),
        x.parts.encoder,
        m(x.meaning_request_margin),
        m(x.meaning_offer_margin),
    ]
}

/// Intercept followed by one weight per feature, in the order of
/// `features`. Fitted as `beursvloer learn --all` fits an installation's
/// (`learn::fit`: logistic regression on standardised features, L2 lambda
/// 0.01, 4000 steps) on the candidate pairs of the four labelled sets (dev,
/// Meppel, Zutphen, Tiel), each set's pairs scored under an encoder
/// projection fitted on the other three (cross-fitting; see `cli::learn`);
/// printed by `examples/fold_study.rs`. It replaced a fit on dev alone
/// made before the encoder's projection, which gave the encoder no weight:
/// under the projection the encoder carries what the words miss, here
/// through the margins by meaning alone (the last two features: how far
/// the pair's cosine is ahead of the request's and the offer's next best).
/// Each set held out in turn, with model and projection refit on the
/// others, this way of fitting gave higher proposal precision on Meppel
/// (0.930 against 0.895) and Zutphen (0.785 against 0.705), and higher
/// proposal recall on all four sets (README); the margins by meaning
/// added recall on dev, Zutphen and Tiel (Zutphen 0.509 → 0.554) and cost
/// Meppel 0.009.
///
/// A market of a few items has its largest margins where nothing competes,
/// and this model weighs margins heavily; `propose_leaves_weak_pairs_out`
/// guards that a pair linked by one faint word stays out there.
pub const COEF: [f64; N + 1] = [
    -8.106, 2.242, 1.471, 3.896, 6.157, 0.345, -0.008, 1.087, -1.012, 1.726, -0.437, 3.554, 0.507,
    1.981, 0.228, -0.396, 1.760, 3.421,
];

/// Gain threshold: pairs below it are not proposed.
pub const THRESHOLD: f64 = 0.4;

/// Probability of acceptance under coefficients `coef` (intercept first).
pub fn probability(x: &[f64; N], coef: &[f64]) -> f64 {
    let z = coef.first().copied().unwrap_or(0.0)
        + x.iter()
            .zip(coef.iter().skip(1))
            .map(|(a, b)| a * b)
            .sum::<f64>();
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pair with score `score`, `margin` ahead of (or behind) the
    /// competition by score and `ahead` by meaning alone, whose titles
    /// cover each other `words` and whose encoder cosine is `meaning`, in
    /// the same category.
    fn inputs(score: f64, margin: f64, words: f64, meaning: f64, ahead: f64) -> Inputs {
        Inputs {
            score,
            confidence: score + margin,
            request_margin: margin,
            offer_margin: margin,
            top_of_request: margin > 0.0,
            mutual: margin > 0.0,
            reciprocal: false,
            parts: Parts {
                request_title: words,
                offer_title: words,
                titles: words,
                category: 1.0,
                fit: 1.0,
                encoder: meaning,
                ..Parts::default()
            },
            offer_kind: None,
            request_kind: None,
            meaning_request_margin: ahead,
            meaning_offer_margin: ahead,
        }
    }

    #[test]
    fn clear_strong_pairs_are_accepted_and_faint_ones_not() {
        let strong = probability(&features(&inputs(0.7, 0.2, 0.5, 0.5, 0.1)), &COEF);
        let faint = probability(&features(&inputs(0.2, -0.1, 0.1, 0.2, -0.1)), &COEF);
        assert!(strong > THRESHOLD, "{strong}");
        assert!(faint < THRESHOLD, "{faint}");
        assert!((0.0..=1.0).contains(&strong));
    }

    #[test]
    fn further_ahead_by_score_or_by_meaning_is_likelier() {
        let p = |margin: f64, ahead: f64| {
            probability(&features(&inputs(0.5, margin, 0.3, 0.4, ahead)), &COEF)
        };
        assert!(p(0.05, 0.1) > p(0.05, -0.05), "ahead by meaning");
        assert!(p(0.15, 0.0) > p(0.0, 0.0), "ahead by score");
    }
}
