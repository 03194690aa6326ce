//! A region's definition as the administrator types it: a name, an address
//! name (slug), its municipalities and a target of made matches per year.

use super::validation::{self as v, FieldErrors};

/// What the administrator sent, kept as typed so the form can come back.
#[derive(Debug, Clone, Default)]
pub struct RegionInput {
    pub name: String,
    pub slug: String,
    /// ids of the ticked municipalities, as sent
    pub municipalities: Vec<String>,
    /// one line per year: "2027: 1000"
    pub targets: String,
}

/// A valid region, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRegion {
    pub name: String,
    pub slug: String,
    pub municipality_ids: Vec<i64>,
    /// (year, made matches), by year
    pub targets: Vec<(i32, i32)>,
}

impl RegionInput {
    /// From the form's fields; `gemeente` may come many times.
    pub fn from_pairs(pairs: &[(String, String)]) -> RegionInput {
        let mut input = RegionInput::default();
        for (key, value) in pairs {
            match key.as_str() {
                "name" => input.name = value.clone(),
                "slug" => input.slug = value.clone(),
                "gemeente" => input.municipalities.push(value.clone()),
                "targets" => input.targets = value.clone(),
                _ => {}
            }
        }
        input
    }

    pub fn is_ticked(&self, municipality_id: &i64) -> bool {
        let id = municipality_id.to_string();
        self.municipalities.contains(&id)
    }

    /// Check every field; `known` are the ids of existing municipalities.
    pub fn validate(&self, known: &[i64]) -> Result<NewRegion, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = v::text(
            &mut e,
            "name",
            crate::t("region-field-name"),
            &self.name,
            2,
            80,
        );
        let slug = self.slug.trim().to_lowercase();
        let slug = if slug.is_empty() {
            slugify(&name)
        } else {
            slug
        };
        if !is_slug(&slug) {
            e.add(
                "slug",
                crate::t("figures-msg-gebruik-voor-het-webadres-alleen"),
            );
        }
        let mut ids = Vec::new();
        for raw in &self.municipalities {
            match raw.parse::<i64>() {
                Ok(id) if known.contains(&id) => ids.push(id),
                _ => {
                    e.add(
                        "gemeenten",
                        crate::t("figures-msg-kies-alleen-gemeenten-uit-de"),
                    );
                    break;
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() && e.get("gemeenten").is_none() {
            e.add(
                "gemeenten",
                crate::t("figures-msg-kies-minstens-een-gemeente"),
            );
        }
        let targets = match parse_targets(&self.targets) {
            Ok(t) => t,
            Err(message) => {
                e.add("targets", message);
                Vec::new()
            }
        };
        e.into_result(NewRegion {
            name,
            slug,
            municipality_ids: ids,
            targets,
        })
    }
}

/// "2027: 1000" per line ("2027 = 1.000" and "2027 1000" too); empty lines
/// are skipped. Each year once, 2000–2100, a whole number of matches above 0.
pub fn parse_targets(text: &str) -> Result<Vec<(i32, i32)>, String> {
    let mut targets: Vec<(i32, i32)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let wrong = || {
            crate::tr("region-target-line-wrong")
                .arg("line", n + 1)
                .to_string()
        };
        let mut parts = line
            .split(|c: char| c == ':' || c == '=' || c.is_whitespace())
            .filter(|p| !p.is_empty());
        let (Some(year), Some(count), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(wrong());
        };
        let year: i32 = year.parse().map_err(|_| wrong())?;
        let count: i32 = count.replace('.', "").parse().map_err(|_| wrong())?;
        if !(2000..=2100).contains(&year) {
            return Err(crate::tr("region-target-year")
                .arg("line", n + 1)
                .to_string());
        }
        if !(1..=1_000_000).contains(&count) {
            return Err(crate::tr("region-target-count")
                .arg("line", n + 1)
                .to_string());
        }
        if targets.iter().any(|(y, _)| *y == year) {
            return Err(format!("Regel {}: {year} staat er al.", n + 1));
        }
        targets.push((year, count));
    }
    targets.sort_unstable();
    Ok(targets)
}

/// The targets as the form shows them again.
pub fn targets_text(targets: &[(i32, i32)]) -> String {
    targets
        .iter()
        .map(|(y, n)| format!("{y}: {n}"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 60
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// An address name from a name: "Regio Twente" -> "regio-twente".
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-')
        .chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_read_a_line_per_year() {
        assert_eq!(
            parse_targets("2027: 1000\n\n2026 = 800\n2028 1.200"),
            Ok(vec![(2026, 800), (2027, 1000), (2028, 1200)])
        );
        assert_eq!(parse_targets(""), Ok(vec![]));
        assert!(parse_targets("2027: veel").unwrap_err().contains("Regel 1"));
        assert!(parse_targets("2027: 10\n2027: 20")
            .unwrap_err()
            .contains("2027 staat er al"));
        assert!(parse_targets("1999: 10").unwrap_err().contains("2000"));
        assert!(parse_targets("2027: 0").unwrap_err().contains("1 tot"));
        assert_eq!(targets_text(&[(2027, 1000)]), "2027: 1000");
    }

    #[test]
    fn a_region_needs_a_name_an_address_and_known_municipalities() {
        let input = RegionInput {
            name: "Fryslân Oost".into(),
            slug: "".into(),
            municipalities: vec!["3".into(), "1".into(), "3".into()],
            targets: "2027: 1000".into(),
        };
        let region = input.validate(&[1, 2, 3]).unwrap();
        assert_eq!(region.slug, "fryslan-oost");
        assert_eq!(region.municipality_ids, vec![1, 3]);

        let bad = RegionInput {
            name: "".into(),
            slug: "Niet Goed!".into(),
            municipalities: vec!["99".into()],
            targets: "dit is geen doel".into(),
        };
        let errors = bad.validate(&[1]).unwrap_err();
        for field in ["name", "slug", "gemeenten", "targets"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let none = RegionInput {
            name: "Salland".into(),
            ..RegionInput::default()
        };
        assert_eq!(
            none.validate(&[1]).unwrap_err().get("gemeenten"),
            Some("Kies minstens één gemeente.")
        );
    }

    #[test]
    fn slugs_are_plain() {
        assert_eq!(slugify("Regio Twente"), "regio-twente");
        assert!(is_slug("salland"));
        assert!(!is_slug("-salland"));
        assert!(!is_slug("Salland"));
        assert!(!is_slug("sal--land"));
    }
}
