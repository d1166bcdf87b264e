//! Part of `sites`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VacantRow {
    pub unit: UnitView,
    /// Whole days since the unit became vacant, in the site's zone.
    pub days_vacant: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VacantReport {
    pub site: SiteView,
    /// The day the report is for, in the site's zone.
    pub as_of: String,
    pub rows: Vec<VacantRow>,
    pub vacant_units: i64,
    pub vacant_area_m2: f64,
    pub total_units: i64,
    pub total_area_m2: f64,
    /// Vacant area as a share of all area, in percent with one decimal.
    pub vacancy_rate_pct: f64,
    pub renovating_units: i64,
}

pub async fn vacant_report(app: &App, actor: &Actor, site_id: i64) -> AppResult<VacantReport> {
    actor.authorize(Action::VacantReport, site_id)?;
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, site_id).await?;
    let today = time::local_date(app.now(), &site.timezone)?;
    let mut rows = Vec::new();
    let mut after: Option<(String, i64)> = None;
    loop {
        let chunk = store::units(
            &mut c,
            &UnitFilter {
                site_id,
                status: Some("vacant"),
                building_id: None,
                floor_id: None,
                q: None,
                include_archived: false,
            },
            after.as_ref().map(|(k, i)| (k.as_str(), *i)),
            500,
        )
        .await?;
        let Some(last) = chunk.last() else { break };
        after = Some((last.sort_key.clone(), last.id));
        let n = chunk.len();
        for u in chunk {
            let days = match u.vacant_since {
                Some(v) => Some((today - time::local_date(v, &site.timezone)?).get_days() as i64),
                None => None,
            };
            rows.push(VacantRow {
                unit: u.into(),
                days_vacant: days,
            });
        }
        if n < 500 {
            break;
        }
    }
    let counts = store::unit_counts(&mut c, site_id).await?;
    let total_units = counts.iter().map(|s| s.n).sum();
    let total_area: f64 = counts.iter().map(|s| s.area).sum();
    let vacant_area: f64 = rows.iter().map(|r| r.unit.area_m2).sum();
    let renovating = counts
        .iter()
        .find(|s| s.status == UnitStatus::Renovating)
        .map(|s| s.n)
        .unwrap_or(0);
    Ok(VacantReport {
        as_of: today.to_string(),
        vacant_units: rows.len() as i64,
        vacant_area_m2: (vacant_area * 100.0).round() / 100.0,
        total_units,
        total_area_m2: (total_area * 100.0).round() / 100.0,
        vacancy_rate_pct: if total_area > 0.0 {
            (vacant_area / total_area * 1000.0).round() / 10.0
        } else {
            0.0
        },
        renovating_units: renovating,
        site: site.into(),
        rows,
    })
}

/// The report as an XLSX workbook, headers in Chinese (the form the
/// manager files).
pub fn vacant_report_xlsx(r: &VacantReport) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("空置单元").map_err(xl)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(
        0,
        0,
        format!("{} 空置单元资料 {}", r.site.name, r.as_of),
        &bold,
    )
    .map_err(xl)?;
    let headers = [
        "单元",
        "楼栋",
        "楼层",
        "面积(m²)",
        "空置起始",
        "空置天数",
        "备注",
    ];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(2, i as u16, *h, &bold)
            .map_err(xl)?;
    }
    for (i, row) in r.rows.iter().enumerate() {
        let n = 3 + i as u32;
        let u = &row.unit;
        ws.write_string(n, 0, &u.number).map_err(xl)?;
        ws.write_string(n, 1, &u.building).map_err(xl)?;
        ws.write_string(n, 2, &u.floor).map_err(xl)?;
        ws.write_number(n, 3, u.area_m2).map_err(xl)?;
        if let Some(v) = &u.vacant_since {
            ws.write_string(n, 4, v.get(..10).unwrap_or(v))
                .map_err(xl)?;
        }
        if let Some(d) = row.days_vacant {
            ws.write_number(n, 5, d as f64).map_err(xl)?;
        }
        ws.write_string(n, 6, u.note.as_deref().unwrap_or(""))
            .map_err(xl)?;
    }
    let t = 4 + r.rows.len() as u32;
    ws.write_string_with_format(t, 0, "合计", &bold)
        .map_err(xl)?;
    ws.write_number(t, 1, r.vacant_units as f64).map_err(xl)?;
    ws.write_number(t, 3, r.vacant_area_m2).map_err(xl)?;
    ws.write_string(
        t + 1,
        0,
        format!(
            "空置率 {}% (全部 {} 个单元, {} m²)",
            r.vacancy_rate_pct, r.total_units, r.total_area_m2
        ),
    )
    .map_err(xl)?;
    ws.set_column_width(0, 12).map_err(xl)?;
    ws.set_column_width(4, 14).map_err(xl)?;
    ws.set_column_width(6, 30).map_err(xl)?;
    wb.save_to_buffer().map_err(xl)
}

/// (vacant, occupied, renovating, tenants) of a site, for home pages; the
/// caller has checked the actor may read units.
pub async fn vacant_report_counts(app: &App, site_id: i64) -> AppResult<(i64, i64, i64, i64)> {
    let mut c = app.db.read().await?;
    let counts = store::unit_counts(&mut c, site_id).await?;
    let n = |s: UnitStatus| {
        counts
            .iter()
            .find(|x| x.status == s)
            .map(|x| x.n)
            .unwrap_or(0)
    };
    let tenants = lobby_store::tenants::count_active(&mut c, site_id).await?;
    Ok((
        n(UnitStatus::Vacant),
        n(UnitStatus::Occupied),
        n(UnitStatus::Renovating),
        tenants,
    ))
}
