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

/// Records a lost copy: its loan (if it was out) closes as lost, and the
/// copy is out of service until it is found or a replacement is cut
/// ([`settle_loss`]). A copy lost already is 409 `invalid_transition` (also
/// when two report it at once: one open loss per copy). A one-off
/// `fee_item_id` proposes the replacement's charge to the unit's tenant;
/// finance (`FeesManage`) makes it ([`charge_loss`]; at once when the
/// person recording it is finance). Naming another payer is finance's.
pub async fn lose_key(app: &App, actor: &Actor, id: i64, input: &LostInput) -> AppResult<LossView> {
    let now = app.now();
    let k = key_to_manage(app, actor, id, now).await?;
    // Whoever records the loss may propose the replacement's fee item;
    // finance makes the charge ([`charge_loss`]), at once when the person
    // recording it is finance too.
    let charges_now = actor.can(Can::FeesManage, k.site_id);
    let note = required_text("note", &input.note, 200)?;
    // Who pays: the unit's tenant now, or the tenant finance names.
    let (tenant, item) = {
        let mut c = app.db.read().await?;
        let item = match input.fee_item_id {
            Some(f) => Some(
                lobby_store::fees::fee_item(&mut c, f)
                    .await?
                    .filter(|i| i.site_id == k.site_id && i.basis == "one_off")
                    .ok_or_else(|| {
                        AppError::invalid("fee_item_id", "no such one-off fee item at this site")
                    })?,
            ),
            None => None,
        };
        let unit_tenant = match k.unit_id {
            Some(u) => lobby_store::sites::unit(&mut c, u)
                .await?
                .and_then(|u| u.tenant_id),
            None => None,
        };
        let tenant = match input.tenant_id {
            Some(t) => {
                let t = lobby_store::tenants::get(&mut c, t)
                    .await?
                    .filter(|t| t.site_id == k.site_id)
                    .ok_or_else(|| AppError::invalid("tenant_id", "no such tenant at this site"))?
                    .id;
                if Some(t) != unit_tenant {
                    actor.authorize(Can::FeesManage, k.site_id)?;
                }
                Some(t)
            }
            None => unit_tenant,
        };
        (tenant, item)
    };
    if item.is_some() && tenant.is_none() {
        return Err(AppError::invalid(
            "tenant_id",
            "say which tenant pays for the replacement",
        ));
    }
    let (k, note, item) = (&k, &note, &item);
    let loss = app
        .write(actor, |w| {
            Box::pin(async move {
                let out: Vec<_> = store::loans(w, id, 1000)
                    .await?
                    .into_iter()
                    .filter(|l| l.returned_at.is_none())
                    .collect();
                let lost = store::lost_copies(w, id).await?;
                let copy = match input.copy {
                    Some(c) if (1..=k.copies).contains(&c) => c,
                    Some(_) => {
                        return Err(AppError::invalid(
                            "copy",
                            format!("the key has copies 1 to {}", k.copies),
                        ))
                    }
                    None if out.len() == 1 => out[0].copy_no,
                    None if k.copies == 1 => 1,
                    None => {
                        return Err(AppError::invalid("copy", "say which copy was lost"))
                    }
                };
                if lost.contains(&copy) {
                    return Err(AppError::InvalidTransition(format!(
                        "copy {copy} is reported lost already"
                    )));
                }
                let now = w.now();
                let by = w.actor().display_name.clone();
                let loan = out.iter().find(|l| l.copy_no == copy);
                if let Some(l) = loan {
                    if !store::lose_loan(w, l.id, now, &by).await? {
                        return Err(AppError::InvalidTransition(format!(
                            "copy {copy} is back already"
                        )));
                    }
                }
                let charge_id = match (item, tenant) {
                    (Some(item), Some(t)) if charges_now => Some(
                        lobby_store::fees::insert_charge(
                            w,
                            k.site_id,
                            t,
                            item.id,
                            1,
                            Some(&format!("{} #{copy}", k.label)),
                            now,
                        )
                        .await?,
                    ),
                    _ => None,
                };
                // One open loss per copy (a unique index): of two reports
                // at once, the second finds it taken.
                let loss = store::insert_loss(
                    w,
                    &store::NewLoss {
                        key_id: id,
                        site_id: k.site_id,
                        copy_no: copy,
                        holder: loan.map(|l| l.holder.as_str()),
                        note,
                        tenant_id: tenant,
                        charge_id,
                        proposed_fee_item_id: item.as_ref().map(|i| i.id),
                        reported_by_name: &by,
                    },
                    now,
                )
                .await
                .map_err(|e| match e {
                    StoreError::Duplicate(_) => AppError::InvalidTransition(format!(
                        "copy {copy} is reported lost already"
                    )),
                    other => other.into(),
                })?;
                w.audit(
                    Some(k.site_id),
                    "lost",
                    "key",
                    Some(id),
                    serde_json::json!({"copy": copy, "note": note, "tenant_id": tenant, "charge_id": charge_id}),
                )
                .await?;
                if item.is_some() && charge_id.is_none() {
                    // Finance makes the proposed charge.
                    w.notify(
                        k.site_id,
                        Role::Finance,
                        "key_loss_charge",
                        &format!("{} #{copy}", k.label),
                        note,
                        Some("/fees/items#key-losses"),
                    )
                    .await?;
                }
                Ok(loss)
            })
        })
        .await?;
    loss_of(app, id, loss).await
}

async fn loss_of(app: &App, key_id: i64, loss: i64) -> AppResult<LossView> {
    let mut c = app.db.read().await?;
    store::losses(&mut c, key_id)
        .await?
        .into_iter()
        .find(|x| x.id == loss)
        .map(loss_view)
        .ok_or(AppError::NotFound("loss"))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ChargeLossInput {
    /// A one-off fee item of the site; default the one proposed with the loss.
    pub fee_item_id: Option<i64>,
    /// Who pays; default the tenant recorded with the loss (the unit's).
    pub tenant_id: Option<i64>,
}

/// Losses whose proposed replacement charge finance has not made yet.
pub async fn losses_to_charge(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<LossView>> {
    actor.authorize(Can::FeesManage, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::losses_to_charge(&mut c, site_id)
        .await?
        .into_iter()
        .map(loss_view)
        .collect())
}

/// Finance charges the replacement of a lost copy (a one-off fee charge,
/// billed by the next statement): once — a loss charged already is 409
/// `invalid_transition`.
pub async fn charge_loss(
    app: &App,
    actor: &Actor,
    loss_id: i64,
    input: &ChargeLossInput,
) -> AppResult<LossView> {
    let (x, item, tenant) = {
        let mut c = app.db.read().await?;
        let x = store::loss(&mut c, loss_id)
            .await?
            .filter(|x| actor.can(Can::FeesRead, x.site_id))
            .ok_or(AppError::NotFound("loss"))?;
        actor.authorize(Can::FeesManage, x.site_id)?;
        let item_id = input
            .fee_item_id
            .or(x.proposed_fee_item_id)
            .ok_or_else(|| {
                AppError::invalid("fee_item_id", "say which one-off fee item to charge")
            })?;
        let item = lobby_store::fees::fee_item(&mut c, item_id)
            .await?
            .filter(|i| i.site_id == x.site_id && i.basis == "one_off")
            .ok_or_else(|| {
                AppError::invalid("fee_item_id", "no such one-off fee item at this site")
            })?;
        let tenant = match input.tenant_id.or(x.tenant_id) {
            Some(t) => {
                lobby_store::tenants::get(&mut c, t)
                    .await?
                    .filter(|t| t.site_id == x.site_id)
                    .ok_or_else(|| AppError::invalid("tenant_id", "no such tenant at this site"))?
                    .id
            }
            None => {
                return Err(AppError::invalid(
                    "tenant_id",
                    "say which tenant pays for the replacement",
                ))
            }
        };
        (x, item, tenant)
    };
    let (x, item) = (&x, &item);
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let charge = lobby_store::fees::insert_charge(
                w,
                x.site_id,
                tenant,
                item.id,
                1,
                Some(&format!("{} #{}", x.key_label, x.copy_no)),
                now,
            )
            .await?;
            if !store::set_loss_charge(w, loss_id, charge, tenant).await? {
                return Err(AppError::InvalidTransition(
                    "this loss is charged already".into(),
                ));
            }
            w.audit(
                Some(x.site_id),
                "charge",
                "key_loss",
                Some(loss_id),
                serde_json::json!({"tenant_id": tenant, "fee_item_id": item.id, "charge_id": charge}),
            )
            .await
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    store::loss(&mut c, loss_id)
        .await?
        .map(loss_view)
        .ok_or(AppError::NotFound("loss"))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SettleInput {
    /// `found` (the lost copy is back) or `replaced` (a new copy was cut).
    pub how: String,
}

/// A lost copy found or replaced: it is in service again. Once: a loss
/// settled already is 409 `invalid_transition`.
pub async fn settle_loss(
    app: &App,
    actor: &Actor,
    id: i64,
    loss_id: i64,
    input: &SettleInput,
) -> AppResult<LossView> {
    let now = app.now();
    let k = key_to_manage(app, actor, id, now).await?;
    let how = match input.how.trim() {
        h @ ("found" | "replaced") => h,
        _ => return Err(AppError::invalid("how", "how must be found or replaced")),
    };
    let k = &k;
    app.write(actor, |w| {
        Box::pin(async move {
            let Some(x) = store::losses(w, id)
                .await?
                .into_iter()
                .find(|x| x.id == loss_id)
            else {
                return Err(AppError::NotFound("loss"));
            };
            let now = w.now();
            let by = w.actor().display_name.clone();
            if !store::settle_loss(w, loss_id, how, &by, now).await? {
                return Err(AppError::InvalidTransition(
                    "this loss is settled already".into(),
                ));
            }
            w.audit(
                Some(k.site_id),
                how,
                "key",
                Some(id),
                serde_json::json!({"copy": x.copy_no, "loss_id": loss_id}),
            )
            .await
        })
    })
    .await?;
    loss_of(app, id, loss_id).await
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
