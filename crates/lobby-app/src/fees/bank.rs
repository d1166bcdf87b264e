//! A bank statement imported (银行对账): its credit lines matched to
//! statements by the statement number in the memo, or by the tenant's name
//! and the exact balance of one of its statements (else to its account);
//! the rest listed for a person to match. Nothing is recorded until the
//! matches are confirmed, then all in one transaction.

use lobby_domain::fees::{parse_yuan, PaymentMethod, StatementState};
use lobby_domain::policy::Action as Can;
use lobby_store::fees as store;
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

/// The most a bank file may be.
pub const MAX_BANK_FILE: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BankLine {
    /// The line's row in the file (1 = the first).
    pub row: i64,
    /// `2026-11-12`
    pub date: String,
    pub amount_fen: i64,
    pub payer: String,
    pub memo: String,
    /// What it was matched to: a statement, or only a tenant's account.
    pub statement_id: Option<i64>,
    pub statement_number: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    /// number | name_amount | name (the account) | none
    pub matched_by: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BankMatch {
    pub lines: Vec<BankLine>,
    pub matched: i64,
    pub unmatched: i64,
    /// Rows that were not credit lines (headers, debits, blanks).
    pub skipped: i64,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct BankPayment {
    pub statement_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub amount_fen: i64,
    /// `2026-11-12`: the day the bank booked it.
    pub date: String,
    pub note: Option<String>,
}

fn col(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| {
        let h = h.trim().to_lowercase();
        names.iter().any(|n| h.contains(n))
    })
}

/// Reads and matches a bank file (finance); records nothing.
pub async fn match_bank_file(
    app: &App,
    actor: &Actor,
    site_id: i64,
    bytes: &[u8],
) -> AppResult<BankMatch> {
    actor.authorize(Can::FeesManage, site_id)?;
    if bytes.len() > MAX_BANK_FILE {
        return Err(AppError::invalid("file", "a bank file is at most 2 MiB"));
    }
    let rows = {
        let b = bytes.to_vec();
        tokio::task::spawn_blocking(move || crate::tenants::read_table(&b))
            .await
            .map_err(|e| AppError::Internal(e.into()))??
    };
    let head = rows
        .iter()
        .position(|r| {
            col(r, &["日期", "date"]).is_some()
                && col(r, &["金额", "贷方", "收入", "amount", "credit"]).is_some()
        })
        .ok_or_else(|| {
            AppError::invalid("file", "no header row with a date and an amount column")
        })?;
    let header = &rows[head];
    let date_c = col(header, &["交易日期", "日期", "date"]).unwrap_or(0);
    let amount_c = col(header, &["贷方", "收入", "金额", "credit", "amount"]).unwrap_or(1);
    let payer_c = col(header, &["对方户名", "付款人", "户名", "payer", "name"]);
    let memo_c = col(
        header,
        &["摘要", "附言", "用途", "备注", "memo", "reference"],
    );
    let open = {
        let mut c = app.db.read().await?;
        store::issued_statements(&mut c, site_id).await?
    };
    let cell = |r: &Vec<String>, i: Option<usize>| {
        i.and_then(|i| r.get(i))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut out = BankMatch {
        lines: Vec::new(),
        matched: 0,
        unmatched: 0,
        skipped: 0,
    };
    for (i, r) in rows.iter().enumerate().skip(head + 1) {
        let amount = cell(r, Some(amount_c)).replace([',', '¥', ' '], "");
        let date = cell(r, Some(date_c)).replace('/', "-");
        let date = date.get(..10).unwrap_or(&date).to_string();
        let (Ok(fen), Ok(day)) = (
            parse_yuan("amount", &amount),
            time::parse_date("date", &date),
        ) else {
            out.skipped += 1;
            continue;
        };
        if fen <= 0 {
            out.skipped += 1;
            continue;
        }
        let payer = cell(r, payer_c);
        let memo = cell(r, memo_c);
        let text = format!("{payer} {memo}");
        let by_number = open.iter().find(|s| text.contains(&s.number));
        let by_name: Vec<_> = open
            .iter()
            .filter(|s| !s.tenant_name.is_empty() && text.contains(&s.tenant_name))
            .collect();
        let (statement, tenant, how) = match (by_number, by_name.first()) {
            (Some(s), _) => (
                Some(s),
                Some((s.tenant_id, s.tenant_name.clone())),
                "number",
            ),
            (None, Some(first)) => match by_name.iter().find(|s| s.total_fen - s.paid_fen == fen) {
                Some(s) => (
                    Some(*s),
                    Some((s.tenant_id, s.tenant_name.clone())),
                    "name_amount",
                ),
                None => (
                    None,
                    Some((first.tenant_id, first.tenant_name.clone())),
                    "name",
                ),
            },
            (None, None) => (None, None, "none"),
        };
        if tenant.is_some() {
            out.matched += 1;
        } else {
            out.unmatched += 1;
        }
        out.lines.push(BankLine {
            row: i as i64 + 1,
            date: day.to_string(),
            amount_fen: fen,
            payer,
            memo,
            statement_id: statement.map(|s| s.id),
            statement_number: statement.map(|s| s.number.clone()),
            tenant_id: tenant.as_ref().map(|t| t.0),
            tenant_name: tenant.map(|t| t.1),
            matched_by: how.into(),
        });
    }
    Ok(out)
}

/// Records the confirmed lines as bank transfers, all in one transaction:
/// if one is refused, none is recorded.
pub async fn record_bank_payments(
    app: &App,
    actor: &Actor,
    site_id: i64,
    lines: &[BankPayment],
) -> AppResult<Vec<super::PaymentView>> {
    actor.authorize(Can::FeesManage, site_id)?;
    if lines.is_empty() || lines.len() > 5_000 {
        return Err(AppError::invalid("lines", "give 1 to 5000 lines"));
    }
    let (today, tz) = super::site_today(app, site_id).await?;
    // Check every line before anything is written.
    let mut checked = Vec::new();
    {
        let mut c = app.db.read().await?;
        for (i, l) in lines.iter().enumerate() {
            let field = |f: &str| format!("lines[{i}].{f}");
            if !(1..=100_000_000_000).contains(&l.amount_fen) {
                return Err(AppError::invalid(
                    &field("amount_fen"),
                    "amount_fen must be 1 to 100000000000 分",
                ));
            }
            let day = time::parse_date(&field("date"), &l.date)?;
            if day > today {
                return Err(AppError::invalid(
                    &field("date"),
                    "the day is in the future",
                ));
            }
            let paid_at = crate::scope::day_start(day, &tz)?;
            let (tenant_id, statement) = match (l.statement_id, l.tenant_id) {
                (Some(id), _) => {
                    let s = store::statement(&mut c, id)
                        .await?
                        .filter(|s| s.site_id == site_id && s.state == StatementState::Issued)
                        .ok_or_else(|| {
                            AppError::invalid(
                                &field("statement_id"),
                                "no such issued statement at this site",
                            )
                        })?;
                    let payer = l.tenant_id.unwrap_or(s.tenant_id);
                    super::check_payer(&field("tenant_id"), Some(&s), payer)?;
                    (payer, Some(s))
                }
                (None, Some(t)) => {
                    let t = lobby_store::tenants::get(&mut c, t)
                        .await?
                        .filter(|t| t.site_id == site_id)
                        .ok_or_else(|| {
                            AppError::invalid(&field("tenant_id"), "no such tenant at this site")
                        })?;
                    (t.id, None)
                }
                (None, None) => {
                    return Err(AppError::invalid(
                        &field("statement_id"),
                        "say which statement_id or tenant_id",
                    ))
                }
            };
            let note = lobby_domain::error::optional_text(&field("note"), l.note.as_deref(), 200)?;
            checked.push((tenant_id, statement, l.amount_fen, paid_at, note));
        }
    }
    let year = today.year();
    let checked = &checked;
    let ids = app
        .write(actor, |w| {
            Box::pin(async move {
                let mut ids = Vec::new();
                for (tenant_id, statement, amount, paid_at, note) in checked {
                    ids.push(
                        super::pay_in(
                            w,
                            &super::Pay {
                                site_id,
                                tenant_id: *tenant_id,
                                statement: statement.as_ref(),
                                amount_fen: *amount,
                                method: PaymentMethod::Transfer,
                                paid_at: *paid_at,
                                note: note.as_deref(),
                                year,
                                notice_id: None,
                            },
                        )
                        .await?,
                    );
                }
                Ok(ids)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(p) = store::payment(&mut c, id).await? {
            out.push(super::payment_view(p)?);
        }
    }
    Ok(out)
}
