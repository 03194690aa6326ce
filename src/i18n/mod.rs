//! The texts users see, in Dutch (the default) and English: Fluent
//! catalogues in `locales/{nl,en}/*.ftl`, the language of the request being
//! served, and numbers written the way that language writes them.
//!
//! The language is a task-local value set for each request by
//! `web::language::choose` (cookie, else `Accept-Language`, else Dutch) and
//! for each mail by `in_lang` (the recipient's language), so templates, error
//! pages, vocabulary labels and dates all speak it without every function
//! passing it along.

mod catalogue;
mod numbers;

use std::fmt;
use std::future::Future;

pub use catalogue::{files, message_ids, Catalogue};
pub use numbers::{decimal, euros, number, thousands};

/// A language the site speaks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// The BCP 47 code: `lang` attribute, cookie value, database column.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// A code as stored or sent; anything else is not a language we speak.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language the switch offers: the other one.
    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Nl => "Nederlands",
            Lang::En => "English",
        }
    }

    /// The best of our languages for an `Accept-Language` header: the
    /// highest q-value among nl and en (any region), the first listed on a
    /// tie; Dutch when neither is acceptable.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let primary = tag.split(['-', '_']).next().unwrap_or("");
            let Some(lang) = Lang::from_code(primary) else {
                continue;
            };
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

tokio::task_local! {
    static CURRENT: Lang;
}

/// The language of what is being served now (Dutch outside a request).
pub fn current() -> Lang {
    CURRENT.try_with(|l| *l).unwrap_or_default()
}

/// Run a future (a request) in a language.
pub async fn scope<F: Future>(lang: Lang, f: F) -> F::Output {
    CURRENT.scope(lang, f).await
}

/// Render something (a mail) in a language, whatever the request speaks.
pub fn in_lang<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    CURRENT.sync_scope(lang, f)
}

/// A plain message (no arguments) in the current language. A missing key
/// shows itself, so a test that reads the page finds it.
pub fn t(key: &str) -> &'static str {
    Catalogue::of(current()).plain(key)
}

/// A message with arguments: `tr("home-counts").arg("n", 3)`, written out
/// in the current language when displayed.
pub fn tr(key: &'static str) -> Msg {
    Msg {
        key,
        args: Vec::new(),
    }
}

/// A message and its arguments, written out when displayed: in the
/// language current then (a page), or the one given (a mail).
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// One argument of a message: text, or a number that plurals select on and
/// that is written with the language's separators.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(f64),
    /// Another plain message, written in the language of the one it is
    /// part of (a mail's "De makelaar" in the recipient's language).
    Message(&'static str),
}

impl Msg {
    pub fn arg(mut self, name: &'static str, value: impl IntoArg) -> Msg {
        self.args.push((name, value.into_arg()));
        self
    }

    /// The message in a given language.
    pub fn in_lang(&self, lang: Lang) -> String {
        Catalogue::of(lang).format(self.key, &self.args)
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_lang(current()))
    }
}

/// What a message argument can be made of.
pub trait IntoArg {
    fn into_arg(self) -> Arg;
}

impl IntoArg for Arg {
    fn into_arg(self) -> Arg {
        self
    }
}
impl IntoArg for &str {
    fn into_arg(self) -> Arg {
        Arg::Text(self.to_string())
    }
}
/// Askama hands template values to functions by reference, sometimes twice.
impl<'b, T: ?Sized> IntoArg for &&'b T
where
    &'b T: IntoArg,
{
    fn into_arg(self) -> Arg {
        (*self).into_arg()
    }
}
impl IntoArg for String {
    fn into_arg(self) -> Arg {
        Arg::Text(self)
    }
}
impl IntoArg for &String {
    fn into_arg(self) -> Arg {
        Arg::Text(self.clone())
    }
}
/// A plain message as an argument, in the language of the whole.
pub fn message(key: &'static str) -> Arg {
    Arg::Message(key)
}

impl IntoArg for Msg {
    fn into_arg(self) -> Arg {
        Arg::Text(self.to_string())
    }
}
macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> Arg {
                Arg::Number(self as f64)
            }
        }
        impl IntoArg for &$t {
            fn into_arg(self) -> Arg {
                Arg::Number(*self as f64)
            }
        }
    )*};
}
number_args!(i16, i32, i64, u8, u16, u32, u64, usize, f32, f64);

#[cfg(test)]
mod tests;
