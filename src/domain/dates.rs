//! Dates and times in the language being served: "woensdag 8 april 2027"
//! or "Wednesday 8 April 2027" (the calendar words are in the catalogue
//! `vocabulary.ftl`), "14:30"; moments in Dutch time.

use time::{Date, OffsetDateTime, Time, UtcOffset};

const MONTHS: [&str; 12] = [
    "month-1", "month-2", "month-3", "month-4", "month-5", "month-6", "month-7", "month-8",
    "month-9", "month-10", "month-11", "month-12",
];

const WEEKDAYS: [&str; 7] = [
    "weekday-1",
    "weekday-2",
    "weekday-3",
    "weekday-4",
    "weekday-5",
    "weekday-6",
    "weekday-7",
];

/// "8 april 2027".
pub fn short(d: &Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        crate::t(MONTHS[usize::from(u8::from(d.month())) - 1]),
        d.year()
    )
}

/// "woensdag 8 april 2027".
pub fn long(d: &Date) -> String {
    format!(
        "{} {}",
        crate::t(WEEKDAYS[usize::from(d.weekday().number_days_from_monday())]),
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
    crate::tr("date-moment")
        .arg("date", short(&local.date()))
        .arg("time", clock(&local.time()))
        .to_string()
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
    fn dates_read_the_english_way_in_english() {
        use crate::i18n::{in_lang, Lang};
        assert_eq!(
            in_lang(Lang::En, || short(&date!(2026 - 12 - 07))),
            "7 December 2026"
        );
        assert_eq!(short(&date!(2026 - 12 - 07)), "7 december 2026");
        assert_eq!(
            in_lang(Lang::En, || moment(&datetime!(2027-04-08 12:30 UTC))),
            "8 April 2027 at 14:30"
        );
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
