//! Arrears (欠费): per tenant, what is past due on issued statements, how old
//! (0–30, 31–60, 61–90, over 90 days) and since when.

use lobby_domain::fees::Ageing;
use lobby_store::fees as store;
use serde::Serialize;

use crate::{Actor, App, AppResult};

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct AgeingView {
    pub d0_30: i64,
    pub d31_60: i64,
    pub d61_90: i64,
    pub d90_plus: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ArrearsView {
    pub tenant_id: i64,
    pub tenant_name: String,
    /// The units the tenant occupies now (`1203`).
    pub units: Vec<String>,
    /// What is past due, in 分: the sum of the ageing buckets.
    pub balance_fen: i64,
    /// The oldest unpaid due date (`2026-09-15`).
    pub oldest_due_date: String,
    /// Days since then.
    pub days_overdue: i64,
    pub statements: i64,
    pub ageing: AgeingView,
    /// The last dunning notice sent for it: its step and day.
    pub last_dunning: Option<String>,
    pub last_dunning_at: Option<String>,
}

/// The site's tenants with money past due, the largest debt first (a
/// tenant account: its own line only).
pub async fn arrears(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<ArrearsView>> {
    let only = super::read_scope(actor, site_id)?;
    arrears_of(app, site_id, only).await
}

/// A stored balance that cannot be represented: a broken row, not a debt.
fn overflow() -> crate::AppError {
    crate::AppError::Internal(anyhow::anyhow!("an arrears balance overflows"))
}

/// What one tenant owes past due at a site on `today` (site time), in 分,
/// read in the transaction `w` that decides on it: a payment or a statement
/// committed before this reads is counted, one that commits after waits for
/// the tenant's row on PostgreSQL (SQLite runs one writer at a time).
pub(crate) async fn owed_in(
    w: &mut crate::Work<'_>,
    site_id: i64,
    tenant_id: i64,
    today: jiff::civil::Date,
) -> AppResult<i64> {
    w.hold(lobby_store::Held::Tenants, tenant_id).await?;
    let rows = store::past_due_of(w, site_id, tenant_id, &today.to_string()).await?;
    let mut open = Vec::with_capacity(rows.len());
    for (total, paid) in rows {
        let balance = total.checked_sub(paid).ok_or_else(overflow)?;
        if balance > 0 {
            open.push(balance);
        }
    }
    crate::AppError::sum_fen("a tenant's arrears", open)
}

/// The arrears of a site (one tenant's when `only`), for a reader already
/// let in or the dunning sweep.
pub(crate) async fn arrears_of(
    app: &App,
    site_id: i64,
    only: Option<i64>,
) -> AppResult<Vec<ArrearsView>> {
    let today = super::site_today(app, site_id).await?.0;
    let (rows, sent) = {
        let mut c = app.db.read().await?;
        (
            store::issued_statements(&mut c, site_id).await?,
            store::dunning_notices(&mut c, site_id, only, 10_000).await?,
        )
    };
    let mut out: Vec<(ArrearsView, Ageing)> = Vec::new();
    for r in rows {
        if only.is_some_and(|t| t != r.tenant_id) {
            continue;
        }
        let balance = r.total_fen.checked_sub(r.paid_fen).ok_or_else(overflow)?;
        let due: jiff::civil::Date = crate::error::stored("statements.due_date", &r.due_date)?;
        if balance <= 0 || due >= today {
            continue;
        }
        let i = match out.iter().position(|(v, _)| v.tenant_id == r.tenant_id) {
            Some(i) => i,
            None => {
                out.push((
                    ArrearsView {
                        tenant_id: r.tenant_id,
                        tenant_name: r.tenant_name.clone(),
                        units: Vec::new(),
                        balance_fen: 0,
                        oldest_due_date: r.due_date.clone(),
                        days_overdue: 0,
                        statements: 0,
                        ageing: AgeingView::default(),
                        last_dunning: None,
                        last_dunning_at: None,
                    },
                    Ageing::default(),
                ));
                out.len() - 1
            }
        };
        let (v, a) = &mut out[i];
        a.add(balance, due, today).ok_or_else(overflow)?;
        v.statements += 1;
        if r.due_date < v.oldest_due_date {
            v.oldest_due_date = r.due_date.clone();
        }
    }
    let mut list: Vec<ArrearsView> = out
        .into_iter()
        .map(|(mut v, a)| {
            v.balance_fen = a.total().ok_or_else(overflow)?;
            v.ageing = AgeingView {
                d0_30: a.d0_30,
                d31_60: a.d31_60,
                d61_90: a.d61_90,
                d90_plus: a.d90_plus,
            };
            v.days_overdue = v
                .oldest_due_date
                .parse::<jiff::civil::Date>()
                .map(|d| i64::from((today - d).get_days()))
                .unwrap_or(0);
            Ok(v)
        })
        .collect::<AppResult<_>>()?;
    let ids: Vec<i64> = list.iter().map(|v| v.tenant_id).collect();
    let units = {
        let mut c = app.db.read().await?;
        super::units_by_tenant(&mut c, &ids).await?
    };
    for v in &mut list {
        v.units = units.get(&v.tenant_id).cloned().unwrap_or_default();
        // Newest first: the first of the tenant's is the last sent.
        if let Some(d) = sent.iter().find(|d| d.tenant_id == v.tenant_id) {
            v.last_dunning = Some(d.step_name.clone());
            v.last_dunning_at = Some(crate::time::rfc3339(d.created_at));
        }
    }
    list.sort_by(|a, b| {
        b.balance_fen
            .cmp(&a.balance_fen)
            .then(a.tenant_name.cmp(&b.tenant_name))
    });
    Ok(list)
}
