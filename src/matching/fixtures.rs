//! Small builders shared by the matching module's unit tests.

use super::Suggestion;

/// A suggestion of `offer` for `request` without reasons.
pub fn s(offer: i64, request: i64, score: f64) -> Suggestion {
    Suggestion {
        offer,
        request,
        score,
        reasons: Vec::new(),
    }
}

/// The party of an item in the tests: items 1x belong to party 1, 2x to
/// party 2, and so on.
pub fn party(item: i64) -> Option<i64> {
    Some(item / 10)
}
