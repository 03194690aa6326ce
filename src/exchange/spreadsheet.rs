//! An uploaded spreadsheet file as CSV text: a CSV as it is (in UTF-8 or the
//! Windows encoding Excel saves "CSV" in), the first worksheet of an XLSX
//! written out as CSV, so both go through the same reader.

use std::io::{Cursor, Read, Seek};

use calamine::{DataRef, Reader, Xlsx};

/// Why a file could not be read at all; the message goes beside the file field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileError {
    Empty,
    WrongType,
    NotXlsx,
    TooLarge,
    TooManyRows,
}

impl FileError {
    pub fn message(self) -> &'static str {
        match self {
            FileError::Empty => crate::t("editions-msg-dit-bestand-is-leeg-kies"),
            FileError::WrongType => {
                "Dit is geen CSV- of XLSX-bestand. Sla je lijst in je spreadsheetprogramma \
                 op als .xlsx of .csv en kies dat bestand."
            }
            FileError::NotXlsx => {
                "Dit bestand heet .xlsx maar is geen Excel-werkmap die we kunnen lezen. \
                 Sla het opnieuw op als Excel-werkmap (.xlsx) of als CSV."
            }
            FileError::TooLarge => crate::t("editions-msg-dit-bestand-is-te-groot"),
            FileError::TooManyRows => crate::t("editions-msg-dit-werkblad-is-te-groot"),
        }
    }
}

/// The largest sheet taken in: rows and columns.
const MAX_ROWS: u32 = 5001;
const MAX_COLUMNS: u32 = 60;
/// An XLSX is a zip: what it says it unpacks to, at most. A 5 MB file that
/// unpacks to gigabytes is not a list of participants.
const MAX_UNPACKED: u64 = 100 * 1024 * 1024;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The file's contents as CSV text, by its name and what it holds.
pub fn to_csv_text(name: &str, bytes: &[u8]) -> Result<String, FileError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty);
    }
    let name = name.to_lowercase();
    if name.ends_with(".xlsx") {
        if !bytes.starts_with(ZIP_MAGIC) {
            return Err(FileError::NotXlsx);
        }
        xlsx_to_csv(bytes)
    } else if name.ends_with(".csv") || name.ends_with(".txt") {
        text(bytes)
    } else {
        Err(FileError::WrongType)
    }
}

/// Text in UTF-8, or else Windows-1252; binary data is no CSV.
fn text(bytes: &[u8]) -> Result<String, FileError> {
    if bytes.starts_with(ZIP_MAGIC) || bytes.contains(&0) {
        return Err(FileError::WrongType);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    let text = text.trim_start_matches('\u{feff}').to_string();
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    Ok(text)
}

fn xlsx_to_csv(bytes: &[u8]) -> Result<String, FileError> {
    check_unpacked_size(Cursor::new(bytes))?;
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|_| FileError::NotXlsx)?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(FileError::Empty)?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| FileError::NotXlsx)?;
    // Cells come row by row; empty ones are left out.
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut first_row: Option<u32> = None;
    while let Some(cell) = cells.next_cell().map_err(|_| FileError::NotXlsx)? {
        let (row, column) = cell.get_position();
        let value = cell_text(cell.get_value());
        if value.is_empty() {
            continue;
        }
        // The heading row is the first row with something in it.
        let top = *first_row.get_or_insert(row);
        if row < top {
            continue;
        }
        if row - top >= MAX_ROWS || column >= MAX_COLUMNS {
            return Err(FileError::TooManyRows);
        }
        let r = (row - top) as usize;
        if rows.len() <= r {
            rows.resize(r + 1, Vec::new());
        }
        let cells_of_row = &mut rows[r];
        let c = column as usize;
        if cells_of_row.len() <= c {
            cells_of_row.resize(c + 1, String::new());
        }
        cells_of_row[c] = value;
    }
    if rows.is_empty() {
        return Err(FileError::Empty);
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    for mut row in rows {
        row.resize(width, String::new());
        writer.write_record(&row).map_err(|_| FileError::NotXlsx)?;
    }
    let bytes = writer.into_inner().map_err(|_| FileError::NotXlsx)?;
    String::from_utf8(bytes).map_err(|_| FileError::NotXlsx)
}

/// Refuse a zip whose entries say they unpack to more than we read.
fn check_unpacked_size<R: Read + Seek>(reader: R) -> Result<(), FileError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|_| FileError::NotXlsx)?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| FileError::NotXlsx)?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_UNPACKED {
        return Err(FileError::TooLarge);
    }
    Ok(())
}

/// A cell as the text a person sees: whole numbers without ".0", dates as
/// 2027-04-08, yes/no in Dutch.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty | DataRef::Error(_) => String::new(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(true) => "ja".into(),
        DataRef::Bool(false) => "nee".into(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (year, month, day, hour, minute, _, _) = dt.to_ymd_hms_milli();
            if hour == 0 && minute == 0 {
                format!("{year:04}-{month:02}-{day:02}")
            } else {
                format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}")
            }
        }
        DataRef::DateTime(dt) => dt.as_f64().to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_no_spreadsheet_are_named_as_such() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(to_csv_text("foto.png", png), Err(FileError::WrongType));
        assert_eq!(to_csv_text("lijst.csv", png), Err(FileError::WrongType));
        assert_eq!(
            to_csv_text("lijst.xlsx", b"Organisatie;Titel\n"),
            Err(FileError::NotXlsx)
        );
        assert_eq!(
            to_csv_text("lijst.xlsx", b"PK\x03\x04 kapot"),
            Err(FileError::NotXlsx)
        );
        assert_eq!(to_csv_text("lijst.csv", b" \n"), Err(FileError::Empty));
    }

    #[test]
    fn csv_from_excel_in_windows_encoding_is_read() {
        let text = to_csv_text("lijst.csv", b"Organisatie;Titel\nCaf\xe9 De Zon;Iets\n").unwrap();
        assert!(text.contains("Café De Zon"), "{text}");
    }
}
