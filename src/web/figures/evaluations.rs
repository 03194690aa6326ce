//! The dashboard's table "Wat deelnemers ervan vonden": how many
//! evaluations were asked and received, the average satisfaction, the share
//! that would do it again and how the scores spread. Counts only; the text
//! parties wrote is for the makelaar and never reaches the figures.

use crate::store::evaluations::EvaluationFigures;
use crate::store::stats::percent;
use crate::web::editions::evaluations::score_label;
use crate::web::figures::charts::Chart;
use crate::web::figures::tables::{bars, row, Cell, Row, Table};

pub(crate) fn table(f: &EvaluationFigures, scope: &str) -> Table {
    let average = match f.average_tenths() {
        Some(a) => Cell::Text(crate::i18n::decimal(a as f64 / 10.0, 1)),
        None => Cell::Text(crate::t("figures-not-applicable").into()),
    };
    let score_rows: Vec<Row> = f
        .scores
        .iter()
        .zip(crate::domain::evaluation::SCORES)
        .map(|(count, n)| {
            row(
                &crate::tr("evaluation-figures-score")
                    .arg("score", score_label(n))
                    .to_string(),
                vec![Cell::Count(*count)],
            )
        })
        .collect();
    let chart = (f.received > 0).then(|| {
        Chart {
            id: "grafiek-evaluaties",
            title: crate::t("evaluation-figures-chart"),
            series: &[crate::t("evaluation-figures-answers")],
            bars: &bars(&score_rows, &[0]),
        }
        .horizontal()
    });
    let mut rows = vec![
        row(
            crate::t("evaluation-figures-asked"),
            vec![Cell::Count(f.asked)],
        ),
        row(
            crate::t("evaluation-figures-received"),
            vec![Cell::Count(f.received)],
        ),
        row(
            crate::t("evaluation-figures-response"),
            vec![Cell::Percent(percent(f.received, f.asked))],
        ),
        row(crate::t("evaluation-figures-average"), vec![average]),
        row(
            crate::t("evaluation-figures-again"),
            vec![Cell::Percent(percent(f.again, f.received))],
        ),
    ];
    rows.extend(score_rows);
    Table {
        slug: "evaluaties",
        heading: crate::t("evaluation-figures-heading"),
        caption: crate::tr("evaluation-figures-caption")
            .arg("scope", scope)
            .to_string(),
        columns: vec![
            crate::t("figures-msg-cijfer"),
            crate::t("figures-msg-waarde"),
        ],
        rows,
        chart,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_counts_and_averages_without_any_text() {
        let f = EvaluationFigures {
            asked: 8,
            received: 4,
            satisfied_sum: 17,
            again: 3,
            scores: vec![0, 0, 1, 1, 2],
        };
        let t = table(&f, "alle edities");
        let cells: Vec<String> = t.rows.iter().map(|r| r.cells[0].display()).collect();
        assert_eq!(
            cells,
            ["8", "4", "50%", "4,3", "75%", "0", "0", "1", "1", "2"]
        );
        assert!(t.chart.is_some());
        let empty = table(&EvaluationFigures::default(), "alle edities");
        assert_eq!(empty.rows[3].cells[0].display(), "n.v.t.");
        assert!(empty.chart.is_none());
    }
}
