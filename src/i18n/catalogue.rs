//! The catalogues: every `.ftl` file of `locales/<lang>/`, compiled into the
//! binary, loaded once into a Fluent bundle per language. Messages without
//! arguments are written out once at load, so a page's labels cost a map
//! look-up.

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;

use super::{numbers, Arg, Lang};

macro_rules! catalogue_files {
    ($($name:literal),+ $(,)?) => {
        const NL: &[(&str, &str)] = &[$(($name, include_str!(concat!("../../locales/nl/", $name, ".ftl")))),+];
        const EN: &[(&str, &str)] = &[$(($name, include_str!(concat!("../../locales/en/", $name, ".ftl")))),+];
    };
}

// One file per area of the site; a new file is added here (the key-set test
// checks that every file in locales/ is).
catalogue_files!(
    "base",
    "home",
    "market",
    "vocabulary",
    "errors",
    "accounts",
    "editions",
    "matches",
    "figures",
    "people",
    "mail",
    "forms",
    "floor",
    "region",
    "evaluation",
    "goals",
);

/// A language's catalogue files: (area, Fluent source).
pub fn files(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Nl => NL,
        Lang::En => EN,
    }
}

/// Every message id in a language's catalogue, in file order.
pub fn message_ids(lang: Lang) -> Vec<String> {
    files(lang)
        .iter()
        .flat_map(|(_, source)| {
            let resource = match FluentResource::try_new(source.to_string()) {
                Ok(r) => r,
                Err((r, _)) => r,
            };
            resource
                .entries()
                .filter_map(|e| match e {
                    ast::Entry::Message(m) => Some(m.id.name.to_string()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

pub struct Catalogue {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    plain: HashMap<String, &'static str>,
}

static DUTCH: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::load(Lang::Nl));
static ENGLISH: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::load(Lang::En));

impl Catalogue {
    pub fn of(lang: Lang) -> &'static Catalogue {
        match lang {
            Lang::Nl => &DUTCH,
            Lang::En => &ENGLISH,
        }
    }

    fn load(lang: Lang) -> Catalogue {
        let id = lang
            .code()
            .parse()
            .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // No Unicode isolation marks around arguments: the pages are
        // left-to-right only, and tests and mail read plain text.
        bundle.set_use_isolating(false);
        bundle.set_formatter(Some(match lang {
            Lang::Nl => numbers::fluent_dutch,
            Lang::En => numbers::fluent_english,
        }));
        for (area, source) in files(lang) {
            let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, e)| {
                tracing::error!(lang = lang.code(), area, errors = ?e, "catalogue does not parse");
                r
            });
            if let Err(e) = bundle.add_resource(resource) {
                tracing::error!(lang = lang.code(), area, errors = ?e, "catalogue has duplicates");
            }
        }
        let mut plain = HashMap::new();
        for id in message_ids(lang) {
            let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, None, &mut errors);
            if errors.is_empty() {
                // Loaded once per process: leaked on purpose, so `t` can
                // hand out &'static str like the literals it replaces.
                let text: &'static str = Box::leak(text.into_owned().into_boxed_str());
                plain.insert(id, text);
            }
        }
        Catalogue {
            lang,
            bundle,
            plain,
        }
    }

    /// Whether the catalogue has a message.
    pub fn has(&self, key: &str) -> bool {
        self.bundle.has_message(key)
    }

    /// A message without arguments; an English gap falls back to Dutch.
    pub fn plain(&self, key: &str) -> &'static str {
        if let Some(text) = self.plain.get(key) {
            return text;
        }
        tracing::warn!(
            lang = self.lang.code(),
            key,
            "message missing or needs arguments"
        );
        match self.lang {
            Lang::En => Catalogue::of(Lang::Nl).plain(key),
            Lang::Nl => "",
        }
    }

    /// A message with its arguments written out.
    pub fn format(&self, key: &str, args: &[(&'static str, Arg)]) -> String {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(lang = self.lang.code(), key, "message missing");
            return match self.lang {
                Lang::En => Catalogue::of(Lang::Nl).format(key, args),
                Lang::Nl => String::new(),
            };
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            match value {
                Arg::Text(s) => fluent_args.set(*name, FluentValue::from(s.as_str())),
                Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
                Arg::Message(key) => fluent_args.set(*name, FluentValue::from(self.plain(key))),
            }
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(lang = self.lang.code(), key, errors = ?errors, "message arguments");
        }
        text.into_owned()
    }
}
