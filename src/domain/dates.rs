//! Dates and times the Dutch way: "woensdag 8 april 2027", "14:30".

use time::{Date, OffsetDateTime, Time, UtcOffset};

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] = [
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
];

/// "8 april 2027".
pub fn short(d: &Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[usize::from(u8::from(d.month())) - 1],
        d.year()
    )
}

/// "woensdag 8 april 2027".
pub fn long(d: &Date) -> String {
    format!(
        "{} {}",
        WEEKDAYS[usize::from(d.weekday().number_days_from_monday())],
        short(d)
    )
}

/// "14:30".
pub fn clock(t: &Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// The Netherlands' offset on that moment: CET, or CEST from the last
/// Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC.
pub fn dutch_offset(at: OffsetDateTime) -> UtcOffset {
    let year = at.year();
    let last_sunday = |month: time::Month| {
        let mut d = Date::from_calendar_date(year, month, 31).unwrap_or(Date::MIN);
        while d.weekday() != time::Weekday::Sunday {
            d = d.previous_day().unwrap_or(d);
        }
        d.with_hms(1, 0, 0)
            .map(|p| p.assume_utc())
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    };
    let summer = at >= last_sunday(time::Month::March) && at < last_sunday(time::Month::October);
    UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// A moment in Dutch time: "8 april 2027 om 14:30".
pub fn moment(at: &OffsetDateTime) -> String {
    let local = at.to_offset(dutch_offset(*at));
    format!("{} om {}", short(&local.date()), clock(&local.time()))
}

/// The Dutch day of a moment: "8 april 2027".
pub fn day_of(at: &OffsetDateTime) -> String {
    short(&at.to_offset(dutch_offset(*at)).date())
}

/// The start of a text, at most `max` characters, cut at a word with "…".
pub fn snippet(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let at_word = cut.rfind(' ').filter(|&i| i > max / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, time};

    #[test]
    fn dates_read_the_dutch_way() {
        assert_eq!(long(&date!(2027 - 04 - 08)), "donderdag 8 april 2027");
        assert_eq!(long(&date!(2026 - 12 - 06)), "zondag 6 december 2026");
        assert_eq!(short(&date!(2027 - 01 - 31)), "31 januari 2027");
        assert_eq!(clock(&time!(9:05)), "09:05");
    }

    #[test]
    fn snippets_are_cut_at_a_word() {
        assert_eq!(snippet("kort", 140), "kort");
        assert_eq!(snippet("een twee drie vier", 12), "een twee…");
    }

    #[test]
    fn moments_are_shown_in_dutch_summer_and_winter_time() {
        assert_eq!(
            moment(&datetime!(2027-04-08 12:30 UTC)),
            "8 april 2027 om 14:30"
        );
        assert_eq!(
            moment(&datetime!(2027-01-08 12:30 UTC)),
            "8 januari 2027 om 13:30"
        );
    }
}
