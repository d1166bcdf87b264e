//! Signing a move off. A move-in: the unit becomes the tenant's, occupied,
//! and billing starts from the move's day. A move-out: the occupancy ends
//! on the move's day, the damages become one-off charges, finance is told
//! to settle the final statement, and the unit is vacant again.

use lobby_domain::fees::yuan;
use lobby_domain::moves::{ready, ItemState, MoveKind, MoveState};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::sites::UnitStatus;
use lobby_store::moves::{self as store, MoveRow};
use serde::Deserialize;

use crate::work::Work;
use crate::{time, Actor, App, AppError, AppResult};

use super::MoveView;

/// The one-off fee item a move-out's damages are billed under, made at the
/// site the first time one is needed.
pub const DAMAGES_ITEM: &str = "损坏赔偿";

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CompleteInput {
    /// Who signed for the tenant (name, up to 60 characters). Left out,
    /// the printed handover sheet is signed on paper.
    pub signed_by: Option<String>,
}

/// Completes a move-in (`kind` in) or a move-out (`kind` out); 404 when
/// the move is of the other kind. Refused (422) while an item is pending
/// or a meter of the unit is unread in this move (and, at a move-out,
/// while a copy handed over at the move-in is still out); 409
/// `unit_occupied` when another tenant holds the unit.
pub async fn complete(
    app: &App,
    actor: &Actor,
    id: i64,
    kind: MoveKind,
    input: &CompleteInput,
) -> AppResult<MoveView> {
    let m = super::row(app, actor, id).await?;
    if m.kind != kind {
        return Err(AppError::NotFound("move"));
    }
    actor.authorize(Can::MovesComplete, m.site_id)?;
    if m.state != MoveState::Open {
        return Err(AppError::InvalidTransition(format!(
            "the move is {} already",
            m.state
        )));
    }
    let signed_by =
        lobby_domain::error::optional_text("signed_by", input.signed_by.as_deref(), 60)?;
    let (today, tz) = crate::fees::site_today(app, m.site_id).await?;
    let day = time::parse_date("date", &m.move_date)?;
    if day > today {
        return Err(AppError::invalid(
            "date",
            format!("the move is on {day}: complete it on the day"),
        ));
    }
    let at = time::day_start(day, &tz)?;
    let (m, signed_by) = (&m, &signed_by);
    app.write(actor, |w| {
        Box::pin(async move {
            check_ready(w, m).await?;
            let unit = lobby_store::sites::unit(w, m.unit_id)
                .await?
                .ok_or(AppError::NotFound("unit"))?;
            let occupant = lobby_store::tenants::occupant_of(w, m.unit_id).await?;
            let now = w.now();
            let by = w.actor().display_name.clone();
            match m.kind {
                MoveKind::In => {
                    if occupant.is_some() {
                        return Err(AppError::Refused {
                            code: "unit_occupied",
                            message: format!(
                                "unit {} is still occupied: complete the previous tenant's move-out first",
                                m.unit_number
                            ),
                            id: None,
                        });
                    }
                    lobby_store::tenants::start_occupancy(w, m.tenant_id, m.unit_id, at).await?;
                    crate::sites::set_unit_status(w, &unit, UnitStatus::Occupied, now).await?;
                    w.notify(
                        m.site_id,
                        Role::Finance,
                        "move_in_completed",
                        &format!("{} · {}", m.tenant_name, m.unit_number),
                        &m.move_date,
                        Some(&format!("/moves/{}", m.id)),
                    )
                    .await?;
                }
                MoveKind::Out => {
                    if occupant != Some(m.tenant_id) {
                        return Err(AppError::InvalidTransition(format!(
                            "{} does not occupy unit {} any more",
                            m.tenant_name, m.unit_number
                        )));
                    }
                    lobby_store::tenants::end_occupancy(w, m.tenant_id, m.unit_id, at).await?;
                    crate::sites::set_unit_status(w, &unit, UnitStatus::Vacant, now).await?;
                    let damages = bill_damages(w, m).await?;
                    w.notify(
                        m.site_id,
                        Role::Finance,
                        "move_out_completed",
                        &format!("{} · {}", m.tenant_name, m.unit_number),
                        &format!("{} · ¥{}", m.move_date, yuan(damages)),
                        Some(&format!("/moves/{}", m.id)),
                    )
                    .await?;
                }
            }
            if !store::close(w, m.id, MoveState::Completed, signed_by.as_deref(), &by, now).await? {
                return Err(AppError::InvalidTransition("the move is not open".into()));
            }
            w.audit(
                Some(m.site_id),
                "complete",
                if m.kind == MoveKind::In { "move_in" } else { "move_out" },
                Some(m.id),
                serde_json::json!({"tenant": m.tenant_name, "unit": m.unit_number, "date": m.move_date, "signed_by": signed_by}),
            )
            .await
        })
    })
    .await?;
    super::get(app, actor, id).await
}

/// Every item checked and every meter of the unit read in this move; at a
/// move-out, every copy handed over at the move-in back.
async fn check_ready(w: &mut Work<'_>, m: &MoveRow) -> AppResult<()> {
    let items: Vec<(String, ItemState)> = store::items(w, m.id)
        .await?
        .into_iter()
        .map(|i| (i.name, i.state))
        .collect();
    let read: Vec<i64> = store::readings(w, m.id)
        .await?
        .into_iter()
        .map(|r| r.meter_id)
        .collect();
    let meters: Vec<(String, bool)> = lobby_store::fees::meters(w, m.site_id, Some(m.unit_id))
        .await?
        .into_iter()
        .map(|x| (x.serial, read.contains(&x.id)))
        .collect();
    ready(&items, &meters).map_err(|e| AppError::from(e.error()))?;
    if m.kind == MoveKind::Out {
        let now = w.now();
        let (_, out) = super::keys_left(w, now, m, false).await?;
        if let Some(k) = out.first() {
            return Err(AppError::invalid(
                "keys",
                format!("{k} is still out with the tenant: it needs taking back first"),
            ));
        }
    }
    Ok(())
}

/// The move-out's priced damages as one-off charges on the tenant (billed
/// by the next statement). Returns their total in 分.
async fn bill_damages(w: &mut Work<'_>, m: &MoveRow) -> AppResult<i64> {
    let damages: Vec<_> = store::items(w, m.id)
        .await?
        .into_iter()
        .filter(|i| i.state == ItemState::Defect && i.charge_fen > 0 && i.fee_charge_id.is_none())
        .collect();
    if damages.is_empty() {
        return Ok(0);
    }
    let now = w.now();
    let item = match lobby_store::fees::fee_items(w, m.site_id)
        .await?
        .into_iter()
        .find(|i| i.name == DAMAGES_ITEM && i.basis == lobby_domain::fees::FeeBasis::OneOff)
    {
        Some(i) => i.id,
        None => {
            lobby_store::fees::insert_fee_item(
                w,
                m.site_id,
                DAMAGES_ITEM,
                lobby_domain::fees::FeeBasis::OneOff,
                None,
                now,
            )
            .await?
        }
    };
    let mut total = 0;
    for d in &damages {
        let note = format!("{} {}", m.unit_number, d.name);
        let charge = lobby_store::fees::insert_priced_charge(
            w,
            m.site_id,
            m.tenant_id,
            item,
            d.charge_fen,
            &note,
            now,
        )
        .await?;
        store::set_item_charge(w, d.id, charge).await?;
        total += d.charge_fen;
    }
    w.audit(
        Some(m.site_id),
        "charge",
        "move_out",
        Some(m.id),
        serde_json::json!({"tenant_id": m.tenant_id, "damages_fen": total, "count": damages.len()}),
    )
    .await?;
    Ok(total)
}
