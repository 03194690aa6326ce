//! Weighted text features of the items of one market: stems, compound parts,
//! thesaurus groups and spelling-slip links, weighted by TF-IDF and
//! normalised so that a dot product is a cosine similarity.

use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, RwLock};

use super::text::{self, Token};
use super::thesaurus::Thesaurus;

/// How a feature came about; decides the wording of a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Stem,
    Group,
    Slip,
}

/// Interned feature keys with their document frequency.
#[derive(Debug, Default)]
pub struct Vocab {
    ids: HashMap<String, u32>,
    kinds: Vec<KeyKind>,
    pub df: Vec<u32>,
    surfaces: Vec<String>,
    surface_ids: HashMap<String, u32>,
}

impl Vocab {
    fn key(&mut self, kind: KeyKind, name: String) -> u32 {
        if let Some(&id) = self.ids.get(&name) {
            return id;
        }
        let id = u32::try_from(self.kinds.len()).unwrap_or(u32::MAX);
        self.ids.insert(name, id);
        self.kinds.push(kind);
        self.df.push(0);
        id
    }

    fn surface(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.surface_ids.get(word) {
            return id;
        }
        let id = u32::try_from(self.surfaces.len()).unwrap_or(u32::MAX);
        self.surface_ids.insert(word.to_string(), id);
        self.surfaces.push(word.to_string());
        id
    }

    pub fn kind(&self, key: u32) -> KeyKind {
        self.kinds
            .get(key as usize)
            .copied()
            .unwrap_or(KeyKind::Stem)
    }

    pub fn surface_text(&self, id: u32) -> &str {
        self.surfaces
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.kinds.len()
    }
}

/// One feature of an item: key, final weight, and the word it came from.
#[derive(Debug, Clone, Copy)]
pub struct Feat {
    pub key: u32,
    pub weight: f32,
    pub surface: u32,
}

/// The text features of one item, sorted by key, unit length.
#[derive(Debug, Clone, Default)]
pub struct ItemText {
    pub feats: Vec<Feat>,
    /// The title's features alone (same keys and IDF), unit length.
    pub title: Vec<Feat>,
    /// Character 4-grams of the stems, TF-IDF weighted, unit length: they
    /// relate words that share a part without a rule for it ("sorteerders"
    /// and "sorteren", "laswerk" and "lassers"). They re-rank the candidates
    /// that the word features find; they do not find candidates themselves.
    pub grams: Vec<Feat>,
}

/// Field weights and expansion discounts.
const TITLE: f32 = 2.0;
const BODY: f32 = 1.0;
const QUANTITY: f32 = 0.5;
const SYNONYM: f32 = 0.7;
const HEAD: f32 = 0.7;
const MODIFIER: f32 = 0.35;
const SLIP: f32 = 0.8;
/// A derivational root shared with other words ("oplichters" ~ "oplichting").
const DERIVED: f32 = 0.7;
/// A negated word ("geen computers") says what is not there.
const NEGATED: f32 = 0.1;

/// The texts of one item to featurise.
pub struct Fields<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub quantity: Option<&'a str>,
    /// Whether negated words count for little: in an offer "geen computers"
    /// says what is not offered, in a request "we hebben geen bus" says what
    /// is needed.
    pub negation: bool,
}

fn field_tokens(f: &Fields<'_>) -> Vec<(Token, f32)> {
    let mut out: Vec<(Token, f32)> = Vec::new();
    let weighed = |(t, negated): (Token, bool), w: f32| {
        (
            t,
            if negated && f.negation {
                w * NEGATED
            } else {
                w
            },
        )
    };
    let fields = [
        (f.title, TITLE),
        (f.description, BODY),
        (f.quantity.unwrap_or(""), QUANTITY),
    ];
    for (field, w) in fields {
        out.extend(
            text::tokens_with_negation(field)
                .into_iter()
                .map(|t| weighed(t, w)),
        );
    }
    out
}

/// Expand one token into (kind, key name, weight) entries: its stem, its
/// thesaurus groups and those of its compound parts.
pub fn expand(
    token: &Token,
    weight: f32,
    split: &dyn Fn(&str) -> Option<(String, String)>,
    roots: &dyn Fn(&str) -> Vec<String>,
) -> Vec<(KeyKind, String, f32)> {
    let thesaurus = Thesaurus::get();
    let mut out = vec![(KeyKind::Stem, token.stem.clone(), weight)];
    let add_groups = |stem: &str, w: f32, out: &mut Vec<(KeyKind, String, f32)>| {
        for &g in thesaurus.groups(stem) {
            out.push((KeyKind::Group, thesaurus.name(g).to_string(), w));
        }
    };
    add_groups(&token.stem, weight * SYNONYM, &mut out);
    for root in roots(&token.surface) {
        if thesaurus.groups(&token.stem).is_empty() {
            add_groups(&root, weight * DERIVED * SYNONYM, &mut out);
        }
        out.push((KeyKind::Stem, root, weight * DERIVED));
    }
    if thesaurus.groups(&token.stem).is_empty() {
        if let Some((modifier, head)) = split(&token.surface) {
            let head_stem = text::stem(&head);
            let mod_stem = text::stem(&modifier);
            add_groups(&head_stem, weight * HEAD * SYNONYM, &mut out);
            out.push((KeyKind::Stem, head_stem, weight * HEAD));
            if !text::is_stopword(&modifier) {
                add_groups(&mod_stem, weight * MODIFIER * SYNONYM, &mut out);
                out.push((KeyKind::Stem, mod_stem, weight * MODIFIER));
            }
        }
    }
    out
}

/// Compound splits already made: every market (each werkplaats view, each
/// item page) splits the same words again, and a split tries every cut
/// against the lexicon.
static SPLITS: LazyLock<RwLock<HashMap<String, Split>>> = LazyLock::new(Default::default);

/// A compound's (modifier, head), or `None` for a word that does not split.
type Split = Option<(String, String)>;

/// How many splits are remembered at most; then the memory starts afresh.
const REMEMBERED: usize = 200_000;

/// A folded word split against the Dutch lexicon and the thesaurus's own
/// words (`text::split_compound_with`), remembered.
fn split_compound(thesaurus: &Thesaurus, word: &str) -> Split {
    if let Some(split) = SPLITS.read().ok().and_then(|k| k.get(word).cloned()) {
        return split;
    }
    let split = text::split_compound_with(word, &|w| thesaurus.knows(w));
    if let Ok(mut known) = SPLITS.write() {
        if known.len() >= REMEMBERED {
            known.clear();
        }
        known.insert(word.to_string(), split.clone());
    }
    split
}

/// Build the features of all items of a market at once (IDF needs them all).
pub fn build(items: &[Fields<'_>]) -> (Vocab, Vec<ItemText>) {
    let thesaurus = Thesaurus::get();
    let tokens: Vec<Vec<(Token, f32)>> = items.iter().map(field_tokens).collect();
    // Compounds split against the Dutch lexicon (and the thesaurus's own
    // words), once per distinct word.
    let market: HashSet<&str> = tokens
        .iter()
        .flatten()
        .map(|(t, _)| t.surface.as_str())
        .collect();
    let splits: HashMap<&str, (String, String)> = market
        .iter()
        .filter_map(|&w| split_compound(thesaurus, w).map(|s| (w, s)))
        .collect();
    let split = |w: &str| splits.get(w).cloned();
    let root_map = derived_roots(&tokens, &split);
    let roots = |w: &str| root_map.get(w).cloned().unwrap_or_default();

    let mut vocab = Vocab::default();
    let mut expansions = HashMap::new();
    let mut raw: Vec<HashMap<u32, (f32, u32)>> = Vec::with_capacity(items.len() * 2);
    for toks in &tokens {
        raw.push(accumulate(
            &mut vocab,
            &mut expansions,
            toks.iter(),
            &split,
            &roots,
        ));
    }
    for toks in &tokens {
        let title = toks.iter().filter(|(_, w)| *w == TITLE);
        raw.push(accumulate(
            &mut vocab,
            &mut expansions,
            title,
            &split,
            &roots,
        ));
    }
    add_slips(&mut vocab, &mut raw);
    let titles = raw.split_off(items.len());

    for acc in &raw {
        for &key in acc.keys() {
            if let Some(df) = vocab.df.get_mut(key as usize) {
                *df += 1;
            }
        }
    }
    let n = items.len().max(1) as f32;
    let weigh = |acc: HashMap<u32, (f32, u32)>| -> Vec<Feat> {
        let feats: Vec<Feat> = acc
            .into_iter()
            .map(|(key, (sum, surface))| {
                let tf = if sum <= 1.0 { sum } else { 1.0 + sum.ln() };
                let df = vocab.df.get(key as usize).copied().unwrap_or(1).max(1) as f32;
                let idf = (1.0 + n / df).ln();
                Feat {
                    key,
                    weight: tf * idf,
                    surface,
                }
            })
            .collect();
        unit_sorted(feats)
    };
    let grams = gram_vectors(&tokens);
    let texts = raw
        .into_iter()
        .zip(titles)
        .zip(grams)
        .map(|((full, title), grams)| ItemText {
            feats: weigh(full),
            title: weigh(title),
            grams,
        })
        .collect();
    (vocab, texts)
}

/// Length of the character n-grams.
const GRAM: usize = 4;

/// The character n-grams of one stem, with word boundaries marked, each as
/// a 64-bit FNV-1a hash (no string per n-gram); none for stems shorter than
/// three letters.
fn grams_of(stem: &str, out: &mut Vec<u64>) {
    let chars: Vec<char> = std::iter::once('^')
        .chain(stem.chars())
        .chain(std::iter::once('$'))
        .collect();
    if chars.len() <= GRAM {
        return;
    }
    out.extend(chars.windows(GRAM).map(|w| {
        w.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &c| {
            (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3)
        })
    }));
}

/// TF-IDF weighted, unit-length character n-gram vectors of all items.
fn gram_vectors(tokens: &[Vec<(Token, f32)>]) -> Vec<Vec<Feat>> {
    let mut ids: HashMap<u64, u32> = HashMap::new();
    let mut df: Vec<u32> = Vec::new();
    let mut grams = Vec::new();
    let raw: Vec<HashMap<u32, f32>> = tokens
        .iter()
        .map(|toks| {
            let mut acc: HashMap<u32, f32> = HashMap::new();
            for (t, w) in toks {
                grams.clear();
                grams_of(&t.stem, &mut grams);
                for &g in &grams {
                    let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                    let id = *ids.entry(g).or_insert(next);
                    if id as usize == df.len() {
                        df.push(0);
                    }
                    *acc.entry(id).or_insert(0.0) += w;
                }
            }
            for &id in acc.keys() {
                df[id as usize] += 1;
            }
            acc
        })
        .collect();
    let n = tokens.len().max(1) as f32;
    raw.into_iter()
        .map(|acc| {
            let feats: Vec<Feat> = acc
                .into_iter()
                .map(|(key, sum)| {
                    // Same damping as the word features, so a negated word
                    // (weight 0.1) counts for little here too.
                    let tf = if sum <= 1.0 { sum } else { 1.0 + sum.ln() };
                    let idf = (n / df[key as usize].max(1) as f32).ln().max(0.0);
                    Feat {
                        key,
                        weight: tf * idf,
                        surface: 0,
                    }
                })
                .collect();
            unit_sorted(feats)
        })
        .collect()
}

/// Features scaled to unit length (so a dot product is a cosine), sorted
/// by key (so two lists merge in one pass).
fn unit_sorted(mut feats: Vec<Feat>) -> Vec<Feat> {
    let norm = feats
        .iter()
        .map(|f| f.weight * f.weight)
        .sum::<f32>()
        .sqrt();
    if norm > 0.0 {
        for f in &mut feats {
            f.weight /= norm;
        }
    }
    feats.sort_by_key(|f| f.key);
    feats
}

/// Per surface word, the stems of the roots it is derived from, kept only
/// when the root is itself a word (or compound part) of the market or is the
/// root of another word too: "oplichters" and "oplichting" share "oplicht".
fn derived_roots(
    tokens: &[Vec<(Token, f32)>],
    split: &dyn Fn(&str) -> Option<(String, String)>,
) -> HashMap<String, Vec<String>> {
    let mut stems: HashSet<String> = HashSet::new();
    let mut surfaces: HashMap<&str, &str> = HashMap::new();
    for (t, _) in tokens.iter().flatten() {
        if surfaces
            .insert(t.surface.as_str(), t.stem.as_str())
            .is_none()
        {
            stems.insert(t.stem.clone());
            if let Some((modifier, head)) = split(&t.surface) {
                stems.insert(text::stem(&head));
                stems.insert(text::stem(&modifier));
            }
        }
    }
    let mut candidates: HashMap<&str, Vec<String>> = HashMap::new();
    let mut producers: HashMap<String, HashSet<&str>> = HashMap::new();
    for (&surface, &stem) in &surfaces {
        let mut list: Vec<String> = text::derivation_roots(surface)
            .iter()
            .map(|r| text::stem(r))
            .filter(|r| r != stem && r.chars().count() >= 4)
            .collect();
        list.sort();
        list.dedup();
        for r in &list {
            producers.entry(r.clone()).or_default().insert(stem);
        }
        candidates.insert(surface, list);
    }
    candidates
        .into_iter()
        .filter_map(|(surface, list)| {
            let kept: Vec<String> = list
                .into_iter()
                .filter(|r| stems.contains(r) || producers.get(r).map_or(0, HashSet::len) >= 2)
                .collect();
            (!kept.is_empty()).then(|| (surface.to_string(), kept))
        })
        .collect()
}

/// Sum the expanded features of some tokens: key -> (raw weight, surface).
/// A word's expansion (`expand`, linear in its weight) is worked out once
/// per market, in `expansions` by surface word: keys and their factors.
fn accumulate<'a>(
    vocab: &mut Vocab,
    expansions: &mut HashMap<u32, Vec<(u32, f32)>>,
    toks: impl Iterator<Item = &'a (Token, f32)>,
    split: &dyn Fn(&str) -> Option<(String, String)>,
    roots: &dyn Fn(&str) -> Vec<String>,
) -> HashMap<u32, (f32, u32)> {
    let mut acc: HashMap<u32, (f32, u32)> = HashMap::new();
    for (tok, w) in toks {
        let surface = vocab.surface(&tok.surface);
        let keys = expansions.entry(surface).or_insert_with(|| {
            expand(tok, 1.0, split, roots)
                .into_iter()
                .map(|(kind, name, factor)| {
                    let prefix = if kind == KeyKind::Group { "g:" } else { "s:" };
                    (vocab.key(kind, format!("{prefix}{name}")), factor)
                })
                .collect()
        });
        for &(key, factor) in keys.iter() {
            let fw = w * factor;
            let e = acc.entry(key).or_insert((0.0, surface));
            // Keep the surface word of the strongest source.
            if fw > e.0 {
                e.1 = surface;
            }
            e.0 += fw;
        }
    }
    acc
}

/// Link stems one typing slip apart (edit distance 1, both at least six
/// letters, same first letter) through a shared slip key, found with a
/// deletion index rather than by comparing all pairs.
fn add_slips(vocab: &mut Vocab, raw: &mut [HashMap<u32, (f32, u32)>]) {
    let stems: Vec<(u32, String)> = vocab
        .ids
        .iter()
        .filter(|(name, &id)| vocab.kind(id) == KeyKind::Stem && name.chars().count() >= 8)
        .map(|(name, &id)| (id, name[2..].to_string()))
        .collect();
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (_, s)) in stems.iter().enumerate() {
        index.entry(s.clone()).or_default().push(i);
        for d in text::deletions(s) {
            index.entry(d).or_default().push(i);
        }
    }
    let mut links: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    for bucket in index.values() {
        for (x, &a) in bucket.iter().enumerate() {
            for &b in &bucket[x + 1..] {
                let (a, b) = (a.min(b), a.max(b));
                if a == b || !seen.insert((a, b)) {
                    continue;
                }
                let (sa, sb) = (&stems[a].1, &stems[b].1);
                if sa.chars().next() != sb.chars().next()
                    || text::edit_distance(sa, sb, 1).is_none()
                {
                    continue;
                }
                let name = format!("x:{}|{}", sa.min(sb), sa.max(sb));
                let key = vocab.key(KeyKind::Slip, name);
                links.entry(stems[a].0).or_default().push(key);
                links.entry(stems[b].0).or_default().push(key);
            }
        }
    }
    if links.is_empty() {
        return;
    }
    for acc in raw.iter_mut() {
        let mut extra: Vec<(u32, f32, u32)> = acc
            .iter()
            .filter_map(|(k, v)| links.get(k).map(|ls| (ls, v)))
            .flat_map(|(ls, &(w, s))| ls.iter().map(move |&l| (l, w * SLIP, s)))
            .collect();
        // In a fixed order, strongest first, so that a slip key keeps the
        // surface word of its strongest source in every run (the reasons
        // name it), not whichever the map gave first.
        extra.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        for (key, w, s) in extra {
            let e = acc.entry(key).or_insert((0.0, s));
            e.0 += w;
        }
    }
}

/// Dot product of two sorted feature lists, with each shared key's share.
pub fn overlap(a: &[Feat], b: &[Feat]) -> (f32, Vec<(f32, Feat, Feat)>) {
    let (mut i, mut j) = (0, 0);
    let mut dot = 0.0;
    let mut shared = Vec::new();
    while i < a.len() && j < b.len() {
        let (fa, fb) = (a[i], b[j]);
        match fa.key.cmp(&fb.key) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let c = fa.weight * fb.weight;
                dot += c;
                shared.push((c, fa, fb));
                i += 1;
                j += 1;
            }
        }
    }
    (dot, shared)
}

/// Dot product of two sorted feature lists (`overlap` without the shares).
pub fn dot(a: &[Feat], b: &[Feat]) -> f32 {
    let (mut i, mut j) = (0, 0);
    let mut dot = 0.0;
    while i < a.len() && j < b.len() {
        let (ka, kb) = (a[i].key, b[j].key);
        if ka < kb {
            i += 1;
        } else if ka > kb {
            j += 1;
        } else {
            dot += a[i].weight * b[j].weight;
            i += 1;
            j += 1;
        }
    }
    dot
}

/// The dot products of an offer's and a request's features that their text
/// similarity is made of.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dots {
    /// Full text against full text.
    pub full: f32,
    /// The offer's full text against the request's title.
    pub request_title: f32,
    /// The offer's title against the request's full text.
    pub offer_title: f32,
    /// Title against title.
    pub titles: f32,
    /// Character n-grams.
    pub grams: f32,
}

impl Dots {
    /// By merging the sorted feature lists of the two.
    pub fn merged(offer: &ItemText, request: &ItemText) -> Dots {
        Dots {
            full: dot(&offer.feats, &request.feats),
            request_title: dot(&offer.feats, &request.title),
            offer_title: dot(&offer.title, &request.feats),
            titles: dot(&offer.title, &request.title),
            grams: dot(&offer.grams, &request.grams),
        }
    }
}

/// One item's features spread over dense arrays by key, so that its dot
/// products with each of many counterparts cost one lookup per feature of
/// the counterpart instead of a merge. Kept between items: `load` one,
/// score its counterparts, `unload` it.
#[derive(Debug, Default)]
pub struct Dense {
    feats: Vec<f32>,
    title: Vec<f32>,
    grams: Vec<f32>,
}

fn scatter(into: &mut Vec<f32>, feats: &[Feat]) {
    if let Some(max) = feats.iter().map(|f| f.key as usize).max() {
        if into.len() <= max {
            into.resize(max + 1, 0.0);
        }
    }
    for f in feats {
        into[f.key as usize] = f.weight;
    }
}

fn gather(from: &[f32], feats: &[Feat]) -> f32 {
    feats
        .iter()
        .map(|f| f.weight * from.get(f.key as usize).copied().unwrap_or(0.0))
        .sum()
}

impl Dense {
    pub fn load(&mut self, t: &ItemText) {
        scatter(&mut self.feats, &t.feats);
        scatter(&mut self.title, &t.title);
        scatter(&mut self.grams, &t.grams);
    }

    pub fn unload(&mut self, t: &ItemText) {
        for (into, feats) in [
            (&mut self.feats, &t.feats),
            (&mut self.title, &t.title),
            (&mut self.grams, &t.grams),
        ] {
            for f in feats {
                into[f.key as usize] = 0.0;
            }
        }
    }

    /// The dots of the loaded item with `other`; `loaded_is_offer` says
    /// which side the loaded item is on.
    pub fn dots(&self, other: &ItemText, loaded_is_offer: bool) -> Dots {
        // other's full text against the loaded title, and the other way round.
        let full_title = gather(&self.title, &other.feats);
        let title_full = gather(&self.feats, &other.title);
        let (request_title, offer_title) = if loaded_is_offer {
            (title_full, full_title)
        } else {
            (full_title, title_full)
        };
        Dots {
            full: gather(&self.feats, &other.feats),
            request_title,
            offer_title,
            titles: gather(&self.title, &other.title),
            grams: gather(&self.grams, &other.grams),
        }
    }
}

#[cfg(test)]
mod dense_tests {
    use super::*;

    #[test]
    fn dense_dots_equal_merged_dots() {
        let texts = [
            (
                "Laptops voor de huiswerkklas",
                "Onze leerlingen hebben geen computer.",
            ),
            (
                "Afgeschreven computers",
                "Vijf laptops, schoon geinstalleerd.",
            ),
            ("Handen voor de tuin", "Ons team snoeit graag."),
            ("Laptops", "laptops laptops"),
        ];
        let fields: Vec<Fields<'_>> = texts
            .iter()
            .map(|(t, d)| Fields {
                title: t,
                description: d,
                quantity: None,
                negation: false,
            })
            .collect();
        let (_, items) = build(&fields);
        let mut dense = Dense::default();
        for (i, a) in items.iter().enumerate() {
            dense.load(a);
            for (j, b) in items.iter().enumerate() {
                if i == j {
                    continue;
                }
                // The loaded item as the request, then as the offer.
                for (d, m) in [
                    (dense.dots(b, false), Dots::merged(b, a)),
                    (dense.dots(b, true), Dots::merged(a, b)),
                ] {
                    let pairs = [
                        (d.full, m.full),
                        (d.titles, m.titles),
                        (d.grams, m.grams),
                        (d.request_title, m.request_title),
                        (d.offer_title, m.offer_title),
                    ];
                    assert!(
                        pairs.iter().all(|(x, y)| (x - y).abs() < 1e-5),
                        "{i} {j} {d:?} {m:?}"
                    );
                }
                assert!(Dots::merged(b, a).full > 0.0 || i + j != 1);
            }
            dense.unload(a);
        }
    }
}
