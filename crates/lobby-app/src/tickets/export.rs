//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;

/// The list with `q`'s filters as an XLSX workbook (at most 10,000 rows,
/// newest first), the columns a manager files.
pub async fn export_xlsx(app: &App, actor: &Actor, q: &TicketQuery) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut rows = Vec::new();
    let mut q = TicketQuery {
        limit: Some(page::MAX_LIMIT),
        cursor: None,
        ..q.clone()
    };
    loop {
        let p = list(app, actor, &q).await?;
        rows.extend(p.items);
        match p.next_cursor {
            Some(c) if rows.len() < 10_000 => q.cursor = Some(c),
            _ => break,
        }
    }
    let tz = match q.site_id {
        Some(s) => crate::sites::site(app, actor, s).await?.timezone,
        None => "Asia/Shanghai".into(),
    };
    let zone = time::zone(&tz)?;
    let local = |v: &str| -> AppResult<String> {
        let t: jiff::Timestamp = v.parse().map_err(|e| {
            AppError::Internal(anyhow::anyhow!(
                "a work order's time {v:?} does not parse: {e}"
            ))
        })?;
        Ok(t.to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string())
    };
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("工单").map_err(xl)?;
    let bold = Format::new().set_bold();
    let header = [
        "工单号",
        "事项",
        "类别",
        "紧急程度",
        "单元/位置",
        "租户",
        "部门",
        "状态",
        "报告时间",
        "派工时限",
        "完成时限",
        "完成时间",
        "满意度",
        "超时",
        "升级",
    ];
    for (i, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)
            .map_err(xl)?;
    }
    for (r, t) in rows.iter().enumerate() {
        let n = r as u32 + 1;
        let cells = [
            t.number.clone(),
            t.title.clone(),
            t.kind.as_str().into(),
            t.priority.as_str().into(),
            t.unit_number
                .clone()
                .or(t.location.clone())
                .unwrap_or_default(),
            t.tenant_name.clone().unwrap_or_default(),
            t.department
                .map(|d| d.as_str().to_string())
                .unwrap_or_default(),
            t.state.as_str().into(),
            local(&t.created_at)?,
            local(&t.response_due_at)?,
            local(&t.resolve_due_at)?,
            t.resolved_at
                .as_deref()
                .map(local)
                .transpose()?
                .unwrap_or_default(),
            t.satisfaction.map(|s| s.to_string()).unwrap_or_default(),
            if t.overdue {
                "是".into()
            } else {
                String::new()
            },
            if t.escalated {
                "是".into()
            } else {
                String::new()
            },
        ];
        for (i, v) in cells.iter().enumerate() {
            ws.write_string(n, i as u16, v).map_err(xl)?;
        }
    }
    ws.set_column_width(0, 18).map_err(xl)?;
    ws.set_column_width(1, 28).map_err(xl)?;
    wb.save_to_buffer().map_err(xl)
}
