//! The sentence encoder's projection of requests, learnt from accepted pairs.
//!
//! The encoder was trained to place paraphrases together, in any language;
//! a request ("wie maakt onze kapotte fietsen weer rijklaar?") and the offer
//! that answers it ("onze monteurs repareren fietsen") are not paraphrases
//! of each other. A linear map M, fitted on pairs a makelaar accepted, moves
//! a request towards what answers it: the matcher compares an offer's
//! vector with the request's `Mᵀ r`, renormalised (the fit maximises
//! `rᵀ M o` for accepted pairs against the market's others; see the
//! `pair-ranking` crate). M starts at the identity, the plain cosine, and
//! an L2 pull keeps it near. Pure: the caller hands in vectors and pairs.

use pair_ranking::Settings;

use super::semantic::{Vector, DIM};

/// How the fit runs: softmax temperature 0.05 (the common one for cosines
/// in contrastive learning), L2 pull towards the identity 0.01, 100 steps
/// of 5. Chosen on the held-out rankings of dev, Meppel and Tiel (each
/// fitted on the other labelled sets); Zutphen's were not looked at.
const SETTINGS: Settings = Settings {
    tau: 0.05,
    lambda: 0.01,
    steps: 100,
    rate: 5.0,
};

/// The built-in projection, fitted on the four labelled sets by `cargo run
/// --release --example fit_projection` (`models/README.md`): DIM × DIM
/// little-endian f32, row-major.
const BUILT_IN: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/projection.bin"
));

/// M, `DIM` × `DIM`, row-major; shared, as every market starts from the
/// built-in one (a copy would be a megabyte per market).
#[derive(Debug, Clone, PartialEq)]
pub struct Projection(std::sync::Arc<[f32]>);

impl Projection {
    /// From M's values, row-major; `None` unless `DIM` × `DIM` finite ones.
    pub fn from_matrix(values: &[f32]) -> Option<Projection> {
        (values.len() == DIM * DIM && values.iter().all(|v| v.is_finite()))
            .then(|| Projection(values.into()))
    }

    /// M's values, row-major, as stored.
    pub fn matrix(&self) -> &[f32] {
        &self.0
    }

    /// The built-in projection.
    pub fn built_in() -> Projection {
        let values: Vec<f32> = BUILT_IN
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Projection::from_matrix(&values).expect("models/projection.bin holds 512 × 512 floats")
    }

    /// A request's vector projected: Mᵀ r, renormalised.
    pub fn apply(&self, request: &Vector) -> Vector {
        Vector::from_unit(&pair_ranking::map(DIM, &self.0, request.values()))
    }

    /// `apply` to many requests, in one matrix product.
    pub fn apply_many(&self, requests: &[&Vector]) -> Vec<Vector> {
        let stacked: Vec<f32> = requests
            .iter()
            .flat_map(|v| v.values().iter().copied())
            .collect();
        pair_ranking::map_many(DIM, &self.0, &stacked)
            .chunks_exact(DIM)
            .map(Vector::from_unit)
            .collect()
    }
}

/// The projection fitted on `markets` (requests on the left, offers on the
/// right); `None` without an accepted pair.
pub fn fit(markets: &[pair_ranking::Market<'_>]) -> Option<Projection> {
    fit_pulled(markets, SETTINGS.lambda)
}

/// `fit` with another pull towards the identity (for studies).
#[doc(hidden)]
pub fn fit_pulled(markets: &[pair_ranking::Market<'_>], lambda: f32) -> Option<Projection> {
    let settings = Settings { lambda, ..SETTINGS };
    pair_ranking::fit(DIM, markets, settings).and_then(|m| Projection::from_matrix(&m))
}

/// The pull towards the identity of `fit`.
#[doc(hidden)]
pub const PULL: f32 = SETTINGS.lambda;

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(entries: &[(usize, f32)]) -> Vector {
        let mut v = vec![0.0f32; DIM];
        for &(k, x) in entries {
            v[k] = x;
        }
        Vector::from_unit(&v)
    }

    /// Requests lean on dimension 1 where their offers lean on dimension 0:
    /// plain cosines pair each with the wrong offer, the fitted projection
    /// with the right one.
    #[test]
    fn a_request_is_projected_towards_the_offer_accepted_for_it() {
        let offers = [unit(&[(0, 1.0), (2, 0.3)]), unit(&[(0, 1.0), (3, 0.3)])];
        let requests = [unit(&[(1, 1.0), (2, 0.3)]), unit(&[(1, 1.0), (3, 0.3)])];
        let other = unit(&[(1, 1.0), (2, 0.3), (3, 0.1)]);
        let market = pair_ranking::Market {
            left: requests.iter().map(Vector::values).collect(),
            right: [&offers[0], &offers[1], &other]
                .iter()
                .map(|v| v.values())
                .collect(),
            allowed: vec![true; 6],
            pairs: vec![(0, 0), (1, 1)],
        };
        assert!(requests[0].cosine(&other) > requests[0].cosine(&offers[0]));
        let p = fit(&[market]).expect("accepted pairs");
        let r = p.apply(&requests[0]);
        assert!(r.cosine(&offers[0]) > r.cosine(&other));
        assert!(r.cosine(&offers[0]) > r.cosine(&offers[1]));
        let both = p.apply_many(&[&requests[0], &requests[1]]);
        assert!((both[0].cosine(&r) - 1.0).abs() < 1e-5);
        assert!((both[1].cosine(&p.apply(&requests[1])) - 1.0).abs() < 1e-5);
    }

    #[test]
    fn the_built_in_projection_is_read_and_bad_matrices_are_refused() {
        let p = Projection::built_in();
        assert_eq!(p.matrix().len(), DIM * DIM);
        let v = unit(&[(0, 1.0), (5, 1.0)]);
        assert!(p.apply(&v).cosine(&v) > 0.5, "near the identity");
        assert!(Projection::from_matrix(&[1.0; 3]).is_none());
        let mut nan = vec![0.0; DIM * DIM];
        nan[7] = f32::NAN;
        assert!(Projection::from_matrix(&nan).is_none());
    }
}
