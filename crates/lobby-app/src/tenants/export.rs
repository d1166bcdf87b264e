//! Part of `tenants`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

/// The whole roster of a site as a file. The confidential columns are
/// included only for those who may read them, and that read is audited.
pub async fn export(
    app: &App,
    actor: &Actor,
    site_id: i64,
    format: ExportFormat,
) -> AppResult<Vec<u8>> {
    actor.authorize(Action::TenantsExport, site_id)?;
    let confidential = actor.can(Action::TenantContactsRead, site_id);
    let mut c = app.db.read().await?;
    let mut all = Vec::new();
    let mut after: Option<(String, i64)> = None;
    loop {
        let rows = store::list(
            &mut c,
            site_id,
            None,
            false,
            after.as_ref().map(|(k, i)| (k.as_str(), *i)),
            500,
        )
        .await?;
        let Some(last) = rows.last() else { break };
        after = Some((last.name_initials.clone(), last.id));
        let n = rows.len();
        all.extend(rows);
        if n < 500 {
            break;
        }
    }
    let ids: Vec<i64> = all.iter().map(|t| t.id).collect();
    let mut units = units_by_tenant(&mut c, &ids).await?;
    drop(c);
    let cols: Vec<(&str, &str)> = ROSTER_COLUMNS
        .iter()
        .copied()
        .filter(|(k, _)| confidential || !k.starts_with("emergency_"))
        .collect();
    let table: Vec<Vec<String>> = all
        .iter()
        .map(|t| {
            let u = units.remove(&t.id).unwrap_or_default();
            let numbers = u
                .iter()
                .map(|u| u.number.as_str())
                .collect::<Vec<_>>()
                .join("、");
            cols.iter()
                .map(|(k, _)| match *k {
                    "name" => t.name.clone(),
                    "kind" => if t.kind == TenantKind::Person {
                        "个人"
                    } else {
                        "公司"
                    }
                    .to_string(),
                    "units" => numbers.clone(),
                    "day_phone" => t.day_phone.clone().unwrap_or_default(),
                    "contact_person" => t.contact_person.clone().unwrap_or_default(),
                    "emergency_contact_name" => {
                        t.emergency_contact_name.clone().unwrap_or_default()
                    }
                    "emergency_contact_phone" => {
                        t.emergency_contact_phone.clone().unwrap_or_default()
                    }
                    "email" => t.email.clone().unwrap_or_default(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    let header: Vec<&str> = cols.iter().map(|(_, zh)| *zh).collect();
    let bytes = match format {
        ExportFormat::Csv => crate::export::write_csv(&header, &table)?,
        ExportFormat::Xlsx => write_xlsx(&header, &table)?,
    };
    audit::record_alone(
        app,
        actor,
        Some(site_id),
        if confidential { "export_confidential" } else { "export" },
        "tenant",
        None,
        serde_json::json!({"rows": table.len(), "format": if format == ExportFormat::Csv { "csv" } else { "xlsx" }}),
    )
    .await?;
    Ok(bytes)
}

pub(super) fn write_xlsx(header: &[&str], rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("租户名单").map_err(xl)?;
    let bold = Format::new().set_bold();
    for (i, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)
            .map_err(xl)?;
        ws.set_column_width(i as u16, 18).map_err(xl)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (i, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, i as u16, v).map_err(xl)?;
        }
    }
    wb.save_to_buffer().map_err(xl)
}
