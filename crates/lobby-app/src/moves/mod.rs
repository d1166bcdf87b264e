//! Move-in and move-out (入驻/退租) as one record several people complete.
//! Leasing or the desk announces it; engineering reads each meter of the
//! unit (the base readings at a move-in, the final ones at a move-out, with
//! the dial's photo, into the fees module's readings); customer service and
//! engineering walk the handover checklist item by item — a defect at a
//! move-in becomes a work order for engineering, a damage at a move-out is
//! priced; keys are handed over from the register (or taken back); the
//! tenant signs. Completing a move-in makes the unit occupied and starts
//! billing from the move's day; completing a move-out ends the occupancy,
//! bills the damages as one-off charges, tells finance to settle the final
//! statement and leaves the unit vacant.

mod checklist;
mod complete;
mod readings;
mod steps;

pub use checklist::{check_items, ChecksInput, ItemCheckInput, MAX_CHECK_PHOTOS};
pub use complete::{complete, CompleteInput, DAMAGES_ITEM};
pub(crate) use readings::round_reading_in;
pub use readings::{awaited_readings, remind, AwaitedReading};
pub use steps::{
    add_item, add_item_photo, add_reading, cancel, check_item, create_move_in, create_move_out,
    move_key, CancelInput, CheckInput, HandoverInput, MoveInput, MoveItemInput, MoveKeyInput,
    MoveReadingInput,
};

use lobby_domain::fees::format_reading;
use lobby_domain::moves::{ItemState, MoveKind, MoveState};
use lobby_domain::policy::Action as Can;
use lobby_store::moves::{self as store, MoveFilter, MoveRow};
use serde::{Deserialize, Serialize};

use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MoveView {
    pub id: i64,
    pub site_id: i64,
    /// `in` (入驻) or `out` (退租).
    pub kind: MoveKind,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub unit_id: i64,
    pub unit_number: String,
    /// The day of the move (`2026-12-03`); a move-in bills from it.
    pub date: String,
    pub lease_end: Option<String>,
    pub state: MoveState,
    pub note: Option<String>,
    /// The tenant's signature: who signed, when.
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
    pub completed_by: Option<String>,
    pub completed_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
    /// The handover checklist (with the move's page; empty in lists).
    pub items: Vec<MoveItemView>,
    /// The readings taken (with the move's page).
    pub readings: Vec<MoveReadingView>,
    /// The key copies handed over or taken back (with the move's page).
    pub keys: Vec<MoveKeyView>,
    /// The damages priced at a move-out, in 分.
    pub damages_fen: i64,
    /// What an open move still lacks and whose it is, in the order it is
    /// usually done (with the move's page; empty in lists and once
    /// closed). Completing waits for the steps that `blocks`.
    pub outstanding: Vec<OutstandingView>,
    /// When engineering was last told the meters wait for their readings
    /// (at the announcement, or by `POST /api/v1/moves/{id}/remind`).
    pub readings_told_at: Option<String>,
}

/// A step an open move still lacks.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutstandingView {
    pub what: lobby_domain::moves::Lacking,
    pub whose: lobby_domain::moves::Party,
    /// What it concerns: meter serials, checklist items, key sets or
    /// copies.
    pub names: Vec<String>,
    /// Completing the move waits for it.
    pub blocks: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MoveItemView {
    pub id: i64,
    pub name: String,
    pub state: ItemState,
    pub note: Option<String>,
    /// A damage's price at a move-out, in 分.
    pub charge_fen: i64,
    /// The work order a defect at a move-in opened.
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    /// The one-off fee charge a damage became at the move-out's completion.
    pub fee_charge_id: Option<i64>,
    pub checked_by: Option<String>,
    pub checked_at: Option<String>,
    /// Photos of the item (`GET /moves/{id}/photos/{photo_id}`).
    pub photo_ids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MoveReadingView {
    pub reading_id: i64,
    pub meter_id: i64,
    pub meter_kind: lobby_domain::fees::MeterKind,
    pub serial: String,
    /// A decimal string (`"12345.6"`).
    pub reading: String,
    pub read_at: String,
    pub read_by: String,
    pub photo_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MoveKeyView {
    pub key_id: i64,
    pub label: String,
    pub tag_no: Option<String>,
    pub copy_no: i64,
    pub holder: String,
    /// When the copy came back to the desk (a move-out's keys, or a
    /// move-in's later).
    pub returned_at: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct MoveQuery {
    pub site_id: i64,
    /// `in` or `out`.
    pub kind: Option<MoveKind>,
    pub state: Option<MoveState>,
    pub tenant_id: Option<i64>,
    pub unit_id: Option<i64>,
}

pub(crate) fn view(m: MoveRow) -> MoveView {
    MoveView {
        id: m.id,
        site_id: m.site_id,
        kind: m.kind,
        tenant_id: m.tenant_id,
        tenant_name: m.tenant_name,
        unit_id: m.unit_id,
        unit_number: m.unit_number,
        date: m.move_date,
        lease_end: m.lease_end,
        state: m.state,
        note: m.note,
        signed_by: m.signed_by,
        signed_at: time::rfc3339_opt(m.signed_at),
        completed_by: m.completed_by_name,
        completed_at: time::rfc3339_opt(m.completed_at),
        created_by: m.created_by_name,
        created_at: time::rfc3339(m.created_at),
        items: Vec::new(),
        readings: Vec::new(),
        keys: Vec::new(),
        damages_fen: 0,
        outstanding: Vec::new(),
        readings_told_at: time::rfc3339_opt(m.readings_told_at),
    }
}

/// A site's moves: open ones first, then the newest (at most 500).
pub async fn moves(app: &App, actor: &Actor, q: &MoveQuery) -> AppResult<Vec<MoveView>> {
    actor.authorize(Can::MovesRead, q.site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::moves(
        &mut c,
        &MoveFilter {
            site_id: q.site_id,
            kind: q.kind,
            state: q.state,
            tenant_id: q.tenant_id,
            unit_id: q.unit_id,
            limit: 500,
        },
    )
    .await?
    .into_iter()
    .map(view)
    .collect())
}

/// The move `id` as `actor` may see it (404 otherwise).
pub(crate) async fn row(app: &App, actor: &Actor, id: i64) -> AppResult<MoveRow> {
    let mut c = app.db.read().await?;
    store::get(&mut c, id)
        .await?
        .filter(|m| actor.can(Can::MovesRead, m.site_id))
        .ok_or(AppError::NotFound("move"))
}

/// A move with its checklist, readings and keys.
pub async fn get(app: &App, actor: &Actor, id: i64) -> AppResult<MoveView> {
    let m = row(app, actor, id).await?;
    let mut c = app.db.read().await?;
    let items = store::items(&mut c, id).await?;
    let photos = lobby_store::photos::of_move(&mut c, id).await?;
    let readings = store::readings(&mut c, id).await?;
    let keys = store::keys(&mut c, id).await?;
    let outstanding = if m.state == MoveState::Open {
        let read: Vec<i64> = readings.iter().map(|r| r.meter_id).collect();
        let meters: Vec<(String, bool)> =
            lobby_store::fees::meters(&mut c, m.site_id, Some(m.unit_id))
                .await?
                .into_iter()
                .map(|x| (x.serial, read.contains(&x.id)))
                .collect();
        let checks: Vec<(String, ItemState)> =
            items.iter().map(|i| (i.name.clone(), i.state)).collect();
        let (to_hand, out) = keys_left(&mut c, app.now(), &m, keys.is_empty()).await?;
        lobby_domain::moves::outstanding(m.kind, &checks, &meters, &to_hand, &out)
            .into_iter()
            .map(|o| OutstandingView {
                what: o.what,
                whose: o.whose,
                names: o.names,
                blocks: o.blocks,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut v = view(m);
    v.outstanding = outstanding;
    v.damages_fen = items
        .iter()
        .filter(|i| i.state == ItemState::Defect)
        .map(|i| i.charge_fen)
        .sum();
    v.items = items
        .into_iter()
        .map(|i| MoveItemView {
            photo_ids: photos
                .iter()
                .filter(|p| p.owner_id == i.id)
                .map(|p| p.id)
                .collect(),
            id: i.id,
            name: i.name,
            state: i.state,
            note: i.note,
            charge_fen: i.charge_fen,
            ticket_id: i.ticket_id,
            ticket_number: i.ticket_number,
            fee_charge_id: i.fee_charge_id,
            checked_by: i.checked_by_name,
            checked_at: time::rfc3339_opt(i.checked_at),
        })
        .collect();
    v.readings = readings
        .into_iter()
        .map(|r| MoveReadingView {
            reading_id: r.reading_id,
            meter_id: r.meter_id,
            meter_kind: r.kind,
            serial: r.serial,
            reading: format_reading(r.reading_milli),
            read_at: time::rfc3339(r.read_at),
            read_by: r.read_by_name,
            photo_id: r.photo_id,
        })
        .collect();
    v.keys = keys
        .into_iter()
        .map(|k| MoveKeyView {
            key_id: k.key_id,
            label: k.label,
            tag_no: k.tag_no,
            copy_no: k.copy_no,
            holder: k.holder,
            returned_at: time::rfc3339_opt(k.returned_at),
        })
        .collect();
    Ok(v)
}

/// The keys a move still concerns: at a move-in with nothing handed over
/// yet (`none_handed`), the unit's key sets with a copy in; at a
/// move-out, the copies handed over at the tenant's move-in and still out
/// (`label #copy`).
pub(crate) async fn keys_left(
    c: &mut lobby_store::Conn,
    now: i64,
    m: &MoveRow,
    none_handed: bool,
) -> AppResult<(Vec<String>, Vec<String>)> {
    match m.kind {
        MoveKind::In if none_handed => Ok((
            lobby_store::keys::keys(c, m.site_id, now, false)
                .await?
                .into_iter()
                .filter(|k| k.unit_id == Some(m.unit_id) && k.out + k.lost < k.copies)
                .map(|k| k.label)
                .collect(),
            Vec::new(),
        )),
        MoveKind::In => Ok((Vec::new(), Vec::new())),
        MoveKind::Out => {
            let out = match store::last_move_in(c, m.tenant_id, m.unit_id).await? {
                Some(mi) => store::keys(c, mi.id)
                    .await?
                    .into_iter()
                    .filter(|k| k.returned_at.is_none())
                    .map(|k| format!("{} #{}", k.label, k.copy_no))
                    .collect(),
                None => Vec::new(),
            };
            Ok((Vec::new(), out))
        }
    }
}

/// A photo of one of the move's checklist items.
pub async fn photo(
    app: &App,
    actor: &Actor,
    id: i64,
    photo_id: i64,
    thumb: bool,
) -> AppResult<(String, Vec<u8>)> {
    row(app, actor, id).await?;
    let p = {
        let mut c = app.db.read().await?;
        let p = lobby_store::photos::get(&mut c, photo_id)
            .await?
            .filter(|p| p.owner == lobby_domain::photos::Owner::MoveItem)
            .ok_or(AppError::NotFound("photo"))?;
        store::item(&mut c, id, p.owner_id)
            .await?
            .ok_or(AppError::NotFound("photo"))?;
        p
    };
    crate::photos::bytes(app, p, thumb).await
}

/// The site's handover checklist: its own, or the one every site starts
/// with (in the reader's language) until it keeps its own.
pub async fn checklist(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<String>> {
    actor.authorize(Can::MovesRead, site_id)?;
    let mut c = app.db.read().await?;
    let own = store::checklist(&mut c, site_id).await?;
    Ok(if own.is_empty() {
        default_checklist(&actor.locale)
    } else {
        own
    })
}

pub(crate) fn default_checklist(locale: &str) -> Vec<String> {
    lobby_domain::moves::DEFAULT_CHECKLIST
        .iter()
        .map(|(zh, en)| if locale.starts_with("en") { *en } else { *zh }.to_string())
        .collect()
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ChecklistInput {
    pub site_id: i64,
    /// The items in order (at most 60, each up to 60 characters).
    pub items: Vec<String>,
}

/// Replaces the site's checklist; moves under way keep theirs.
pub async fn set_checklist(
    app: &App,
    actor: &Actor,
    input: &ChecklistInput,
) -> AppResult<Vec<String>> {
    actor.authorize(Can::MovesManage, input.site_id)?;
    if input.items.len() > lobby_domain::moves::MAX_ITEMS {
        return Err(AppError::invalid(
            "items",
            "a checklist holds at most 60 items",
        ));
    }
    let names = lobby_domain::moves::parse_checklist("items", &input.items.join("\n"))?;
    let (names, site_id) = (&names, input.site_id);
    app.write(actor, |w| {
        Box::pin(async move {
            store::set_checklist(w, site_id, names).await?;
            w.audit(
                Some(site_id),
                "update",
                "handover_checklist",
                None,
                serde_json::json!({"items": names}),
            )
            .await
        })
    })
    .await?;
    checklist(app, actor, input.site_id).await
}
