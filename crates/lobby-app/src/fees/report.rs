//! The month's money for 综合部: billed against collected (收缴率) per fee
//! item, and the month's and the arrears' workbooks. Amounts go into the
//! workbook as exact decimal formulas (`=1234.56`), never through a float.

use lobby_domain::fees::{div_half_up, yuan, StatementState};
use lobby_domain::money::Fen;
use lobby_store::fees::{self as store, StatementFilter};
use serde::Serialize;

use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemCollection {
    pub name: String,
    pub billed_fen: i64,
    /// What was paid of it: each statement's payments shared over its
    /// lines by amount.
    pub collected_fen: i64,
    /// Collected per thousand billed (965 = 96.5 %); none when nothing billed.
    pub rate_permille: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CollectionReport {
    /// `2026-11`
    pub month: String,
    pub statements: i64,
    pub billed_fen: i64,
    pub collected_fen: i64,
    pub rate_permille: Option<i64>,
    pub items: Vec<ItemCollection>,
    /// What was kept of deposits settled in the month, in 分: income, not
    /// billing (it is in neither `billed_fen` nor the rate).
    pub deposits_kept_fen: i64,
}

/// Checked money arithmetic for the report: stored statements are bounded,
/// so an overflow here is a broken row, an internal error.
fn sum(items: impl IntoIterator<Item = i64>) -> AppResult<i64> {
    Fen::sum(items.into_iter().map(Fen::new))
        .map(Fen::get)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the month's money overflows")))
}

fn add(a: i64, b: i64) -> AppResult<i64> {
    sum([a, b])
}

fn permille(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| div_half_up(i128::from(part) * 1000, i128::from(whole)))
}

/// The month's statements (not void) with their lines.
async fn month_rows(
    app: &App,
    site_id: i64,
    month: &str,
) -> AppResult<(Vec<store::StatementRow>, Vec<store::LineRow>)> {
    let mut c = app.db.read().await?;
    let rows: Vec<_> = store::statements(
        &mut c,
        &StatementFilter {
            site_id,
            month: Some(month),
            ..Default::default()
        },
        i64::MAX,
        i64::MAX,
    )
    .await?
    .into_iter()
    .filter(|s| s.state != StatementState::Void)
    .collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let lines = store::lines(&mut c, &ids).await?;
    Ok((rows, lines))
}

/// Billed and collected per fee item for a month (staff who read fees).
pub async fn collection(
    app: &App,
    actor: &Actor,
    site_id: i64,
    month: &str,
) -> AppResult<CollectionReport> {
    actor.authorize(lobby_domain::policy::Action::FeesReport, site_id)?;
    collection_of(app, site_id, month).await
}

/// The month's collection, for a caller already let in (the department report).
pub(crate) async fn collection_of(
    app: &App,
    site_id: i64,
    month: &str,
) -> AppResult<CollectionReport> {
    let month = time::parse_month("month", month)?
        .0
        .strftime("%Y-%m")
        .to_string();
    let (rows, lines) = month_rows(app, site_id, &month).await?;
    let (items, deposits_kept_fen) = {
        let mut c = app.db.read().await?;
        let site = crate::scope::site_row(&mut c, site_id).await?;
        let tz = time::zone(&site.timezone)?;
        let first = time::parse_month("month", &month)?.0;
        let next = first
            .checked_add(jiff::Span::new().months(1))
            .map_err(|e| AppError::Internal(e.into()))?;
        let kept = store::kept_between(
            &mut c,
            site_id,
            crate::scope::day_start(first, &tz)?,
            crate::scope::day_start(next, &tz)?,
        )
        .await?;
        (store::fee_items(&mut c, site_id).await?, kept)
    };
    let mut out: Vec<ItemCollection> = Vec::new();
    for r in &rows {
        let mine: Vec<_> = lines.iter().filter(|l| l.statement_id == r.id).collect();
        for l in mine {
            let name = l
                .fee_item_id
                .and_then(|id| items.iter().find(|i| i.id == id))
                .map_or_else(|| l.label.clone(), |i| i.name.clone());
            let share = if r.total_fen > 0 {
                div_half_up(
                    i128::from(l.amount_fen) * i128::from(r.paid_fen.min(r.total_fen)),
                    i128::from(r.total_fen),
                )
            } else {
                0
            };
            match out.iter_mut().find(|i| i.name == name) {
                Some(i) => {
                    i.billed_fen = add(i.billed_fen, l.amount_fen)?;
                    i.collected_fen = add(i.collected_fen, share)?;
                }
                None => out.push(ItemCollection {
                    name,
                    billed_fen: l.amount_fen,
                    collected_fen: share,
                    rate_permille: None,
                }),
            }
        }
    }
    for i in &mut out {
        i.rate_permille = permille(i.collected_fen, i.billed_fen);
    }
    // Credit notes (negative totals) are not billing, and nothing of them
    // is "collected".
    let billed = sum(rows.iter().map(|r| r.total_fen.max(0)))?;
    let collected = sum(rows.iter().map(|r| r.paid_fen.min(r.total_fen).max(0)))?;
    Ok(CollectionReport {
        month,
        statements: rows.len() as i64,
        billed_fen: billed,
        collected_fen: collected,
        rate_permille: permille(collected, billed),
        items: out,
        deposits_kept_fen,
    })
}

/// An amount as an exact decimal formula with its value, formatted `0.00`.
pub(crate) fn money_cell(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    fen: i64,
    fmt: &rust_xlsxwriter::Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let v = yuan(fen);
    ws.write_formula_with_format(
        row,
        col,
        rust_xlsxwriter::Formula::new(format!("={v}")).set_result(&v),
        fmt,
    )?;
    Ok(())
}

/// The month's workbook for 综合部: the statements, their lines, and billed
/// against collected per fee item.
pub async fn month_xlsx(
    app: &App,
    actor: &Actor,
    site_id: i64,
    month: &str,
    site_name: &str,
) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let report = collection(app, actor, site_id, month).await?;
    let (rows, lines) = month_rows(app, site_id, &report.month).await?;
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    let ws = wb.add_worksheet();
    ws.set_name("账单").map_err(xl)?;
    ws.write_string_with_format(0, 0, format!("{site_name} {} 账单", report.month), &bold)
        .map_err(xl)?;
    for (i, h) in [
        "账单号",
        "租户",
        "应收（元）",
        "已收（元）",
        "欠款（元）",
        "缴费期限",
        "状态",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(2, i as u16, *h, &bold)
            .map_err(xl)?;
    }
    for (n, r) in rows.iter().enumerate() {
        let row = 3 + n as u32;
        ws.write_string(row, 0, &r.number).map_err(xl)?;
        ws.write_string(row, 1, &r.tenant_name).map_err(xl)?;
        money_cell(ws, row, 2, r.total_fen, &money).map_err(xl)?;
        money_cell(ws, row, 3, r.paid_fen, &money).map_err(xl)?;
        money_cell(ws, row, 4, r.total_fen - r.paid_fen, &money).map_err(xl)?;
        ws.write_string(row, 5, &r.due_date).map_err(xl)?;
        ws.write_string(row, 6, state_zh(r.state)).map_err(xl)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("明细").map_err(xl)?;
    for (i, h) in ["账单号", "租户", "项目", "数量", "单价（元）", "金额（元）"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, i as u16, *h, &bold)
            .map_err(xl)?;
    }
    let mut row = 1u32;
    for r in &rows {
        for l in lines.iter().filter(|l| l.statement_id == r.id) {
            ws.write_string(row, 0, &r.number).map_err(xl)?;
            ws.write_string(row, 1, &r.tenant_name).map_err(xl)?;
            ws.write_string(row, 2, &l.label).map_err(xl)?;
            ws.write_string(row, 3, &l.quantity).map_err(xl)?;
            money_cell(ws, row, 4, l.rate_fen, &money).map_err(xl)?;
            money_cell(ws, row, 5, l.amount_fen, &money).map_err(xl)?;
            row += 1;
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("收缴率").map_err(xl)?;
    for (i, h) in ["项目", "应收（元）", "已收（元）", "收缴率 %"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, i as u16, *h, &bold)
            .map_err(xl)?;
    }
    let all = ItemCollection {
        name: "合计".into(),
        billed_fen: report.billed_fen,
        collected_fen: report.collected_fen,
        rate_permille: report.rate_permille,
    };
    for (n, i) in report.items.iter().chain(std::iter::once(&all)).enumerate() {
        let row = 1 + n as u32;
        ws.write_string(row, 0, &i.name).map_err(xl)?;
        money_cell(ws, row, 1, i.billed_fen, &money).map_err(xl)?;
        money_cell(ws, row, 2, i.collected_fen, &money).map_err(xl)?;
        ws.write_string(row, 3, i.rate_permille.map(pct).unwrap_or_default())
            .map_err(xl)?;
    }
    // Deposits kept: income of the month, apart from the billing.
    let row = 2 + report.items.len() as u32;
    ws.write_string_with_format(row, 0, "押金扣留（收入）", &bold)
        .map_err(xl)?;
    money_cell(ws, row, 2, report.deposits_kept_fen, &money).map_err(xl)?;
    wb.save_to_buffer().map_err(xl)
}

/// The arrears workbook: tenant, past due, oldest due, ageing buckets.
pub async fn arrears_xlsx(
    app: &App,
    actor: &Actor,
    site_id: i64,
    site_name: &str,
) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    actor.authorize(lobby_domain::policy::Action::FeesReport, site_id)?;
    let lines = super::arrears(app, actor, site_id).await?;
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    let ws = wb.add_worksheet();
    ws.set_name("欠费").map_err(xl)?;
    ws.write_string_with_format(0, 0, format!("{site_name} 欠费账龄"), &bold)
        .map_err(xl)?;
    for (i, h) in [
        "租户",
        "逾期欠款（元）",
        "最早到期",
        "逾期天数",
        "0–30天",
        "31–60天",
        "61–90天",
        "90天以上",
        "最近催缴",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(2, i as u16, *h, &bold)
            .map_err(xl)?;
    }
    for (n, a) in lines.iter().enumerate() {
        let row = 3 + n as u32;
        ws.write_string(row, 0, &a.tenant_name).map_err(xl)?;
        money_cell(ws, row, 1, a.balance_fen, &money).map_err(xl)?;
        ws.write_string(row, 2, &a.oldest_due_date).map_err(xl)?;
        ws.write_string(row, 3, a.days_overdue.to_string())
            .map_err(xl)?;
        for (k, v) in [
            a.ageing.d0_30,
            a.ageing.d31_60,
            a.ageing.d61_90,
            a.ageing.d90_plus,
        ]
        .iter()
        .enumerate()
        {
            money_cell(ws, row, 4 + k as u16, *v, &money).map_err(xl)?;
        }
        ws.write_string(row, 8, a.last_dunning.as_deref().unwrap_or(""))
            .map_err(xl)?;
    }
    wb.save_to_buffer().map_err(xl)
}

/// 965 → `96.5`.
pub fn pct(permille: i64) -> String {
    format!("{}.{}", permille / 10, permille % 10)
}

fn state_zh(s: StatementState) -> &'static str {
    match s {
        StatementState::Draft => "草稿",
        StatementState::Issued => "已发出",
        StatementState::Paid => "已缴清",
        StatementState::Void => "已作废",
    }
}
