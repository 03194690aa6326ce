//! The floor of an edition: stand numbers, their zones per category, and an
//! organisation's main category (the corner of the hall it belongs in).

use super::Category;

/// Longest stand number, as "B12" or "Tafel 4".
pub const STAND_MAX: usize = 12;

/// A stand number as typed: trimmed, letters upper-cased; empty is none.
/// Letters, digits, spaces, dots and dashes, starting with a letter or
/// digit (the database checks the same).
pub fn parse_stand(raw: &str) -> Result<Option<String>, &'static str> {
    let s = raw.trim().to_uppercase();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > STAND_MAX {
        return Err(crate::t("floor-msg-een-standnummer-is-hoogstens-12"));
    }
    let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '.' || c == '-');
    if !first_ok || !rest_ok {
        return Err(crate::t("floor-msg-gebruik-letters-cijfers-spaties-punten"));
    }
    Ok(Some(s))
}

/// The zone letter of a category's corner: A for the first category, B for
/// the next, and one letter after the last for organisations without any.
pub fn zone_letter(category: Option<Category>) -> char {
    let index = category
        .and_then(|c| Category::ALL.iter().position(|x| *x == c))
        .unwrap_or(Category::ALL.len());
    (b'A' + index as u8) as char
}

/// The category an organisation posted most in (ties: the earlier one in
/// `Category::ALL`); none without items.
pub fn main_category(categories: &[Category]) -> Option<Category> {
    Category::ALL
        .iter()
        .map(|c| (categories.iter().filter(|x| *x == c).count(), *c))
        .filter(|(n, _)| *n > 0)
        .max_by(|(a, ca), (b, cb)| a.cmp(b).then(cb.cmp(ca)))
        .map(|(_, c)| c)
}

/// An organisation to place: its id, name and main category.
#[derive(Debug, Clone)]
pub struct ToPlace {
    pub organisation_id: i64,
    pub name: String,
    pub category: Option<Category>,
}

/// Stands in zones: one letter per category's corner, numbered from 1 in
/// the order of the names ("A1", "A2", "B1" ...).
pub fn zone_stands(orgs: &[ToPlace]) -> Vec<(i64, String)> {
    let mut sorted: Vec<&ToPlace> = orgs.iter().collect();
    sorted.sort_by(|a, b| {
        zone_letter(a.category)
            .cmp(&zone_letter(b.category))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then(a.organisation_id.cmp(&b.organisation_id))
    });
    let mut out = Vec::with_capacity(sorted.len());
    let mut zone = None;
    let mut n = 0;
    for o in sorted {
        let letter = zone_letter(o.category);
        if zone != Some(letter) {
            zone = Some(letter);
            n = 0;
        }
        n += 1;
        out.push((o.organisation_id, format!("{letter}{n}")));
    }
    out
}

/// Orders stand numbers as a visitor walks them: zone letter, then number
/// ("A2" before "A10"); without a stand last.
pub fn stand_order(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    fn key(s: &str) -> (String, u64, String) {
        let prefix: String = s.chars().take_while(|c| !c.is_ascii_digit()).collect();
        let digits: String = s[prefix.len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let rest = s[prefix.len() + digits.len()..].to_string();
        (prefix, digits.parse().unwrap_or(0), rest)
    }
    match (a, b) {
        (Some(a), Some(b)) => key(a).cmp(&key(b)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// A local Dutch time on a date, as a moment.
pub fn dutch_moment(date: time::Date, at: time::Time) -> time::OffsetDateTime {
    let local = time::PrimitiveDateTime::new(date, at);
    let offset = super::dates::dutch_offset(local.assume_utc());
    local.assume_offset(offset)
}

/// What the live screen says beside the counter: how long trading still
/// goes on, from the edition's start and end ("Nog 1 uur en 5 minuten",
/// "Begint over 20 minuten", "Afgelopen"); nothing without times.
pub fn time_left(
    date: time::Date,
    starts: Option<time::Time>,
    ends: Option<time::Time>,
    now: time::OffsetDateTime,
) -> Option<String> {
    let end = dutch_moment(date, ends?);
    if now >= end {
        return Some(crate::t("floor-time-over").into());
    }
    if let Some(start) = starts.map(|s| dutch_moment(date, s)) {
        if now < start {
            let wait = start - now;
            if wait > time::Duration::days(1) {
                return Some(
                    crate::tr("floor-time-starts-on")
                        .arg("date", super::dates::long(&date))
                        .to_string(),
                );
            }
            return Some(
                crate::tr("floor-time-starts-in")
                    .arg("span", span(wait))
                    .to_string(),
            );
        }
    }
    Some(
        crate::tr("floor-time-left")
            .arg("span", span(end - now))
            .to_string(),
    )
}

/// "1 uur en 5 minuten", "20 minuten", "1 minuut": rounded up to the minute.
fn span(d: time::Duration) -> String {
    let minutes = (d.whole_seconds() + 59) / 60;
    let (h, m) = (minutes / 60, minutes % 60);
    let min = |m: i64| crate::tr("floor-span-minutes").arg("m", m).to_string();
    let hours = |h: i64| crate::tr("floor-span-hours").arg("h", h).to_string();
    match (h, m) {
        (0, m) => min(m),
        (h, 0) => hours(h),
        (h, m) => crate::tr("floor-span-and")
            .arg("hours", hours(h))
            .arg("minutes", min(m))
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64, name: &str, category: Option<Category>) -> ToPlace {
        ToPlace {
            organisation_id: id,
            name: name.into(),
            category,
        }
    }

    #[test]
    fn stands_are_tidied_and_checked() {
        assert_eq!(parse_stand("  b12 "), Ok(Some("B12".into())));
        assert_eq!(parse_stand("Tafel 4"), Ok(Some("TAFEL 4".into())));
        assert_eq!(parse_stand(""), Ok(None));
        assert!(parse_stand("<script>").is_err());
        assert!(parse_stand("-A1").is_err());
        assert!(parse_stand("A123456789012").is_err());
    }

    #[test]
    fn each_category_has_its_corner_and_the_rest_comes_last() {
        assert_eq!(zone_letter(Some(Category::Menskracht)), 'A');
        assert_eq!(zone_letter(Some(Category::Creativiteit)), 'F');
        assert_eq!(zone_letter(None), 'G');
    }

    #[test]
    fn the_main_category_is_the_one_posted_most() {
        use Category::*;
        assert_eq!(
            main_category(&[Kennis, Materiaal, Materiaal]),
            Some(Materiaal)
        );
        assert_eq!(main_category(&[Materiaal, Kennis]), Some(Kennis));
        assert_eq!(main_category(&[]), None);
    }

    #[test]
    fn zones_are_numbered_by_name_within_their_letter() {
        let stands = zone_stands(&[
            org(1, "Zorgboerderij", Some(Category::Menskracht)),
            org(2, "Bibliotheek", Some(Category::Kennis)),
            org(3, "Atletiekclub", Some(Category::Menskracht)),
            org(4, "Nieuwkomer", None),
        ]);
        assert_eq!(
            stands,
            vec![
                (3, "A1".to_string()),
                (1, "A2".to_string()),
                (2, "B1".to_string()),
                (4, "G1".to_string()),
            ]
        );
    }

    #[test]
    fn the_live_screen_says_how_long_trading_goes_on() {
        use time::macros::{date, datetime, time};
        let day = date!(2027 - 04 - 08);
        let (start, end) = (Some(time!(14:30)), Some(time!(16:00)));
        // 8 April is summer time: 14:30 in Raalte is 12:30 UTC.
        let at = |t: time::OffsetDateTime| time_left(day, start, end, t);
        assert_eq!(
            at(datetime!(2027-04-08 12:10 UTC)).as_deref(),
            Some("Begint over 20 minuten")
        );
        assert_eq!(
            at(datetime!(2027-04-08 12:55 UTC)).as_deref(),
            Some("Nog 1 uur en 5 minuten")
        );
        assert_eq!(
            at(datetime!(2027-04-08 13:59:30 UTC)).as_deref(),
            Some("Nog 1 minuut")
        );
        assert_eq!(
            at(datetime!(2027-04-08 14:00 UTC)).as_deref(),
            Some("Afgelopen")
        );
        assert_eq!(
            at(datetime!(2027-04-01 12:00 UTC)).as_deref(),
            Some("Begint op donderdag 8 april 2027")
        );
        assert_eq!(
            time_left(day, start, None, datetime!(2027-04-08 12:55 UTC)),
            None
        );
    }

    #[test]
    fn stands_sort_as_they_are_walked() {
        let mut s = vec![Some("A10"), None, Some("B1"), Some("A2")];
        s.sort_by(|a, b| stand_order(*a, *b));
        assert_eq!(s, vec![Some("A2"), Some("A10"), Some("B1"), None]);
    }
}
