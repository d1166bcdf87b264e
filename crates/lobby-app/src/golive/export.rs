//! Everything out: one workbook per site holding every kind in the
//! templates' format (so it imports into another lobby as it is), and the
//! same records as JSON for programs.

use lobby_domain::golive::RecordKind;
use serde::Serialize;

use super::cells::Labels;
use super::may_import;
use super::plan::existing;
use crate::{Actor, App, AppError, AppResult};

/// A kind's records as JSON: each an object of its columns (codes for
/// fixed values, yuan with two decimals, days as `YYYY-MM-DD`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindExport {
    pub kind: RecordKind,
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SiteExport {
    pub site_id: i64,
    pub site: String,
    pub kinds: Vec<KindExport>,
}

/// Every kind's records, read in one snapshot. Who may export: who may
/// bring every kind in at the site (its data leaves whole: the admin);
/// the staff sheet is the only one with colleagues' contacts, and no
/// password or token is in any of it.
async fn records(
    app: &App,
    actor: &Actor,
    site_id: i64,
    labels: &dyn Labels,
) -> AppResult<(String, Vec<(RecordKind, Vec<Vec<String>>)>)> {
    if !RecordKind::ALL
        .iter()
        .all(|k| may_import(actor, *k, site_id))
    {
        return Err(AppError::Forbidden);
    }
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, site_id).await?;
    let mut out = Vec::new();
    for k in RecordKind::ALL {
        out.push((
            *k,
            existing(&mut c, site_id, &site.timezone, *k, labels).await?,
        ));
    }
    Ok((site.name, out))
}

/// The site's workbook: one sheet a kind, in the reader's language.
pub async fn export_xlsx(
    app: &App,
    actor: &Actor,
    site_id: i64,
    en: bool,
    labels: &dyn Labels,
) -> AppResult<Vec<u8>> {
    let (_, kinds) = records(app, actor, site_id, labels).await?;
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (k, rows) in &kinds {
        super::write_sheet(&mut wb, *k, en, labels, rows)?;
    }
    wb.save_to_buffer()
        .map_err(|e| AppError::Internal(e.into()))
}

/// The same records for programs.
pub async fn export_json(
    app: &App,
    actor: &Actor,
    site_id: i64,
    labels: &dyn Labels,
) -> AppResult<SiteExport> {
    let (site, kinds) = records(app, actor, site_id, labels).await?;
    Ok(SiteExport {
        site_id,
        site,
        kinds: kinds
            .into_iter()
            .map(|(kind, rows)| KindExport {
                kind,
                records: rows
                    .into_iter()
                    .map(|r| {
                        kind.columns()
                            .iter()
                            .zip(r)
                            .map(|(c, v)| (c.key.to_string(), serde_json::Value::String(v)))
                            .collect()
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// The file name of a site's export: `lobby-site-7-export.xlsx`.
pub fn file_name(site_id: i64, ext: &str) -> String {
    format!("lobby-site-{site_id}-export.{ext}")
}
