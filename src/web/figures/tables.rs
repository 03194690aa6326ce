//! The figures of the municipality's dashboard as tables: each table feeds
//! the page, its chart and its CSV, written the Dutch way.

use crate::domain::match_status::MatchStatus;
use crate::domain::{Category, OrganisationKind};
use crate::exchange::csv_text_cell;
use crate::store::partnerships::PartnershipCounts;
use crate::store::stats::{Edition, Figures, MunicipalityInfo, Overview, Participation};
use crate::web::figures::charts::{Bar, Chart};

/// A figure in a table: shown the Dutch way on the page, plain in the CSV.
#[derive(Debug, Clone)]
pub enum Cell {
    Count(i64),
    Euros(i64),
    Percent(Option<i64>),
    Text(String),
}

impl Cell {
    pub fn display(&self) -> String {
        match self {
            Cell::Count(n) => thousands(*n),
            Cell::Euros(n) => format!("€ {}", thousands(*n)),
            Cell::Percent(Some(p)) => format!("{p}%"),
            Cell::Percent(None) => "n.v.t.".into(),
            Cell::Text(t) => t.clone(),
        }
    }

    pub(crate) fn csv(&self) -> String {
        match self {
            Cell::Count(n) | Cell::Euros(n) | Cell::Percent(Some(n)) => n.to_string(),
            Cell::Percent(None) => String::new(),
            Cell::Text(t) => csv_text_cell(t).into_owned(),
        }
    }
}

/// Dutch thousands separator: 12.345.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

pub struct Row {
    pub label: String,
    pub cells: Vec<Cell>,
}

/// A table of the dashboard; the same figures feed its chart and its CSV.
pub struct Table {
    /// in the CSV route and the element ids
    pub slug: &'static str,
    pub heading: &'static str,
    pub caption: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Row>,
    pub chart: Option<String>,
}

/// A headline figure at the top of the dashboard.
pub struct Tile {
    pub label: &'static str,
    pub value: String,
    pub headline: bool,
}

/// Everything one dashboard shows.
pub struct Data {
    pub municipality: MunicipalityInfo,
    pub editions: Vec<Edition>,
    pub edition: Option<Edition>,
    pub overview: Overview,
    pub participation: Participation,
    pub partnerships: PartnershipCounts,
}

impl Data {
    pub(crate) fn scope_label(&self) -> String {
        match &self.edition {
            Some(e) => format!("{} ({})", e.name, dutch_date(e.date)),
            None => "alle edities en het hele jaar".into(),
        }
    }

    /// The edition whose newcomers the key figures show: the chosen one, or the latest.
    fn newcomers_edition(&self) -> Option<&Edition> {
        self.edition.as_ref().or(self.editions.last())
    }

    /// The figures a council member reads first, each as a tile.
    pub(crate) fn tiles(&self) -> Vec<Tile> {
        let t = &self.overview.total;
        let tile = |label, value: String, headline| Tile {
            label,
            value,
            headline,
        };
        vec![
            tile(
                "geschatte maatschappelijke waarde",
                Cell::Euros(t.value_euros).display(),
                true,
            ),
            tile("gemaakte matches", thousands(t.made), false),
            tile("getekend door beide partijen", thousands(t.signed), false),
            tile("uitgevoerd", thousands(t.carried_out), false),
            tile(
                "met wederdienst",
                Cell::Percent(t.two_way_percent()).display(),
                false,
            ),
            tile(
                "deelnemende organisaties",
                thousands(self.participation.organisations),
                false,
            ),
            tile(
                "duurzame samenwerkingen",
                thousands(self.partnerships.partnerships),
                false,
            ),
        ]
    }

    pub(crate) fn tables(&self) -> Vec<Table> {
        let o = &self.overview;
        let t = &o.total;
        let scope = self.scope_label();
        let rate = euros_cents(self.municipality.hourly_rate);
        let mut key_rows = vec![
            row(
                "Matches in totaal (alle statussen)",
                vec![Cell::Count(t.matches)],
            ),
            row(
                "Gemaakte matches (bevestigd door de makelaar)",
                vec![Cell::Count(t.made)],
            ),
            row(
                "Getekend (matchformulier door beide partijen bevestigd)",
                vec![Cell::Count(t.signed)],
            ),
            row("Uitgevoerd", vec![Cell::Count(t.carried_out)]),
            row(
                "Uitgevoerd, als deel van de gemaakte matches",
                vec![Cell::Percent(t.carried_out_percent())],
            ),
            row(
                "Matches met wederdienst (tweerichting)",
                vec![Cell::Count(t.two_way)],
            ),
            row(
                "Aandeel met wederdienst",
                vec![Cell::Percent(t.two_way_percent())],
            ),
            row(
                "Deelnemende organisaties",
                vec![Cell::Count(self.participation.organisations)],
            ),
            row(
                "Waarvan bedrijven",
                vec![Cell::Count(self.participation.companies)],
            ),
        ];
        if let Some(e) = self.newcomers_edition() {
            key_rows.push(row(
                &format!("Nieuwe deelnemers bij {}", e.name),
                vec![Cell::Count(e.new_participants)],
            ));
        }
        key_rows.extend(partnership_rows(&self.partnerships));
        key_rows.extend([
            row("Afgesproken uren", vec![Cell::Count(t.hours)]),
            row(
                &format!("Waarde van de uren (uren × € {rate})"),
                vec![Cell::Euros(t.value_euros - t.materials_euros)],
            ),
            row(
                "Opgegeven waarde van materialen",
                vec![Cell::Euros(t.materials_euros)],
            ),
            row(
                "Geschatte maatschappelijke waarde",
                vec![Cell::Euros(t.value_euros)],
            ),
        ]);

        let edition_rows: Vec<Row> = self
            .editions
            .iter()
            .map(|e| Row {
                label: e.name.clone(),
                cells: vec![
                    Cell::Text(e.date.to_string()),
                    Cell::Count(e.made),
                    Cell::Count(e.carried_out),
                    Cell::Percent(e.carried_out_percent()),
                    Cell::Percent(e.two_way_percent()),
                    Cell::Count(e.participants),
                    Cell::Count(e.companies),
                    Cell::Count(e.new_participants),
                    Cell::Euros(e.value_euros),
                ],
            })
            .collect();

        let edition_chart = (!edition_rows.is_empty()).then(|| {
            Chart {
                id: "grafiek-edities",
                title: "Gemaakte matches per editie",
                series: &["Gemaakt"],
                bars: &self
                    .editions
                    .iter()
                    .map(|e| Bar::new(e.date.year().to_string(), vec![e.made]))
                    .collect::<Vec<_>>(),
            }
            .columns()
        });

        let mut tables = vec![Table {
            slug: "kerncijfers",
            heading: "Kerncijfers",
            caption: format!("Kerncijfers, {scope}"),
            columns: vec!["Cijfer", "Waarde"],
            rows: key_rows,
            chart: None,
        }];
        tables.extend(breakdown_tables(o, &scope));
        tables.push(Table {
            slug: "edities",
            heading: "Edities vergeleken",
            caption: format!(
                "Alle edities van de beursvloer in {}, oudste eerst",
                self.municipality.name
            ),
            columns: vec![
                "Editie",
                "Datum",
                "Gemaakt",
                "Uitgevoerd",
                "Uitgevoerd (%)",
                "Met wederdienst (%)",
                "Deelnemers",
                "Bedrijven",
                "Nieuwe deelnemers",
                "Geschatte waarde",
            ],
            rows: edition_rows,
            chart: edition_chart,
        });
        tables
    }
}

/// The tables every figures page shares, over one set of matches: per
/// status, category, theme and organisation kind, each with its chart.
pub(crate) fn breakdown_tables(o: &Overview, scope: &str) -> Vec<Table> {
    let status_rows: Vec<Row> = o
        .by_status
        .iter()
        .map(|f| row(status_label(&f.key), vec![Cell::Count(f.matches)]))
        .collect();
    let category_rows: Vec<Row> = o
        .by_category
        .iter()
        .map(|f| breakdown_row(category_label(&f.key), f))
        .collect();
    let theme_rows: Vec<Row> = o
        .by_theme
        .iter()
        .map(|f| {
            let label = if f.key.is_empty() {
                "Geen thema"
            } else {
                &f.key
            };
            breakdown_row(label, f)
        })
        .collect();
    let kind_rows: Vec<Row> = o
        .by_offer_kind
        .iter()
        .zip(&o.by_request_kind)
        .map(|(give, ask)| {
            row(
                kind_label(&give.key),
                vec![Cell::Count(give.made), Cell::Count(ask.made)],
            )
        })
        .collect();
    let status_chart = Chart {
        id: "grafiek-status",
        title: "Matches per status",
        series: &["Aantal"],
        bars: &bars(&status_rows, &[0]),
    }
    .horizontal();
    let category_chart = Chart {
        id: "grafiek-categorie",
        title: "Gemaakte matches per categorie",
        series: &["Gemaakt"],
        bars: &bars(&category_rows, &[0]),
    }
    .horizontal();
    let theme_chart = (!theme_rows.is_empty()).then(|| {
        Chart {
            id: "grafiek-thema",
            title: "Gemaakte matches per thema",
            series: &["Gemaakt"],
            bars: &bars(&theme_rows, &[0]),
        }
        .horizontal()
    });
    let kind_chart = Chart {
        id: "grafiek-soort",
        title: "Gemaakte matches per soort organisatie",
        series: &["Als aanbieder", "Als vrager"],
        bars: &bars(&kind_rows, &[0, 1]),
    }
    .horizontal();
    let breakdown_columns = vec![
        "Gemaakt",
        "Uitgevoerd",
        "Met wederdienst",
        "Geschatte waarde",
    ];
    vec![
        Table {
            slug: "status",
            heading: "Matches per status",
            caption: format!("Aantal matches per status, {scope}"),
            columns: vec!["Status", "Aantal matches"],
            rows: status_rows,
            chart: Some(status_chart),
        },
        Table {
            slug: "categorie",
            heading: "Per categorie",
            caption: format!("Matches per categorie van het aanbod, {scope}"),
            columns: [vec!["Categorie"], breakdown_columns.clone()].concat(),
            rows: category_rows,
            chart: Some(category_chart),
        },
        Table {
            slug: "thema",
            heading: "Per thema",
            caption: format!(
                "Gemaakte matches per thema van de vraag (anders van het aanbod), {scope}"
            ),
            columns: [vec!["Thema"], breakdown_columns].concat(),
            rows: theme_rows,
            chart: theme_chart,
        },
        Table {
            slug: "soort",
            heading: "Per soort organisatie",
            caption: format!("Gemaakte matches per soort organisatie, aan beide kanten, {scope}"),
            columns: vec!["Soort organisatie", "Als aanbieder", "Als vrager"],
            rows: kind_rows,
            chart: Some(kind_chart),
        },
    ]
}

/// One bar per row, from the figures in `columns`.
pub(crate) fn bars(rows: &[Row], columns: &[usize]) -> Vec<Bar> {
    rows.iter()
        .map(|r| {
            let values = columns
                .iter()
                .map(|c| match r.cells.get(*c) {
                    Some(Cell::Count(n) | Cell::Euros(n)) => *n,
                    _ => 0,
                })
                .collect();
            Bar::new(r.label.clone(), values)
        })
        .collect()
}

/// The key figures' rows on lasting partnerships, up to and in their year.
pub(crate) fn partnership_rows(p: &PartnershipCounts) -> [Row; 2] {
    [
        row(
            &format!("Duurzame samenwerkingen tot en met {}", p.year),
            vec![Cell::Count(p.partnerships)],
        ),
        row(
            &format!("Nieuwe duurzame samenwerkingen in {}", p.year),
            vec![Cell::Count(p.new)],
        ),
    ]
}

pub(crate) fn row(label: &str, cells: Vec<Cell>) -> Row {
    Row {
        label: label.to_string(),
        cells,
    }
}

fn breakdown_row(label: &str, f: &Figures) -> Row {
    row(
        label,
        vec![
            Cell::Count(f.made),
            Cell::Count(f.carried_out),
            Cell::Count(f.two_way),
            Cell::Euros(f.value_euros),
        ],
    )
}

fn status_label(code: &str) -> &str {
    code.parse::<MatchStatus>()
        .map(|s| s.label())
        .unwrap_or(code)
}

fn category_label(code: &str) -> &str {
    code.parse::<Category>().map(|c| c.label()).unwrap_or(code)
}

fn kind_label(code: &str) -> &str {
    code.parse::<OrganisationKind>()
        .map(|k| k.label())
        .unwrap_or(code)
}

/// 35.5 -> "35,50"
pub(crate) fn euros_cents(amount: f64) -> String {
    format!("{amount:.2}").replace('.', ",")
}

/// "7 maart 2025" (`domain::dates` holds the Dutch calendar words).
pub fn dutch_date(date: time::Date) -> String {
    crate::domain::dates::short(&date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_the_dutch_way() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1.234");
        assert_eq!(thousands(1234567), "1.234.567");
        assert_eq!(Cell::Euros(35000).display(), "€ 35.000");
        assert_eq!(Cell::Percent(None).display(), "n.v.t.");
        assert_eq!(euros_cents(35.0), "35,00");
        assert_eq!(
            dutch_date(time::macros::date!(2025 - 03 - 07)),
            "7 maart 2025"
        );
    }
}
