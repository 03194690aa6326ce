//! The council report as a PDF, made on the server: the municipality's header
//! in its colour, the headline figures and every table of the dashboard, on
//! A4. Written with pdf-writer in the PDF base-14 Helvetica (WinAnsi), so no
//! font files are needed.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::domain::branding::Colour;
use crate::web::figures::tables::{Table, Tile};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 40.0;
const LABEL_COLUMN: f32 = 230.0;
const BOTTOM: f32 = 60.0;

/// What the report shows.
pub struct Report<'a> {
    pub municipality: &'a str,
    pub colour: Colour,
    pub scope: &'a str,
    pub today: &'a str,
    pub tiles: &'a [Tile],
    pub tables: &'a [Table],
}

/// Text in WinAnsiEncoding, the encoding of the base-14 fonts: Latin-1 as
/// is, the euro sign, quotes, dashes and ellipsis at their Windows places.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            '×' => 0xd7,
            c if (c as u32) < 256 => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

fn rgb(c: Colour) -> (f32, f32, f32) {
    (
        f32::from(c.0[0]) / 255.0,
        f32::from(c.0[1]) / 255.0,
        f32::from(c.0[2]) / 255.0,
    )
}

/// Pages of content, with a cursor moving down.
struct Writer {
    pages: Vec<Content>,
    y: f32,
    colour: Colour,
    footer: String,
}

impl Writer {
    fn page(&mut self) -> &mut Content {
        self.pages.last_mut().expect("a page is started first")
    }

    fn new_page(&mut self) {
        let mut content = Content::new();
        let (r, g, b) = rgb(self.colour);
        content.set_fill_rgb(r, g, b);
        content.rect(0.0, PAGE_H - 8.0, PAGE_W, 8.0);
        content.fill_nonzero();
        content.set_fill_rgb(0.11, 0.14, 0.2);
        self.pages.push(content);
        let number = self.pages.len();
        let footer = format!("{} · pagina {number}", self.footer);
        self.text(MARGIN, 30.0, "F1", 8.0, &footer);
        self.y = PAGE_H - 40.0;
    }

    /// Room for `height` points, or a new page.
    fn need(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, font: &str, size: f32, text: &str) {
        let bytes = win_ansi(text);
        let content = self.page();
        content.begin_text();
        content.set_font(Name(font.as_bytes()), size);
        content.next_line(x, y);
        content.show(Str(&bytes));
        content.end_text();
    }

    /// Right-aligned at `right`, with Helvetica's average width as estimate.
    fn text_right(&mut self, right: f32, y: f32, font: &str, size: f32, text: &str) {
        let width = text.chars().count() as f32 * size * 0.53;
        self.text(right - width, y, font, size, text);
    }
}

pub fn pdf(report: &Report) -> Vec<u8> {
    let mut w = Writer {
        pages: Vec::new(),
        y: 0.0,
        colour: report.colour,
        footer: crate::tr("report-footer")
            .arg("municipality", report.municipality)
            .arg("today", report.today)
            .to_string(),
    };
    w.new_page();

    // The municipality's header.
    let (r, g, b) = rgb(report.colour);
    let header_top = PAGE_H - 8.0;
    w.page().set_fill_rgb(r, g, b);
    w.page().rect(0.0, header_top - 70.0, PAGE_W, 70.0);
    w.page().fill_nonzero();
    w.page().set_fill_rgb(1.0, 1.0, 1.0);
    w.text(
        MARGIN,
        header_top - 32.0,
        "F2",
        20.0,
        &crate::tr("home-municipality")
            .arg("name", report.municipality)
            .to_string(),
    );
    w.text(
        MARGIN,
        header_top - 52.0,
        "F1",
        10.0,
        &crate::tr("report-subtitle")
            .arg("today", report.today)
            .to_string(),
    );
    w.page().set_fill_rgb(0.11, 0.14, 0.2);
    w.y = header_top - 100.0;
    w.text(
        MARGIN,
        w.y,
        "F2",
        15.0,
        &crate::tr("report-heading")
            .arg("municipality", report.municipality)
            .to_string(),
    );
    w.y -= 16.0;
    w.text(
        MARGIN,
        w.y,
        "F1",
        10.0,
        &crate::tr("report-scope")
            .arg("scope", report.scope)
            .to_string(),
    );
    w.y -= 20.0;

    // Figure tiles, three to a row.
    let tile_w = (PAGE_W - 2.0 * MARGIN - 20.0) / 3.0;
    for (i, tile) in report.tiles.iter().enumerate() {
        let col = (i % 3) as f32;
        if i % 3 == 0 && i > 0 {
            w.y -= 58.0;
        }
        let x = MARGIN + col * (tile_w + 10.0);
        let top = w.y;
        let content = w.page();
        if tile.headline {
            content.set_fill_rgb(r, g, b);
        } else {
            content.set_fill_rgb(0.945, 0.957, 0.973);
        }
        content.rect(x, top - 50.0, tile_w, 50.0);
        content.fill_nonzero();
        if tile.headline {
            content.set_fill_rgb(1.0, 1.0, 1.0);
        } else {
            content.set_fill_rgb(0.11, 0.14, 0.2);
        }
        w.text(x + 8.0, top - 24.0, "F2", 17.0, &tile.value);
        w.text(x + 8.0, top - 40.0, "F1", 8.5, tile.label);
        w.page().set_fill_rgb(0.11, 0.14, 0.2);
    }
    w.y -= 72.0;

    // Every table: heading, column names, rows.
    for table in report.tables {
        let columns = table.columns.len().saturating_sub(1).min(6);
        let cell_w = (PAGE_W - MARGIN - LABEL_COLUMN) / columns.max(1) as f32;
        w.need(48.0);
        w.text(MARGIN, w.y, "F2", 11.5, table.heading);
        w.y -= 14.0;
        w.text(MARGIN, w.y, "F1", 7.5, &shorten(&table.caption, 110));
        w.y -= 12.0;
        for (c, name) in table.columns.iter().skip(1).take(columns).enumerate() {
            let right = LABEL_COLUMN + cell_w * (c as f32 + 1.0) - 4.0;
            w.text_right(right, w.y, "F2", 7.5, &shorten(name, 16));
        }
        w.y -= 12.0;
        if table.rows.is_empty() {
            w.text(
                MARGIN,
                w.y,
                "F1",
                9.0,
                crate::t("figures-msg-nog-geen-gegevens"),
            );
            w.y -= 12.0;
        }
        for row in &table.rows {
            w.need(14.0);
            w.text(MARGIN, w.y, "F1", 9.0, &shorten(&row.label, 46));
            for (c, cell) in row.cells.iter().take(columns).enumerate() {
                let right = LABEL_COLUMN + cell_w * (c as f32 + 1.0) - 4.0;
                w.text_right(right, w.y, "F1", 9.0, &cell.display());
            }
            w.y -= 12.5;
        }
        w.y -= 12.0;
    }

    // The document: catalog, pages, two fonts, one content stream per page.
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let mut next = 6;
    let mut page_ids = Vec::new();
    let mut streams = Vec::new();
    for content in w.pages {
        let page = Ref::new(next);
        let stream = Ref::new(next + 1);
        next += 2;
        page_ids.push(page);
        streams.push((page, stream, content.finish()));
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    for (page, stream, bytes) in &streams {
        let mut p = pdf.page(*page);
        p.parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .contents(*stream);
        p.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        p.finish();
        pdf.stream(*stream, bytes);
    }
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let title = crate::tr("report-title")
        .arg("municipality", report.municipality)
        .to_string();
    pdf.document_info(info)
        .title(TextStr(&title))
        .author(TextStr(
            &crate::tr("home-municipality")
                .arg("name", report.municipality)
                .to_string(),
        ));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euro_and_quotes_are_in_win_ansi() {
        assert_eq!(win_ansi("€ 3.590"), b"\x80 3.590");
        assert_eq!(win_ansi("café ‘x’"), b"caf\xe9 \x91x\x92");
    }
}
