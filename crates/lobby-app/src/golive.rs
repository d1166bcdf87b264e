//! Going live (上线导入): the XLSX templates a department fills from its own
//! spreadsheets, one per kind of record (CONTRACT.md, "Going live"). Each
//! has the headers in the reader's language, a notes row saying what each
//! column takes, a drop-down where the values are fixed, and one example
//! row; the import reads the same columns.

use lobby_domain::golive::RecordKind;
use lobby_domain::policy::Action as Can;

use serde::Serialize;

use crate::{Actor, App, AppError, AppResult};

/// Rows of a template the drop-downs cover (the import's row cap).
pub const TEMPLATE_ROWS: u32 = crate::tenants::MAX_IMPORT_ROWS as u32;

/// The template of `kind` for a reader in `en` (else Chinese); `label`
/// names a fixed value for people (`label("meter_kind", "water")` → 水表),
/// and the drop-down offers those names. Who may bring records in may
/// download them (the admin, the project manager, the supervisor).
pub fn template_xlsx(
    actor: &Actor,
    kind: RecordKind,
    en: bool,
    label: &dyn Fn(&str, &str) -> String,
) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Color, DataValidation, Format, Workbook};
    if !actor.can_anywhere(Can::TenantsImport) {
        return Err(AppError::Forbidden);
    }
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
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
        let example = match (c.choices, c.example) {
            (Some((prefix, _)), v) if !v.is_empty() => label(prefix, v),
            (_, v) => v.to_string(),
        };
        ws.write_string(2, col, &example).map_err(xl)?;
        ws.set_column_width(col, 16).map_err(xl)?;
        if let Some((prefix, values)) = c.choices {
            let names: Vec<String> = values.iter().map(|v| label(prefix, v)).collect();
            let dv = DataValidation::new()
                .allow_list_strings(&names)
                .map_err(xl)?;
            ws.add_data_validation(2, col, TEMPLATE_ROWS + 1, col, &dv)
                .map_err(xl)?;
        }
    }
    ws.set_row_height(1, 30).map_err(xl)?;
    ws.set_freeze_panes(2, 0).map_err(xl)?;
    wb.save_to_buffer().map_err(xl)
}

/// How many records of a kind the site holds.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindCount {
    pub kind: RecordKind,
    pub count: i64,
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
    let mut kinds = Vec::new();
    for k in RecordKind::ALL {
        kinds.push(KindCount {
            kind: *k,
            count: lobby_store::golive::count_of(&mut c, k.as_str(), site_id).await?,
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
