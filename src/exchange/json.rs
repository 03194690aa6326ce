//! JSON reading, with the line and column of a syntax error.

use super::{ImportError, RawDocument};

pub fn read(name: &str, text: &str) -> Result<RawDocument, Vec<ImportError>> {
    // Editors on Windows save UTF-8 with a byte-order mark; it is not content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| {
        vec![ImportError {
            location: format!("{name}, regel {} kolom {}", e.line(), e.column()),
            line: None,
            field: String::new(),
            message: dutch_message(&e),
        }]
    })
}

/// serde's messages are English; the common ones get a Dutch sentence.
fn dutch_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if let Some(rest) = text.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        return format!(
            "onbekend veld \"{field}\": {} kent dit veld niet (tikfout?); zie FORMAT.md voor de velden",
            super::FORMAT
        );
    }
    if let Some(rest) = text.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        return format!("verplicht veld \"{field}\" ontbreekt");
    }
    format!("geen geldige JSON voor {}: {text}", super::FORMAT)
}
