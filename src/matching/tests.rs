//! Behaviour of the public API on small constructed markets.

use super::*;

fn party(id: i64, postcode: &str) -> Party {
    Party {
        id,
        kind: OrganisationKind::Vrijwilligersorganisatie,
        municipality: "Hellendoorn".into(),
        postcode: Some(postcode.into()),
    }
}

fn item(
    id: i64,
    party: i64,
    direction: Direction,
    category: Category,
    title: &str,
    description: &str,
) -> Listing {
    Listing {
        id,
        party,
        direction,
        category,
        title: title.into(),
        description: description.into(),
        theme: None,
        hours: None,
        quantity: None,
    }
}

use Category::*;
use Direction::*;

/// Items of other kinds (ids 10 to 14, each its own organisation), so that
/// IDF is meaningful in a small market.
fn filler() -> Vec<Listing> {
    let filler = [
        (
            "Kookles voor beginners",
            "Onze chef geeft een avond les in de keuken",
        ),
        ("Verf over", "Potten muurverf in wit"),
        ("Zaal te huur", "Grote zaal voor 80 personen met beamer"),
        ("Tuinonderhoud", "Snoeien en onkruid wieden in de tuin"),
        ("Muziek bij uw feest", "Ons orkest speelt op uw jubileum"),
    ];
    filler
        .iter()
        .enumerate()
        .map(|(i, (t, d))| {
            let id = 10 + i as i64;
            let dir = if i % 2 == 0 { Offer } else { Request };
            item(id, id, dir, Materiaal, t, d)
        })
        .collect()
}

/// A market of filler items plus the two under test, so IDF is meaningful.
fn market_with(offer: (&str, &str, Category), request: (&str, &str, Category)) -> Market {
    let mut listings = vec![
        item(1, 1, Offer, offer.2, offer.0, offer.1),
        item(2, 2, Request, request.2, request.0, request.1),
    ];
    listings.extend(filler());
    let parties = (1..20).map(|i| party(i, "7447")).collect();
    Market::new(parties, listings)
}

fn pair_score(m: &Market) -> Option<Suggestion> {
    m.suggestions_for(2, 10).into_iter().find(|s| s.offer == 1)
}

#[test]
fn plurals_match() {
    let m = market_with(
        (
            "Laptop voor een school",
            "Een afgeschreven laptop",
            Materiaal,
        ),
        (
            "Laptops gezocht",
            "Wij zoeken laptops voor de klas",
            Materiaal,
        ),
    );
    let s = pair_score(&m).expect("plural pair found");
    assert!(
        said(&s).iter().any(|r| r.contains("laptop")),
        "{:?}",
        said(&s)
    );
}

#[test]
fn compounds_match_their_head() {
    let m = market_with(
        (
            "Bestelbus te leen",
            "Onze bestelbus staat in het weekend stil",
            Faciliteiten,
        ),
        (
            "Bus voor een verhuizing",
            "We hebben een bus nodig",
            Faciliteiten,
        ),
    );
    let s = pair_score(&m).expect("compound pair found");
    assert!(
        said(&s)
            .iter()
            .any(|r| r == "‘bestelbus’ en ‘bus’ gaan over hetzelfde"),
        "{:?}",
        said(&s)
    );
}

#[test]
fn synonyms_match_with_a_dutch_reason() {
    let m = market_with(
        (
            "Afgeschreven laptops",
            "Twintig laptops van kantoor",
            Materiaal,
        ),
        (
            "Computers voor groep 8",
            "Leerlingen hebben computers nodig",
            Materiaal,
        ),
    );
    let s = pair_score(&m).expect("synonym pair found");
    assert!(
        said(&s)
            .iter()
            .any(|r| r == "‘laptops’ en ‘computers’ gaan over hetzelfde"),
        "{:?}",
        said(&s)
    );
    assert!(said(&s).iter().any(|r| r == "Zelfde soort hulp: materiaal"));
    assert!(said(&s)
        .iter()
        .any(|r| r == "Allebei in postcodegebied 7447"));
    assert!(s.score > 0.0 && s.score <= 1.0);
}

#[test]
fn spelling_slips_match() {
    let m = market_with(
        (
            "Vrijwilligersvervoer",
            "Chauffeurs met een rolstoeltaxi",
            Menskracht,
        ),
        (
            "Vrijwiligersvervoer gezocht",
            "Wie rijdt onze bewoners",
            Menskracht,
        ),
    );
    let s = pair_score(&m).expect("slip pair found");
    assert!(
        said(&s).iter().any(|r| r.contains("ook gespeld als")),
        "{:?}",
        said(&s)
    );
}

/// Laptops on offer, a hedge to be trimmed asked for: nothing in common.
fn laptops_and_a_hedge() -> Market {
    market_with(
        (
            "Afgeschreven laptops",
            "Twintig laptops van kantoor",
            Materiaal,
        ),
        (
            "Hulp bij het snoeien",
            "Onze heg moet worden gesnoeid",
            Menskracht,
        ),
    )
}

#[test]
fn unrelated_items_are_not_suggested() {
    let m = laptops_and_a_hedge();
    assert!(pair_score(&m).is_none());
}

#[test]
fn never_within_one_party() {
    let listings = vec![
        item(1, 1, Offer, Materiaal, "Laptops", "Afgeschreven laptops"),
        item(2, 1, Request, Materiaal, "Laptops", "Laptops gezocht"),
        item(3, 2, Request, Materiaal, "Laptops", "Laptops gezocht"),
    ];
    let m = Market::new(vec![party(1, "7447"), party(2, "7441")], listings);
    assert!(m.suggestions_for(2, 10).is_empty());
    assert_eq!(m.suggestions_for(1, 10).len(), 1);
    let p = m.propose();
    assert!(p.matches.iter().all(|s| s.request != 2));
}

#[test]
fn an_asked_pair_is_scored_even_when_it_is_no_suggestion() {
    // Someone asked for the laptops to go to the hedge: no suggestion, yet
    // the makelaar sees how the matcher judges it, reasons and all.
    let m = laptops_and_a_hedge();
    assert!(pair_score(&m).is_none());
    let asked = m.pair(1, 2).expect("an offer and a request are scored");
    assert!(asked.score < m.min_suggestion(), "{}", asked.score);
    // A suggested pair gets the same score and reasons its suggestion has.
    let m = market_with(
        (
            "Vergaderruimte",
            "Een vergaderruimte voor tien",
            Faciliteiten,
        ),
        (
            "Vergaderruimte gezocht",
            "Wij zoeken een vergaderruimte",
            Faciliteiten,
        ),
    );
    let suggested = pair_score(&m).expect("suggested");
    let asked = m.pair(1, 2).expect("scored");
    assert_eq!(
        (asked.score, &asked.reasons),
        (suggested.score, &suggested.reasons)
    );
    // Not a pair: the wrong way round, an unknown id, one organisation.
    assert!(m.pair(2, 1).is_none());
    assert!(m.pair(1, 999).is_none());
    let listings = vec![
        item(1, 1, Offer, Materiaal, "Laptops", "Afgeschreven laptops"),
        item(2, 1, Request, Materiaal, "Laptops", "Laptops gezocht"),
    ];
    let m = Market::new(vec![party(1, "7447")], listings);
    assert!(m.pair(1, 2).is_none());
}

fn reciprocal_market() -> Market {
    let listings = vec![
        item(
            1,
            1,
            Offer,
            Menskracht,
            "Klusteam voor een dag",
            "Tien collega's klussen bij uw vereniging: schilderen en tuinonderhoud",
        ),
        item(
            2,
            2,
            Request,
            Menskracht,
            "Handen voor klussen",
            "Wie komt schilderen en de tuin doen bij de kinderboerderij",
        ),
        item(
            3,
            2,
            Offer,
            Faciliteiten,
            "Bedrijfsuitje op de kinderboerderij",
            "Rondleiding en lunch voor uw team",
        ),
        item(
            4,
            1,
            Request,
            Faciliteiten,
            "Plek voor ons personeelsuitje",
            "Een uitje met dieren en een lunch voor het team",
        ),
        item(5, 3, Request, Materiaal, "Verf", "Muurverf voor de kantine"),
    ];
    Market::new((1..4).map(|i| party(i, "7447")).collect(), listings)
}

#[test]
fn two_way_is_detected_and_scored_by_harmonic_mean() {
    let m = reciprocal_market();
    let tw = m.two_way();
    assert_eq!(tw.len(), 1, "{tw:?}");
    let t = &tw[0];
    let pairs = [(t.give.offer, t.give.request), (t.ret.offer, t.ret.request)];
    assert!(pairs.contains(&(1, 2)) && pairs.contains(&(3, 4)));
    assert!((t.score - harmonic_mean(t.give.score, t.ret.score)).abs() < 1e-12);
    let p = m.propose();
    assert_eq!(p.two_way.len(), 1);
    assert!(
        p.matches.iter().all(|s| s.request != 5),
        "verf has no offer"
    );
}

#[test]
fn propose_leaves_weak_pairs_out() {
    let listings = vec![
        item(
            1,
            1,
            Offer,
            Materiaal,
            "Laptops",
            "Twintig afgeschreven laptops",
        ),
        item(
            2,
            2,
            Request,
            Materiaal,
            "Laptops voor de klas",
            "Laptops gezocht",
        ),
        // Only a faint link ("kantoor") to the offer.
        item(
            3,
            3,
            Request,
            Netwerk,
            "Contact met een kantoor",
            "Wie kent een kantoor voor stages",
        ),
        item(
            4,
            1,
            Offer,
            Kennis,
            "Advies over kantoor",
            "Onze adviseurs op kantoor denken mee over financien en subsidie en fondsen",
        ),
    ];
    let m = Market::new((1..4).map(|i| party(i, "7447")).collect(), listings);
    let p = m.propose();
    assert!(p.matches.iter().any(|s| (s.offer, s.request) == (1, 2)));
    // Item 3 has a faint candidate, yet is left out rather than forced.
    assert!(!m.suggestions_for(3, 10).is_empty());
    assert!(p.matches.iter().all(|s| s.request != 3));
}

#[test]
fn search_terms_expand_stems_compounds_and_synonyms() {
    let terms = search_terms("Bestelbus en laptops gezocht");
    for t in ["bestelbus", "bus", "laptops", "computer", "vervoer"] {
        assert!(terms.iter().any(|x| x == t), "{t} missing in {terms:?}");
    }
    assert!(!terms.iter().any(|x| x == "en"));
}

#[test]
fn search_terms_put_every_word_of_the_text_before_its_relatives() {
    let terms = search_terms("Bestelbus, laptops, verf, hout, zaal en koffie gezocht");
    let at = |w: &str| terms.iter().position(|t| t == w).unwrap_or(usize::MAX);
    let own = ["bestelbus", "laptops", "verf", "hout", "zaal", "koffie"];
    let last_own = own.iter().map(|w| at(w)).max().unwrap_or(0);
    let first_relative = ["computer", "vervoer", "schilderen", "planken", "ruimte"]
        .iter()
        .map(|w| at(w))
        .min()
        .unwrap_or(0);
    assert!(last_own < first_relative, "own words come first: {terms:?}");
    // Round-robin over the groups: the computer group's first word comes
    // before the vervoer group's second word, although "bestelbus" (vervoer)
    // comes before "laptops" (computer) in the text.
    assert!(at("computer") < at("vervoeren"), "{terms:?}");
}

#[test]
fn the_workspace_overview_equals_the_separate_passes() {
    let (parties, mut listings) = crate::dev::bench::generate(400, 42);
    // A request nothing in the market answers.
    let mut lonely = listings
        .iter()
        .find(|l| l.direction == Direction::Request)
        .cloned()
        .expect("a request");
    lonely.id = 1_000_000;
    lonely.title = "Zeldzame postzegels uit Suriname".into();
    lonely.description = "Voor ons filatelistisch archief.".into();
    listings.push(lonely);
    let m = Market::new(parties, listings);
    let handled = |offer: i64, _: i64| offer % 7 == 0;
    let o = m.overview(&handled);
    let pairs = |list: &[Suggestion]| {
        list.iter()
            .map(|s| (s.offer, s.request))
            .collect::<Vec<_>>()
    };
    assert_eq!(pairs(&o.proposal.matches), pairs(&m.propose().matches));
    let legs = |cycles: &[crate::matching::Cycle]| {
        cycles.iter().map(|c| pairs(&c.legs)).collect::<Vec<_>>()
    };
    assert!(!o.cycles.is_empty());
    assert_eq!(legs(&o.cycles), legs(&m.cycles(&handled)));
    let without: Vec<i64> = m
        .suggestions(1)
        .into_iter()
        .filter(|(_, offers)| offers.is_empty())
        .map(|(request, _)| request)
        .collect();
    assert!(!without.is_empty());
    assert_eq!(o.without_suggestion, without);
}

/// A pair's reasons read the same every time its market is built: where a
/// spelling slip links two words of one item, the reason names the word
/// the link's strongest source used, not whichever a hash map gave first.
#[test]
fn reasons_do_not_change_from_one_build_to_the_next() {
    let build = || {
        market_with(
            (
                "Vrijwilligers voor de tuin",
                "Onze vrijwiligers en vrijwilligerss helpen graag met vrijwilligerswerk",
                Menskracht,
            ),
            (
                "Vrijwiligers gezocht",
                "Wij zoeken vrijwilligers en vrijwilligerss voor de schooltuin",
                Menskracht,
            ),
        )
        .suggestions_for(2, 5)
    };
    let first = build();
    assert!(!first.is_empty());
    for _ in 0..30 {
        let again = build();
        let reasons = |s: &[Suggestion]| -> Vec<Vec<String>> {
            s.iter().map(|x| x.reasons.clone()).collect()
        };
        assert_eq!(reasons(&again), reasons(&first));
    }
}

/// A pair's reasons as a Dutch page shows them.
fn said(s: &Suggestion) -> Vec<String> {
    s.reasons.iter().map(|r| super::reason::text(r)).collect()
}

/// A unit vector of the encoder's size from a few (axis, weight) parts.
fn direction(parts: &[(usize, f32)]) -> Vector {
    let mut v = vec![0.0f32; semantic::DIM];
    for &(axis, w) in parts {
        v[axis] = w;
    }
    Vector::from_unit(&v)
}

/// An offer close to every request ("a hub": vague words such as "wij
/// helpen graag") no longer outranks one that is close to this request
/// alone, though its plain cosine is higher; without the local scaling it
/// does. Twelve requests and twelve offers, so every item has the ten
/// nearest counterparts the default scaling looks at.
#[test]
fn an_offer_close_to_everything_does_not_outrank_one_close_to_this_request() {
    let mut listings = Vec::new();
    let mut vectors = HashMap::new();
    for n in 0..12 {
        // Requests 1..=12 on axes 0..=11; offers 101..=112 on axes of their own.
        listings.push(item(1 + n, 1 + n, Request, Materiaal, "Aaa", "Bbb"));
        vectors.insert(1 + n, direction(&[(n as usize, 1.0)]));
        listings.push(item(101 + n, 101 + n, Offer, Materiaal, "Eee", "Fff"));
        vectors.insert(101 + n, direction(&[(100 + n as usize, 1.0)]));
    }
    // The hub: cosine 0.5 with request 1 and about 0.26 with every other.
    let rest = (0.75f32 / 11.0).sqrt();
    let mut hub = vec![(0, 0.5)];
    hub.extend((1..12).map(|axis| (axis, rest)));
    vectors.insert(101, direction(&hub));
    // Close to request 1 only: cosine 0.45.
    vectors.insert(
        102,
        direction(&[(0, 0.45), (200, (1.0f32 - 0.45 * 0.45).sqrt())]),
    );
    let parties: Vec<Party> = listings.iter().map(|l| party(l.party, "7447")).collect();
    let best_for_1 = |local: usize| {
        let weights = Weights {
            encoder_local: local,
            min_suggestion: 0.0,
            ..Weights::default()
        };
        let mut m = Market::with_weights(parties.clone(), listings.clone(), weights);
        m.set_vectors(vectors.clone());
        m.suggestions_for(1, 2).first().map(|s| s.offer)
    };
    assert_eq!(best_for_1(0), Some(101), "plain cosines favour the hub");
    assert_eq!(
        best_for_1(Weights::default().encoder_local),
        Some(102),
        "scaled, the specific offer wins"
    );
}

/// An event's suggestions put the offer a makelaar would likeliest accept
/// first, not merely the highest score: an offer that is the clear best of
/// another request, and can serve only one, is the weaker suggestion for a
/// request it fits a little better by words than the offer nobody else
/// needs.
#[test]
fn suggestions_put_the_likeliest_offer_first() {
    let single = |mut l: Listing| {
        l.quantity = Some("1".into());
        l
    };
    let mut listings = vec![
        single(item(
            1,
            1,
            Offer,
            Materiaal,
            "Laptop te geef",
            "Wij geven een goede laptop met lader weg",
        )),
        single(item(
            3,
            3,
            Offer,
            Materiaal,
            "Computer te geef",
            "Een oude computer met scherm",
        )),
        item(
            2,
            2,
            Request,
            Materiaal,
            "Laptop gezocht",
            "Voor de administratie zoeken wij een laptop of een computer",
        ),
        item(
            4,
            4,
            Request,
            Materiaal,
            "Goede laptop met lader gezocht",
            "Wij zoeken een goede laptop met lader",
        ),
    ];
    listings.extend(filler());
    let m = Market::new((1..20).map(|i| party(i, "7447")).collect(), listings);
    let of_request = |r: i64| -> Vec<(i64, f64, f64)> {
        m.candidate_features()
            .into_iter()
            .filter(|(p, _)| p.request == r)
            .map(|(p, x)| {
                let mut v = [0.0; accept::N];
                v.copy_from_slice(&x);
                (p.offer, p.score, accept::probability(&v, &accept::COEF))
            })
            .collect()
    };
    let pairs = of_request(2);
    let best_by = |k: fn(&(i64, f64, f64)) -> f64| {
        pairs
            .iter()
            .max_by(|a, b| k(a).total_cmp(&k(b)))
            .map(|p| p.0)
    };
    let likeliest = best_by(|p| p.2);
    assert_ne!(
        likeliest,
        best_by(|p| p.1),
        "the two orders differ here: {pairs:?}"
    );
    let suggested = m.suggestions(10);
    let first = suggested
        .iter()
        .find(|(r, _)| *r == 2)
        .and_then(|(_, offers)| offers.first())
        .map(|s| s.offer);
    assert_eq!(first, likeliest, "{pairs:?}");
}
