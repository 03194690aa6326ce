//! The region's figures as tables, tiles and charts: the same table, chart
//! and CSV code as a municipality's dashboard, over all its municipalities.

use crate::domain::match_status::MatchStatus;
use crate::store::partnerships::PartnershipCounts;
use crate::store::region_stats::{RegionFigures, Turnout};
use crate::store::regions::Region;
use crate::store::stats::{percent, Figures, MunicipalityInfo};
use crate::web::figures::charts::{Bar, Chart};
use crate::web::figures::tables::{
    breakdown_tables, match_rows, match_tiles, partnership_rows, row, thousands, tile, Cell, Row,
    Table, Tile,
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
        let mut tiles = match_tiles(t);
        if let Some(p) = self.progress(today_year) {
            // After the matches made, which it measures.
            tiles.insert(
                2,
                tile(
                    crate::t("region-tile-of-target"),
                    crate::tr("region-tile-progress")
                        .arg("year", p.year.to_string())
                        .arg("made", thousands(p.made))
                        .arg("target", thousands(p.target))
                        .arg("percent", p.percent.to_string())
                        .to_string(),
                ),
            );
        }
        tiles.extend([
            tile(
                crate::t("figures-tile-municipalities"),
                thousands(self.members.len() as i64),
            ),
            tile(crate::t("figures-tile-editions"), thousands(total.editions)),
            tile(
                crate::t("figures-tile-participants"),
                thousands(total.participants),
            ),
            tile(
                crate::t("figures-tile-partnerships"),
                thousands(self.partnerships.partnerships),
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
        let mut key_rows = match_rows(t);
        key_rows.extend([
            row(
                crate::t("figures-msg-gemeenten-in-de-regio"),
                vec![Cell::Count(self.members.len() as i64)],
            ),
            row(
                crate::t("figures-msg-edities"),
                vec![Cell::Count(total.editions)],
            ),
            row(
                crate::t("figures-msg-deelnemende-organisaties"),
                vec![Cell::Count(total.participants)],
            ),
            row(
                crate::t("figures-msg-waarvan-bedrijven"),
                vec![Cell::Count(total.companies)],
            ),
        ]);
        if let Some(y) = newcomers_year {
            let new = self.turnout_of(None, Some(y)).map_or(0, |t| t.newcomers);
            key_rows.push(row(
                &crate::tr("region-new-participants-in")
                    .arg("year", y.to_string().as_str())
                    .to_string(),
                vec![Cell::Count(new)],
            ));
        }
        key_rows.extend(partnership_rows(&self.partnerships));
        key_rows.extend([
            row(
                crate::t("figures-msg-afgesproken-uren"),
                vec![Cell::Count(t.hours)],
            ),
            row(
                crate::t("figures-msg-waarde-van-de-uren-uren"),
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
                title: crate::t("figures-msg-gemaakte-matches-per-jaar-naast"),
                series: &[
                    crate::t("figures-msg-gemaakt"),
                    crate::t("figures-msg-doel"),
                ],
                bars: &bars,
            }
            .horizontal()
        });

        let new_in = newcomers_year.map_or_else(String::new, |y| {
            crate::tr("region-caption-newcomers")
                .arg("year", y.to_string())
                .to_string()
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
            crate::tr("region-chart-top")
                .arg("count", CHART_MUNICIPALITIES)
                .to_string()
        } else {
            crate::t("figures-msg-gemaakte-matches-per-gemeente").to_string()
        };
        let municipality_chart = (!municipality_bars.is_empty()).then(|| {
            Chart {
                id: "grafiek-gemeenten",
                title: &municipality_title,
                series: &[crate::t("figures-msg-gemaakt")],
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
        let mut status_columns = vec![crate::t("figures-msg-gemeente")];
        status_columns.extend(MatchStatus::ALL.iter().map(|s| s.label()));

        let mut tables = vec![
            Table {
                slug: "kerncijfers",
                heading: crate::t("figures-msg-kerncijfers"),
                caption: crate::tr("region-caption-key")
                    .arg("region", &self.region.name)
                    .arg("scope", scope.as_str())
                    .to_string(),
                columns: vec![
                    crate::t("figures-msg-cijfer"),
                    crate::t("figures-msg-waarde"),
                ],
                rows: key_rows,
                chart: None,
            },
            Table {
                slug: "jaren",
                heading: crate::t("figures-msg-doel-en-voortgang-per-jaar"),
                caption: crate::tr("region-caption-years")
                    .arg("region", &self.region.name)
                    .to_string(),
                columns: vec![
                    crate::t("figures-msg-jaar"),
                    crate::t("figures-msg-doel-matches"),
                    crate::t("figures-msg-gemaakt"),
                    crate::t("figures-msg-van-het-doel"),
                    crate::t("figures-msg-uitgevoerd"),
                    crate::t("figures-msg-met-wederdienst"),
                    crate::t("figures-msg-edities"),
                    crate::t("figures-msg-deelnemers"),
                    crate::t("figures-msg-nieuwe-deelnemers"),
                    crate::t("figures-msg-geschatte-waarde"),
                ],
                rows: year_rows,
                chart: year_chart,
            },
            Table {
                slug: "gemeenten",
                heading: crate::t("figures-msg-per-gemeente"),
                caption: format!(
                    "{}{new_in}",
                    crate::tr("region-caption-municipalities").arg("scope", scope.as_str())
                ),
                columns: vec![
                    crate::t("figures-msg-gemeente"),
                    crate::t("figures-msg-edities"),
                    crate::t("figures-msg-matches"),
                    crate::t("figures-msg-gemaakt"),
                    crate::t("figures-msg-getekend"),
                    crate::t("figures-msg-uitgevoerd"),
                    crate::t("figures-msg-met-wederdienst"),
                    crate::t("figures-msg-deelnemers"),
                    crate::t("figures-msg-nieuwe-deelnemers"),
                    crate::t("figures-msg-geschatte-waarde"),
                ],
                rows: municipality_rows,
                chart: municipality_chart,
            },
            Table {
                slug: "status-per-gemeente",
                heading: crate::t("figures-msg-matches-per-status-per-gemeente"),
                caption: crate::tr("region-caption-status")
                    .arg("scope", scope.as_str())
                    .to_string(),
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
