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
            Cell::Percent(None) => crate::t("figures-not-applicable").into(),
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

/// A whole number with the language's thousands separator: 12.345 / 12,345.
pub fn thousands(n: i64) -> String {
    crate::i18n::thousands(n)
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
    pub evaluations: crate::store::evaluations::EvaluationFigures,
    /// per policy goal; empty when the municipality has none
    pub goals: Vec<crate::store::goals::GoalFigures>,
}

impl Data {
    pub(crate) fn scope_label(&self) -> String {
        match &self.edition {
            Some(e) => format!("{} ({})", e.name, dutch_date(e.date)),
            None => crate::t("figures-scope-all").into(),
        }
    }

    /// The edition whose newcomers the key figures show: the chosen one, or the latest.
    fn newcomers_edition(&self) -> Option<&Edition> {
        self.edition.as_ref().or(self.editions.last())
    }

    /// The figures a council member reads first, each as a tile.
    pub(crate) fn tiles(&self) -> Vec<Tile> {
        let mut tiles = match_tiles(&self.overview.total);
        tiles.extend([
            tile(
                crate::t("figures-tile-participants"),
                thousands(self.participation.organisations),
            ),
            tile(
                crate::t("figures-tile-partnerships"),
                thousands(self.partnerships.partnerships),
            ),
        ]);
        tiles
    }

    pub(crate) fn tables(&self) -> Vec<Table> {
        let o = &self.overview;
        let t = &o.total;
        let scope = self.scope_label();
        let rate = euros_cents(self.municipality.hourly_rate);
        let mut key_rows = match_rows(t);
        key_rows.extend([
            row(
                crate::t("figures-msg-deelnemende-organisaties"),
                vec![Cell::Count(self.participation.organisations)],
            ),
            row(
                crate::t("figures-msg-waarvan-bedrijven"),
                vec![Cell::Count(self.participation.companies)],
            ),
        ]);
        if let Some(e) = self.newcomers_edition() {
            key_rows.push(row(
                &crate::tr("figures-new-participants-at")
                    .arg("edition", &e.name)
                    .to_string(),
                vec![Cell::Count(e.new_participants)],
            ));
        }
        key_rows.extend(partnership_rows(&self.partnerships));
        key_rows.extend([
            row(
                crate::t("figures-msg-afgesproken-uren"),
                vec![Cell::Count(t.hours)],
            ),
            row(
                &crate::tr("figures-hours-value")
                    .arg("rate", rate.as_str())
                    .to_string(),
                vec![Cell::Euros(t.value_euros - t.materials_euros)],
            ),
            row(
                crate::t("figures-msg-opgegeven-waarde-van-materialen"),
                vec![Cell::Euros(t.materials_euros)],
            ),
            row(
                crate::t("figures-msg-geschatte-maatschappelijke-waarde"),
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
                title: crate::t("figures-msg-gemaakte-matches-per-editie"),
                series: &[crate::t("figures-msg-gemaakt")],
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
            heading: crate::t("figures-msg-kerncijfers"),
            caption: format!("Kerncijfers, {scope}"),
            columns: vec![
                crate::t("figures-msg-cijfer"),
                crate::t("figures-msg-waarde"),
            ],
            rows: key_rows,
            chart: None,
        }];
        tables.extend(breakdown_tables(o, &scope));
        super::goals::add_table(&mut tables, &self.goals, &scope);
        tables.push(Table {
            slug: "edities",
            heading: crate::t("figures-msg-edities-vergeleken"),
            caption: crate::tr("figures-caption-editions")
                .arg("municipality", &self.municipality.name)
                .to_string(),
            columns: vec![
                crate::t("figures-msg-editie"),
                crate::t("figures-msg-datum"),
                crate::t("figures-msg-gemaakt"),
                crate::t("figures-msg-uitgevoerd"),
                crate::t("figures-msg-uitgevoerd-2"),
                crate::t("figures-msg-met-wederdienst"),
                crate::t("figures-msg-deelnemers"),
                crate::t("figures-msg-bedrijven"),
                crate::t("figures-msg-nieuwe-deelnemers"),
                crate::t("figures-msg-geschatte-waarde"),
            ],
            rows: edition_rows,
            chart: edition_chart,
        });
        tables.push(crate::web::figures::evaluations::table(
            &self.evaluations,
            &scope,
        ));
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
                crate::t("figures-msg-geen-thema")
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
        title: crate::t("figures-msg-matches-per-status"),
        series: &[crate::t("figures-msg-aantal")],
        bars: &bars(&status_rows, &[0]),
    }
    .horizontal();
    let category_chart = Chart {
        id: "grafiek-categorie",
        title: crate::t("figures-msg-gemaakte-matches-per-categorie"),
        series: &[crate::t("figures-msg-gemaakt")],
        bars: &bars(&category_rows, &[0]),
    }
    .horizontal();
    let theme_chart = (!theme_rows.is_empty()).then(|| {
        Chart {
            id: "grafiek-thema",
            title: crate::t("figures-msg-gemaakte-matches-per-thema"),
            series: &[crate::t("figures-msg-gemaakt")],
            bars: &bars(&theme_rows, &[0]),
        }
        .horizontal()
    });
    let kind_chart = Chart {
        id: "grafiek-soort",
        title: crate::t("figures-msg-gemaakte-matches-per-soort-organisatie"),
        series: &[
            crate::t("figures-msg-als-aanbieder"),
            crate::t("figures-msg-als-vrager"),
        ],
        bars: &bars(&kind_rows, &[0, 1]),
    }
    .horizontal();
    let breakdown_columns = vec![
        crate::t("figures-msg-gemaakt"),
        crate::t("figures-msg-uitgevoerd"),
        crate::t("figures-msg-met-wederdienst-2"),
        crate::t("figures-msg-geschatte-waarde"),
    ];
    vec![
        Table {
            slug: "status",
            heading: crate::t("figures-msg-matches-per-status"),
            caption: crate::tr("figures-caption-status")
                .arg("scope", scope)
                .to_string(),
            columns: vec![
                crate::t("figures-msg-status"),
                crate::t("figures-msg-aantal-matches"),
            ],
            rows: status_rows,
            chart: Some(status_chart),
        },
        Table {
            slug: "categorie",
            heading: crate::t("figures-msg-per-categorie"),
            caption: crate::tr("figures-caption-category")
                .arg("scope", scope)
                .to_string(),
            columns: [
                vec![crate::t("figures-msg-categorie")],
                breakdown_columns.clone(),
            ]
            .concat(),
            rows: category_rows,
            chart: Some(category_chart),
        },
        Table {
            slug: "thema",
            heading: crate::t("figures-msg-per-thema"),
            caption: crate::tr("figures-caption-theme")
                .arg("scope", scope)
                .to_string(),
            columns: [vec![crate::t("figures-msg-thema")], breakdown_columns].concat(),
            rows: theme_rows,
            chart: theme_chart,
        },
        Table {
            slug: "soort",
            heading: crate::t("figures-msg-per-soort-organisatie"),
            caption: crate::tr("figures-caption-kind")
                .arg("scope", scope)
                .to_string(),
            columns: vec![
                crate::t("figures-msg-soort-organisatie"),
                crate::t("figures-msg-als-aanbieder"),
                crate::t("figures-msg-als-vrager"),
            ],
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
            &crate::tr("figures-partnerships-until")
                .arg("year", p.year.to_string())
                .to_string(),
            vec![Cell::Count(p.partnerships)],
        ),
        row(
            &crate::tr("figures-partnerships-new-in")
                .arg("year", p.year.to_string())
                .to_string(),
            vec![Cell::Count(p.new)],
        ),
    ]
}

/// A tile that is not the headline.
pub(crate) fn tile(label: &'static str, value: String) -> Tile {
    Tile {
        label,
        value,
        headline: false,
    }
}

/// The tiles of matches, the same for a municipality and a region: the
/// estimated value (the headline), made, signed, carried out and the share
/// with a way back.
pub(crate) fn match_tiles(t: &Figures) -> Vec<Tile> {
    vec![
        Tile {
            label: crate::t("figures-tile-value"),
            value: Cell::Euros(t.value_euros).display(),
            headline: true,
        },
        tile(crate::t("figures-tile-made"), thousands(t.made)),
        tile(crate::t("figures-tile-signed"), thousands(t.signed)),
        tile(
            crate::t("figures-tile-carried-out"),
            thousands(t.carried_out),
        ),
        tile(
            crate::t("figures-tile-two-way"),
            Cell::Percent(t.two_way_percent()).display(),
        ),
    ]
}

/// The key figures of matches, the same for a municipality and a region:
/// in total, made, signed, carried out and with a way back.
pub(crate) fn match_rows(t: &Figures) -> Vec<Row> {
    vec![
        row(
            crate::t("figures-msg-matches-in-totaal-alle-statussen"),
            vec![Cell::Count(t.matches)],
        ),
        row(
            crate::t("figures-msg-gemaakte-matches-bevestigd-door-de"),
            vec![Cell::Count(t.made)],
        ),
        row(
            crate::t("figures-msg-getekend-matchformulier-door-beide-partijen"),
            vec![Cell::Count(t.signed)],
        ),
        row(
            crate::t("figures-msg-uitgevoerd"),
            vec![Cell::Count(t.carried_out)],
        ),
        row(
            crate::t("figures-msg-uitgevoerd-als-deel-van-de"),
            vec![Cell::Percent(t.carried_out_percent())],
        ),
        row(
            crate::t("figures-msg-matches-met-wederdienst-tweerichting"),
            vec![Cell::Count(t.two_way)],
        ),
        row(
            crate::t("figures-msg-aandeel-met-wederdienst"),
            vec![Cell::Percent(t.two_way_percent())],
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

/// 35.5 -> "35,50" (Dutch) or "35.50" (English).
pub(crate) fn euros_cents(amount: f64) -> String {
    crate::i18n::euros(amount)
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
