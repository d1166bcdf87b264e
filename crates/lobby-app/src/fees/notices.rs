//! 我已付款: a tenant says it transferred money for a statement, with the
//! transfer slip's photo. Finance is told and matches it — recording the
//! payment from it, or naming the payment already recorded — or declines
//! it with a reason the tenant reads. A payment recorded any other way
//! (the desk, the bank import) of the same tenant and amount answers the
//! oldest pending notice, which then leaves finance's queue.

use lobby_domain::error::{optional_text, required_text};
use lobby_domain::fees::{yuan, PaymentMethod, PaymentNoticeState, StatementState};
use lobby_domain::photos::Owner;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_store::fees::notices::{self as store, NewNotice, NoticeRow};
use serde::{Deserialize, Serialize};

use crate::work::Work;
use crate::{notify, time, Actor, App, AppError, AppResult};

/// The most photos one notice carries.
pub const MAX_NOTICE_PHOTOS: usize = 3;

/// The most notices of one statement waiting at once.
const MAX_PENDING: i64 = 5;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentNoticeView {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub statement_id: i64,
    /// The statement's number: the transfer's reference.
    pub statement_number: String,
    pub amount_fen: i64,
    /// The day the tenant says it paid (`2026-12-05`).
    pub paid_on: String,
    pub note: Option<String>,
    pub state: PaymentNoticeState,
    /// The payment it was matched to, and its receipt.
    pub payment_id: Option<i64>,
    pub receipt_no: Option<String>,
    /// Why finance declined it (the tenant reads it).
    pub decline_reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
    /// The transfer slip's photos (`GET /payment-notices/{id}/photos/{photo_id}`).
    pub photo_ids: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PaymentNoticeInput {
    /// The statement paid (the tenant's own, issued).
    pub statement_id: i64,
    pub amount_fen: i64,
    /// The day of the transfer (`2026-12-05`): not in the future, at most
    /// 90 days ago.
    pub paid_on: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct PaymentNoticeQuery {
    pub site_id: i64,
    /// `pending`, `matched` or `declined`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub state: Option<PaymentNoticeState>,
    /// One tenant's (a tenant account sees only its own).
    pub tenant_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MatchNoticeInput {
    /// A payment already recorded for it (the tenant's, not reversed).
    /// Left out, the payment is recorded now from the notice: a transfer
    /// of its amount on its day, against its statement.
    pub payment_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DeclineNoticeInput {
    /// Why (the tenant reads it): up to 200 characters.
    pub reason: String,
}

fn view(n: NoticeRow, photo_ids: Vec<i64>) -> PaymentNoticeView {
    PaymentNoticeView {
        id: n.id,
        site_id: n.site_id,
        tenant_id: n.tenant_id,
        tenant_name: n.tenant_name,
        statement_id: n.statement_id,
        statement_number: n.statement_number,
        amount_fen: n.amount_fen,
        paid_on: n.paid_on,
        note: n.note,
        state: n.state,
        payment_id: n.payment_id,
        receipt_no: n.receipt_no,
        decline_reason: n.decline_reason,
        decided_by: n.decided_by_name,
        decided_at: time::rfc3339_opt(n.decided_at),
        created_by: n.created_by_name,
        created_at: time::rfc3339(n.created_at),
        photo_ids,
    }
}

/// The notice `id` as `actor` may see it: finance's site, or the tenant's
/// own (404 otherwise).
async fn row(app: &App, actor: &Actor, id: i64) -> AppResult<NoticeRow> {
    let mut c = app.db.read().await?;
    let n = store::get(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("payment notice"))?;
    match super::read_scope(actor, n.site_id) {
        Ok(None) if actor.can(Can::FeesManage, n.site_id) => Ok(n),
        Ok(Some(t)) if t == n.tenant_id => Ok(n),
        _ => Err(AppError::NotFound("payment notice")),
    }
}

/// One notice with its photos.
pub async fn payment_notice(app: &App, actor: &Actor, id: i64) -> AppResult<PaymentNoticeView> {
    let n = row(app, actor, id).await?;
    let mut c = app.db.read().await?;
    let photos = lobby_store::photos::of(&mut c, Owner::PaymentNotice, id)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    Ok(view(n, photos))
}

/// A site's notices for finance (pending first), or a tenant's own.
pub async fn payment_notices(
    app: &App,
    actor: &Actor,
    q: &PaymentNoticeQuery,
) -> AppResult<Vec<PaymentNoticeView>> {
    let tenant = match super::read_scope(actor, q.site_id)? {
        Some(t) => {
            if q.tenant_id.is_some_and(|x| x != t) {
                return Err(AppError::Forbidden);
            }
            Some(t)
        }
        None => {
            actor.authorize(Can::FeesManage, q.site_id)?;
            q.tenant_id
        }
    };
    let mut c = app.db.read().await?;
    let rows = store::list(&mut c, q.site_id, q.state, tenant, 500).await?;
    let photos = store::photo_ids(&mut c, q.site_id, tenant).await?;
    Ok(rows
        .into_iter()
        .map(|n| {
            let mine = photos
                .iter()
                .filter(|(of, _)| *of == n.id)
                .map(|(_, p)| *p)
                .collect();
            view(n, mine)
        })
        .collect())
}

/// A tenant's 我已付款 for its own issued statement, with up to three
/// photos of the transfer slip; finance is told. Staff record payments
/// themselves (403 here).
pub async fn report_paid(
    app: &App,
    actor: &Actor,
    input: &PaymentNoticeInput,
    photos: &[Vec<u8>],
) -> AppResult<PaymentNoticeView> {
    let s = {
        let mut c = app.db.read().await?;
        lobby_store::fees::statement(&mut c, input.statement_id)
            .await?
            .ok_or(AppError::NotFound("statement"))?
    };
    match super::read_scope(actor, s.site_id) {
        Ok(Some(t)) if t == s.tenant_id && s.state != StatementState::Draft => {}
        Ok(None) => return Err(AppError::Forbidden),
        _ => return Err(AppError::NotFound("statement")),
    }
    if s.state != StatementState::Issued {
        return Err(AppError::invalid(
            "statement_id",
            if s.state == StatementState::Paid {
                "the statement is paid already"
            } else {
                "the statement is void"
            },
        ));
    }
    if !(1..=100_000_000_000).contains(&input.amount_fen) {
        return Err(AppError::invalid(
            "amount_fen",
            "amount_fen must be 1 to 100000000000 分",
        ));
    }
    let (today, _) = super::site_today(app, s.site_id).await?;
    let day = time::parse_date("paid_on", &input.paid_on)?;
    if day > today {
        return Err(AppError::invalid("paid_on", "paid_on is in the future"));
    }
    if day < today.saturating_sub(jiff::Span::new().days(90)) {
        return Err(AppError::invalid(
            "paid_on",
            "paid_on is more than 90 days ago: ask finance",
        ));
    }
    let note = optional_text("note", input.note.as_deref(), 200)?;
    if photos.len() > MAX_NOTICE_PHOTOS {
        return Err(AppError::invalid(
            "file",
            format!("at most {MAX_NOTICE_PHOTOS} photos"),
        ));
    }
    let mut stored = Vec::new();
    for bytes in photos {
        stored.push(crate::photos::store_photo(app, bytes).await?);
    }
    let paid_on = day.to_string();
    let (s, note, stored, paid_on) = (&s, &note, &stored, &paid_on);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                if store::pending_of_statement(w, s.id).await? >= MAX_PENDING {
                    return Err(AppError::InvalidTransition(format!(
                        "{MAX_PENDING} notices of this statement wait for finance already"
                    )));
                }
                let actor = w.actor().clone();
                let now = w.now();
                let id = store::insert(
                    w,
                    &NewNotice {
                        site_id: s.site_id,
                        tenant_id: s.tenant_id,
                        statement_id: s.id,
                        amount_fen: input.amount_fen,
                        paid_on,
                        note: note.as_deref(),
                        created_by: Some(actor.user_id),
                        created_by_name: &actor.display_name,
                    },
                    now,
                )
                .await?;
                for p in stored {
                    crate::photos::insert(w, &actor, now, (Owner::PaymentNotice, id), p, None, None)
                        .await?;
                }
                w.notify(
                    s.site_id,
                    Role::Finance,
                    "payment_notice",
                    &format!("{} · {}", s.number, yuan(input.amount_fen)),
                    paid_on,
                    Some(&format!("/payment-notices#n{id}")),
                )
                .await?;
                w.audit(
                    Some(s.site_id),
                    "create",
                    "payment_notice",
                    Some(id),
                    serde_json::json!({"statement": s.number, "amount_fen": input.amount_fen, "paid_on": paid_on}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    payment_notice(app, actor, id).await
}

/// The pending notice `id`, for finance to decide.
async fn to_decide(app: &App, actor: &Actor, id: i64) -> AppResult<NoticeRow> {
    let n = row(app, actor, id).await?;
    actor.authorize(Can::FeesManage, n.site_id)?;
    if n.state != PaymentNoticeState::Pending {
        return Err(AppError::InvalidTransition(format!(
            "the payment notice is {} already",
            n.state
        )));
    }
    Ok(n)
}

/// Finance matches a notice: to a payment already recorded for the tenant,
/// or by recording the payment from it now (a transfer of its amount on
/// its day against its statement, or to the tenant's account when the
/// statement is paid meanwhile). Once: a second match is 409.
pub async fn match_notice(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &MatchNoticeInput,
) -> AppResult<PaymentNoticeView> {
    let n = to_decide(app, actor, id).await?;
    let (today, tz) = super::site_today(app, n.site_id).await?;
    let paid_at = time::day_start(time::parse_date("paid_on", &n.paid_on)?, &tz)?;
    let year = today.year();
    let n = &n;
    app.write(actor, |w| {
        Box::pin(async move {
            match input.payment_id {
                Some(pid) => {
                    let p = lobby_store::fees::payment(w, pid)
                        .await?
                        .filter(|p| p.tenant_id == n.tenant_id && p.reversed_at.is_none())
                        .ok_or_else(|| {
                            AppError::invalid(
                                "payment_id",
                                "no such payment of this tenant (not reversed)",
                            )
                        })?;
                    matched_in(w, n.id, p.id, true).await?;
                }
                None => {
                    let s = lobby_store::fees::statement(w, n.statement_id)
                        .await?
                        .filter(|s| s.state == StatementState::Issued);
                    let note = format!("我已付款 #{}", n.id);
                    super::pay_in(
                        w,
                        &super::Pay {
                            site_id: n.site_id,
                            tenant_id: n.tenant_id,
                            statement: s.as_ref(),
                            amount_fen: n.amount_fen,
                            method: PaymentMethod::Transfer,
                            paid_at,
                            note: Some(&note),
                            year,
                            notice_id: Some(n.id),
                        },
                    )
                    .await?;
                }
            }
            Ok(())
        })
    })
    .await?;
    payment_notice(app, actor, id).await
}

/// Marks the notice matched to the payment inside the payment's
/// transaction and tells the tenant. `strict`: a notice decided already is
/// refused (finance matching it); otherwise it is left as it is (a payment
/// recorded elsewhere that happens to answer it).
pub(crate) async fn matched_in(
    w: &mut Work<'_>,
    id: i64,
    payment_id: i64,
    strict: bool,
) -> AppResult<()> {
    let by = w.actor().display_name.clone();
    let now = w.now();
    if !store::decide(
        w,
        id,
        PaymentNoticeState::Matched,
        Some(payment_id),
        None,
        &by,
        now,
    )
    .await?
    {
        return if strict {
            Err(AppError::InvalidTransition(
                "the payment notice is decided already".into(),
            ))
        } else {
            Ok(())
        };
    }
    let n = store::get(w, id)
        .await?
        .ok_or(AppError::NotFound("payment notice"))?;
    notify::to_tenant(
        w,
        now,
        n.site_id,
        Some(n.tenant_id),
        "payment_notice_matched",
        &n.statement_number,
        &format!(
            "¥{} · {}",
            yuan(n.amount_fen),
            n.receipt_no.clone().unwrap_or_default()
        ),
        "/my/bills",
    )
    .await?;
    w.audit(
        Some(n.site_id),
        "match",
        "payment_notice",
        Some(id),
        serde_json::json!({"payment_id": payment_id}),
    )
    .await
}

/// Finance declines a notice (no such money arrived), with the reason the
/// tenant reads; the tenant is told.
pub async fn decline_notice(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &DeclineNoticeInput,
) -> AppResult<PaymentNoticeView> {
    let n = to_decide(app, actor, id).await?;
    let reason = required_text("reason", &input.reason, 200)?;
    let (n, reason) = (&n, &reason);
    app.write(actor, |w| {
        Box::pin(async move {
            let by = w.actor().display_name.clone();
            let now = w.now();
            if !store::decide(
                w,
                n.id,
                PaymentNoticeState::Declined,
                None,
                Some(reason),
                &by,
                now,
            )
            .await?
            {
                return Err(AppError::InvalidTransition(
                    "the payment notice is decided already".into(),
                ));
            }
            notify::to_tenant(
                w,
                now,
                n.site_id,
                Some(n.tenant_id),
                "payment_notice_declined",
                &n.statement_number,
                reason,
                "/my/bills",
            )
            .await?;
            w.audit(
                Some(n.site_id),
                "decline",
                "payment_notice",
                Some(n.id),
                serde_json::json!({"reason": reason}),
            )
            .await
        })
    })
    .await?;
    payment_notice(app, actor, id).await
}

/// A notice's photo, for finance or the tenant.
pub async fn notice_photo(
    app: &App,
    actor: &Actor,
    id: i64,
    photo_id: i64,
    thumb: bool,
) -> AppResult<(String, Vec<u8>)> {
    row(app, actor, id).await?;
    let p = {
        let mut c = app.db.read().await?;
        lobby_store::photos::get(&mut c, photo_id)
            .await?
            .filter(|p| p.owner == Owner::PaymentNotice && p.owner_id == id)
            .ok_or(AppError::NotFound("photo"))?
    };
    crate::photos::bytes(app, p, thumb).await
}

/// The tenant adds a transfer slip's photo to its pending notice (at most
/// three in all).
pub async fn add_notice_photo(
    app: &App,
    actor: &Actor,
    id: i64,
    bytes: &[u8],
) -> AppResult<PaymentNoticeView> {
    let n = row(app, actor, id).await?;
    if super::read_scope(actor, n.site_id)? != Some(n.tenant_id) {
        return Err(AppError::Forbidden);
    }
    if n.state != PaymentNoticeState::Pending {
        return Err(AppError::InvalidTransition(format!(
            "the payment notice is {} already",
            n.state
        )));
    }
    let stored = crate::photos::store_photo(app, bytes).await?;
    let stored = &stored;
    app.write(actor, |w| {
        Box::pin(async move {
            let have = lobby_store::photos::of(w, Owner::PaymentNotice, id).await?;
            if have.len() >= MAX_NOTICE_PHOTOS {
                return Err(AppError::invalid(
                    "file",
                    format!("at most {MAX_NOTICE_PHOTOS} photos"),
                ));
            }
            let actor = w.actor().clone();
            let now = w.now();
            crate::photos::insert(
                w,
                &actor,
                now,
                (Owner::PaymentNotice, id),
                stored,
                None,
                None,
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    payment_notice(app, actor, id).await
}
