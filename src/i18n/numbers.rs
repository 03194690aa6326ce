//! Numbers the way the language writes them: "1.234,5" in Dutch, "1,234.5"
//! in English.

use fluent_bundle::FluentValue;

use super::{current, Arg, IntoArg, Lang};

fn separators(lang: Lang) -> (char, char) {
    match lang {
        Lang::Nl => ('.', ','),
        Lang::En => (',', '.'),
    }
}

/// Digits grouped by three with the language's separator.
fn group(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn write(value: f64, decimals: Option<usize>, lang: Lang) -> String {
    let (thousands_sep, decimal_sep) = separators(lang);
    let text = match decimals {
        Some(d) => format!("{:.*}", d, value.abs()),
        None => format!("{}", value.abs()),
    };
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    out.push_str(&group(int, thousands_sep));
    if !frac.is_empty() {
        out.push(decimal_sep);
        out.push_str(frac);
    }
    out
}

/// A whole number: "12.345" / "12,345".
pub fn thousands(n: impl IntoArg) -> String {
    write(as_f64(n), Some(0), current())
}

/// A number as short as it can be written: "1.234,5" / "1,234.5".
pub fn number(n: impl IntoArg) -> String {
    write(as_f64(n), None, current())
}

fn as_f64(n: impl IntoArg) -> f64 {
    match n.into_arg() {
        Arg::Number(v) => v,
        Arg::Text(t) => t.parse().unwrap_or(0.0),
        Arg::Message(_) => 0.0,
    }
}

/// A number with a fixed number of decimals: "1.234,50" / "1,234.50".
pub fn decimal(value: f64, decimals: usize) -> String {
    write(value, Some(decimals), current())
}

/// An amount in euros with cents, without the sign: "250,00" / "250.00".
pub fn euros(value: f64) -> String {
    decimal(value, 2)
}

fn fluent(value: &FluentValue, lang: Lang) -> Option<String> {
    match value {
        FluentValue::Number(n) => Some(write(n.value, None, lang)),
        _ => None,
    }
}

/// The number formatter of the Dutch bundle.
pub fn fluent_dutch<M>(value: &FluentValue, _: &M) -> Option<String> {
    fluent(value, Lang::Nl)
}

/// The number formatter of the English bundle.
pub fn fluent_english<M>(value: &FluentValue, _: &M) -> Option<String> {
    fluent(value, Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(write(1234.5, None, Lang::Nl), "1.234,5");
        assert_eq!(write(1234.5, None, Lang::En), "1,234.5");
        assert_eq!(write(1234567.0, Some(0), Lang::Nl), "1.234.567");
        assert_eq!(write(999.0, None, Lang::En), "999");
        assert_eq!(write(-1234.0, Some(2), Lang::En), "-1,234.00");
        assert_eq!(write(35.0, Some(2), Lang::Nl), "35,00");
        assert_eq!(
            super::super::in_lang(Lang::En, || thousands(12345)),
            "12,345"
        );
        assert_eq!(thousands(12345), "12.345");
    }
}
