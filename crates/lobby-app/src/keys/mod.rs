//! The key register (钥匙管理): keys per unit or public place with their
//! copies; a copy is issued to a holder with a purpose and a time to bring
//! it back, and taken back; a copy is never out twice; overdue copies are on
//! the desk's home and told to the desk once.

use lobby_domain::error::{optional_text, required_text};
use lobby_domain::keys::copy_to_issue;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_store::keys::{self as store, NewKey, NewLoan};
use lobby_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::work::Work;
use crate::{time, Actor, App, AppError, AppResult};

mod losses;
pub use losses::{
    charge_loss, lose_key, losses_to_charge, settle_loss, ChargeLossInput, SettleInput,
};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KeyView {
    pub id: i64,
    pub site_id: i64,
    pub label: String,
    pub tag_no: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub place: Option<String>,
    /// Where it hangs in the cabinet.
    pub hook: Option<String>,
    pub copies: i64,
    pub out: i64,
    pub overdue: i64,
    /// Copies lost and not yet found or replaced: out of service.
    pub lost: i64,
    /// The copies out now (with the key's page; empty in lists).
    pub loans: Vec<LoanView>,
    /// Copies lost, newest first (with the key's page; empty in lists).
    pub losses: Vec<LossView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LossView {
    pub id: i64,
    pub key_id: i64,
    pub copy_no: i64,
    /// Who had it, when it was out.
    pub holder: Option<String>,
    pub note: String,
    /// Who pays for the replacement.
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    /// The one-off fee charge of the replacement (billed by the next
    /// statement).
    pub charge_id: Option<i64>,
    pub reported_by: String,
    pub reported_at: String,
    /// When the copy was `found` or `replaced` (`settled_how`); until then
    /// it is out of service.
    pub settled_at: Option<String>,
    pub settled_how: Option<String>,
    pub settled_by: Option<String>,
    /// The fee item proposed for the replacement, waiting for finance
    /// (`POST /key-losses/{id}/charge`) while `charge_id` is empty.
    pub proposed_fee_item_id: Option<i64>,
    pub key_label: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct LostInput {
    /// The copy lost (default: the only one out).
    pub copy: Option<i64>,
    /// What happened (up to 200 characters).
    pub note: String,
    /// A one-off fee item of the site (配钥匙) to charge the replacement.
    pub fee_item_id: Option<i64>,
    /// Who pays (default: the tenant of the key's unit).
    pub tenant_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LoanView {
    pub id: i64,
    pub key_id: i64,
    pub label: String,
    pub copy_no: i64,
    pub holder: String,
    pub purpose: String,
    pub issued_at: String,
    pub due_back_at: String,
    pub overdue: bool,
    pub issued_by: String,
    pub returned_at: Option<String>,
    pub returned_to: Option<String>,
    /// Closed because the copy was lost.
    pub lost: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct KeyInput {
    pub site_id: i64,
    pub label: String,
    pub tag_no: Option<String>,
    /// A unit's key, or give `place` (a public area, a plant room).
    pub unit_id: Option<i64>,
    pub place: Option<String>,
    pub hook: Option<String>,
    /// Default 1.
    pub copies: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct IssueInput {
    pub holder: String,
    pub purpose: String,
    /// RFC 3339: when it is to come back.
    pub due_back_at: String,
    /// Which copy (default: the lowest that is in).
    pub copy: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReturnInput {
    /// Which copy comes back (default: the only one out).
    pub copy: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct KeyQuery {
    pub site_id: i64,
    /// Only keys with a copy past its time.
    pub overdue: Option<bool>,
}

fn key_view(k: store::KeyRow, loans: Vec<LoanView>) -> KeyView {
    KeyView {
        id: k.id,
        site_id: k.site_id,
        label: k.label,
        tag_no: k.tag_no,
        unit_id: k.unit_id,
        unit_number: k.unit_number,
        place: k.place,
        hook: k.hook,
        copies: k.copies,
        out: k.out,
        overdue: k.overdue,
        lost: k.lost,
        loans,
        losses: Vec::new(),
    }
}

fn loss_view(x: store::LossRow) -> LossView {
    LossView {
        id: x.id,
        key_id: x.key_id,
        copy_no: x.copy_no,
        holder: x.holder,
        note: x.note,
        tenant_id: x.tenant_id,
        tenant_name: x.tenant_name,
        charge_id: x.charge_id,
        reported_by: x.reported_by_name,
        reported_at: time::rfc3339(x.reported_at),
        settled_at: time::rfc3339_opt(x.settled_at),
        settled_how: x.settled_how,
        settled_by: x.settled_by_name,
        proposed_fee_item_id: x.proposed_fee_item_id,
        key_label: x.key_label,
    }
}

pub(crate) fn loan_view(l: store::LoanRow, now: i64) -> LoanView {
    LoanView {
        overdue: l.returned_at.is_none() && l.due_back_at < now,
        id: l.id,
        key_id: l.key_id,
        label: l.label,
        copy_no: l.copy_no,
        holder: l.holder,
        purpose: l.purpose,
        issued_at: time::rfc3339(l.issued_at),
        due_back_at: time::rfc3339(l.due_back_at),
        issued_by: l.issued_by_name,
        returned_at: time::rfc3339_opt(l.returned_at),
        returned_to: l.returned_to_name,
        lost: l.lost == 1,
    }
}

pub async fn keys(app: &App, actor: &Actor, q: &KeyQuery) -> AppResult<Vec<KeyView>> {
    actor.authorize(Can::KeysRead, q.site_id)?;
    let mut c = app.db.read().await?;
    Ok(
        store::keys(&mut c, q.site_id, app.now(), q.overdue.unwrap_or(false))
            .await?
            .into_iter()
            .map(|k| key_view(k, Vec::new()))
            .collect(),
    )
}

/// A key with its history (newest first): the copies out and those back.
pub async fn key(app: &App, actor: &Actor, id: i64) -> AppResult<(KeyView, Vec<LoanView>)> {
    let now = app.now();
    let mut c = app.db.read().await?;
    let k = store::key(&mut c, id, now)
        .await?
        .filter(|k| actor.can(Can::KeysRead, k.site_id))
        .ok_or(AppError::NotFound("key"))?;
    let history: Vec<LoanView> = store::loans(&mut c, id, 100)
        .await?
        .into_iter()
        .map(|l| loan_view(l, now))
        .collect();
    let out = history
        .iter()
        .filter(|l| l.returned_at.is_none())
        .cloned()
        .collect();
    let mut view = key_view(k, out);
    view.losses = store::losses(&mut c, id)
        .await?
        .into_iter()
        .map(loss_view)
        .collect();
    Ok((view, history))
}

/// Copies out at a site, the earliest due first (the desk's home).
pub async fn keys_out(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<LoanView>> {
    actor.authorize(Can::KeysRead, site_id)?;
    let now = app.now();
    let mut c = app.db.read().await?;
    Ok(store::open_loans(&mut c, site_id)
        .await?
        .into_iter()
        .map(|l| loan_view(l, now))
        .collect())
}

pub async fn create_key(app: &App, actor: &Actor, input: &KeyInput) -> AppResult<KeyView> {
    let site_id = input.site_id;
    actor.authorize(Can::KeysManage, site_id)?;
    let label = required_text("label", &input.label, 60)?;
    let tag_no = optional_text("tag_no", input.tag_no.as_deref(), 30)?;
    let place = optional_text("place", input.place.as_deref(), 60)?;
    let hook = optional_text("hook", input.hook.as_deref(), 30)?;
    let copies = input.copies.unwrap_or(1);
    if !(1..=50).contains(&copies) {
        return Err(AppError::invalid("copies", "copies must be 1 to 50"));
    }
    if input.unit_id.is_none() && place.is_none() {
        return Err(AppError::invalid(
            "unit_id",
            "say which unit_id or place the key opens",
        ));
    }
    if let Some(u) = input.unit_id {
        let mut c = app.db.read().await?;
        let unit = lobby_store::sites::unit(&mut c, u)
            .await?
            .filter(|u| u.site_id == site_id)
            .ok_or_else(|| AppError::invalid("unit_id", "no such unit at this site"))?;
        let _ = unit;
    }
    let (label, tag_no, place, hook) = (&label, &tag_no, &place, &hook);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let id = store::insert_key(
                    w,
                    &NewKey {
                        site_id,
                        label,
                        tag_no: tag_no.as_deref(),
                        unit_id: input.unit_id,
                        place: place.as_deref(),
                        hook: hook.as_deref(),
                        copies,
                    },
                    now,
                )
                .await
                .map_err(crate::error::dup_as(
                    "label",
                    "the site has a key of this label",
                ))?;
                w.audit(
                    Some(site_id),
                    "create",
                    "key",
                    Some(id),
                    serde_json::json!({"label": label, "copies": copies}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    Ok(key(app, actor, id).await?.0)
}

/// The key `id` for a change by `actor`: 404 when they may not see it, 403
/// when they may not keep the register.
pub(crate) async fn key_to_manage(
    app: &App,
    actor: &Actor,
    id: i64,
    now: i64,
) -> AppResult<store::KeyRow> {
    let k = {
        let mut c = app.db.read().await?;
        store::key(&mut c, id, now)
            .await?
            .filter(|k| actor.can(Can::KeysRead, k.site_id))
            .ok_or(AppError::NotFound("key"))?
    };
    actor.authorize(Can::KeysManage, k.site_id)?;
    Ok(k)
}

/// One loan of key `id`, as it stands now.
async fn loan_of(app: &App, id: i64, loan: i64, now: i64) -> AppResult<LoanView> {
    let mut c = app.db.read().await?;
    store::loans(&mut c, id, 1000)
        .await?
        .into_iter()
        .find(|l| l.id == loan)
        .map(|l| loan_view(l, now))
        .ok_or(AppError::NotFound("loan"))
}

/// Issues a copy: refused (409) when that copy, or every copy, is out.
pub async fn issue_key(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &IssueInput,
) -> AppResult<LoanView> {
    let now = app.now();
    let k = key_to_manage(app, actor, id, now).await?;
    let holder = required_text("holder", &input.holder, 60)?;
    let purpose = required_text("purpose", &input.purpose, 200)?;
    let due = time::parse_instant("due_back_at", &input.due_back_at)?.as_microsecond();
    if due <= now {
        return Err(AppError::invalid(
            "due_back_at",
            "due_back_at is not in the future",
        ));
    }
    let (holder, purpose, k) = (&holder, &purpose, &k);
    let loan = app
        .write(actor, |w| {
            Box::pin(async move { Ok(issue_in(w, k, input.copy, holder, purpose, due).await?.0) })
        })
        .await?;
    loan_of(app, id, loan, now).await
}

/// Issues a copy of `k` inside the caller's transaction (a key desk loan,
/// or the keys a move-in hands over): the copy named or the lowest that is
/// in; 409 when it (or every copy) is out. Returns the loan and the copy.
pub(crate) async fn issue_in(
    w: &mut Work<'_>,
    k: &store::KeyRow,
    copy: Option<i64>,
    holder: &str,
    purpose: &str,
    due: i64,
) -> AppResult<(i64, i64)> {
    let out: Vec<i64> = store::loans(w, k.id, 1000)
        .await?
        .into_iter()
        .filter(|l| l.returned_at.is_none())
        .map(|l| l.copy_no)
        .collect();
    let lost = store::lost_copies(w, k.id).await?;
    if let Some(c) = copy.filter(|c| lost.contains(c)) {
        return Err(AppError::InvalidTransition(format!(
            "copy {c} is lost: mark it found or replaced first"
        )));
    }
    let blocked: Vec<i64> = out.iter().chain(lost.iter()).copied().collect();
    let copy = copy_to_issue(k.copies, &blocked, copy).map_err(|why| match why {
        "no such copy" => {
            AppError::invalid("copy", format!("the key has copies 1 to {}", k.copies))
        }
        other => AppError::InvalidTransition(other.into()),
    })?;
    let now = w.now();
    let by = w.actor().display_name.clone();
    let loan = store::insert_loan(
        w,
        &NewLoan {
            key_id: k.id,
            site_id: k.site_id,
            copy_no: copy,
            holder,
            purpose,
            issued_at: now,
            due_back_at: due,
            issued_by_name: &by,
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate(_) => AppError::InvalidTransition("that copy is out".into()),
        other => other.into(),
    })?;
    w.audit(
        Some(k.site_id),
        "issue",
        "key",
        Some(k.id),
        serde_json::json!({"copy": copy, "holder": holder, "purpose": purpose}),
    )
    .await?;
    Ok((loan, copy))
}

/// Takes loan `loan` of `k` back inside the caller's transaction; 409 when
/// it is back already.
pub(crate) async fn return_in(
    w: &mut Work<'_>,
    k: &store::KeyRow,
    loan: &store::LoanRow,
) -> AppResult<()> {
    let now = w.now();
    let by = w.actor().display_name.clone();
    if !store::return_loan(w, loan.id, now, &by).await? {
        return Err(AppError::InvalidTransition(
            "that copy is back already".into(),
        ));
    }
    w.audit(
        Some(k.site_id),
        "return",
        "key",
        Some(k.id),
        serde_json::json!({"copy": loan.copy_no, "holder": loan.holder}),
    )
    .await
}

/// Takes a copy back: the one named, or the only one out.
pub async fn return_key(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &ReturnInput,
) -> AppResult<LoanView> {
    let now = app.now();
    let k = &key_to_manage(app, actor, id, now).await?;
    let loan = app
        .write(actor, |w| {
            Box::pin(async move {
                let out: Vec<_> = store::loans(w, id, 1000)
                    .await?
                    .into_iter()
                    .filter(|l| l.returned_at.is_none())
                    .collect();
                let l = match input.copy {
                    Some(c) => out.iter().find(|l| l.copy_no == c),
                    None if out.len() == 1 => out.first(),
                    None if out.is_empty() => None,
                    None => {
                        return Err(AppError::invalid(
                            "copy",
                            "several copies are out: say which copy",
                        ))
                    }
                }
                .ok_or_else(|| AppError::InvalidTransition("that copy is not out".into()))?;
                return_in(w, k, l).await?;
                Ok(l.id)
            })
        })
        .await?;
    loan_of(app, id, loan, now).await
}

/// Tells the desk (front desk and supervisor) once about each copy past
/// its time. Returns how many were told.
pub async fn overdue_key_sweep(app: &App) -> AppResult<usize> {
    let now = app.now();
    let due = {
        let mut c = app.db.read().await?;
        store::overdue_unnotified(&mut c, now).await?
    };
    let system = Actor::system();
    let mut told = 0;
    for l in due {
        let l = &l;
        let sent = app
            .write(&system, |w| {
                Box::pin(async move {
                    if !store::mark_overdue_notified(w, l.id).await? {
                        return Ok(false);
                    }
                    let title = format!("{} #{} · {}", l.label, l.copy_no, l.holder);
                    let link = format!("/keys/{}", l.key_id);
                    for role in [Role::FrontDesk, Role::CsSupervisor] {
                        w.notify(
                            l.site_id,
                            role,
                            "key_overdue",
                            &title,
                            &l.purpose,
                            Some(&link),
                        )
                        .await?;
                    }
                    Ok(true)
                })
            })
            .await?;
        told += usize::from(sent);
    }
    Ok(told)
}
