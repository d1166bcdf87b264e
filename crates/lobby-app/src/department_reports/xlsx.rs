//! The department report as a workbook (Chinese headers, the form filed
//! monthly): the figures, the text and the sign-off on the first sheet,
//! the lists behind them on the next.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::DepartmentReport;
use crate::fees::money_cell;
use crate::{AppError, AppResult};

fn opt(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn permille(v: Option<i64>) -> String {
    v.map(|v| format!("{}.{}", v / 10, v % 10))
        .unwrap_or_default()
}

fn heads(ws: &mut Worksheet, row: u32, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (i, h) in names.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, bold)?;
    }
    Ok(())
}

/// The report as an XLSX workbook.
pub fn report_xlsx(r: &DepartmentReport) -> AppResult<Vec<u8>> {
    build(r).map_err(|e| AppError::Internal(e.into()))
}

fn build(r: &DepartmentReport) -> Result<Vec<u8>, XlsxError> {
    let f = &r.figures;
    let t = &f.tickets;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    let wrap = Format::new().set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name("部门总结")?;
    ws.write_string_with_format(
        0,
        0,
        format!("{} {} 客户服务部月度总结", r.site_name, r.month),
        &bold,
    )?;
    let state = if r.state == lobby_domain::department_reports::ReportState::Signed {
        "已签核归档"
    } else {
        "草稿"
    };
    ws.write_string(1, 0, format!("{} ~ {} · {state}", f.from, f.to))?;
    let facts: Vec<(&str, String)> = vec![
        ("工单总数", t.total.to_string()),
        ("投诉", f.complaints.to_string()),
        ("派工及时率 %", opt(t.response_hit_pct)),
        ("完成及时率 %", opt(t.resolve_hit_pct)),
        ("平均派工（分钟）", opt(t.mean_response_mins)),
        ("平均完成（小时）", opt(t.mean_resolve_hours)),
        ("回访数", t.return_visits.to_string()),
        ("平均满意度", opt(t.satisfaction_mean)),
        ("巡视应巡", f.patrols.scheduled.to_string()),
        ("巡视完成", f.patrols.done.to_string()),
        ("巡视部分完成", f.patrols.partial.to_string()),
        ("巡视漏巡", f.patrols.missed.to_string()),
        ("巡视完成率 %", opt(f.patrols.done_pct)),
        ("巡视发现问题", f.patrols.findings.to_string()),
        ("保洁检查", f.cleaning.inspections.to_string()),
        ("保洁检查合格", f.cleaning.passed.to_string()),
        ("保洁平均分", opt(f.cleaning.mean_score)),
        ("整改通知书发出", f.cleaning.notices_issued.to_string()),
        ("整改通知书关闭", f.cleaning.notices_closed.to_string()),
        ("整改逾期未关闭", f.cleaning.notices_overdue.to_string()),
        ("来访登记", t.visitors.to_string()),
        ("收件", t.parcels.to_string()),
        ("前台咨询", t.desk_inquiries.to_string()),
        ("紧急事件", t.incidents.to_string()),
        ("邮件发出", f.mail.count.to_string()),
        ("账单数", f.money.statements.to_string()),
        ("收缴率 %", permille(f.money.rate_permille)),
        ("欠费租户", f.money.arrears_tenants.to_string()),
        ("空置单元", f.units.vacant.to_string()),
        ("已入住单元", f.units.occupied.to_string()),
        ("装修中单元", f.units.renovating.to_string()),
        ("在住租户", f.units.tenants.to_string()),
        ("考勤人数", f.attendance.people.to_string()),
        ("排班人天", f.attendance.rostered.to_string()),
        ("出勤", f.attendance.present.to_string()),
        ("迟到", f.attendance.late.to_string()),
        ("早退", f.attendance.left_early.to_string()),
        ("缺勤", f.attendance.absent.to_string()),
        ("培训场次", f.training.sessions.to_string()),
        ("外包培训检查", f.training.vendor_sessions.to_string()),
        ("培训人数", f.training.people.to_string()),
        (
            "培训小时",
            format!("{:.2}", f.training.minutes as f64 / 60.0),
        ),
        ("办公用品申购单", f.supplies.requisitions.to_string()),
        ("租户拜访", f.visits.visits.to_string()),
        ("待拜访租户", f.visits.due.to_string()),
    ];
    heads(ws, 3, &["项目", "数值"], &bold)?;
    let mut row = 4u32;
    for (k, v) in &facts {
        ws.write_string(row, 0, *k)?;
        ws.write_string(row, 1, v)?;
        row += 1;
    }
    for (k, fen) in [
        ("应收（元）", f.money.billed_fen),
        ("实收（元）", f.money.collected_fen),
        ("欠费金额（元）", f.money.arrears_fen),
        ("办公用品费用（元）", f.supplies.total_fen),
        ("邮资（元）", f.mail.cost_fen),
    ] {
        ws.write_string(row, 0, k)?;
        money_cell(ws, row, 1, fen, &money)?;
        row += 1;
    }
    row += 1;
    if !f.violations.is_empty() {
        heads(
            ws,
            row,
            &["违章类别", "登记", "已整改", "已罚款", "撤销", "未结"],
            &bold,
        )?;
        row += 1;
        for v in &f.violations {
            ws.write_string(row, 0, &v.kind)?;
            for (j, n) in [v.recorded, v.fixed, v.fined, v.withdrawn, v.open]
                .iter()
                .enumerate()
            {
                ws.write_string(row, 1 + j as u16, n.to_string())?;
            }
            row += 1;
        }
        row += 1;
    }
    for (k, v) in [("本月总结", &r.summary), ("下月计划", &r.plan)] {
        ws.write_string_with_format(row, 0, k, &bold)?;
        ws.write_string_with_format(row, 1, v.as_str(), &wrap)?;
        row += 1;
    }
    ws.write_string(row, 0, "撰写")?;
    ws.write_string(row, 1, r.written_by.as_deref().unwrap_or(""))?;
    ws.write_string(row + 1, 0, "签核")?;
    ws.write_string(
        row + 1,
        1,
        match (&r.signed_by, &r.signed_at) {
            (Some(b), Some(at)) => format!("{b} {at}"),
            _ => String::new(),
        },
    )?;
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 60)?;

    let ws = wb.add_worksheet();
    ws.set_name("工单分类")?;
    let mut col = 0u16;
    for (title, list) in [
        ("类别", &t.by_kind),
        ("部门", &t.by_department),
        ("日期", &t.per_day),
    ] {
        ws.write_string_with_format(0, col, title, &bold)?;
        ws.write_string_with_format(0, col + 1, "数量", &bold)?;
        for (i, c) in list.iter().enumerate() {
            ws.write_string(1 + i as u32, col, &c.key)?;
            ws.write_number(1 + i as u32, col + 1, c.n as f64)?;
        }
        col += 3;
    }

    let ws = wb.add_worksheet();
    ws.set_name("费用收缴")?;
    heads(ws, 0, &["项目", "应收（元）", "实收（元）"], &bold)?;
    for (i, l) in f.money.items.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, &l.name)?;
        money_cell(ws, row, 1, l.billed_fen, &money)?;
        money_cell(ws, row, 2, l.collected_fen, &money)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name("外包评分")?;
    heads(ws, 0, &["外包单位", "月度评分"], &bold)?;
    for (i, v) in f
        .cleaning
        .vendor_scores
        .iter()
        .chain(f.supervision.iter())
        .enumerate()
    {
        ws.write_string(1 + i as u32, 0, &v.vendor_name)?;
        ws.write_number(1 + i as u32, 1, v.total)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name("办公用品")?;
    heads(ws, 0, &["部门", "类别", "费用（元）"], &bold)?;
    for (i, c) in f.supplies.costs.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, c.department.as_str())?;
        ws.write_string(row, 1, c.category.as_str())?;
        money_cell(ws, row, 2, c.cost_fen, &money)?;
    }
    wb.save_to_buffer()
}
