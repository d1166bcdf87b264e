//! Violations seen together: a month's counts by kind and outcome (the
//! department report), and the month's list as a workbook.

use lobby_domain::fees::yuan;
use lobby_domain::policy::Action as Can;
use serde::{Deserialize, Serialize};

use super::{violations, ViolationQuery};
use crate::{Actor, App, AppError, AppResult};

/// A month's violations of one kind, by where they stand now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ViolationCount {
    pub kind: String,
    /// Recorded in the month.
    pub recorded: i64,
    pub fixed: i64,
    pub fined: i64,
    pub withdrawn: i64,
    /// Not closed yet.
    pub open: i64,
}

/// The month's counts by kind (recorded between `from` and `to`, in
/// microseconds), the most frequent first.
pub(crate) async fn counts_in(
    c: &mut lobby_store::Conn,
    site_id: i64,
    from: i64,
    to: i64,
) -> AppResult<Vec<ViolationCount>> {
    Ok(lobby_store::violations::counts(c, site_id, from, to)
        .await?
        .into_iter()
        .map(
            |(kind, recorded, fixed, fined, withdrawn, open)| ViolationCount {
                kind,
                recorded,
                fixed,
                fined,
                withdrawn,
                open,
            },
        )
        .collect())
}

/// The words of the workbook, in the reader's language.
pub struct MonthWords {
    pub sheet: String,
    /// 编号, 登记时间, 类别, 单元/位置, 租户, 情况, 状态, 整改期限, 通知次数, 罚款, 登记人.
    pub headers: [String; 11],
    /// A state's name.
    pub state: Box<dyn Fn(&str) -> String + Send + Sync>,
}

/// The month's violations (`2026-12`) as a workbook: one row each, every
/// cell written as text (nothing a spreadsheet would run).
pub async fn month_xlsx(
    app: &App,
    actor: &Actor,
    site_id: i64,
    month: &str,
    words: &MonthWords,
) -> AppResult<Vec<u8>> {
    actor.authorize(Can::ViolationsManage, site_id)?;
    let list = violations(
        app,
        actor,
        &ViolationQuery {
            site_id,
            month: Some(month.to_string()),
            ..ViolationQuery::default()
        },
    )
    .await?;
    let tz = {
        let mut c = app.db.read().await?;
        crate::scope::site_row(&mut c, site_id).await?.timezone
    };
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(&words.sheet).map_err(xl)?;
    let bold = Format::new().set_bold();
    for (i, h) in words.headers.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, h, &bold)
            .map_err(xl)?;
    }
    for (i, v) in list.iter().enumerate() {
        let n = 1 + i as u32;
        let when = v
            .created_at
            .parse::<jiff::Timestamp>()
            .map_err(|e| AppError::Internal(e.into()))?
            .as_microsecond();
        let cells = [
            v.id.to_string(),
            crate::time::local(when, &tz)?,
            v.kind_name.clone(),
            v.unit_number
                .clone()
                .or_else(|| v.location.clone())
                .unwrap_or_default(),
            v.tenant_name.clone().unwrap_or_default(),
            v.description.clone(),
            (words.state)(v.outcome.map_or(v.state.as_str(), |o| o.as_str())),
            v.deadline.clone().unwrap_or_default(),
            v.notices.to_string(),
            if v.fine_fen > 0 {
                yuan(v.fine_fen)
            } else {
                String::new()
            },
            v.recorded_by.clone(),
        ];
        for (j, cell) in cells.iter().enumerate() {
            ws.write_string(n, j as u16, cell).map_err(xl)?;
        }
    }
    ws.set_column_width(5, 40).map_err(xl)?;
    wb.save_to_buffer().map_err(xl)
}
