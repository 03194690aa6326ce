//! The catalogues stay complete: both languages have the same messages, and
//! every message the code and templates ask for exists.

use std::collections::BTreeSet;
use std::path::Path;

use super::*;

fn ids(lang: Lang) -> BTreeSet<String> {
    message_ids(lang).into_iter().collect()
}

#[test]
fn both_languages_have_the_same_messages() {
    let dutch = ids(Lang::Nl);
    let english = ids(Lang::En);
    let only_dutch: Vec<_> = dutch.difference(&english).collect();
    let only_english: Vec<_> = english.difference(&dutch).collect();
    assert!(only_dutch.is_empty(), "missing in English: {only_dutch:?}");
    assert!(
        only_english.is_empty(),
        "missing in Dutch: {only_english:?}"
    );
    assert!(dutch.len() > 20, "the catalogues were not read");
}

#[test]
fn every_catalogue_parses_without_duplicates() {
    for lang in Lang::ALL {
        for (area, source) in files(lang) {
            if let Err((_, errors)) = fluent_bundle::FluentResource::try_new(source.to_string()) {
                panic!("locales/{}/{area}.ftl: {errors:?}", lang.code());
            }
        }
        let all = message_ids(lang);
        let unique: BTreeSet<_> = all.iter().collect();
        assert_eq!(
            all.len(),
            unique.len(),
            "{}: a message id twice",
            lang.code()
        );
    }
}

#[test]
fn every_catalogue_file_is_compiled_in() {
    for lang in Lang::ALL {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang.code());
        let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".ftl"))
            .map(|n| n.trim_end_matches(".ftl").to_string())
            .collect();
        let compiled: BTreeSet<String> = files(lang).iter().map(|(a, _)| a.to_string()).collect();
        assert_eq!(
            on_disk,
            compiled,
            "{}: src/i18n/catalogue.rs lists other files",
            lang.code()
        );
    }
}

/// The literal keys in `t("…")` and `tr("…")` calls of a source text.
fn keys_used(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for call in ["t(\"", "tr(\""] {
        let mut rest = source;
        while let Some(at) = rest.find(call) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + call.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let key: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if rest[key.len()..].starts_with('"') && !key.is_empty() {
                keys.push(key);
            }
        }
    }
    keys
}

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "rs" || e == "html" || e == "txt")
        {
            let text = std::fs::read_to_string(&path).unwrap();
            // Comments show examples, not calls.
            let text: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            out.push((path.display().to_string(), text));
        }
    }
}

#[test]
fn every_key_the_code_and_templates_use_exists_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    sources(&root.join("templates"), &mut files);
    let dutch = ids(Lang::Nl);
    let english = ids(Lang::En);
    let mut missing = Vec::new();
    let mut used = 0;
    for (path, text) in &files {
        if path.ends_with("i18n/tests.rs") {
            continue;
        }
        for key in keys_used(text) {
            used += 1;
            if !dutch.contains(&key) || !english.contains(&key) {
                missing.push(format!("{path}: {key}"));
            }
        }
    }
    assert!(used > 20, "no message keys found in the sources");
    assert!(missing.is_empty(), "keys without a message: {missing:#?}");
}

#[test]
fn the_key_scanner_finds_calls_and_skips_other_functions() {
    assert_eq!(
        keys_used(r#"{{ crate::t("nav-market") }} x.get("no") tr("a-b").arg("n", 1) format("no")"#),
        vec!["nav-market", "a-b"]
    );
}

#[test]
fn plain_messages_and_arguments_come_out_in_the_language() {
    assert_eq!(in_lang(Lang::Nl, || t("nav-market")), "Vraag en aanbod");
    assert_eq!(in_lang(Lang::En, || t("nav-market")), "Offers and requests");
    let counted = tr("market-found").arg("count", 1234);
    assert_eq!(counted.in_lang(Lang::Nl), "1.234 gevonden");
    assert_eq!(counted.in_lang(Lang::En), "1,234 found");
}

#[test]
fn accept_language_picks_the_best_language_we_speak() {
    assert_eq!(Lang::negotiate("en"), Lang::En);
    assert_eq!(Lang::negotiate("en-GB,en;q=0.9"), Lang::En);
    assert_eq!(Lang::negotiate("nl-NL,nl;q=0.9,en;q=0.8"), Lang::Nl);
    assert_eq!(Lang::negotiate("de-DE,en;q=0.5,nl;q=0.7"), Lang::Nl);
    assert_eq!(Lang::negotiate("de, fr;q=0.8"), Lang::Nl);
    assert_eq!(Lang::negotiate("fr, en;q=0.3"), Lang::En);
    assert_eq!(Lang::negotiate("en;q=0, nl;q=0.1"), Lang::Nl);
    assert_eq!(Lang::negotiate(""), Lang::Nl);
    assert_eq!(Lang::negotiate("*"), Lang::Nl);
}

#[test]
fn outside_a_request_the_language_is_dutch() {
    assert_eq!(current(), Lang::Nl);
    assert_eq!(in_lang(Lang::En, current), Lang::En);
}
