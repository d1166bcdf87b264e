//! Part of `tenants`; shares its imports.

#[allow(unused_imports)]
use super::*;

/// The most a roster file may hold. Checked before anything is read into
/// memory, whatever the file itself claims (a 1.6 KB XLSX may declare a
/// used range of 17 billion cells, a ZIP entry may inflate a thousandfold).
pub const MAX_IMPORT_ROWS: usize = 5_000;
pub const MAX_IMPORT_COLUMNS: usize = 64;
/// The most the XLSX's parts may unpack to, together.
pub const MAX_XLSX_UNPACKED: u64 = 32 * 1024 * 1024;
pub(super) const MAX_XLSX_PARTS: usize = 200;

pub(super) fn too_big(what: String) -> AppError {
    AppError::invalid("file", what)
}

/// Reads an uploaded roster: XLSX (first sheet) or CSV in UTF-8 or GBK.
/// At most `MAX_IMPORT_ROWS` rows of `MAX_IMPORT_COLUMNS` columns.
pub fn read_table(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    if bytes.starts_with(b"PK") {
        return read_xlsx(bytes);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
        Err(_) => {
            let (s, _, bad) = encoding_rs::GBK.decode(bytes);
            if bad {
                return Err(AppError::invalid(
                    "file",
                    "the file is neither XLSX nor CSV in UTF-8 or GBK",
                ));
            }
            s.into_owned()
        }
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        if i >= MAX_IMPORT_ROWS {
            return Err(too_big(format!(
                "the file has more than {MAX_IMPORT_ROWS} rows; split it"
            )));
        }
        let rec = rec.map_err(|e| AppError::invalid("file", format!("row {}: {e}", i + 1)))?;
        if rec.len() > MAX_IMPORT_COLUMNS {
            return Err(too_big(format!(
                "row {} has more than {MAX_IMPORT_COLUMNS} columns",
                i + 1
            )));
        }
        out.push(rec.iter().map(str::to_string).collect());
    }
    Ok(out)
}

/// The first sheet of an XLSX, cell by cell. The ZIP's directory is read
/// first: too many parts, or parts that together unpack to more than
/// `MAX_XLSX_UNPACKED`, refuse the file before any part is inflated. The
/// sheet's own claim of its used range is not trusted: cells are read one
/// at a time and the file is refused at the first cell beyond the limits.
pub(super) fn read_xlsx(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    use calamine::{Reader, Xlsx};
    let bad = |e: String| AppError::invalid("file", format!("cannot read the XLSX file: {e}"));
    check_xlsx_parts(bytes, MAX_XLSX_UNPACKED)?;
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let first = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| bad("it has no sheet".into()))?;
    let mut cells = wb
        .worksheet_cells_reader(&first)
        .map_err(|e| bad(e.to_string()))?;
    let mut out: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|e| bad(e.to_string()))? {
        let (row, col) = cell.get_position();
        let (row, col) = (row as usize, col as usize);
        if row >= MAX_IMPORT_ROWS {
            return Err(too_big(format!(
                "the sheet has more than {MAX_IMPORT_ROWS} rows; split it"
            )));
        }
        if col >= MAX_IMPORT_COLUMNS {
            return Err(too_big(format!(
                "row {} has more than {MAX_IMPORT_COLUMNS} columns",
                row + 1
            )));
        }
        let text = calamine::Data::from(cell.get_value().clone()).to_string();
        if text.is_empty() {
            continue;
        }
        if out.len() <= row {
            out.resize_with(row + 1, Vec::new);
        }
        let r = &mut out[row];
        if r.len() <= col {
            r.resize(col + 1, String::new());
        }
        r[col] = text;
    }
    // Like the sheet's used range: from its first row and column that hold
    // anything (a title row above the header, or a margin column, is kept
    // out of the way as before).
    let first_row = out.iter().position(|r| !r.is_empty()).unwrap_or(out.len());
    out.drain(..first_row);
    let first_col = out
        .iter()
        .filter_map(|r| r.iter().position(|c| !c.is_empty()))
        .min()
        .unwrap_or(0);
    for r in &mut out {
        r.drain(..first_col.min(r.len()));
    }
    Ok(out)
}

/// Refuses an XLSX (a ZIP) before any of it is parsed: too many parts, or
/// parts that together unpack to more than `max_unpacked` bytes. Each part
/// is inflated into nothing, counting, whatever its header says its size
/// is: a header that lies cannot make this read more than the limit, in
/// memory or in time.
pub(crate) fn check_xlsx_parts(bytes: &[u8], max_unpacked: u64) -> AppResult<()> {
    let bad = |e: String| AppError::invalid("file", format!("cannot read the XLSX file: {e}"));
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    if zip.len() > MAX_XLSX_PARTS {
        return Err(too_big(format!(
            "the XLSX file has {} parts (at most {MAX_XLSX_PARTS})",
            zip.len()
        )));
    }
    let mut unpacked: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| bad(e.to_string()))?;
        let left = max_unpacked - unpacked;
        let n = std::io::copy(
            &mut std::io::Read::take(part, left + 1),
            &mut std::io::sink(),
        )
        .map_err(|e| bad(e.to_string()))?;
        unpacked += n;
        if unpacked > max_unpacked {
            return Err(too_big(format!(
                "the XLSX file unpacks to more than {} MiB; split it",
                max_unpacked / (1024 * 1024)
            )));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportPreviewRow {
    pub row: usize,
    pub name: String,
    /// `create` or `update` (a tenant of that name is on the roster).
    pub action: String,
    pub units: Vec<String>,
    pub has_emergency_contact: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportPreview {
    /// True when every row is good and the file can be imported.
    pub ok: bool,
    pub rows: Vec<ImportPreviewRow>,
    pub problems: Vec<ImportProblem>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    pub created: usize,
    pub updated: usize,
}

/// A row resolved against the database: the unit ids and the existing
/// tenant it updates, if any.
pub(super) struct Resolved {
    row: ImportRow,
    unit_ids: Vec<i64>,
    existing: Option<TenantRow>,
}

pub(super) async fn resolve_rows(
    c: &mut Conn,
    site_id: i64,
    table: &[Vec<String>],
) -> AppResult<(Vec<Resolved>, Vec<ImportProblem>)> {
    let (rows, mut problems) = parse_roster(table)?;
    let mut out = Vec::new();
    let mut claimed: HashMap<i64, usize> = HashMap::new();
    for row in rows {
        let existing = store::by_name(c, site_id, &row.tenant.name).await?;
        let mut unit_ids = Vec::new();
        let mut bad = false;
        for n in &row.units {
            match site_store::unit_by_number(c, site_id, n.as_str()).await? {
                None => {
                    problems.push(ImportProblem {
                        row: row.row,
                        field: "units".into(),
                        message: format!("there is no unit {}", n.as_str()),
                    });
                    bad = true;
                }
                Some(u) => {
                    if let (Some(occ), Some(occ_name)) = (u.tenant_id, &u.tenant_name) {
                        if existing.as_ref().map(|e| e.id) != Some(occ) {
                            problems.push(ImportProblem {
                                row: row.row,
                                field: "units".into(),
                                message: format!("unit {} is occupied by {occ_name}", u.number),
                            });
                            bad = true;
                            continue;
                        }
                    }
                    if let Some(first) = claimed.insert(u.id, row.row) {
                        problems.push(ImportProblem {
                            row: row.row,
                            field: "units".into(),
                            message: format!("unit {} is also on row {first}", u.number),
                        });
                        bad = true;
                    }
                    unit_ids.push(u.id);
                }
            }
        }
        if !bad {
            out.push(Resolved {
                row,
                unit_ids,
                existing,
            });
        }
    }
    problems.sort_by_key(|p| p.row);
    Ok((out, problems))
}

pub(super) fn preview_of(resolved: &[Resolved], problems: Vec<ImportProblem>) -> ImportPreview {
    ImportPreview {
        ok: problems.is_empty(),
        rows: resolved
            .iter()
            .map(|r| ImportPreviewRow {
                row: r.row.row,
                name: r.row.tenant.name.clone(),
                action: if r.existing.is_some() {
                    "update"
                } else {
                    "create"
                }
                .into(),
                units: r.row.units.iter().map(|u| u.as_str().to_string()).collect(),
                has_emergency_contact: r.row.tenant.emergency_contact_phone.is_some(),
            })
            .collect(),
        problems,
    }
}

/// `read_table` on the blocking pool: inflating and parsing a file is CPU
/// work that must not hold up a runtime thread.
pub(super) async fn read_table_off_runtime(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || read_table(&bytes))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
}

/// Checks a file without importing anything.
pub async fn import_preview(
    app: &App,
    actor: &Actor,
    site_id: i64,
    bytes: &[u8],
) -> AppResult<ImportPreview> {
    actor.authorize(Action::TenantsImport, site_id)?;
    let table = read_table_off_runtime(bytes).await?;
    let mut c = app.db.read().await?;
    crate::scope::site_row(&mut c, site_id).await?;
    let (resolved, problems) = resolve_rows(&mut c, site_id, &table).await?;
    Ok(preview_of(&resolved, problems))
}

/// Imports a file whole, in one transaction, or nothing: any bad row refuses
/// the file with every bad row named.
///
/// The file is read and every row checked against the roster on a read
/// connection first, so a bad file never takes the write lock and a good
/// one holds it only for the writes. What may change in between is checked
/// again inside the transaction: an updated tenant's version, that no
/// tenant of a new row's name has appeared, and each unit's occupant.
pub async fn import_commit(
    app: &App,
    actor: &Actor,
    site_id: i64,
    bytes: &[u8],
) -> AppResult<ImportResult> {
    actor.authorize(Action::TenantsImport, site_id)?;
    let table = read_table_off_runtime(bytes).await?;
    let resolved = {
        let mut c = app.db.read().await?;
        crate::scope::site_row(&mut c, site_id).await?;
        let (resolved, problems) = resolve_rows(&mut c, site_id, &table).await?;
        if !problems.is_empty() {
            return Err(AppError::InvalidRows(problems));
        }
        resolved
    };
    if resolved.is_empty() {
        return Err(AppError::invalid("file", "the file has no tenant rows"));
    }
    let resolved = &resolved;
    let (created, updated) = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                for r in resolved.iter().filter(|r| r.existing.is_none()) {
                    if store::by_name(w, site_id, &r.row.tenant.name)
                        .await?
                        .is_some()
                    {
                        return Err(AppError::VersionConflict);
                    }
                }
                let (mut created, mut updated) = (0, 0);
                for r in resolved.iter() {
                    let t = &r.row.tenant;
                    let initials = pinyin_initials(&t.name);
                    let id = match &r.existing {
                        Some(old) => {
                            let mut t = t.clone();
                            t.note = old.note.clone();
                            let same_version = store::update(
                                w,
                                old.id,
                                old.version,
                                &values(&t, &initials, false),
                                now,
                            )
                            .await?;
                            if !same_version {
                                // Changed since the file was checked: nothing is imported.
                                return Err(AppError::VersionConflict);
                            }
                            updated += 1;
                            old.id
                        }
                        None => {
                            created += 1;
                            store::insert(w, site_id, &values(t, &initials, false), now).await?
                        }
                    };
                    set_units(w, site_id, id, &r.unit_ids, now)
                        .await
                        .map_err(|e| match e {
                            AppError::Invalid { message, .. } => {
                                AppError::InvalidRows(vec![ImportProblem {
                                    row: r.row.row,
                                    field: "units".into(),
                                    message,
                                }])
                            }
                            other => other,
                        })?;
                }
                w.audit(
                    Some(site_id),
                    "import",
                    "tenant",
                    None,
                    serde_json::json!({"created": created, "updated": updated}),
                )
                .await?;
                Ok((created, updated))
            })
        })
        .await?;
    Ok(ImportResult { created, updated })
}
