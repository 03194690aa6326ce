//! Folding and splitting text into words.

/// Lower-case and strip diacritics (é -> e, ë -> e, ...).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        for l in c.to_lowercase() {
            out.push(match l {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                'ñ' => 'n',
                other => other,
            });
        }
    }
    out
}

/// Folded words of a text, split on anything that is not a letter or digit.
/// Pure numbers and one-letter fragments are dropped; stop words are kept
/// out by [`super::tokens`], not here.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_lowers_and_strips_diacritics() {
        assert_eq!(fold("Café Coöperatie"), "cafe cooperatie");
        assert_eq!(fold("ÉÉN Reünie"), "een reunie");
        assert_eq!(
            words("Hulp bij 3 e-mails, vergaderruimtes!"),
            ["hulp", "bij", "mails", "vergaderruimtes"]
        );
    }
}
