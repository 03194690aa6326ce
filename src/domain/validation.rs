//! Field-level validation: messages (from the catalogue `forms.ftl`, in the
//! language being served) keyed by form field, so a page can show each
//! message beside its field.

use std::collections::BTreeMap;

use crate::tr;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&&'static str, &String)> {
        self.0.iter()
    }

    /// `Ok(value)` when no field has an error.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// Trimmed text between `min` and `max` characters, or a message.
pub fn text(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    value: &str,
    min: usize,
    max: usize,
) -> String {
    let value = value.trim().to_string();
    let len = value.chars().count();
    // Postgres cannot store a NUL in text; no one types it.
    if value.contains('\0') {
        errors.add(
            field,
            tr("validation-invalid-char")
                .arg("label", label)
                .to_string(),
        );
    } else if len == 0 && min > 0 {
        errors.add(
            field,
            tr("validation-required").arg("label", label).to_string(),
        );
    } else if len < min {
        errors.add(
            field,
            tr("validation-too-short")
                .arg("label", label)
                .arg("min", min)
                .to_string(),
        );
    } else if len > max {
        errors.add(
            field,
            tr("validation-too-long")
                .arg("label", label)
                .arg("max", max)
                .to_string(),
        );
    }
    value
}

/// Optional trimmed text: `None` when empty.
pub fn optional_text(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
) -> Option<String> {
    let value = text(errors, field, label, value, 0, max);
    (!value.is_empty()).then_some(value)
}

/// A choice from a closed vocabulary.
pub fn choice<T: std::str::FromStr>(
    errors: &mut FieldErrors,
    field: &'static str,
    message: &str,
    value: &str,
) -> Option<T> {
    match value.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.add(field, message);
            None
        }
    }
}

/// Optional whole number in a range.
pub fn optional_number(
    errors: &mut FieldErrors,
    field: &'static str,
    label: &str,
    value: &str,
    max: i32,
) -> Option<i32> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i32>() {
        Ok(n) if (0..=max).contains(&n) => Some(n),
        _ => {
            errors.add(
                field,
                tr("validation-whole-number")
                    .arg("label", label)
                    .arg("max", max)
                    .to_string(),
            );
            None
        }
    }
}

/// A Dutch postcode: four digits, optionally two letters ("7447" or "7447 AB").
pub fn postcode(errors: &mut FieldErrors, field: &'static str, value: &str) -> Option<String> {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if compact.is_empty() {
        return None;
    }
    // At a character boundary: the fuzzer found that a non-ASCII character
    // among the first four panicked here.
    let four = compact
        .char_indices()
        .nth(4)
        .map_or(compact.len(), |(i, _)| i);
    let (digits, letters) = compact.split_at(four);
    let digits_ok =
        digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()) && !digits.starts_with('0');
    let letters_ok = letters.is_empty()
        || (letters.len() == 2 && letters.chars().all(|c| c.is_ascii_uppercase()));
    if digits_ok && letters_ok {
        Some(if letters.is_empty() {
            digits.to_string()
        } else {
            format!("{digits} {letters}")
        })
    } else {
        errors.add(field, crate::t("validation-postcode"));
        None
    }
}

/// A plausible e-mail address (the real check is the mail that arrives).
pub fn email(errors: &mut FieldErrors, field: &'static str, value: &str) -> String {
    let value = value.trim().to_string();
    let plausible = value.len() <= 254
        && value
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !value.chars().any(char::is_whitespace);
    if !plausible {
        errors.add(field, crate::t("validation-email"));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_are_normalised_or_refused() {
        let mut e = FieldErrors::new();
        assert_eq!(postcode(&mut e, "p", "7447ab"), Some("7447 AB".into()));
        assert_eq!(postcode(&mut e, "p", " 7447 "), Some("7447".into()));
        assert!(e.is_empty());
        assert_eq!(postcode(&mut e, "p", "0447"), None);
        assert!(e.get("p").is_some());
    }

    #[test]
    fn text_limits_give_dutch_messages() {
        let mut e = FieldErrors::new();
        text(&mut e, "title", "een titel", "  ", 3, 10);
        assert_eq!(e.get("title"), Some("Vul een titel in."));
        let mut e = FieldErrors::new();
        text(&mut e, "title", "De titel", "abcdefghijkl", 3, 10);
        assert_eq!(
            e.get("title"),
            Some("De titel mag hoogstens 10 tekens hebben.")
        );
    }

    #[test]
    fn numbers_outside_the_range_are_refused() {
        let mut e = FieldErrors::new();
        assert_eq!(optional_number(&mut e, "h", "Uren", "12", 100), Some(12));
        assert_eq!(optional_number(&mut e, "h", "Uren", "", 100), None);
        assert!(e.is_empty());
        assert_eq!(optional_number(&mut e, "h", "Uren", "-3", 100), None);
        assert!(e.get("h").is_some());
    }

    #[test]
    fn emails_need_an_at_and_a_domain() {
        let mut e = FieldErrors::new();
        email(&mut e, "email", "piet@voorbeeld.nl");
        assert!(e.is_empty());
        email(&mut e, "email", "piet");
        assert!(e.get("email").is_some());
    }
}
