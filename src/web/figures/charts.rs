//! Server-side accessible SVG charts: readable without JavaScript, printable,
//! with a title and a description naming every figure. The page puts the
//! same figures in a table beside each chart.
//!
//! Colours are attributes, not style: the CSP blocks inline styles.

use std::fmt::Write;

/// Colours of the series, each at least 4.5:1 against white.
const COLOURS: [&str; 2] = ["#0b5cad", "#8a3b00"];
const INK: &str = "#1d2433";
const LINE: &str = "#4a5468";

// Narrow and with large type, so the text stays about 12 px or more when a
// phone shows the chart 343 px wide; labels sit above their bars.
const WIDTH: i64 = 420;
const LABEL_WIDTH: i64 = 0;
const LABEL_ROOM: i64 = 20;
const VALUE_ROOM: i64 = 60;
const BAR: i64 = 20;
const GAP: i64 = 12;

/// One labelled group of bars, one value per series.
pub struct Bar {
    pub label: String,
    pub values: Vec<i64>,
}

impl Bar {
    pub fn new(label: impl Into<String>, values: Vec<i64>) -> Bar {
        Bar {
            label: label.into(),
            values,
        }
    }
}

pub struct Chart<'a> {
    /// unique on the page; prefixes the ids of title and description
    pub id: &'a str,
    pub title: &'a str,
    /// names of the series, in the order of `Bar::values`
    pub series: &'a [&'a str],
    pub bars: &'a [Bar],
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut short: String = s.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}

impl Chart<'_> {
    /// The description a screen reader reads: every label with its figures.
    pub fn description(&self, kind: &str) -> String {
        if self.bars.is_empty() {
            return format!("{kind} zonder gegevens.");
        }
        let items: Vec<String> = self
            .bars
            .iter()
            .map(|b| {
                let values: Vec<String> = self
                    .series
                    .iter()
                    .zip(&b.values)
                    .map(|(s, v)| {
                        if self.series.len() == 1 {
                            v.to_string()
                        } else {
                            format!("{s} {v}")
                        }
                    })
                    .collect();
                format!("{}: {}", b.label, values.join(", "))
            })
            .collect();
        format!("{kind}. {}.", items.join("; "))
    }

    fn max(&self) -> i64 {
        self.bars
            .iter()
            .flat_map(|b| b.values.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1)
    }

    fn open(&self, out: &mut String, height: i64, kind: &str) {
        let id = escape(self.id);
        let _ = write!(
            out,
            r#"<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" aria-labelledby="{id}-titel" aria-describedby="{id}-beschrijving" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="15"><title id="{id}-titel">{}</title><desc id="{id}-beschrijving">{}</desc>"#,
            escape(self.title),
            escape(&self.description(kind)),
        );
    }

    fn legend(&self, out: &mut String, y: i64) {
        if self.series.len() < 2 {
            return;
        }
        let mut x = LABEL_WIDTH;
        for (i, name) in self.series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let _ = write!(
                out,
                r#"<rect class="s{i}" x="{x}" y="{}" width="14" height="14" fill="{colour}"/><text x="{}" y="{}" fill="{INK}">{}</text>"#,
                y - 12,
                x + 20,
                y,
                escape(name)
            );
            x += 40 + 9 * name.chars().count() as i64;
        }
    }

    /// Horizontal bars: one group per label, a bar per series.
    pub fn horizontal(&self) -> String {
        let series = self.series.len().max(1) as i64;
        let group = LABEL_ROOM + series * BAR + GAP;
        let top = if series > 1 { 28 } else { 6 };
        let height = top + group * self.bars.len().max(1) as i64 + 4;
        let scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM) as f64 / self.max() as f64;
        let mut out = String::new();
        self.open(&mut out, height, crate::t("figures-msg-staafdiagram"));
        self.legend(&mut out, 18);
        for (row, bar) in self.bars.iter().enumerate() {
            let y0 = top + row as i64 * group;
            let _ = write!(
                out,
                r#"<text x="0" y="{}" fill="{INK}">{}</text>"#,
                y0 + LABEL_ROOM - 5,
                escape(&shorten(&bar.label, 44))
            );
            for (i, value) in bar.values.iter().enumerate() {
                let y = y0 + LABEL_ROOM + i as i64 * BAR;
                let w = ((*value as f64) * scale).round() as i64;
                let colour = COLOURS[i % COLOURS.len()];
                let _ = write!(
                    out,
                    r#"<rect class="s{i}" x="{LABEL_WIDTH}" y="{y}" width="{w}" height="{}" fill="{colour}"/><text x="{}" y="{}" fill="{INK}">{value}</text>"#,
                    BAR - 3,
                    LABEL_WIDTH + w + 6,
                    y + BAR - 5,
                );
            }
        }
        let _ = write!(
            out,
            r#"<line x1="{LABEL_WIDTH}" y1="{}" x2="{LABEL_WIDTH}" y2="{}" stroke="{LINE}"/></svg>"#,
            top - 2,
            height - 2
        );
        out
    }

    /// Vertical columns over time (editions), first series only.
    pub fn columns(&self) -> String {
        let height: i64 = 260;
        let bottom = height - 50;
        let plot = bottom - 30;
        let n = self.bars.len().max(1) as i64;
        let left = 20;
        let slot = (WIDTH - left * 2) / n;
        let width = (slot * 6 / 10).clamp(8, 80);
        let max = self.max();
        let mut out = String::new();
        self.open(&mut out, height, crate::t("figures-msg-kolomdiagram"));
        for (i, bar) in self.bars.iter().enumerate() {
            let value = bar.values.first().copied().unwrap_or(0);
            let h = value * plot / max;
            let x = left + i as i64 * slot + (slot - width) / 2;
            let centre = x + width / 2;
            let _ = write!(
                out,
                r#"<rect class="s0" x="{x}" y="{}" width="{width}" height="{h}" fill="{}"/><text x="{centre}" y="{}" text-anchor="middle" fill="{INK}">{value}</text><text x="{centre}" y="{}" text-anchor="middle" fill="{INK}">{}</text>"#,
                bottom - h,
                COLOURS[0],
                bottom - h - 6,
                bottom + 20,
                escape(&shorten(&bar.label, (slot / 8).max(4) as usize)),
            );
        }
        let _ = write!(
            out,
            r#"<line x1="{left}" y1="{bottom}" x2="{}" y2="{bottom}" stroke="{LINE}"/></svg>"#,
            WIDTH - left
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_an_image_with_title_and_description_and_no_style() {
        let bars = [
            Bar::new("Menskracht", vec![12]),
            Bar::new("<Kennis>", vec![3]),
        ];
        let chart = Chart {
            id: "cat",
            title: "Matches per categorie",
            series: &["Gemaakt"],
            bars: &bars,
        };
        for svg in [chart.horizontal(), chart.columns()] {
            assert!(svg.starts_with("<svg"));
            assert!(svg.contains(r#"role="img""#));
            assert!(svg.contains(r#"<title id="cat-titel">Matches per categorie</title>"#));
            assert!(svg.contains("Menskracht: 12; &lt;Kennis&gt;: 3."));
            assert!(!svg.contains("style="));
            assert!(!svg.contains("<Kennis>"));
        }
    }

    #[test]
    fn two_series_get_a_legend_and_named_figures() {
        let bars = [Bar::new("Bedrijf", vec![5, 1])];
        let chart = Chart {
            id: "k",
            title: "Soort",
            series: &["Als aanbieder", "Als vrager"],
            bars: &bars,
        };
        let svg = chart.horizontal();
        assert!(svg.contains("Bedrijf: Als aanbieder 5, Als vrager 1"));
        assert!(svg.contains(">Als vrager</text>"));
    }

    #[test]
    fn empty_charts_say_so() {
        let chart = Chart {
            id: "e",
            title: "Leeg",
            series: &["Gemaakt"],
            bars: &[],
        };
        assert!(chart.horizontal().contains("zonder gegevens"));
        assert!(chart.columns().contains("zonder gegevens"));
    }
}
