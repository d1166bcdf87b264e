//! Going live (上线导入): the XLSX templates a department fills from its own
//! spreadsheets, one per kind of record (CONTRACT.md, "Going live"). Each
//! has the headers in the reader's language, a notes row saying what each
//! column takes, a drop-down where the values are fixed, and one example
//! row; the import reads the same columns.

mod apply;
pub mod cells;
mod checks;
pub mod export;
mod imports;
mod plan;
pub mod read;

pub use apply::StaffLink;
pub use cells::Labels;
pub use export::{KindExport, SiteExport};
pub use imports::{
    confirm, get, may_import, recent, upload, Changed, Files, ImportSummary, KindPreview,
    UploadPreview,
};
pub use plan::{CellChange, RowError};

use lobby_domain::golive::RecordKind;
use lobby_domain::policy::Action as Can;

use serde::Serialize;

use crate::{time, Actor, App, AppError, AppResult};

/// Rows of a template the drop-downs cover (the import's row cap).
pub const TEMPLATE_ROWS: u32 = crate::tenants::MAX_IMPORT_ROWS as u32;

/// The template of `kind` for a reader in `en` (else Chinese); `labels`
/// names a fixed value for people (`meter_kind` `water` → 水表), and the
/// drop-down offers those names. Who may bring records in may download
/// them (the admin, the project manager, the supervisor).
pub fn template_xlsx(
    actor: &Actor,
    kind: RecordKind,
    en: bool,
    labels: &dyn Labels,
) -> AppResult<Vec<u8>> {
    if !actor.can_anywhere(Can::TenantsImport) {
        return Err(AppError::Forbidden);
    }
    let mut wb = rust_xlsxwriter::Workbook::new();
    let example: Vec<String> = kind
        .columns()
        .iter()
        .map(|c| c.example.to_string())
        .collect();
    write_sheet(&mut wb, kind, en, labels, &[example])?;
    wb.save_to_buffer().map_err(xl)
}

fn xl(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(e.into())
}

/// Writes a kind's sheet in the template's format — headers (`*` marks a
/// required column), the notes row, drop-downs on a choice's column — with
/// `rows` (cells in their one form) below.
pub(crate) fn write_sheet(
    wb: &mut rust_xlsxwriter::Workbook,
    kind: RecordKind,
    en: bool,
    labels: &dyn Labels,
    rows: &[Vec<String>],
) -> AppResult<()> {
    use rust_xlsxwriter::{Color, DataValidation, Format};
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xE0EAFF));
    let required = head.clone().set_font_color(Color::RGB(0xB42318));
    let note = Format::new()
        .set_italic()
        .set_font_color(Color::RGB(0x667085))
        .set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name(kind.sheet(en)).map_err(xl)?;
    let last = u32::try_from(rows.len())
        .map_err(|e| AppError::Internal(e.into()))?
        .max(TEMPLATE_ROWS)
        + 1;
    for (i, c) in kind.columns().iter().enumerate() {
        let col = u16::try_from(i).map_err(|e| AppError::Internal(e.into()))?;
        let title = if en { c.en } else { c.zh };
        let title = if c.required {
            format!("{title} *")
        } else {
            title.to_string()
        };
        ws.write_string_with_format(0, col, &title, if c.required { &required } else { &head })
            .map_err(xl)?;
        let what = if en { c.note_en } else { c.note_zh };
        ws.write_string_with_format(1, col, what, &note)
            .map_err(xl)?;
        for (r, cells) in rows.iter().enumerate() {
            let v = cells.get(i).map(String::as_str).unwrap_or("");
            if v.is_empty() {
                continue;
            }
            let row = u32::try_from(r + 2).map_err(|e| AppError::Internal(e.into()))?;
            // Text, always: a unit 0801 or a phone 021… stays as written,
            // and nothing a record holds is ever read as a formula.
            ws.write_string(row, col, cells::shown(c, v, labels, en))
                .map_err(xl)?;
        }
        ws.set_column_width(col, 16).map_err(xl)?;
        if let Some((prefix, values)) = c.choices {
            let names: Vec<String> = values.iter().map(|v| labels.label(prefix, v, en)).collect();
            let dv = DataValidation::new()
                .allow_list_strings(&names)
                .map_err(xl)?;
            ws.add_data_validation(2, col, last, col, &dv).map_err(xl)?;
        }
    }
    ws.set_row_height(1, 30).map_err(xl)?;
    ws.set_freeze_panes(2, 0).map_err(xl)?;
    Ok(())
}

/// How many records of a kind the site holds, and how they came.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindCount {
    pub kind: RecordKind,
    pub count: i64,
    /// `not_started` (none yet), `entered` (typed in, never imported),
    /// `imported`, or `warnings` (its last import left rows out).
    pub state: String,
    /// When its last import was confirmed.
    pub imported_at: Option<String>,
}

/// Something the first month still lacks, with a few of them named.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Missing {
    /// `units_without_meter`, `let_units_without_tenant`,
    /// `tenants_without_day_contact`, `meters_without_reading`,
    /// `fee_items_without_rate`.
    pub what: String,
    pub count: i64,
    /// Up to five (unit numbers, meter serials, names).
    pub examples: Vec<String>,
}

/// Where a site stands on its way live: each kind's count, in the order
/// they depend on each other, and what its first month still lacks.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GoLiveStatus {
    pub site_id: i64,
    pub kinds: Vec<KindCount>,
    pub missing: Vec<Missing>,
}

/// The site's go-live status, for who may bring records in.
pub async fn status(app: &App, actor: &Actor, site_id: i64) -> AppResult<GoLiveStatus> {
    actor.authorize(Can::TenantsImport, site_id)?;
    let mut c = app.db.read().await?;
    crate::scope::site_row(&mut c, site_id).await?;
    let imports = lobby_store::golive::imports::of_site(&mut c, site_id, 200).await?;
    let mut kinds = Vec::new();
    for k in RecordKind::ALL {
        let count = lobby_store::golive::count_of(&mut c, k.as_str(), site_id).await?;
        let last = imports
            .iter()
            .filter(|i| i.state == "confirmed")
            .find(|i| i.kinds.split(',').any(|x| x == k.as_str()));
        let warned = last.is_some_and(|i| {
            serde_json::from_str::<UploadPreview>(&i.preview).is_ok_and(|p| {
                p.kinds
                    .iter()
                    .any(|x| x.kind == *k && !x.warnings.is_empty())
            })
        });
        let state = match (count, last) {
            (_, Some(_)) if warned => "warnings",
            (_, Some(_)) => "imported",
            (0, None) => "not_started",
            _ => "entered",
        };
        kinds.push(KindCount {
            kind: *k,
            count,
            state: state.into(),
            imported_at: last.and_then(|i| i.confirmed_at).map(time::rfc3339),
        });
    }
    let missing = lobby_store::golive::missing(&mut c, site_id)
        .await?
        .into_iter()
        .map(|(what, count, examples)| Missing {
            what: what.to_string(),
            count,
            examples,
        })
        .collect();
    Ok(GoLiveStatus {
        site_id,
        kinds,
        missing,
    })
}

/// The first month's statements, tried before anything is issued.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FirstMonth {
    pub site_id: i64,
    /// `2026-12`
    pub month: String,
    pub count: usize,
    pub total_fen: i64,
    pub statements: Vec<crate::fees::DryStatement>,
}

/// A dry run of the site's first month (this month unless `month` says):
/// the statements the fee module would make from what was brought in.
pub async fn first_month(
    app: &App,
    actor: &Actor,
    site_id: i64,
    month: Option<&str>,
) -> AppResult<FirstMonth> {
    if !(actor.can(Can::TenantsImport, site_id) || actor.can(Can::FeesManage, site_id)) {
        return Err(AppError::Forbidden);
    }
    let month = match month.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => m.to_string(),
        None => crate::scope::site_today(app, site_id)
            .await?
            .0
            .strftime("%Y-%m")
            .to_string(),
    };
    let statements = crate::fees::dry_run(app, actor, site_id, &month).await?;
    let total_fen = AppError::sum_fen("the first month", statements.iter().map(|s| s.total_fen))?;
    Ok(FirstMonth {
        site_id,
        month,
        count: statements.len(),
        total_fen,
        statements,
    })
}
