//! The second signal: sentence-encoder vectors (USE multilingual v3) of
//! offers and requests, compared by cosine. It needs no shared word, so it
//! also proposes candidates the inverted index cannot find. Vectors are
//! handed in by the caller; nothing here computes or loads them.

/// Dimensions of a vector.
pub const DIM: usize = 512;

/// A unit vector, stored as 512 signed bytes (the largest component at
/// ±127: only directions are compared) and held in memory as floats.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector(Box<[f32]>);

impl Vector {
    /// From a unit vector of `DIM` floats.
    pub fn from_unit(v: &[f32]) -> Vector {
        Vector(normalised(v.iter().copied()))
    }

    /// The stored form: 512 signed bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let max = self.0.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let scale = if max > 0.0 { 127.0 / max } else { 0.0 };
        self.0
            .iter()
            .map(|v| (v * scale).round().clamp(-127.0, 127.0) as i8 as u8)
            .collect()
    }

    /// From the stored form; `None` for anything else than 512 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Vector> {
        (bytes.len() == DIM).then(|| Vector(normalised(bytes.iter().map(|&b| f32::from(b as i8)))))
    }

    /// The components.
    pub fn values(&self) -> &[f32] {
        &self.0
    }

    /// Cosine with another vector.
    pub fn cosine(&self, other: &Vector) -> f64 {
        f64::from(dot(&self.0, &other.0))
    }
}

fn normalised(values: impl Iterator<Item = f32>) -> Box<[f32]> {
    let mut v: Vec<f32> = values.collect();
    v.resize(DIM, 0.0);
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v.into_boxed_slice()
}

/// Dot product of two vectors: the most frequent sum of the matcher (every
/// request against every offer of a market). With AVX2, which most x86-64
/// processors have, it runs in 256-bit registers.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has the features `dot_avx2` is compiled for.
            return unsafe { dot_avx2(a, b) };
        }
    }
    dot_lanes(a, b)
}

/// `dot_lanes` compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_avx2(a: &[f32], b: &[f32]) -> f32 {
    dot_lanes(a, b)
}

/// Dot product in 32 lanes: the compiler keeps them in vector registers,
/// and independent chains of additions hide each one's latency.
#[inline(always)]
fn dot_lanes(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 32;
    let mut acc = [0.0f32; LANES];
    for (x, y) in a.chunks_exact(LANES).zip(b.chunks_exact(LANES)) {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum()
}

/// The cosines of a market's offers with its requests, computed once: the
/// local scaling needs every one of them, and the candidate search and the
/// scoring read them again.
pub struct Cosines {
    /// Index of each position among the offers or among the requests.
    index: Vec<u32>,
    requests: usize,
    /// Offer index × requests + request index; NaN where a vector is missing.
    values: Vec<f32>,
}

/// Above this many offer-request pairs (61 MiB of cosines) they are not
/// kept but computed when needed.
const MAX_KEPT: usize = 16_000_000;

impl Cosines {
    /// The table of a market, or `None` when it would be too large to keep.
    pub fn of<'a>(
        vector: &dyn Fn(usize) -> Option<&'a Vector>,
        offers: &[u32],
        requests: &[u32],
    ) -> Option<Cosines> {
        let positions = offers.iter().chain(requests).map(|&p| p as usize + 1);
        let len = positions.max().unwrap_or(0);
        if !Cosines::fits(offers, requests) || (0..len).all(|p| vector(p).is_none()) {
            return None;
        }
        let mut index = vec![0u32; len];
        for list in [offers, requests] {
            for (n, &p) in list.iter().enumerate() {
                index[p as usize] = n as u32;
            }
        }
        // Those with a vector, stacked, multiplied in one matrix product,
        // then spread over the table; NaN where a vector is missing.
        let stack = |list: &[u32]| -> (Vec<Option<usize>>, Vec<f32>) {
            let mut stacked = Vec::new();
            let mut row = Vec::with_capacity(list.len());
            for &p in list {
                row.push(vector(p as usize).map(|v| {
                    stacked.extend_from_slice(&v.0);
                    stacked.len() / DIM - 1
                }));
            }
            (row, stacked)
        };
        let (offer_rows, offer_vectors) = stack(offers);
        let (request_rows, request_vectors) = stack(requests);
        let products = pair_ranking::dots_all(DIM, &offer_vectors, &request_vectors);
        let width = request_vectors.len() / DIM;
        let mut values = Vec::with_capacity(offers.len() * requests.len());
        for o in &offer_rows {
            values.extend(request_rows.iter().map(|r| match (o, r) {
                (Some(o), Some(r)) => products[o * width + r],
                _ => f32::NAN,
            }));
        }
        Some(Cosines {
            index,
            requests: requests.len(),
            values,
        })
    }

    /// Whether the table of these offers and requests is small enough to keep.
    pub fn fits(offers: &[u32], requests: &[u32]) -> bool {
        offers.len().saturating_mul(requests.len()) <= MAX_KEPT
    }

    /// The cosine of an offer and a request (by position), if both have a
    /// vector.
    pub fn get(&self, offer: u32, request: u32) -> Option<f64> {
        let o = self.index[offer as usize] as usize;
        let r = self.index[request as usize] as usize;
        let v = self.values[o * self.requests + r];
        (!v.is_nan()).then_some(f64::from(v))
    }
}

/// How densely each item's neighbourhood is populated: the mean cosine of
/// its `k` nearest counterparts (offers' among `requests`, requests' among
/// `offers`; `cosine` takes an offer and a request), by position, 0 where
/// there is no vector; and the mean of those densities over the items that
/// have one. The matcher's local scaling of cosines
/// (`Weights::encoder_local`). A market with fewer than `k` offers or `k`
/// requests is not scaled (all densities 0): there, as in the one-item
/// markets of the open marketplace, an item's few counterparts were chosen
/// for it or are all there is, and say nothing about hubs. An item with
/// fewer than `k` counterparts that have a vector has the market's mean in
/// place of the ones missing.
pub fn densities(
    positions: usize,
    offers: &[u32],
    requests: &[u32],
    k: usize,
    cosine: &dyn Fn(u32, u32) -> Option<f64>,
) -> (Vec<f64>, f64) {
    let mut density = vec![0.0; positions];
    if k == 0 || offers.len() < k || requests.len() < k {
        return (density, 0.0);
    }
    let none = |_: u32| false;
    // Per item with a vector: the sum of its nearest cosines and how many.
    let mut near_sums: Vec<(u32, f64, usize)> = Vec::new();
    for &o in offers {
        let near = nearest(requests, k, &none, &|r| cosine(o, r));
        if !near.is_empty() {
            near_sums.push((o, near.iter().map(|h| h.1).sum(), near.len()));
        }
    }
    for &r in requests {
        let near = nearest(offers, k, &none, &|o| cosine(o, r));
        if !near.is_empty() {
            near_sums.push((r, near.iter().map(|h| h.1).sum(), near.len()));
        }
    }
    if near_sums.is_empty() {
        return (density, 0.0);
    }
    let count = near_sums.len() as f64;
    let raw_mean = near_sums.iter().map(|&(_, s, n)| s / n as f64).sum::<f64>() / count;
    for &(i, sum, n) in &near_sums {
        density[i as usize] = (sum + (k - n) as f64 * raw_mean) / k as f64;
    }
    let mean = near_sums
        .iter()
        .map(|&(i, _, _)| density[i as usize])
        .sum::<f64>()
        / count;
    (density, mean)
}

/// The `k` positions among `among` with the highest `measure` (a cosine,
/// scaled or not), highest first, with it; positions for which `skip` is
/// true and those without a measure (no vector) are left out.
pub fn nearest(
    among: &[u32],
    k: usize,
    skip: &dyn Fn(u32) -> bool,
    measure: &dyn Fn(u32) -> Option<f64>,
) -> Vec<(u32, f64)> {
    let mut hits: Vec<(u32, f64)> = among
        .iter()
        .filter(|&&j| !skip(j))
        .filter_map(|&j| measure(j).map(|m| (j, m)))
        .collect();
    let k = k.min(hits.len());
    if k == 0 {
        return Vec::new();
    }
    hits.select_nth_unstable_by(k - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    hits.truncate(k);
    hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(seed: u32) -> Vec<f32> {
        let v: Vec<f32> = (0..DIM as u32)
            .map(|i| ((i * 7 + seed * 13) % 17) as f32 - 8.0)
            .collect();
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / n).collect()
    }

    #[test]
    fn the_stored_form_keeps_the_direction() {
        let v = Vector::from_unit(&unit(3));
        let back = Vector::from_bytes(&v.to_bytes()).expect("512 bytes");
        assert!(v.cosine(&back) > 0.999, "{}", v.cosine(&back));
        assert!((v.cosine(&v) - 1.0).abs() < 1e-5);
        assert_eq!(Vector::from_bytes(&[1, 2, 3]), None);
    }

    #[test]
    fn few_counterparts_lean_on_the_markets_mean_density() {
        // Requests 0 and 3, offers 1 and 2 at cosines 0.8 and 0.2 with
        // request 0; request 3 has no vector. Two neighbours looked at.
        let e = |axis: usize| {
            let mut v = vec![0.0f32; DIM];
            v[axis] = 1.0;
            v
        };
        let mix = |c: f32| {
            let mut v = e(0);
            v[0] = c;
            v[1] = (1.0 - c * c).sqrt();
            Vector::from_unit(&v)
        };
        let vectors = [
            Some(Vector::from_unit(&e(0))),
            Some(mix(0.8)),
            Some(mix(0.2)),
            None,
        ];
        let table = Cosines::of(&|p| vectors[p].as_ref(), &[1, 2], &[0, 3]).expect("small");
        let cosine = |o: u32, r: u32| table.get(o, r);
        assert!((cosine(1, 0).unwrap() - 0.8).abs() < 1e-3);
        assert_eq!(cosine(1, 3), None);
        let (d, mean) = densities(4, &[1, 2], &[0, 3], 2, &cosine);
        let raw_mean = (0.5 + 0.8 + 0.2) / 3.0;
        // Request 0 has both its neighbours; each offer one of two.
        assert!((d[0] - 0.5).abs() < 1e-3, "{d:?}");
        assert!((d[1] - (0.8 + raw_mean) / 2.0).abs() < 1e-3, "{d:?}");
        assert!((d[2] - (0.2 + raw_mean) / 2.0).abs() < 1e-3, "{d:?}");
        assert_eq!(d[3], 0.0, "no vector, no density");
        assert!((mean - (d[0] + d[1] + d[2]) / 3.0).abs() < 1e-9);
        assert_eq!(densities(4, &[1, 2], &[0, 3], 0, &cosine).1, 0.0);
    }

    #[test]
    fn a_market_with_fewer_items_on_a_side_than_it_looks_at_is_not_scaled() {
        // One request and its candidates (the open marketplace's market):
        // each candidate's only counterpart is that request.
        let vectors: Vec<Option<Vector>> =
            (0..12).map(|i| Some(Vector::from_unit(&unit(i)))).collect();
        let offers: Vec<u32> = (1..12).collect();
        let table = Cosines::of(&|p| vectors[p].as_ref(), &offers, &[0]).expect("small");
        let (d, mean) = densities(12, &offers, &[0], 10, &|o, r| table.get(o, r));
        assert!(d.iter().all(|&x| x == 0.0) && mean == 0.0, "{d:?}");
        assert!(
            Cosines::of(&|_| None, &[0], &[1]).is_none(),
            "no vectors, no table"
        );
    }

    #[test]
    fn nearest_orders_by_cosine_and_skips() {
        let q = Vector::from_unit(&unit(1));
        let vectors = [
            Some(Vector::from_unit(&unit(5))),
            Some(Vector::from_unit(&unit(1))),
            None,
            Some(Vector::from_unit(&unit(2))),
        ];
        let all = [0, 1, 2, 3];
        let cosine = |j: u32| vectors[j as usize].as_ref().map(|v| q.cosine(v));
        let hits = nearest(&all, 2, &|_| false, &cosine);
        assert_eq!(hits[0].0, 1);
        assert_eq!(hits.len(), 2);
        let hits = nearest(&all, 5, &|j| j == 1, &cosine);
        assert_eq!(hits.len(), 2);
        assert!(hits.iter().all(|h| h.0 != 1 && h.0 != 2));
    }
}
