//! Matching of offers (aanbod) and requests (vraag): Dutch text features,
//! scoring with reasons, two-way (wederdienst) pairs and a global assignment.
//! Pure: no I/O. Candidate pairs come from an inverted index on stems, never
//! from comparing all pairs.

mod accept;
mod assign;
mod cycles;
mod features;
#[cfg(test)]
mod fixtures;
pub mod learn;
mod margins;
pub mod partners;
pub mod projection;
pub mod reason;
mod score;
mod semantic;
mod thesaurus;
mod two_way;

use std::collections::{HashMap, HashSet};

use crate::domain::{Category, Direction, OrganisationKind};
use crate::text;

pub use assign::{assign, capacity, Edge};
pub use cycles::Cycle;
pub use score::{category_fit, Weights};
pub use semantic::Vector;
pub use two_way::{harmonic_mean, COMPLETE};

use features::{Fields, ItemText, Vocab};
use projection::Projection;
use score::{ItemFacts, Parts};

/// The built-in projection of requests, read once.
static BUILT_IN_PROJECTION: std::sync::LazyLock<Projection> =
    std::sync::LazyLock::new(Projection::built_in);

/// A request's vector under the built-in projection
/// (`projection::Projection::apply`).
pub fn project_request(v: &Vector) -> Vector {
    BUILT_IN_PROJECTION.apply(v)
}

/// An organisation taking part.
#[derive(Debug, Clone)]
pub struct Party {
    pub id: i64,
    pub kind: OrganisationKind,
    pub municipality: String,
    pub postcode: Option<String>,
}

/// An open offer or request.
#[derive(Debug, Clone)]
pub struct Listing {
    pub id: i64,
    pub party: i64,
    pub direction: Direction,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub theme: Option<String>,
    pub hours: Option<f64>,
    pub quantity: Option<String>,
}

/// One offer suggested for one request, with its reasons (stored form,
/// `reason::text` writes one out).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggestion {
    pub offer: i64,
    pub request: i64,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// A reciprocal pair: `give` and `ret` go opposite ways between the same two
/// organisations; `score` is the harmonic mean of both.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TwoWay {
    pub give: Suggestion,
    pub ret: Suggestion,
    pub score: f64,
}

/// The outcome of the global assignment.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Proposal {
    pub matches: Vec<Suggestion>,
    pub two_way: Vec<TwoWay>,
}

/// What the makelaar's workspace shows (see `Market::overview`).
pub struct Overview {
    pub proposal: Proposal,
    pub cycles: Vec<Cycle>,
    /// Requests for which the matcher has no suggestion at all.
    pub without_suggestion: Vec<i64>,
}

/// How many offers per request the global passes (two-way, propose) look at.
const PAIRS_PER_REQUEST: usize = 15;
/// How many index hits per item are scored exactly.
const CANDIDATES: usize = 60;
/// Encoder cosine from which a pair is said to be related in meaning.
const RELATED_IN_MEANING: f64 = 0.35;

/// Work space reused from one item's counterparts to the next.
#[derive(Default)]
struct Scratch {
    /// Index scores by position.
    acc: Vec<f32>,
    /// The item's own features, spread out.
    dense: features::Dense,
}

/// Where an organisation is, as the scorer compares it.
#[derive(Debug, Clone, Default)]
struct Place {
    municipality: String,
    /// The municipality folded.
    municipality_key: String,
    /// The four-digit postcode region.
    region: Option<String>,
}

/// A market of parties and listings with precomputed text features and an
/// inverted index for candidate pairs.
pub struct Market {
    parties: HashMap<i64, Party>,
    listings: Vec<Listing>,
    position: HashMap<i64, usize>,
    vocab: Vocab,
    texts: Vec<ItemText>,
    /// Per feature key: (item position, weight) of offers / of requests.
    offer_postings: Vec<Vec<(u32, f32)>>,
    request_postings: Vec<Vec<(u32, f32)>>,
    weights: Weights,
    /// Folded forms, computed once rather than per pair.
    theme_keys: Vec<Option<String>>,
    /// Where each listing's organisation is, by position.
    places: Vec<Place>,
    /// The acceptance model's coefficients (intercept first): the built-in
    /// `accept::COEF`, or one refit by `beursvloer learn`.
    acceptance: Vec<f64>,
    /// Sentence-encoder vectors by position (see `set_vectors`), as the
    /// encoder gave them.
    vectors: Vec<Option<Vector>>,
    /// The projection of requests' vectors (`projection`): an offer is
    /// compared with a request's projected vector. `None` compares plain
    /// cosines.
    projection: Option<Projection>,
    /// The requests' projected vectors by position (`None` for offers, and
    /// without a projection).
    projected: Vec<Option<Vector>>,
    /// Each listing's density among its counterparts' vectors and the
    /// market's mean density (`semantic::densities`), for the local
    /// scaling of cosines.
    density: Vec<f64>,
    mean_density: f64,
    /// Every offer's cosine with every request, when not too many.
    cosines: Option<semantic::Cosines>,
    /// Positions of the offers and of the requests.
    offer_positions: Vec<u32>,
    request_positions: Vec<u32>,
    /// How many requests each listing can serve as an offer (`capacity`),
    /// by position, read from its text once.
    capacities: Vec<u32>,
    /// Quantities read, by position.
    amounts: Vec<Option<score::Quantity>>,
}

impl Market {
    pub fn new(parties: Vec<Party>, listings: Vec<Listing>) -> Market {
        Market::with_weights(parties, listings, Weights::default())
    }

    /// A market scored with other weights (for tuning).
    pub fn with_weights(parties: Vec<Party>, listings: Vec<Listing>, weights: Weights) -> Market {
        let fields: Vec<Fields<'_>> = listings
            .iter()
            .map(|l| Fields {
                title: &l.title,
                description: &l.description,
                quantity: l.quantity.as_deref(),
                negation: l.direction == Direction::Offer,
            })
            .collect();
        let (vocab, texts) = features::build(&fields);
        let mut offer_postings = vec![Vec::new(); vocab.len()];
        let mut request_postings = vec![Vec::new(); vocab.len()];
        for (i, (l, t)) in listings.iter().zip(&texts).enumerate() {
            let postings = match l.direction {
                Direction::Offer => &mut offer_postings,
                Direction::Request => &mut request_postings,
            };
            let pos = u32::try_from(i).unwrap_or(u32::MAX);
            for f in &t.feats {
                postings[f.key as usize].push((pos, f.weight));
            }
        }
        let position = listings
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id, i))
            .collect();
        let theme_keys = listings
            .iter()
            .map(|l| l.theme.as_deref().map(|t| text::fold(t.trim())))
            .collect();
        let place_of_party: HashMap<i64, Place> = parties
            .iter()
            .map(|p| {
                let place = Place {
                    municipality: p.municipality.clone(),
                    municipality_key: text::fold(p.municipality.trim()),
                    region: score::region(p.postcode.as_deref()),
                };
                (p.id, place)
            })
            .collect();
        let places = listings
            .iter()
            .map(|l| place_of_party.get(&l.party).cloned().unwrap_or_default())
            .collect();
        let positions_of = |d: Direction| -> Vec<u32> {
            (0..listings.len())
                .filter(|&i| listings[i].direction == d)
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
                .collect()
        };
        let capacities = listings
            .iter()
            .map(|l| {
                let text = format!("{} {}", l.title, l.description);
                capacity(l.category, &text, l.quantity.as_deref(), l.hours)
            })
            .collect();
        let amounts = listings
            .iter()
            .map(|l| l.quantity.as_deref().and_then(score::Quantity::read))
            .collect();
        let offer_positions = positions_of(Direction::Offer);
        let request_positions = positions_of(Direction::Request);
        Market {
            vectors: vec![None; listings.len()],
            projection: Some(BUILT_IN_PROJECTION.clone()),
            projected: vec![None; listings.len()],
            density: vec![0.0; listings.len()],
            mean_density: 0.0,
            cosines: None,
            offer_positions,
            request_positions,
            capacities,
            amounts,
            theme_keys,
            places,
            parties: parties.into_iter().map(|p| (p.id, p)).collect(),
            listings,
            position,
            vocab,
            texts,
            offer_postings,
            request_postings,
            acceptance: accept::COEF.to_vec(),
            weights,
        }
    }

    /// The market's vectors and the `accepted` (offer id, request id)
    /// pairs among them, to fit a projection on (`projection::fit`):
    /// requests on the left, offers on the right.
    pub fn projection_set(&self, accepted: &[(i64, i64)]) -> pair_ranking::Market<'_> {
        let with_vector = |positions: &[u32]| -> Vec<usize> {
            positions
                .iter()
                .map(|&p| p as usize)
                .filter(|&p| self.vectors[p].is_some())
                .collect()
        };
        let (requests, offers) = (
            with_vector(&self.request_positions),
            with_vector(&self.offer_positions),
        );
        let index = |list: &[usize]| -> HashMap<usize, usize> {
            list.iter().enumerate().map(|(n, &p)| (p, n)).collect()
        };
        let (request_index, offer_index) = (index(&requests), index(&offers));
        let party = |p: usize| self.listings[p].party;
        let values = |list: &[usize]| -> Vec<&[f32]> {
            list.iter()
                .filter_map(|&p| self.vectors[p].as_ref().map(Vector::values))
                .collect()
        };
        pair_ranking::Market {
            left: values(&requests),
            right: values(&offers),
            allowed: requests
                .iter()
                .flat_map(|&r| offers.iter().map(move |&o| party(o) != party(r)))
                .collect(),
            pairs: accepted
                .iter()
                .filter_map(|(o, r)| {
                    let r = request_index.get(self.position.get(r)?)?;
                    let o = offer_index.get(self.position.get(o)?)?;
                    Some((*r, *o))
                })
                .collect(),
        }
    }

    /// Give listings their sentence-encoder vectors (by item id): their
    /// nearest counterparts become candidates too, and the cosine a part of
    /// their score. Listings without one are scored on words alone.
    pub fn set_vectors(&mut self, mut by_id: HashMap<i64, Vector>) {
        self.vectors = self.listings.iter().map(|l| by_id.remove(&l.id)).collect();
        self.index_vectors();
    }

    /// Compare requests and offers under another projection (`None`: plain
    /// cosines), as a model refit by `beursvloer learn` says.
    pub fn use_projection(&mut self, projection: Option<Projection>) {
        if self.projection != projection {
            self.projection = projection;
            self.index_vectors();
        }
    }

    /// The requests' projected vectors, the cosine table and the densities
    /// of the market's vectors under its projection.
    fn index_vectors(&mut self) {
        self.projected = vec![None; self.vectors.len()];
        if let Some(projection) = &self.projection {
            let (positions, vectors): (Vec<usize>, Vec<&Vector>) = self
                .request_positions
                .iter()
                .filter_map(|&p| Some((p as usize, self.vectors[p as usize].as_ref()?)))
                .unzip();
            for (p, v) in positions.into_iter().zip(projection.apply_many(&vectors)) {
                self.projected[p] = Some(v);
            }
        }
        self.cosines = semantic::Cosines::of(
            &|p| self.compared(p),
            &self.offer_positions,
            &self.request_positions,
        );
        (self.density, self.mean_density) = semantic::densities(
            self.listings.len(),
            &self.offer_positions,
            &self.request_positions,
            self.weights.encoder_local,
            &|o, r| self.cosine(o as usize, r as usize),
        );
    }

    /// The vector position `p` is compared by: a request's projected one,
    /// an offer's own.
    fn compared(&self, p: usize) -> Option<&Vector> {
        self.projected[p].as_ref().or(self.vectors[p].as_ref())
    }

    /// The encoder's cosine of an offer and a request (by position), the
    /// request projected, when both have a vector.
    fn cosine(&self, o: usize, r: usize) -> Option<f64> {
        match &self.cosines {
            Some(table) => table.get(o as u32, r as u32),
            None => Some(self.compared(o)?.cosine(self.compared(r)?)),
        }
    }

    /// The encoder's cosine of positions `a` and `b` with their local
    /// densities taken out and the market's mean put back (see
    /// `Weights::encoder_local`): a pair of two "hubs" no longer outranks a
    /// pair that is close for these two alone.
    fn scaled(&self, a: usize, b: usize, cosine: f64) -> f64 {
        cosine - (self.density[a] + self.density[b]) / 2.0 + self.mean_density
    }

    fn facts(&self, i: usize) -> ItemFacts<'_> {
        let l = &self.listings[i];
        let place = &self.places[i];
        ItemFacts {
            party: l.party,
            category: l.category,
            theme_key: self.theme_keys[i].as_deref(),
            hours: l.hours,
            quantity: l.quantity.as_deref(),
            amount: self.amounts[i].as_ref(),
            municipality: &place.municipality,
            municipality_key: &place.municipality_key,
            region: place.region.as_deref(),
        }
    }

    /// Score offer position `o` against request position `r`.
    fn score_pair(&self, o: usize, r: usize, with_reasons: bool) -> Option<Suggestion> {
        self.score_parts(o, r, with_reasons).map(|(s, _)| s)
    }

    /// `score_pair` with the parts of the score (for the acceptance model).
    fn score_parts(&self, o: usize, r: usize, with_reasons: bool) -> Option<(Suggestion, Parts)> {
        let dots = features::Dots::merged(&self.texts[o], &self.texts[r]);
        self.score_parts_from(o, r, with_reasons, &dots, None)
    }

    /// `score_parts` from the texts' dot products and, when known, the
    /// sentence encoder's cosine.
    fn score_parts_from(
        &self,
        o: usize,
        r: usize,
        with_reasons: bool,
        dots: &features::Dots,
        cosine: Option<f64>,
    ) -> Option<(Suggestion, Parts)> {
        let mut scored = score::score(
            &self.weights,
            &self.vocab,
            (&self.facts(o), &self.texts[o]),
            (&self.facts(r), &self.texts[r]),
            with_reasons,
            dots,
        )?;
        if let Some(raw) = cosine.or_else(|| self.cosine(o, r)) {
            let cosine = self.scaled(o, r, raw).clamp(0.0, 1.0);
            let floor = self.weights.encoder_floor;
            let part = ((cosine - floor) / (1.0 - floor)).max(0.0);
            let w = self.weights.encoder;
            scored.score = ((1.0 - w) * scored.score + w * part).clamp(0.0, 1.0);
            scored.parts.encoder = cosine;
            // The only reason of a pair found by the encoder alone. Said of
            // the plain cosine, neither projected nor scaled: the one its bar
            // was read on.
            let plain = || match (&self.vectors[o], &self.vectors[r]) {
                (Some(a), Some(b)) => a.cosine(b),
                _ => raw,
            };
            if with_reasons && (scored.reasons.is_empty() || plain() >= RELATED_IN_MEANING) {
                scored.reasons.push(reason::Reason::Meaning.encode());
            }
        }
        let suggestion = Suggestion {
            offer: self.listings[o].id,
            request: self.listings[r].id,
            score: scored.score,
            reasons: scored.reasons,
        };
        Some((suggestion, scored.parts))
    }

    /// Counterparts of item `i` scored best first, above `min`, at most `limit`.
    fn counterparts(
        &self,
        i: usize,
        limit: usize,
        min: f64,
        scratch: &mut Scratch,
        with_reasons: bool,
    ) -> Vec<Suggestion> {
        let mut out: Vec<Suggestion> = self
            .counterparts_with_parts(i, limit, min, scratch)
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        if !with_reasons {
            return out;
        }
        // Reasons only for what is returned.
        for s in &mut out {
            self.add_reasons(s);
        }
        out
    }

    /// Give a scored pair its reasons.
    fn add_reasons(&self, s: &mut Suggestion) {
        if let (Some(&o), Some(&r)) = (self.position.get(&s.offer), self.position.get(&s.request)) {
            if let Some(full) = self.score_pair(o, r, true) {
                s.reasons = full.reasons;
            }
        }
    }

    /// Counterparts of item `i` with the parts of their scores, best first,
    /// above `min`, at most `limit`, without reasons.
    fn counterparts_with_parts(
        &self,
        i: usize,
        limit: usize,
        min: f64,
        scratch: &mut Scratch,
    ) -> Vec<(Suggestion, Parts)> {
        let acc = &mut scratch.acc;
        let is_request = self.listings[i].direction == Direction::Request;
        let postings = if is_request {
            &self.offer_postings
        } else {
            &self.request_postings
        };
        acc.resize(self.listings.len(), 0.0);
        // Very common keys add little and cost much: skip them when huge.
        let max_posting = (self.listings.len() / 10).max(2_000);
        let mut touched: Vec<u32> = Vec::new();
        for f in &self.texts[i].feats {
            let list = &postings[f.key as usize];
            if list.len() > max_posting {
                continue;
            }
            for &(j, w) in list {
                let slot = &mut acc[j as usize];
                if *slot == 0.0 {
                    touched.push(j);
                }
                *slot += w * f.weight;
            }
        }
        let party = self.listings[i].party;
        let mut hits: Vec<(f32, u32)> = touched
            .iter()
            .map(|&j| (acc[j as usize], j))
            .filter(|&(_, j)| self.listings[j as usize].party != party)
            .collect();
        for &j in &touched {
            acc[j as usize] = 0.0;
        }
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.truncate(CANDIDATES.max(limit));
        // The encoder's nearest counterparts, which may share no word.
        let mut near: Vec<(u32, f64)> = Vec::new();
        if self.vectors[i].is_some() {
            let among = if is_request {
                &self.offer_positions
            } else {
                &self.request_positions
            };
            let found: HashSet<u32> = hits.iter().map(|h| h.1).collect();
            let skip = |j: u32| found.contains(&j) || self.listings[j as usize].party == party;
            let plain = |j: u32| {
                let (o, r) = if is_request {
                    (j as usize, i)
                } else {
                    (i, j as usize)
                };
                self.cosine(o, r)
            };
            // Nearest by the scaled cosine: for this item, its own density is
            // the same for every counterpart.
            let half_density = |j: u32| self.density[j as usize] / 2.0;
            near = semantic::nearest(among, self.weights.encoder_candidates, &skip, &|j| {
                plain(j).map(|c| c - half_density(j))
            });
            // Back to plain cosines, which the scoring scales.
            for n in &mut near {
                n.1 = plain(n.0).unwrap_or(n.1);
            }
            hits.extend(near.iter().map(|&(j, _)| (0.0, j)));
        }
        let dense = &mut scratch.dense;
        dense.load(&self.texts[i]);
        let mut out: Vec<(Suggestion, Parts)> = hits
            .into_iter()
            .filter_map(|(_, j)| {
                let dots = dense.dots(&self.texts[j as usize], !is_request);
                let cosine = near.iter().find(|n| n.0 == j).map(|n| n.1);
                let j = j as usize;
                let (o, r) = if is_request { (j, i) } else { (i, j) };
                self.score_parts_from(o, r, false, &dots, cosine)
            })
            .filter(|(s, _)| s.score >= min)
            .collect();
        dense.unload(&self.texts[i]);
        out.sort_by(|(a, _), (b, _)| {
            b.score
                .total_cmp(&a.score)
                .then(a.offer.cmp(&b.offer))
                .then(a.request.cmp(&b.request))
        });
        out.truncate(limit);
        out
    }

    /// Best offers for every open request, at most `limit` each, only above
    /// a minimum score, the likeliest first: ranked by the acceptance model
    /// the proposal uses (ties by score), which reads each pair against its
    /// competition in the whole market, the offer's other requests too.
    /// Each set held out, this ranked the right offer in the top three more
    /// often than the score alone did (README). An item page's list, made
    /// in the small market around one item (`suggestions_for`), has no such
    /// competition to read and stays ranked by score.
    pub fn suggestions(&self, limit: usize) -> Vec<(i64, Vec<Suggestion>)> {
        self.suggestions_ranked(limit)
            .into_iter()
            .map(|(request, offers)| (request, offers.into_iter().map(|(s, _)| s).collect()))
            .collect()
    }

    /// `suggestions` with each pair's probability of acceptance.
    pub fn suggestions_ranked(&self, limit: usize) -> Vec<(i64, Vec<(Suggestion, f64)>)> {
        let mut scratch = Scratch::default();
        let per_request = limit.max(PAIRS_PER_REQUEST);
        let scored: Vec<(Suggestion, Parts)> = self
            .request_positions
            .iter()
            .flat_map(|&i| {
                self.counterparts_with_parts(
                    i as usize,
                    per_request,
                    self.weights.min_suggestion,
                    &mut scratch,
                )
            })
            .collect();
        let mut by_request: HashMap<i64, Vec<(Suggestion, f64)>> = HashMap::new();
        for (pair, likelihood) in self.likelihoods(scored, &self.acceptance) {
            by_request
                .entry(pair.request)
                .or_default()
                .push((pair, likelihood));
        }
        self.request_positions
            .iter()
            .map(|&i| {
                let id = self.listings[i as usize].id;
                let mut list = by_request.remove(&id).unwrap_or_default();
                list.sort_by(|a, b| {
                    b.1.total_cmp(&a.1)
                        .then(b.0.score.total_cmp(&a.0.score))
                        .then(a.0.offer.cmp(&b.0.offer))
                });
                list.truncate(limit);
                for (s, _) in &mut list {
                    self.add_reasons(s);
                }
                (id, list)
            })
            .collect()
    }

    /// Best counterparts for one item (offers for a request, requests for an
    /// offer); empty for an unknown id.
    pub fn suggestions_for(&self, item_id: i64, limit: usize) -> Vec<Suggestion> {
        match self.position.get(&item_id) {
            Some(&i) => self.counterparts(
                i,
                limit,
                self.weights.min_suggestion,
                &mut Scratch::default(),
                true,
            ),
            None => Vec::new(),
        }
    }

    /// Like `suggestions_for`, with another minimum score: below the usual
    /// one it finds near misses worth a second look from the other side.
    pub fn suggestions_above(&self, item_id: i64, limit: usize, min: f64) -> Vec<Suggestion> {
        match self.position.get(&item_id) {
            Some(&i) => self.counterparts(i, limit, min, &mut Scratch::default(), true),
            None => Vec::new(),
        }
    }

    /// Every candidate pair above `min`: what "Praat met deze vijf" chooses
    /// from (`partners::best_partners`), below the minimum of a suggestion
    /// only to fill the list.
    pub fn floor_pairs(&self, min: f64) -> Vec<Suggestion> {
        self.all_pairs(min)
    }

    /// The organisation of an item of this market.
    pub fn party(&self, item: i64) -> Option<i64> {
        self.party_of(item)
    }

    /// The title of an item of this market.
    pub fn title(&self, item: i64) -> Option<&str> {
        self.position
            .get(&item)
            .map(|&i| self.listings[i].title.as_str())
    }

    /// The minimum score of a suggestion.
    pub fn min_suggestion(&self) -> f64 {
        self.weights.min_suggestion
    }

    fn party_of(&self, item: i64) -> Option<i64> {
        self.position.get(&item).map(|&i| self.listings[i].party)
    }

    /// Candidate pairs of every request above `min`.
    fn all_pairs(&self, min: f64) -> Vec<Suggestion> {
        self.all_pairs_with_parts(min)
            .into_iter()
            .map(|(s, _)| s)
            .collect()
    }

    /// `all_pairs` with the parts of each score.
    fn all_pairs_with_parts(&self, min: f64) -> Vec<(Suggestion, Parts)> {
        let mut scratch = Scratch::default();
        (0..self.listings.len())
            .filter(|&i| self.listings[i].direction == Direction::Request)
            .flat_map(|i| self.counterparts_with_parts(i, PAIRS_PER_REQUEST, min, &mut scratch))
            .collect()
    }

    /// All two-way candidates (A's offer fits B's request and B's offer fits
    /// A's request), best first: per pair of organisations the best combination.
    pub fn two_way(&self) -> Vec<TwoWay> {
        let pairs = self.all_pairs(self.weights.min_two_way);
        two_way::candidates(&pairs, &|id| self.party_of(id))
    }

    /// Exchange cycles (kringruil) among the candidate pairs: three
    /// organisations that help each other in a ring, disjoint, best first.
    /// Pairs for which `handled` is true (already matched or set aside) take
    /// no part, so the next-best cycle through their items can show.
    pub fn cycles(&self, handled: &dyn Fn(i64, i64) -> bool) -> Vec<Cycle> {
        self.cycles_among(&self.all_pairs(self.weights.min_two_way), handled)
    }

    /// `cycles` from candidate pairs already scored (those below the
    /// two-way minimum are left out here).
    fn cycles_among(&self, pairs: &[Suggestion], handled: &dyn Fn(i64, i64) -> bool) -> Vec<Cycle> {
        let pairs: Vec<Suggestion> = pairs
            .iter()
            .filter(|p| p.score >= self.weights.min_two_way && !handled(p.offer, p.request))
            .cloned()
            .collect();
        cycles::candidates(&pairs, &|id| self.party_of(id))
    }

    /// What the makelaar's workspace shows, from one scoring pass over the
    /// candidate pairs: the proposal, the exchange cycles without `handled`
    /// pairs, and the requests without any suggestion (in market order).
    pub fn overview(&self, handled: &dyn Fn(i64, i64) -> bool) -> Overview {
        let all = self.all_pairs_with_parts(self.weights.min_suggestion);
        let suggested: HashSet<i64> = all.iter().map(|(p, _)| p.request).collect();
        let without_suggestion = self
            .listings
            .iter()
            .filter(|l| l.direction == Direction::Request && !suggested.contains(&l.id))
            .map(|l| l.id)
            .collect();
        let pairs: Vec<Suggestion> = all.iter().map(|(p, _)| p.clone()).collect();
        let cycles = self.cycles_among(&pairs, handled);
        let proposal =
            self.proposal_from(all, &self.acceptance, accept::THRESHOLD, two_way::COMPLETE);
        Overview {
            proposal,
            cycles,
            without_suggestion,
        }
    }

    /// Two-way pairs first (`two_way::first`: both directions likely
    /// enough, the pair scored as a pair), then a global assignment of the
    /// rest maximising the total acceptance probability above a threshold:
    /// each request at most once, each offer within its capacity, weak
    /// pairs left out. Then the way back of a chosen match is added where it
    /// is free and likely enough (`two_way::complete`). `two_way` lists
    /// every reciprocal pair among the chosen matches.
    pub fn propose(&self) -> Proposal {
        self.propose_with(&self.acceptance, accept::THRESHOLD, two_way::COMPLETE)
    }

    /// Use a refit acceptance model (intercept first). A model of another
    /// shape (fitted before the features changed) is refused and the
    /// built-in one stays; says whether it was taken.
    pub fn use_model(&mut self, coef: &[f64]) -> bool {
        let fits = coef.len() == accept::N + 1 && coef.iter().all(|c| c.is_finite());
        if fits {
            self.acceptance = coef.to_vec();
        }
        fits
    }

    fn cap_of(&self, offer: i64) -> u32 {
        self.position.get(&offer).map_or(1, |&i| self.capacities[i])
    }

    /// One offer scored for one request (by id), with its reasons: how the
    /// matcher sees a pair someone asked for, however it ranks. `None` when
    /// either is not in this market, they are not an offer and a request,
    /// or they cannot be paired (the same organisation).
    pub fn pair(&self, offer: i64, request: i64) -> Option<Suggestion> {
        let (&o, &r) = (self.position.get(&offer)?, self.position.get(&request)?);
        let directions = (self.listings[o].direction, self.listings[r].direction);
        if directions != (Direction::Offer, Direction::Request) {
            return None;
        }
        self.score_pair(o, r, true)
    }

    /// Candidate pairs of the assignment with their acceptance features.
    #[doc(hidden)]
    pub fn candidate_features(&self) -> Vec<(Suggestion, Vec<f64>)> {
        self.features_of(self.all_pairs_with_parts(self.weights.min_suggestion))
    }

    /// The acceptance features of scored candidate pairs.
    fn features_of(&self, scored: Vec<(Suggestion, Parts)>) -> Vec<(Suggestion, Vec<f64>)> {
        let w = &self.weights;
        let (all, parts): (Vec<Suggestion>, Vec<Parts>) = scored.into_iter().unzip();
        let reciprocal: HashSet<(i64, i64)> = two_way::candidates(
            &all.iter()
                .filter(|p| p.score >= w.min_two_way)
                .cloned()
                .collect::<Vec<_>>(),
            &|id| self.party_of(id),
        )
        .iter()
        .flat_map(|t| [(t.give.offer, t.give.request), (t.ret.offer, t.ret.request)])
        .collect();
        let cap_of = |offer: i64| self.cap_of(offer);
        let raw = margins::raw(&all, w.min_suggestion, &cap_of);
        let confidence = margins::confidence(&all, &raw, w);
        // The same margins by the encoder's cosine alone: a second opinion
        // that does not lean on shared words.
        let meaning = margins::raw_by(&all, &|i| parts[i].encoder, 0.0, &cap_of);
        let kind = |item: i64| {
            self.party_of(item)
                .and_then(|p| self.parties.get(&p))
                .map(|p| p.kind)
        };
        all.into_iter()
            .zip(parts)
            .zip(confidence)
            .zip(raw)
            .zip(meaning)
            .map(
                |((((p, parts), conf), (rm, om, top, mutual)), (mrm, mom, _, _))| {
                    let x = accept::features(&accept::Inputs {
                        score: p.score,
                        confidence: conf,
                        request_margin: rm,
                        offer_margin: om,
                        top_of_request: top,
                        mutual,
                        reciprocal: reciprocal.contains(&(p.offer, p.request)),
                        parts,
                        offer_kind: kind(p.offer),
                        request_kind: kind(p.request),
                        meaning_request_margin: mrm,
                        meaning_offer_margin: mom,
                    });
                    (p, x.to_vec())
                },
            )
            .collect()
    }

    /// Scored candidate pairs with the probability that a makelaar accepts
    /// each, under acceptance coefficients `coef` (intercept first).
    fn likelihoods(
        &self,
        scored: Vec<(Suggestion, Parts)>,
        coef: &[f64],
    ) -> Vec<(Suggestion, f64)> {
        self.features_of(scored)
            .into_iter()
            .map(|(p, x)| {
                let mut v = [0.0; accept::N];
                for (a, b) in v.iter_mut().zip(&x) {
                    *a = *b;
                }
                (p, accept::probability(&v, coef))
            })
            .collect()
    }

    /// `propose` with other acceptance coefficients (intercept first),
    /// threshold and least probability of a way back (`two_way::COMPLETE`),
    /// for fitting and studies.
    #[doc(hidden)]
    pub fn propose_with(&self, coef: &[f64], threshold: f64, complete: f64) -> Proposal {
        self.proposal_from(
            self.all_pairs_with_parts(self.weights.min_suggestion),
            coef,
            threshold,
            complete,
        )
    }

    /// The proposal from scored candidate pairs.
    fn proposal_from(
        &self,
        scored: Vec<(Suggestion, Parts)>,
        coef: &[f64],
        threshold: f64,
        complete: f64,
    ) -> Proposal {
        let all = self.likelihoods(scored, coef);
        let likely: HashMap<(i64, i64), (Suggestion, f64)> = all
            .iter()
            .map(|(p, probability)| ((p.offer, p.request), (p.clone(), *probability)))
            .collect();
        // Two-way pairs first, scored as pairs: both directions must be
        // likely enough on their own, and the pair as a whole as likely as
        // a one-way match must be.
        let mut matches = two_way::first(
            &all,
            &|id| self.party_of(id),
            &|offer| self.cap_of(offer),
            complete,
            threshold,
        );
        // Then the one-way assignment fills the rest: requests still free,
        // offers within what capacity is left.
        let taken: HashSet<i64> = matches.iter().map(|m| m.request).collect();
        let mut used: HashMap<i64, u32> = HashMap::new();
        for m in &matches {
            *used.entry(m.offer).or_default() += 1;
        }
        let mut pairs = Vec::new();
        let mut gains = Vec::new();
        for (p, probability) in all {
            let gain = probability - threshold;
            let left = self
                .cap_of(p.offer)
                .saturating_sub(used.get(&p.offer).copied().unwrap_or(0));
            if gain > 0.0 && !taken.contains(&p.request) && left > 0 {
                gains.push(gain);
                pairs.push(p);
            }
        }
        let mut offers: HashMap<i64, usize> = HashMap::new();
        let mut requests: HashMap<i64, usize> = HashMap::new();
        let mut caps = Vec::new();
        let edges: Vec<Edge> = pairs
            .iter()
            .zip(&gains)
            .map(|(p, &gain)| {
                let next = offers.len();
                let offer = *offers.entry(p.offer).or_insert_with(|| {
                    caps.push(
                        self.cap_of(p.offer)
                            .saturating_sub(used.get(&p.offer).copied().unwrap_or(0)),
                    );
                    next
                });
                let next = requests.len();
                let request = *requests.entry(p.request).or_insert(next);
                Edge {
                    offer,
                    request,
                    gain,
                }
            })
            .collect();
        let chosen = assign(&caps, requests.len(), &edges);
        matches.extend(chosen.into_iter().map(|i| pairs[i].clone()));
        self.complete_two_way(&mut matches, &likely, complete);
        for s in &mut matches {
            self.add_reasons(s);
        }
        matches.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.request.cmp(&b.request)));
        let two_way = two_way::among_chosen(&matches, &|id| self.party_of(id));
        Proposal { matches, two_way }
    }
}

impl Market {
    /// Complete wederdiensten among the chosen matches (see
    /// `two_way::complete`), from the two-way candidates among all pairs.
    fn complete_two_way(
        &self,
        matches: &mut Vec<Suggestion>,
        likely: &HashMap<(i64, i64), (Suggestion, f64)>,
        complete: f64,
    ) {
        let pairs: Vec<Suggestion> = likely
            .values()
            .filter(|(p, _)| p.score >= self.weights.min_two_way)
            .map(|(p, _)| p.clone())
            .collect();
        let candidates = two_way::candidates(&pairs, &|id| self.party_of(id));
        two_way::complete(
            matches,
            &candidates,
            likely,
            &|offer| self.cap_of(offer),
            complete,
        );
    }
}

/// The words of the thesaurus groups a folded word belongs to (by its
/// stem), without the word itself: what a search for it may also find
/// ("computers" ~ "laptops").
pub fn related_words(word: &str) -> Vec<String> {
    let th = thesaurus::Thesaurus::get();
    let mut out: Vec<String> = Vec::new();
    for &g in th.groups(&text::stem(word)) {
        for w in th.words_of(g) {
            if w != word && !out.contains(w) {
                out.push(w.clone());
            }
        }
    }
    out
}

/// Words to look a text up by in Postgres full text search (pass them to
/// `to_tsquery('dutch', ..)` joined with `|`, so Postgres stems them the
/// same way as its `tsvector`): the text's content words, the parts of its
/// compounds and the words of the thesaurus groups they belong to.
pub fn search_terms(text_in: &str) -> Vec<String> {
    let th = thesaurus::Thesaurus::get();
    let known = |w: &str| th.knows(w);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut push = |w: &str, out: &mut Vec<String>| {
        if seen.insert(w.to_string()) {
            out.push(w.to_string());
        }
    };
    // The text's own words first, then their thesaurus relatives, so that a
    // caller keeping only the first terms keeps every word of the text.
    let mut related = Vec::new();
    for token in text::tokens(text_in) {
        push(&token.surface, &mut out);
        let mut stems = vec![token.stem.clone()];
        if let Some((modifier, head)) = text::split_compound_with(&token.surface, &known) {
            push(&head, &mut out);
            stems.push(text::stem(&head));
            if !text::is_stopword(&modifier) {
                push(&modifier, &mut out);
            }
        }
        for s in stems {
            related.extend(th.groups(&s).iter().map(|&g| th.words_of(g)));
        }
    }
    // Round-robin over the groups: each group's first words before any
    // group's later ones.
    let longest = related.iter().map(|g| g.len()).max().unwrap_or(0);
    for i in 0..longest {
        for group in &related {
            if let Some(w) = group.get(i) {
                push(w, &mut out);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
