//! Reading a go-live workbook: every sheet named as a kind (in Chinese or
//! English, as the templates name them), its header matched to the kind's
//! columns, its rows as text. The caps of the roster import hold, sized for
//! a whole building: the ZIP is measured before anything is inflated, each
//! cell is read one at a time and the file refused at the first beyond the
//! limits, whatever the sheet claims its used range is. Formulas are never
//! run: a formula cell is read as the value Excel saved with it.

use lobby_domain::golive::RecordKind;

use crate::tenants::{check_xlsx_parts, MAX_IMPORT_COLUMNS};
use crate::{AppError, AppResult};

/// The most rows one sheet may hold: a 5,000-unit building's two years of
/// opening balances, one item a month each, fit.
pub const MAX_SHEET_ROWS: usize = 150_000;
/// The most cells a whole workbook may hold.
pub const MAX_CELLS: usize = 2_000_000;
/// The most the workbook's parts may unpack to, together.
pub const MAX_UNPACKED: u64 = 96 * 1024 * 1024;
/// The most an uploaded workbook may weigh.
pub const MAX_BYTES: usize = 24 * 1024 * 1024;

/// One sheet of a kind: `columns[i]` is where the kind's `i`th column is in
/// the sheet (None when the sheet lacks it: an existing record keeps that
/// value), `rows` each row below the header with its number in Excel.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub kind: RecordKind,
    pub name: String,
    pub columns: Vec<Option<usize>>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// A sheet whose name is not a kind lobby knows: left out, and said so.
pub type Unknown = String;

/// The sheets of a file that hold a kind: (kind, sheet name).
pub type Named = Vec<(RecordKind, String)>;

fn bad(e: impl std::fmt::Display) -> AppError {
    AppError::invalid("file", format!("cannot read the XLSX file: {e}"))
}

/// The kind a sheet's name names (`单元`, `Units`, `units`).
pub fn kind_of_sheet(name: &str) -> Option<RecordKind> {
    let n = name.trim();
    RecordKind::ALL
        .iter()
        .copied()
        .find(|k| k.sheet(false) == n || k.sheet(true).eq_ignore_ascii_case(n) || k.as_str() == n)
}

/// The kinds a workbook's sheets name, read from its directory alone (no
/// cell is parsed): what permission is checked on before anything else.
pub fn kinds_in(bytes: &[u8]) -> AppResult<(Named, Vec<Unknown>)> {
    use calamine::{Reader, Xlsx};
    if bytes.len() > MAX_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    if !bytes.starts_with(b"PK") {
        return Err(AppError::invalid(
            "file",
            "the file is not an XLSX workbook (save it from Excel or WPS as .xlsx)",
        ));
    }
    check_xlsx_parts(bytes, MAX_UNPACKED)?;
    let wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(bad)?;
    let mut kinds = Vec::new();
    let mut unknown = Vec::new();
    for name in wb.sheet_names() {
        match kind_of_sheet(&name) {
            Some(k) if kinds.iter().any(|(o, _)| *o == k) => {
                return Err(AppError::invalid(
                    "file",
                    format!("two sheets hold {}: keep one", k.sheet(false)),
                ))
            }
            Some(k) => kinds.push((k, name)),
            None => unknown.push(name),
        }
    }
    if kinds.is_empty() {
        return Err(AppError::invalid(
            "file",
            "no sheet is named as a template's (单元, 租户, 能源表 …): download the templates",
        ));
    }
    Ok((kinds, unknown))
}

/// The text of a cell: a date as `YYYY-MM-DD`, a whole number without
/// decimals, anything else as Excel shows its value.
fn text_of(v: calamine::Data) -> String {
    use calamine::Data;
    match v {
        Data::DateTime(d) => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            if (h, min, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}")
            }
        }
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Data::Error(_) | Data::Empty => String::new(),
        other => other.to_string().trim().to_string(),
    }
}

/// The header's text without the required mark: `单元号 *` → `单元号`.
fn header_text(s: &str) -> String {
    s.trim().trim_end_matches('*').trim().to_string()
}

/// Reads the sheets of `kinds` (from [`kinds_in`]).
pub fn read_sheets(bytes: &[u8], kinds: &[(RecordKind, String)]) -> AppResult<Vec<Sheet>> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(bad)?;
    let mut cells_seen = 0usize;
    let mut out = Vec::new();
    for (kind, name) in kinds {
        let mut grid: Vec<Vec<String>> = Vec::new();
        let mut cells = wb.worksheet_cells_reader(name).map_err(bad)?;
        while let Some(cell) = cells.next_cell().map_err(bad)? {
            let (row, col) = cell.get_position();
            let (row, col) = (row as usize, col as usize);
            if row > MAX_SHEET_ROWS + 2 {
                return Err(AppError::invalid(
                    "file",
                    format!("sheet {name} has more than {MAX_SHEET_ROWS} rows; split it"),
                ));
            }
            if col >= MAX_IMPORT_COLUMNS {
                return Err(AppError::invalid(
                    "file",
                    format!(
                        "sheet {name}, row {}: more than {MAX_IMPORT_COLUMNS} columns",
                        row + 1
                    ),
                ));
            }
            cells_seen += 1;
            if cells_seen > MAX_CELLS {
                return Err(AppError::invalid(
                    "file",
                    format!("the workbook has more than {MAX_CELLS} cells; split it"),
                ));
            }
            let text = text_of(calamine::Data::from(cell.get_value().clone()));
            if text.is_empty() {
                continue;
            }
            if grid.len() <= row {
                grid.resize_with(row + 1, Vec::new);
            }
            let r = &mut grid[row];
            if r.len() <= col {
                r.resize(col + 1, String::new());
            }
            r[col] = text;
        }
        out.push(sheet_of(*kind, name, grid)?);
    }
    Ok(out)
}

/// A sheet's grid as a kind's rows: the first row that holds anything is
/// the header; a notes row right under it (the template's) is skipped.
pub fn sheet_of(kind: RecordKind, name: &str, grid: Vec<Vec<String>>) -> AppResult<Sheet> {
    let cols = kind.columns();
    let Some(head_at) = grid.iter().position(|r| r.iter().any(|c| !c.is_empty())) else {
        return Ok(Sheet {
            kind,
            name: name.to_string(),
            columns: vec![None; cols.len()],
            rows: Vec::new(),
        });
    };
    let header: Vec<String> = grid[head_at].iter().map(|h| header_text(h)).collect();
    let mut columns = vec![None; cols.len()];
    for (i, h) in header.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        match cols
            .iter()
            .position(|c| c.zh == h || c.en.eq_ignore_ascii_case(h) || c.key == h)
        {
            Some(j) if columns[j].is_some() => {
                return Err(AppError::invalid(
                    "file",
                    format!("sheet {name}: column {h} is there twice"),
                ))
            }
            Some(j) => columns[j] = Some(i),
            None => {
                return Err(AppError::invalid(
                    "file",
                    format!(
                        "sheet {name}: column {h} is not one of the template's ({})",
                        cols.iter().map(|c| c.zh).collect::<Vec<_>>().join("、")
                    ),
                ))
            }
        }
    }
    for (c, at) in cols.iter().zip(&columns) {
        if c.required && at.is_none() {
            return Err(AppError::invalid(
                "file",
                format!("sheet {name} lacks the column {} ({})", c.zh, c.en),
            ));
        }
    }
    let is_notes = |r: &Vec<String>| {
        cols.iter().zip(&columns).any(|(c, at)| {
            at.and_then(|i| r.get(i))
                .is_some_and(|v| !v.is_empty() && (v == c.note_zh || v == c.note_en))
        })
    };
    let mut rows = Vec::new();
    for (i, r) in grid.into_iter().enumerate().skip(head_at + 1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if i == head_at + 1 && is_notes(&r) {
            continue;
        }
        rows.push((i + 1, r));
    }
    if rows.len() > MAX_SHEET_ROWS {
        return Err(AppError::invalid(
            "file",
            format!("sheet {name} has more than {MAX_SHEET_ROWS} rows; split it"),
        ));
    }
    Ok(Sheet {
        kind,
        name: name.to_string(),
        columns,
        rows,
    })
}
