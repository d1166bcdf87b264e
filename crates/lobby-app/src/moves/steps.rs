//! Announcing a move and the steps that complete it: readings, checklist
//! items, keys. Each step is one transaction on an open move.

use lobby_domain::error::optional_text;
use lobby_domain::fees::{parse_reading, parse_yuan, MeterKind};
use lobby_domain::moves::{item_name, ItemState, MoveKind, MoveState, MAX_ITEMS};
use lobby_domain::photos::Owner;
use lobby_domain::policy::Action as Can;
use lobby_store::moves::{self as store, Check, MoveRow, NewMove};
use lobby_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::photos::StoredPhoto;
use crate::work::Work;
use crate::{time, Actor, App, AppError, AppResult};

use super::MoveView;

/// At most this many readings or keys in one request.
const MAX_LIST: usize = 20;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct MoveInput {
    pub tenant_id: i64,
    /// A move-in: the unit taken (it may still be occupied until the
    /// previous tenant's move-out completes). A move-out: one of the
    /// tenant's units now.
    pub unit_id: i64,
    /// The day of the move (`2026-12-03`): from 31 days ago to 180 days on.
    pub date: String,
    /// A move-in: the lease's last day; key copies handed over are due
    /// back then (needed when `keys` are given).
    pub lease_end: Option<String>,
    pub note: Option<String>,
    /// Base (move-in) or final (move-out) readings of the unit's meters,
    /// read now.
    #[serde(default)]
    pub meter_readings: Vec<MoveReadingInput>,
    /// The checklist. A move-in without it takes the site's checklist, a
    /// move-out the items of the tenant's move-in into the unit.
    #[serde(default)]
    pub handover: Vec<HandoverInput>,
    /// Key copies handed to the tenant (a move-in) or taken back (a
    /// move-out).
    #[serde(default)]
    pub keys: Vec<MoveKeyInput>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct MoveReadingInput {
    /// The meter, or say its `kind` (the unit's only meter of that kind).
    pub meter_id: Option<i64>,
    /// The meter's kind when `meter_id` is absent (`""` reads as absent).
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    pub kind: Option<MeterKind>,
    /// A decimal string (`"12345.6"`).
    pub reading: String,
    /// The meter was changed: a lower reading is the new meter's.
    #[serde(default)]
    pub meter_replaced: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct HandoverInput {
    /// The item (门锁, 空调 …), up to 60 characters.
    #[serde(alias = "item")]
    pub name: String,
    /// `pending` (default), `ok` or `defect`.
    pub state: Option<ItemState>,
    pub note: Option<String>,
    /// A damage's price at a move-out, yuan (`"350.00"`).
    pub charge: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct MoveKeyInput {
    pub key_id: i64,
    /// Which copy (default: the lowest in at a move-in; at a move-out the
    /// one the tenant holds).
    pub copy: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CheckInput {
    /// `ok` or `defect` (`pending` puts it back).
    pub state: ItemState,
    pub note: Option<String>,
    /// A damage's price at a move-out, yuan (`"350.00"`).
    pub charge: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct MoveItemInput {
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CancelInput {
    /// Why it is called off.
    pub reason: Option<String>,
}

/// A checklist finding, parsed.
pub(super) struct Finding {
    state: ItemState,
    note: Option<String>,
    charge_fen: i64,
}

pub(super) fn finding(
    kind: MoveKind,
    state: ItemState,
    note: Option<&str>,
    charge: Option<&str>,
) -> AppResult<Finding> {
    let note = optional_text("note", note, 500)?;
    let charge_fen = match charge.map(str::trim).filter(|c| !c.is_empty()) {
        Some(_) if kind == MoveKind::In => {
            return Err(AppError::invalid(
                "charge",
                "a move-in's defects are repaired, not charged",
            ))
        }
        Some(_) if state != ItemState::Defect => {
            return Err(AppError::invalid("charge", "only a damage is charged"))
        }
        Some(c) => parse_yuan("charge", c)?,
        None => 0,
    };
    if charge_fen < 0 {
        return Err(AppError::invalid("charge", "charge cannot be negative"));
    }
    Ok(Finding {
        state,
        note,
        charge_fen,
    })
}

/// Announces a move-in (入驻): the record, its checklist, and the readings,
/// findings and keys given with it — one transaction.
pub async fn create_move_in(app: &App, actor: &Actor, input: &MoveInput) -> AppResult<MoveView> {
    announce(app, actor, MoveKind::In, input).await
}

/// Announces a move-out (退租) of a unit the tenant occupies.
pub async fn create_move_out(app: &App, actor: &Actor, input: &MoveInput) -> AppResult<MoveView> {
    announce(app, actor, MoveKind::Out, input).await
}

async fn announce(
    app: &App,
    actor: &Actor,
    kind: MoveKind,
    input: &MoveInput,
) -> AppResult<MoveView> {
    let (unit, tenant) = crate::tenants::unit_and_tenant(
        app,
        actor,
        Can::MovesRead,
        Can::MovesWork,
        input.unit_id,
        input.tenant_id,
    )
    .await?;
    if input.handover.len() > MAX_ITEMS {
        return Err(AppError::invalid(
            "handover",
            "a checklist holds at most 60 items",
        ));
    }
    if input.meter_readings.len() > MAX_LIST || input.keys.len() > MAX_LIST {
        let field = if input.keys.len() > MAX_LIST {
            "keys"
        } else {
            "meter_readings"
        };
        return Err(AppError::invalid(field, "at most 20 in one request"));
    }
    let (today, tz) = crate::fees::site_today(app, unit.site_id).await?;
    let date = time::parse_date("date", &input.date)?;
    if date < today.saturating_sub(jiff::Span::new().days(31))
        || date > today.saturating_add(jiff::Span::new().days(180))
    {
        return Err(AppError::invalid(
            "date",
            "date must be from 31 days ago to 180 days on",
        ));
    }
    let lease_end = match input.lease_end.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(_) if kind == MoveKind::Out => {
            return Err(AppError::invalid(
                "lease_end",
                "a move-out has no lease end",
            ))
        }
        Some(s) => {
            let d = time::parse_date("lease_end", s)?;
            if d <= date {
                return Err(AppError::invalid(
                    "lease_end",
                    "lease_end must be after the move-in's date",
                ));
            }
            Some(d)
        }
        None => None,
    };
    let note = optional_text("note", input.note.as_deref(), 500)?;
    let mut items: Vec<(String, Option<Finding>)> = Vec::new();
    for h in &input.handover {
        let name = item_name("handover", &h.name)?;
        let f = match h.state {
            None | Some(ItemState::Pending) => None,
            Some(s) => Some(finding(kind, s, h.note.as_deref(), h.charge.as_deref())?),
        };
        if items.iter().any(|(n, _)| *n == name) {
            return Err(AppError::invalid(
                "handover",
                format!("'{name}' is on the checklist twice"),
            ));
        }
        items.push((name, f));
    }
    let mut readings = Vec::new();
    for r in &input.meter_readings {
        readings.push((r, parse_reading("reading", &r.reading)?));
    }
    {
        let mut c = app.db.read().await?;
        let occupant = lobby_store::tenants::occupant_of(&mut c, unit.id).await?;
        match kind {
            MoveKind::In if occupant == Some(tenant.id) => {
                return Err(AppError::invalid(
                    "unit_id",
                    "the tenant occupies this unit already",
                ))
            }
            MoveKind::Out if occupant != Some(tenant.id) => {
                return Err(AppError::invalid(
                    "unit_id",
                    "the tenant does not occupy this unit",
                ))
            }
            _ => {}
        }
        if items.is_empty() {
            let names = match kind {
                MoveKind::Out => match store::last_move_in(&mut c, tenant.id, unit.id).await? {
                    Some(m) => store::items(&mut c, m.id)
                        .await?
                        .into_iter()
                        .map(|i| i.name)
                        .collect(),
                    None => Vec::new(),
                },
                MoveKind::In => Vec::new(),
            };
            let names = if names.is_empty() {
                super::checklist(app, actor, unit.site_id).await?
            } else {
                names
            };
            items = names.into_iter().map(|n| (n, None)).collect();
        }
    }
    let due = match lease_end {
        Some(d) => Some(time::day_start(d.tomorrow().unwrap_or(d), &tz)?),
        None if !input.keys.is_empty() && kind == MoveKind::In => {
            return Err(AppError::invalid(
                "lease_end",
                "keys go to the tenant until the lease ends: give lease_end",
            ))
        }
        None => None,
    };
    let date_s = date.to_string();
    let lease_s = lease_end.map(|d| d.to_string());
    let (unit, tenant, items, readings, note, date_s, lease_s) =
        (&unit, &tenant, &items, &readings, &note, &date_s, &lease_s);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let by = w.actor().display_name.clone();
                let now = w.now();
                let id = store::insert(
                    w,
                    &NewMove {
                        site_id: unit.site_id,
                        tenant_id: tenant.id,
                        unit_id: unit.id,
                        kind,
                        move_date: date_s,
                        lease_end: lease_s.as_deref(),
                        note: note.as_deref(),
                        created_by_name: &by,
                    },
                    now,
                )
                .await
                .map_err(|e| match e {
                    StoreError::Duplicate(_) => AppError::InvalidTransition(format!(
                        "unit {} has an open {} already",
                        unit.number,
                        if kind == MoveKind::In {
                            "move-in"
                        } else {
                            "move-out"
                        }
                    )),
                    other => other.into(),
                })?;
                w.audit(
                    Some(unit.site_id),
                    "create",
                    if kind == MoveKind::In {
                        "move_in"
                    } else {
                        "move_out"
                    },
                    Some(id),
                    serde_json::json!({"tenant": tenant.name, "unit": unit.number, "date": date_s}),
                )
                .await?;
                let m = store::get(w, id).await?.ok_or(AppError::NotFound("move"))?;
                for (i, (name, f)) in items.iter().enumerate() {
                    let item = store::insert_item(w, id, i as i64, name).await?;
                    if let Some(f) = f {
                        check_in(w, &m, (item, name, false), f, None).await?;
                    }
                }
                for (r, milli) in readings.iter() {
                    reading_in(w, &m, r.meter_id, r.kind, *milli, r.meter_replaced, None).await?;
                }
                for k in &input.keys {
                    key_in(w, &m, k, due).await?;
                }
                // Engineering reads the meters: it is told now, with where.
                super::readings::tell_engineering(w, &m).await?;
                Ok(id)
            })
        })
        .await?;
    super::get(app, actor, id).await
}

/// The move `id`, open, for a step by `actor`.
pub(super) async fn open_move(app: &App, actor: &Actor, id: i64) -> AppResult<MoveRow> {
    let m = super::row(app, actor, id).await?;
    actor.authorize(Can::MovesWork, m.site_id)?;
    if m.state != MoveState::Open {
        return Err(AppError::InvalidTransition(format!(
            "the move is {} already",
            m.state
        )));
    }
    Ok(m)
}

/// Records an item's finding in the move's transaction: at a move-in a
/// defect opens a work order for engineering (once: not when the item
/// `had_ticket`); the photo, if one, goes with it.
pub(super) async fn check_in(
    w: &mut Work<'_>,
    m: &MoveRow,
    (item_id, name, had_ticket): (i64, &str, bool),
    f: &Finding,
    photo: Option<&StoredPhoto>,
) -> AppResult<()> {
    let now = w.now();
    let actor = w.actor();
    let ticket_id = if m.kind == MoveKind::In && f.state == ItemState::Defect && !had_ticket {
        let title = if actor.locale.starts_with("en") {
            format!("Handover defect: {name}")
        } else {
            format!("入驻交接缺陷：{name}")
        };
        Some(
            crate::tickets::create_in(
                w,
                now,
                actor,
                &crate::tickets::NewTicketInput {
                    site_id: Some(m.site_id),
                    kind: lobby_domain::tickets::Kind::Repair,
                    priority: Some(lobby_domain::tickets::Priority::Normal),
                    title,
                    description: f.note.clone().unwrap_or_default(),
                    unit_id: Some(m.unit_id),
                    location: None,
                    tenant_id: Some(m.tenant_id),
                    channel: Some(lobby_domain::tickets::Channel::WalkIn),
                    department: Some(lobby_domain::tickets::Department::Engineering),
                    complaint: None,
                    reporter_name: None,
                    reporter_phone: None,
                },
            )
            .await?,
        )
    } else {
        None
    };
    store::check_item(
        w,
        item_id,
        &Check {
            state: f.state,
            note: f.note.as_deref(),
            charge_fen: f.charge_fen,
            ticket_id,
            by: &actor.display_name,
            at: now,
        },
    )
    .await?;
    if let Some(p) = photo {
        crate::photos::insert(w, actor, now, (Owner::MoveItem, item_id), p, None, None).await?;
    }
    w.audit(
        Some(m.site_id),
        "check",
        "move_item",
        Some(item_id),
        serde_json::json!({"move_id": m.id, "item": name, "state": f.state, "charge_fen": f.charge_fen, "ticket_id": ticket_id}),
    )
    .await
}

/// Reads one of the unit's meters for the move (now) and links the reading.
async fn reading_in(
    w: &mut Work<'_>,
    m: &MoveRow,
    meter_id: Option<i64>,
    kind: Option<MeterKind>,
    milli: i64,
    replaced: bool,
    photo: Option<&StoredPhoto>,
) -> AppResult<i64> {
    let meters = lobby_store::fees::meters(w, m.site_id, Some(m.unit_id)).await?;
    let meter = match (meter_id, kind) {
        (Some(id), _) => meters.into_iter().find(|x| x.id == id).ok_or_else(|| {
            AppError::invalid(
                "meter_id",
                format!("meter {id} is not unit {}'s", m.unit_number),
            )
        })?,
        (None, Some(k)) => {
            let mut of_kind = meters.into_iter().filter(|x| x.kind == k);
            match (of_kind.next(), of_kind.next()) {
                (Some(x), None) => x,
                (None, _) => {
                    return Err(AppError::invalid(
                        "kind",
                        format!("unit {} has no {k} meter", m.unit_number),
                    ))
                }
                (Some(_), Some(_)) => {
                    return Err(AppError::invalid(
                        "meter_id",
                        format!("unit {} has several {k} meters: say which", m.unit_number),
                    ))
                }
            }
        }
        (None, None) => return Err(AppError::invalid("meter_id", "say which meter")),
    };
    let now = w.now();
    let id = crate::fees::record_in(w, &meter, milli, now, replaced, photo).await?;
    store::link_reading(w, m.id, id).await?;
    Ok(id)
}

/// Hands a copy to the tenant (a move-in, due back at the lease's end) or
/// takes the tenant's copy back (a move-out).
async fn key_in(
    w: &mut Work<'_>,
    m: &MoveRow,
    k: &MoveKeyInput,
    due: Option<i64>,
) -> AppResult<()> {
    let now = w.now();
    let key = lobby_store::keys::key(w, k.key_id, now)
        .await?
        .filter(|x| x.site_id == m.site_id)
        .ok_or_else(|| AppError::invalid("key_id", "no such key at this site"))?;
    if !w.actor().can(Can::KeysManage, m.site_id) {
        return Err(AppError::Forbidden);
    }
    let loan = match m.kind {
        MoveKind::In => {
            let due = due.ok_or_else(|| {
                AppError::invalid(
                    "lease_end",
                    "keys go to the tenant until the lease ends: the move-in needs lease_end",
                )
            })?;
            let purpose = if w.actor().locale.starts_with("en") {
                format!("Move-in {}", m.unit_number)
            } else {
                format!("入驻 {}", m.unit_number)
            };
            crate::keys::issue_in(w, &key, k.copy, &m.tenant_name, &purpose, due)
                .await?
                .0
        }
        MoveKind::Out => {
            let out: Vec<_> = lobby_store::keys::loans(w, key.id, 1000)
                .await?
                .into_iter()
                .filter(|l| l.returned_at.is_none())
                .collect();
            // The copy named, else the one the tenant holds, else the only one out.
            let l = match k.copy {
                Some(c) => out.iter().find(|l| l.copy_no == c),
                None => out
                    .iter()
                    .find(|l| l.holder == m.tenant_name)
                    .or(if out.len() == 1 { out.first() } else { None }),
            }
            .ok_or_else(|| AppError::InvalidTransition("that copy is not out".into()))?;
            crate::keys::return_in(w, &key, l).await?;
            l.id
        }
    };
    store::link_key(w, m.id, key.id, loan).await?;
    Ok(())
}

/// Records a reading of one of the unit's meters for an open move, with
/// the dial's photo if one is given.
pub async fn add_reading(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &MoveReadingInput,
    photo: Option<&[u8]>,
) -> AppResult<MoveView> {
    let m = open_move(app, actor, id).await?;
    actor.authorize(Can::MetersRecord, m.site_id)?;
    let milli = parse_reading("reading", &input.reading)?;
    let stored = match photo {
        Some(bytes) => Some(crate::photos::store_photo(app, bytes).await?),
        None => None,
    };
    let (m, stored) = (&m, &stored);
    app.write(actor, |w| {
        Box::pin(async move {
            reading_in(
                w,
                m,
                input.meter_id,
                input.kind,
                milli,
                input.meter_replaced,
                stored.as_ref(),
            )
            .await
        })
    })
    .await?;
    super::get(app, actor, id).await
}

/// Checks one item of an open move's checklist, with a photo if given.
pub async fn check_item(
    app: &App,
    actor: &Actor,
    id: i64,
    item_id: i64,
    input: &CheckInput,
    photo: Option<&[u8]>,
) -> AppResult<MoveView> {
    let m = open_move(app, actor, id).await?;
    let f = finding(
        m.kind,
        input.state,
        input.note.as_deref(),
        input.charge.as_deref(),
    )?;
    {
        let mut c = app.db.read().await?;
        store::item(&mut c, id, item_id)
            .await?
            .ok_or(AppError::NotFound("item"))?;
    }
    let stored = match photo {
        Some(bytes) => Some(crate::photos::store_photo(app, bytes).await?),
        None => None,
    };
    let (m, f, stored) = (&m, &f, &stored);
    app.write(actor, |w| {
        Box::pin(async move {
            // Read again in the transaction: two people checking the same
            // defect open one work order.
            let item = store::item(w, m.id, item_id)
                .await?
                .ok_or(AppError::NotFound("item"))?;
            let at = (item_id, item.name.as_str(), item.ticket_id.is_some());
            check_in(w, m, at, f, stored.as_ref()).await
        })
    })
    .await?;
    super::get(app, actor, id).await
}

/// Adds an item to an open move's checklist.
pub async fn add_item(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &MoveItemInput,
) -> AppResult<MoveView> {
    let m = open_move(app, actor, id).await?;
    let name = item_name("name", &input.name)?;
    let (m, name) = (&m, &name);
    app.write(actor, |w| {
        Box::pin(async move {
            let items = store::items(w, m.id).await?;
            if items.len() >= MAX_ITEMS {
                return Err(AppError::invalid(
                    "name",
                    "a checklist holds at most 60 items",
                ));
            }
            let pos = items.iter().map(|i| i.position).max().unwrap_or(-1) + 1;
            let item =
                store::insert_item(w, m.id, pos, name)
                    .await
                    .map_err(crate::error::dup_as(
                        "name",
                        "the checklist has this item already",
                    ))?;
            w.audit(
                Some(m.site_id),
                "create",
                "move_item",
                Some(item),
                serde_json::json!({"move_id": m.id, "item": name}),
            )
            .await
        })
    })
    .await?;
    super::get(app, actor, id).await
}

/// Hands a key copy to the tenant (a move-in) or takes it back (a move-out).
pub async fn move_key(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &MoveKeyInput,
) -> AppResult<MoveView> {
    let m = open_move(app, actor, id).await?;
    actor.authorize(Can::KeysManage, m.site_id)?;
    let due = match m.lease_end.as_deref() {
        Some(d) => {
            let (_, tz) = crate::fees::site_today(app, m.site_id).await?;
            let d = time::parse_date("lease_end", d)?;
            Some(time::day_start(d.tomorrow().unwrap_or(d), &tz)?)
        }
        None => None,
    };
    let m = &m;
    app.write(actor, |w| {
        Box::pin(async move { key_in(w, m, input, due).await })
    })
    .await?;
    super::get(app, actor, id).await
}

/// Calls an open move off.
pub async fn cancel(app: &App, actor: &Actor, id: i64, input: &CancelInput) -> AppResult<MoveView> {
    let m = open_move(app, actor, id).await?;
    let reason = optional_text("reason", input.reason.as_deref(), 200)?;
    let (m, reason) = (&m, &reason);
    app.write(actor, |w| {
        Box::pin(async move {
            let by = w.actor().display_name.clone();
            let now = w.now();
            if !store::close(w, m.id, MoveState::Cancelled, None, &by, now).await? {
                return Err(AppError::InvalidTransition("the move is not open".into()));
            }
            w.audit(
                Some(m.site_id),
                "cancel",
                if m.kind == MoveKind::In {
                    "move_in"
                } else {
                    "move_out"
                },
                Some(m.id),
                serde_json::json!({"reason": reason}),
            )
            .await
        })
    })
    .await?;
    super::get(app, actor, id).await
}

/// Adds a photo to a checklist item of an open move (a defect, a damage).
pub async fn add_item_photo(
    app: &App,
    actor: &Actor,
    id: i64,
    item_id: i64,
    bytes: &[u8],
) -> AppResult<MoveView> {
    let m = open_move(app, actor, id).await?;
    {
        let mut c = app.db.read().await?;
        store::item(&mut c, id, item_id)
            .await?
            .ok_or(AppError::NotFound("item"))?;
    }
    let stored = crate::photos::store_photo(app, bytes).await?;
    let (m, stored) = (&m, &stored);
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let actor = w.actor();
            let photo = crate::photos::insert(
                w,
                actor,
                now,
                (Owner::MoveItem, item_id),
                stored,
                None,
                None,
            )
            .await?;
            w.audit(
                Some(m.site_id),
                "photo",
                "move_item",
                Some(item_id),
                serde_json::json!({"move_id": m.id, "photo_id": photo}),
            )
            .await
        })
    })
    .await?;
    super::get(app, actor, id).await
}
