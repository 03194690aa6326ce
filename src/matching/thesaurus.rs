//! A small, general domain thesaurus: groups of Dutch words that a makelaar
//! would treat as asking for the same thing. The data lives in
//! `thesaurus.txt` (one group a line) and is compiled in.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::text;

const DATA: &str = include_str!("thesaurus.txt");

/// The parsed thesaurus: stems to the groups they belong to.
#[derive(Debug, Default)]
pub struct Thesaurus {
    names: Vec<String>,
    members: Vec<Vec<String>>,
    by_stem: HashMap<String, Vec<u16>>,
    words: HashSet<String>,
}

impl Thesaurus {
    fn parse(data: &str) -> Thesaurus {
        let mut t = Thesaurus::default();
        for line in data.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, list)) = line.split_once(':') else {
                continue;
            };
            // A second line with a group's name adds to that group.
            let name = name.trim();
            let id = match t.names.iter().position(|n| n == name) {
                Some(i) => i,
                None => {
                    t.names.push(name.to_string());
                    t.members.push(Vec::new());
                    t.names.len() - 1
                }
            };
            let Ok(id) = u16::try_from(id) else {
                break;
            };
            let members = &mut t.members[usize::from(id)];
            for word in list.split(',') {
                let folded = text::fold(word.trim());
                // Words with an apostrophe or hyphen count by their first part.
                let Some(main) = text::words(&folded).into_iter().next() else {
                    continue;
                };
                let groups = t.by_stem.entry(text::stem(&main)).or_default();
                if !groups.contains(&id) {
                    groups.push(id);
                }
                if !members.contains(&main) {
                    members.push(main.clone());
                }
                t.words.insert(main);
            }
        }
        t
    }

    /// The compiled-in thesaurus.
    pub fn get() -> &'static Thesaurus {
        static T: OnceLock<Thesaurus> = OnceLock::new();
        T.get_or_init(|| Thesaurus::parse(DATA))
    }

    /// Groups a stem belongs to (empty when none).
    pub fn groups(&self, stem: &str) -> &[u16] {
        self.by_stem.get(stem).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The name of a group (for feature keys).
    pub fn name(&self, group: u16) -> &str {
        self.names
            .get(usize::from(group))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// True when the folded word is listed (used as a compound-splitting lexicon).
    pub fn knows(&self, word: &str) -> bool {
        self.words.contains(word)
    }

    /// All words of a group (for query expansion).
    pub fn words_of(&self, group: u16) -> &[String] {
        self.members
            .get(usize::from(group))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share_group(a: &str, b: &str) -> bool {
        let t = Thesaurus::get();
        let ga = t.groups(&text::stem(a));
        t.groups(&text::stem(b)).iter().any(|g| ga.contains(g))
    }

    #[test]
    fn general_synonyms_share_a_group() {
        assert!(share_group("laptops", "computers"));
        assert!(share_group("handjes", "vrijwilligers"));
        assert!(share_group("boekhouding", "jaarrekening"));
        assert!(share_group("zaal", "ruimte"));
        assert!(share_group("flyers", "drukwerk"));
        assert!(!share_group("laptops", "verf"));
    }

    #[test]
    fn a_second_line_with_a_groups_name_adds_to_that_group() {
        let t = Thesaurus::parse("vervoer: bus, busje\nvervoer: koerier\nverf: kwast");
        assert_eq!(t.names.len(), 2);
        assert_eq!(
            t.groups(&text::stem("koerier")),
            t.groups(&text::stem("bus"))
        );
        assert_eq!(t.words_of(0), ["bus", "busje", "koerier"]);
    }

    #[test]
    fn every_group_has_several_words() {
        let t = Thesaurus::get();
        assert!(t.names.len() > 40);
        for g in 0..t.names.len() {
            let g = u16::try_from(g).unwrap_or_default();
            assert!(t.words_of(g).len() >= 2, "{}", t.name(g));
        }
    }
}
