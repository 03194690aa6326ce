//! An edition as an iCalendar event (RFC 5545), for "Zet in je agenda".

use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use super::dates::dutch_offset;

/// What goes into the calendar entry.
pub struct CalendarEvent<'a> {
    pub uid: String,
    pub name: &'a str,
    pub date: Date,
    pub starts_at: Option<Time>,
    pub ends_at: Option<Time>,
    pub place: Option<&'a str>,
    pub description: &'a str,
    pub url: &'a str,
}

/// Text as a property value: backslash, comma, semicolon and newlines escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Lines longer than 75 octets are folded, never inside a character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// A local Dutch time on a date, in UTC.
fn utc(date: Date, time: Time) -> String {
    let local = PrimitiveDateTime::new(date, time);
    // The offset of that moment, found from the moment read as UTC (the
    // one-hour difference never crosses a change-over at beursvloer hours).
    let offset = dutch_offset(local.assume_utc());
    let at = local.assume_offset(offset).to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

fn day(date: Date) -> String {
    format!(
        "{:04}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

pub fn ics(e: &CalendarEvent, now: OffsetDateTime) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Beursvloer//Beursvloer//NL".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:{}", e.uid),
        format!("DTSTAMP:{}", utc(now.date(), now.time())),
    ];
    match (e.starts_at, e.ends_at) {
        (Some(start), end) => {
            lines.push(format!("DTSTART:{}", utc(e.date, start)));
            let end = end.unwrap_or(start + time::Duration::hours(2));
            lines.push(format!("DTEND:{}", utc(e.date, end)));
        }
        (None, _) => {
            lines.push(format!("DTSTART;VALUE=DATE:{}", day(e.date)));
            let next = e.date.next_day().unwrap_or(e.date);
            lines.push(format!("DTEND;VALUE=DATE:{}", day(next)));
        }
    }
    lines.push(format!("SUMMARY:{}", escape(e.name)));
    if let Some(place) = e.place {
        lines.push(format!("LOCATION:{}", escape(place)));
    }
    if !e.description.is_empty() {
        lines.push(format!("DESCRIPTION:{}", escape(e.description)));
    }
    lines.push(format!("URL:{}", e.url));
    lines.push("END:VEVENT".into());
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, time};

    #[test]
    fn an_edition_becomes_a_calendar_event_in_utc() {
        let text = ics(
            &CalendarEvent {
                uid: "event-1@beursvloer".into(),
                name: "Beursvloer Raalte, 2027",
                date: date!(2027 - 04 - 08),
                starts_at: Some(time!(14:30)),
                ends_at: Some(time!(16:30)),
                place: Some("Het Reggehuus; Raalte"),
                description: "14:30 Opening\n16:00 Gong",
                url: "https://beurs.example/beursvloeren/raalte-2027",
            },
            datetime!(2026-12-06 10:00 UTC),
        );
        assert!(text.contains("DTSTART:20270408T123000Z\r\n"), "{text}");
        assert!(text.contains("DTEND:20270408T143000Z\r\n"));
        assert!(text.contains("SUMMARY:Beursvloer Raalte\\, 2027\r\n"));
        assert!(text.contains("LOCATION:Het Reggehuus\\; Raalte\r\n"));
        assert!(text.contains("DESCRIPTION:14:30 Opening\\n16:00 Gong\r\n"));
        assert!(text.lines().all(|l| l.len() <= 75));
    }

    #[test]
    fn without_a_time_it_is_an_all_day_event() {
        let text = ics(
            &CalendarEvent {
                uid: "e".into(),
                name: &"Lange naam ".repeat(20),
                date: date!(2027 - 01 - 20),
                starts_at: None,
                ends_at: None,
                place: None,
                description: "",
                url: "u",
            },
            datetime!(2026-12-06 10:00 UTC),
        );
        assert!(text.contains("DTSTART;VALUE=DATE:20270120\r\nDTEND;VALUE=DATE:20270121"));
        assert!(text.contains("\r\n "), "long lines are folded");
    }
}
