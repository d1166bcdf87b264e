//! Payments (收款): against a statement or a tenant's account; a part pays
//! part, an overpayment stays as credit and pays the next statement when it
//! is issued; receipts numbered per site and year; a reversal says why.

use lobby_domain::error::{optional_text, required_text};
use lobby_domain::fees::{PaymentMethod, StatementState};
use lobby_domain::policy::Action as Can;
use lobby_store::fees::{self as store, NewPayment};
use serde::{Deserialize, Serialize};

use crate::work::Work;
use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub statement_id: Option<i64>,
    /// `SK-2026-00012`
    pub receipt_no: String,
    pub amount_fen: i64,
    /// What it paid of statements.
    pub allocated_fen: i64,
    /// What is left of it as the tenant's credit.
    pub credit_fen: i64,
    pub method: PaymentMethod,
    pub paid_at: String,
    pub note: Option<String>,
    pub reversed_at: Option<String>,
    pub reversal_reason: Option<String>,
    /// Who received it (收款人): the person who recorded it.
    pub received_by: Option<String>,
    /// The statement it paid, by number (the receipt's 事由).
    pub statement_number: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PaymentInput {
    /// The statement paid; or give `tenant_id` to pay the tenant's account
    /// (oldest statements first, the rest as credit).
    pub statement_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub amount_fen: i64,
    pub method: PaymentMethod,
    /// RFC 3339; default now.
    pub paid_at: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReversalInput {
    pub reason: String,
}

pub(crate) fn payment_view(p: store::PaymentRow) -> AppResult<PaymentView> {
    Ok(PaymentView {
        id: p.id,
        site_id: p.site_id,
        tenant_id: p.tenant_id,
        tenant_name: p.tenant_name,
        statement_id: p.statement_id,
        receipt_no: p.receipt_no,
        amount_fen: p.amount_fen,
        allocated_fen: p.allocated_fen,
        credit_fen: if p.reversed_at.is_some() {
            0
        } else {
            p.amount_fen - p.allocated_fen
        },
        method: p.method,
        paid_at: time::rfc3339(p.paid_at),
        note: p.note,
        reversed_at: time::rfc3339_opt(p.reversed_at),
        reversal_reason: p.reversal_reason,
        received_by: p.recorded_by_name,
        statement_number: p.statement_number,
    })
}

/// Pays `statement_id` (total `total_fen`) from the tenant's credit, oldest
/// payment first; returns what was applied. Marks it paid when nothing is
/// left.
pub(crate) async fn apply_credit(
    w: &mut Work<'_>,
    tenant_id: i64,
    statement_id: i64,
    total_fen: i64,
) -> AppResult<i64> {
    let mut left = total_fen;
    let mut applied = 0;
    for p in store::credits(w, tenant_id).await? {
        if left <= 0 {
            break;
        }
        let take = (p.amount_fen - p.allocated_fen).min(left);
        store::allocate(w, p.id, statement_id, take).await?;
        left -= take;
        applied += take;
    }
    // Paid only when exactly settled: a positive total covered in full, or
    // a total of nothing. A negative total is a credit note and stays
    // issued (what the site owes is not "paid").
    if total_fen >= 0 && left == 0 {
        store::set_state(
            w,
            statement_id,
            StatementState::Issued,
            StatementState::Paid,
            None,
        )
        .await?;
    }
    Ok(applied)
}

pub async fn payments(
    app: &App,
    actor: &Actor,
    site_id: i64,
    tenant_id: Option<i64>,
    statement_id: Option<i64>,
) -> AppResult<Vec<PaymentView>> {
    let only = super::read_scope(actor, site_id)?;
    if only.is_some() && tenant_id.is_some() && tenant_id != only {
        return Err(AppError::Forbidden);
    }
    let mut c = app.db.read().await?;
    store::payments(&mut c, site_id, only.or(tenant_id), statement_id, 200)
        .await?
        .into_iter()
        .map(|p| for_reader(payment_view(p)?, only))
        .collect()
}

/// A payment as its reader sees it: finance's own note never reaches a
/// tenant's account (`only`: the tenant it is limited to).
fn for_reader(mut v: PaymentView, only: Option<i64>) -> AppResult<PaymentView> {
    if only.is_some() {
        v.note = None;
    }
    Ok(v)
}

/// One payment (its receipt, 收据): finance and the desk at its site, a
/// tenant's account its own.
pub async fn payment(app: &App, actor: &Actor, id: i64) -> AppResult<PaymentView> {
    let p = {
        let mut c = app.db.read().await?;
        store::payment(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("payment"))?
    };
    let only = super::read_scope(actor, p.site_id).map_err(|_| AppError::NotFound("payment"))?;
    if only.is_some_and(|t| t != p.tenant_id) {
        return Err(AppError::NotFound("payment"));
    }
    for_reader(payment_view(p)?, only)
}

/// A page of a site's payments, newest first (`limit`, `cursor`): every
/// payment reachable, however old.
#[allow(clippy::too_many_arguments)]
pub async fn payments_page(
    app: &App,
    actor: &Actor,
    site_id: i64,
    tenant_id: Option<i64>,
    statement_id: Option<i64>,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> AppResult<crate::page::Page<PaymentView>> {
    let only = super::read_scope(actor, site_id)?;
    if only.is_some() && tenant_id.is_some() && tenant_id != only {
        return Err(AppError::Forbidden);
    }
    let limit = crate::page::limit(limit)?;
    let before = crate::page::decode(cursor)?.map(|(_, id)| id);
    let mut c = app.db.read().await?;
    let rows = store::payments_before(
        &mut c,
        site_id,
        only.or(tenant_id),
        statement_id,
        before,
        limit + 1,
    )
    .await?;
    crate::page::try_finish(
        rows,
        limit,
        |p| (String::new(), p.id),
        |p| for_reader(payment_view(p)?, only),
    )
}

/// Records a payment: against an issued statement (what is beyond its
/// balance stays as credit) or a tenant's account.
pub async fn record_payment(
    app: &App,
    actor: &Actor,
    input: &PaymentInput,
) -> AppResult<PaymentView> {
    let (site_id, tenant_id, statement) = {
        let mut c = app.db.read().await?;
        match (input.statement_id, input.tenant_id) {
            (Some(id), _) => {
                let s = store::statement(&mut c, id)
                    .await?
                    .ok_or(AppError::NotFound("statement"))?;
                let payer = input.tenant_id.unwrap_or(s.tenant_id);
                check_payer("tenant_id", Some(&s), payer)?;
                (s.site_id, payer, Some(s))
            }
            (None, Some(t)) => {
                let t = lobby_store::tenants::get(&mut c, t)
                    .await?
                    .ok_or(AppError::NotFound("tenant"))?;
                (t.site_id, t.id, None)
            }
            (None, None) => {
                return Err(AppError::invalid(
                    "statement_id",
                    "say which statement_id (or tenant_id) is paid",
                ))
            }
        }
    };
    if !actor.can(Can::FeesRead, site_id) {
        return Err(AppError::NotFound("statement"));
    }
    actor.authorize(Can::FeesManage, site_id)?;
    if !(1..=100_000_000_000).contains(&input.amount_fen) {
        return Err(AppError::invalid(
            "amount_fen",
            "amount_fen must be 1 to 100000000000 分",
        ));
    }
    let method = input.method;
    let paid_at = match input.paid_at.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(p) => time::parse_instant("paid_at", p)?.as_microsecond(),
        None => app.now(),
    };
    if paid_at > app.now() {
        return Err(AppError::invalid("paid_at", "paid_at is in the future"));
    }
    if let Some(s) = &statement {
        if s.state != StatementState::Issued {
            return Err(AppError::invalid(
                "statement_id",
                match s.state {
                    StatementState::Draft => "the statement is a draft: issue it first",
                    StatementState::Paid => {
                        "the statement is paid: record the payment to the tenant's account"
                    }
                    _ => "the statement is void",
                },
            ));
        }
    }
    let note = optional_text("note", input.note.as_deref(), 200)?;
    let (note, statement) = (&note, &statement);
    let year = super::site_today(app, site_id).await?.0.year();
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                pay_in(
                    w,
                    &Pay {
                        site_id,
                        tenant_id,
                        statement: statement.as_ref(),
                        amount_fen: input.amount_fen,
                        method,
                        paid_at,
                        note: note.as_deref(),
                        year,
                        notice_id: None,
                    },
                )
                .await
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    payment_view(
        store::payment(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("payment"))?,
    )
}

/// A payment of a statement is the statement's tenant's: paying tenant A's
/// statement to tenant B's account is refused (the one check of every
/// way money comes in: the desk's payment, the bank import).
pub(crate) fn check_payer(
    field: &str,
    statement: Option<&store::StatementRow>,
    tenant_id: i64,
) -> AppResult<()> {
    match statement {
        Some(s) if s.tenant_id != tenant_id => Err(AppError::invalid(
            field,
            "the statement is another tenant's",
        )),
        _ => Ok(()),
    }
}

/// One payment to record inside a use case's transaction.
pub(crate) struct Pay<'a> {
    pub site_id: i64,
    pub tenant_id: i64,
    /// The statement paid (issued), else the tenant's account.
    pub statement: Option<&'a store::StatementRow>,
    pub amount_fen: i64,
    pub method: PaymentMethod,
    pub paid_at: i64,
    pub note: Option<&'a str>,
    /// The receipt's year.
    pub year: i16,
    /// The tenant's 我已付款 this payment answers (finance matching it);
    /// `None`: the oldest pending one of the same tenant and amount, if
    /// any (the desk's payment, the bank import).
    pub notice_id: Option<i64>,
}

/// The site's next receipt number of the year (`SK-2026-00012`): payments
/// and deposits share the series, which goes on after the receipts written
/// before it was kept (`lobby_store::numbers`; a refused payment may leave a
/// gap).
pub(crate) async fn next_receipt_in(
    w: &mut Work<'_>,
    site_id: i64,
    year: i16,
) -> AppResult<String> {
    let prefix = format!("SK-{year}-");
    let before = store::count_receipts(w, site_id, &prefix).await?;
    let n = lobby_store::numbers::take(w, site_id, &prefix, before, 1).await?;
    Ok(format!("{prefix}{n:05}"))
}

/// Records `p` in `w`: numbers its receipt, pays the statement (or the
/// tenant's oldest open ones) and keeps the rest as credit.
pub(crate) async fn pay_in(w: &mut Work<'_>, p: &Pay<'_>) -> AppResult<i64> {
    check_payer("tenant_id", p.statement, p.tenant_id)?;
    // One tenant's money at a time (see `owed_in`).
    w.hold(lobby_store::Held::Tenants, p.tenant_id).await?;
    let receipt = next_receipt_in(w, p.site_id, p.year).await?;
    let now = w.now();
    let by = w.actor().audit_id();
    let id = store::insert_payment(
        w,
        &NewPayment {
            site_id: p.site_id,
            tenant_id: p.tenant_id,
            statement_id: p.statement.map(|s| s.id),
            amount_fen: p.amount_fen,
            method: p.method,
            paid_at: p.paid_at,
            receipt_no: &receipt,
            note: p.note,
            recorded_by: by,
        },
        now,
    )
    .await
    .map_err(crate::error::dup_as(
        "receipt_no",
        "another payment took this receipt number; try again",
    ))?;
    // What it pays: the statement named (as it stands in this
    // transaction), else the tenant's oldest open statements.
    let targets = match p.statement {
        Some(s) => store::statement(w, s.id).await?.into_iter().collect(),
        None => store::open_statements(w, p.tenant_id).await?,
    };
    let mut left = p.amount_fen;
    for s in targets {
        if left <= 0 {
            break;
        }
        let balance = s.total_fen - s.paid_fen;
        if balance <= 0 || s.state != StatementState::Issued {
            continue;
        }
        let take = balance.min(left);
        store::allocate(w, id, s.id, take).await?;
        left -= take;
        if take == balance {
            store::set_state(w, s.id, StatementState::Issued, StatementState::Paid, None).await?;
        }
    }
    w.audit(
        Some(p.site_id),
        "create",
        "payment",
        Some(id),
        serde_json::json!({"receipt_no": receipt, "tenant_id": p.tenant_id, "amount_fen": p.amount_fen, "credit_fen": left}),
    )
    .await?;
    // The tenant's 我已付款 it answers leaves finance's queue.
    let notice = match p.notice_id {
        Some(n) => Some(n),
        None => {
            lobby_store::fees::notices::answered_by(
                w,
                p.tenant_id,
                p.statement.map(|s| s.id),
                p.amount_fen,
            )
            .await?
        }
    };
    if let Some(n) = notice {
        super::notices::matched_in(w, n, id, p.notice_id.is_some()).await?;
    }
    Ok(id)
}

/// Reverses a payment (a bounced transfer, a mistake), with the reason; the
/// statements it paid are open again.
pub async fn reverse_payment(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &ReversalInput,
) -> AppResult<PaymentView> {
    let p = {
        let mut c = app.db.read().await?;
        store::payment(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("payment"))?
    };
    if !actor.can(Can::FeesRead, p.site_id) {
        return Err(AppError::NotFound("payment"));
    }
    actor.authorize(Can::FeesManage, p.site_id)?;
    let reason = required_text("reason", &input.reason, 200)?;
    if p.reversed_at.is_some() {
        return Err(AppError::InvalidTransition(
            "the payment is already reversed".into(),
        ));
    }
    let reason = &reason;
    let site_id = p.site_id;
    let p = &p;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let Some(paid) = store::reverse_payment(w, id, now, reason).await? else {
                return Err(AppError::InvalidTransition(
                    "the payment is already reversed".into(),
                ));
            };
            for s in paid {
                store::set_state(w, s, StatementState::Paid, StatementState::Issued, None).await?;
            }
            w.audit(
                Some(site_id),
                "reverse",
                "payment",
                Some(id),
                serde_json::json!({"receipt_no": p.receipt_no, "amount_fen": p.amount_fen, "reason": reason}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    payment_view(
        store::payment(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("payment"))?,
    )
}
