//! JSON reading, with the line and column of a syntax error.

use super::{ImportError, RawDocument};

pub fn read(name: &str, text: &str) -> Result<RawDocument, Vec<ImportError>> {
    serde_json::from_str(text).map_err(|e| {
        vec![ImportError {
            location: format!("{name}, regel {} kolom {}", e.line(), e.column()),
            line: None,
            field: String::new(),
            message: format!("geen geldige JSON voor {}: {e}", super::FORMAT),
        }]
    })
}
