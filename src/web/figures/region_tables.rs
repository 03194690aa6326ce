//! The region's figures as tables, tiles and charts: the same table, chart
//! and CSV code as a municipality's dashboard, over all its municipalities.

use crate::domain::match_status::MatchStatus;
use crate::store::partnerships::PartnershipCounts;
use crate::store::region_stats::{RegionFigures, Turnout};
use crate::store::regions::Region;
use crate::store::stats::{percent, Figures, MunicipalityInfo};
use crate::web::figures::charts::{Bar, Chart};
use crate::web::figures::tables::{
    breakdown_tables, partnership_rows, row, thousands, Cell, Row, Table, Tile,
};

/// How many municipalities the chart of the municipalities shows at most
/// (the table has them all).
const CHART_MUNICIPALITIES: usize = 20;

/// Everything one region page shows.
pub struct RegionData {
    pub region: Region,
    pub members: Vec<MunicipalityInfo>,
    /// the chosen year; None: all years
    pub year: Option<i32>,
    /// every year with editions, matches or a target, oldest first
    pub years: Vec<i32>,
    pub targets: Vec<(i32, i32)>,
    pub figures: RegionFigures,
    pub turnout: Vec<Turnout>,
    pub partnerships: PartnershipCounts,
    pub counted_at: time::OffsetDateTime,
}

/// Progress to one year's target.
pub struct Progress {
    pub year: i32,
    pub target: i64,
    pub made: i64,
    pub percent: i64,
}

impl RegionData {
    /// When the figures were counted, for the page.
    pub fn counted(&self) -> String {
        crate::domain::dates::moment(&self.counted_at)
    }

    pub fn scope_label(&self) -> String {
        match self.year {
            Some(y) => format!("{y}"),
            None => "alle jaren".into(),
        }
    }

    fn turnout_of(&self, municipality: Option<i64>, year: Option<i32>) -> Option<&Turnout> {
        self.turnout
            .iter()
            .find(|t| t.municipality_id == municipality && t.year == year)
    }

    /// The year whose newcomers the page shows: the chosen one, or the latest with an edition.
    pub fn newcomers_year(&self) -> Option<i32> {
        self.year.or_else(|| {
            self.turnout
                .iter()
                .filter(|t| t.municipality_id.is_none() && t.editions > 0)
                .filter_map(|t| t.year)
                .max()
        })
    }

    fn made_in(&self, year: i32) -> i64 {
        self.figures.by_year.get(&year).map_or(0, |f| f.made)
    }

    /// Progress to the target of the chosen year; without one, of this
    /// calendar year, or else of the latest year with a target.
    pub fn progress(&self, today_year: i32) -> Option<Progress> {
        let target_of = |y: i32| self.targets.iter().find(|(ty, _)| *ty == y).copied();
        let (year, target) = match self.year {
            Some(y) => target_of(y)?,
            None => target_of(today_year).or_else(|| self.targets.last().copied())?,
        };
        let made = self.made_in(year);
        Some(Progress {
            year,
            target: target.into(),
            made,
            percent: percent(made, target.into()).unwrap_or(0),
        })
    }

    pub fn tiles(&self, today_year: i32) -> Vec<Tile> {
        let t = &self.figures.overview.total;
        let total = self
            .turnout_of(None, self.year)
            .cloned()
            .unwrap_or_default();
        let tile = |label, value: String, headline| Tile {
            label,
            value,
            headline,
        };
        let mut tiles = vec![
            tile(
                "geschatte maatschappelijke waarde",
                Cell::Euros(t.value_euros).display(),
                true,
            ),
            tile("gemaakte matches", thousands(t.made), false),
        ];
        if let Some(p) = self.progress(today_year) {
            tiles.push(tile(
                "van het doel voor dat jaar",
                format!(
                    "{}: {} van {} ({}%)",
                    p.year,
                    thousands(p.made),
                    thousands(p.target),
                    p.percent
                ),
                false,
            ));
        }
        tiles.extend([
            tile("getekend door beide partijen", thousands(t.signed), false),
            tile("uitgevoerd", thousands(t.carried_out), false),
            tile(
                "met wederdienst",
                Cell::Percent(t.two_way_percent()).display(),
                false,
            ),
            tile("gemeenten", thousands(self.members.len() as i64), false),
            tile("edities", thousands(total.editions), false),
            tile(
                "deelnemende organisaties",
                thousands(total.participants),
                false,
            ),
            tile(
                "duurzame samenwerkingen",
                thousands(self.partnerships.partnerships),
                false,
            ),
        ]);
        tiles
    }

    pub fn tables(&self) -> Vec<Table> {
        let o = &self.figures.overview;
        let t = &o.total;
        let scope = self.scope_label();
        let total = self
            .turnout_of(None, self.year)
            .cloned()
            .unwrap_or_default();
        let newcomers_year = self.newcomers_year();
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
                "Gemeenten in de regio",
                vec![Cell::Count(self.members.len() as i64)],
            ),
            row("Edities", vec![Cell::Count(total.editions)]),
            row(
                "Deelnemende organisaties",
                vec![Cell::Count(total.participants)],
            ),
            row("Waarvan bedrijven", vec![Cell::Count(total.companies)]),
        ];
        if let Some(y) = newcomers_year {
            let new = self.turnout_of(None, Some(y)).map_or(0, |t| t.newcomers);
            key_rows.push(row(
                &format!("Nieuwe deelnemers in {y}"),
                vec![Cell::Count(new)],
            ));
        }
        key_rows.extend(partnership_rows(&self.partnerships));
        key_rows.extend([
            row("Afgesproken uren", vec![Cell::Count(t.hours)]),
            row(
                "Waarde van de uren (uren × uurtarief van de gemeente)",
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

        let year_rows: Vec<Row> = self
            .years
            .iter()
            .map(|y| {
                let f = self.figures.by_year.get(y).cloned().unwrap_or_default();
                let target = self
                    .targets
                    .iter()
                    .find(|(ty, _)| ty == y)
                    .map(|(_, n)| i64::from(*n));
                let turnout = self.turnout_of(None, Some(*y)).cloned().unwrap_or_default();
                Row {
                    label: y.to_string(),
                    cells: vec![
                        target.map_or(Cell::Text(String::new()), Cell::Count),
                        Cell::Count(f.made),
                        Cell::Percent(target.and_then(|n| percent(f.made, n))),
                        Cell::Count(f.carried_out),
                        Cell::Percent(f.two_way_percent()),
                        Cell::Count(turnout.editions),
                        Cell::Count(turnout.participants),
                        Cell::Count(turnout.newcomers),
                        Cell::Euros(f.value_euros),
                    ],
                }
            })
            .collect();
        let year_chart = (!year_rows.is_empty()).then(|| {
            let bars: Vec<Bar> = year_rows
                .iter()
                .map(|r| {
                    let target = match r.cells.first() {
                        Some(Cell::Count(n)) => *n,
                        _ => 0,
                    };
                    let made = match r.cells.get(1) {
                        Some(Cell::Count(n)) => *n,
                        _ => 0,
                    };
                    Bar::new(r.label.clone(), vec![made, target])
                })
                .collect();
            Chart {
                id: "grafiek-jaren",
                title: "Gemaakte matches per jaar, naast het doel",
                series: &["Gemaakt", "Doel"],
                bars: &bars,
            }
            .horizontal()
        });

        let new_in = newcomers_year.map_or_else(String::new, |y| {
            format!("; nieuwe deelnemers: voor het eerst op een beursvloer van die gemeente in {y}")
        });
        let empty = Figures::default();
        let municipality_rows: Vec<Row> = self
            .members
            .iter()
            .map(|m| {
                let f = self.figures.by_municipality.get(&m.id).unwrap_or(&empty);
                let turnout = self
                    .turnout_of(Some(m.id), self.year)
                    .cloned()
                    .unwrap_or_default();
                let new = newcomers_year
                    .and_then(|y| self.turnout_of(Some(m.id), Some(y)))
                    .map_or(0, |t| t.newcomers);
                Row {
                    label: m.name.clone(),
                    cells: vec![
                        Cell::Count(turnout.editions),
                        Cell::Count(f.matches),
                        Cell::Count(f.made),
                        Cell::Count(f.signed),
                        Cell::Count(f.carried_out),
                        Cell::Percent(f.two_way_percent()),
                        Cell::Count(turnout.participants),
                        Cell::Count(new),
                        Cell::Euros(f.value_euros),
                    ],
                }
            })
            .collect();
        let mut busiest: Vec<&Row> = municipality_rows.iter().collect();
        let made_of = |r: &Row| match r.cells.get(2) {
            Some(Cell::Count(n)) => *n,
            _ => 0,
        };
        busiest.sort_by_key(|r| std::cmp::Reverse(made_of(r)));
        busiest.truncate(CHART_MUNICIPALITIES);
        let municipality_bars: Vec<Bar> = busiest
            .iter()
            .map(|r| Bar::new(r.label.clone(), vec![made_of(r)]))
            .collect();
        let municipality_title = if self.members.len() > CHART_MUNICIPALITIES {
            format!("De {CHART_MUNICIPALITIES} gemeenten met de meeste gemaakte matches")
        } else {
            "Gemaakte matches per gemeente".to_string()
        };
        let municipality_chart = (!municipality_bars.is_empty()).then(|| {
            Chart {
                id: "grafiek-gemeenten",
                title: &municipality_title,
                series: &["Gemaakt"],
                bars: &municipality_bars,
            }
            .horizontal()
        });

        let status_rows: Vec<Row> = self
            .members
            .iter()
            .map(|m| Row {
                label: m.name.clone(),
                cells: MatchStatus::ALL
                    .iter()
                    .map(|s| {
                        Cell::Count(
                            self.figures
                                .status_by_municipality
                                .get(&(m.id, s.code().to_string()))
                                .copied()
                                .unwrap_or(0),
                        )
                    })
                    .collect(),
            })
            .collect();
        let mut status_columns = vec!["Gemeente"];
        status_columns.extend(MatchStatus::ALL.iter().map(|s| s.label()));

        let mut tables = vec![
            Table {
                slug: "kerncijfers",
                heading: "Kerncijfers",
                caption: format!("Kerncijfers van de regio {}, {scope}", self.region.name),
                columns: vec!["Cijfer", "Waarde"],
                rows: key_rows,
                chart: None,
            },
            Table {
                slug: "jaren",
                heading: "Doel en voortgang per jaar",
                caption: format!(
                    "Per jaar: het doel, de gemaakte matches en de deelnemers in de regio {}, oudste eerst",
                    self.region.name
                ),
                columns: vec![
                    "Jaar",
                    "Doel (matches)",
                    "Gemaakt",
                    "Van het doel (%)",
                    "Uitgevoerd",
                    "Met wederdienst (%)",
                    "Edities",
                    "Deelnemers",
                    "Nieuwe deelnemers",
                    "Geschatte waarde",
                ],
                rows: year_rows,
                chart: year_chart,
            },
            Table {
                slug: "gemeenten",
                heading: "Per gemeente",
                caption: format!("Cijfers per gemeente, {scope}{new_in}"),
                columns: vec![
                    "Gemeente",
                    "Edities",
                    "Matches",
                    "Gemaakt",
                    "Getekend",
                    "Uitgevoerd",
                    "Met wederdienst (%)",
                    "Deelnemers",
                    "Nieuwe deelnemers",
                    "Geschatte waarde",
                ],
                rows: municipality_rows,
                chart: municipality_chart,
            },
            Table {
                slug: "status-per-gemeente",
                heading: "Matches per status, per gemeente",
                caption: format!("Aantal matches per status en gemeente, {scope}"),
                columns: status_columns,
                rows: status_rows,
                chart: None,
            },
        ];
        tables.extend(breakdown_tables(o, &scope));
        tables
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::stats::Overview;

    fn data(year: Option<i32>) -> RegionData {
        let mut by_year = std::collections::BTreeMap::new();
        by_year.insert(
            2027,
            Figures {
                made: 812,
                ..Figures::default()
            },
        );
        RegionData {
            region: Region {
                id: 1,
                slug: "salland".into(),
                name: "Salland".into(),
            },
            members: vec![],
            year,
            years: vec![2026, 2027],
            targets: vec![(2026, 500), (2027, 1000)],
            figures: RegionFigures {
                overview: Overview::default(),
                by_year,
                ..RegionFigures::default()
            },
            turnout: vec![],
            partnerships: PartnershipCounts::default(),
            counted_at: time::OffsetDateTime::now_utc(),
        }
    }

    #[test]
    fn progress_is_the_chosen_year_or_this_year_or_the_latest_target() {
        let p = data(None).progress(2027).unwrap();
        assert_eq!((p.year, p.made, p.target, p.percent), (2027, 812, 1000, 81));
        let p = data(None).progress(2030).unwrap();
        assert_eq!(p.year, 2027);
        let p = data(Some(2026)).progress(2027).unwrap();
        assert_eq!((p.year, p.made, p.percent), (2026, 0, 0));
        assert!(data(Some(2025)).progress(2027).is_none());
    }
}
