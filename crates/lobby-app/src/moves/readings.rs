//! A move's meters and the person who reads them. Engineering is told when
//! a move is announced with meters to read (and again when someone asks),
//! and its reading counts for the move wherever it is taken: on the move's
//! page, or on the meter round (抄表) from the day before the move.

use lobby_domain::moves::MoveState;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_store::moves::{self as store, MoveRow};

use crate::work::Work;
use crate::{Actor, App, AppError, AppResult};

use super::MoveView;

/// Tells engineering the move's meters wait for their readings (when some
/// do), and notes when. Returns whether anyone was told.
pub(crate) async fn tell_engineering(w: &mut Work<'_>, m: &MoveRow) -> AppResult<bool> {
    let read: Vec<i64> = store::readings(w, m.id)
        .await?
        .into_iter()
        .map(|r| r.meter_id)
        .collect();
    let unread: Vec<String> = lobby_store::fees::meters(w, m.site_id, Some(m.unit_id))
        .await?
        .into_iter()
        .filter(|x| !read.contains(&x.id))
        .map(|x| x.serial)
        .collect();
    if unread.is_empty() {
        return Ok(false);
    }
    let kind = if m.kind == lobby_domain::moves::MoveKind::In {
        "move_in_readings"
    } else {
        "move_out_readings"
    };
    w.notify(
        m.site_id,
        Role::Engineering,
        kind,
        &format!("{} · {}", m.unit_number, m.move_date),
        &unread.join(", "),
        Some(&format!("/moves/{}#readings", m.id)),
    )
    .await?;
    let now = w.now();
    store::set_readings_told(w, m.id, now).await?;
    Ok(true)
}

/// Tells engineering again that the open move's meters wait for their
/// readings (the desk's 提醒工程部). 409 when none wait.
pub async fn remind(app: &App, actor: &Actor, id: i64) -> AppResult<MoveView> {
    let m = super::row(app, actor, id).await?;
    actor.authorize(Can::MovesWork, m.site_id)?;
    if m.state != MoveState::Open {
        return Err(AppError::InvalidTransition(format!(
            "the move is {} already",
            m.state
        )));
    }
    let m = &m;
    app.write(actor, |w| {
        Box::pin(async move {
            if !tell_engineering(w, m).await? {
                return Err(AppError::InvalidTransition(
                    "every meter of the unit is read for this move".into(),
                ));
            }
            w.audit(
                Some(m.site_id),
                "remind",
                "move_readings",
                Some(m.id),
                serde_json::json!({"unit": m.unit_number}),
            )
            .await
        })
    })
    .await?;
    super::get(app, actor, id).await
}

/// A reading taken on the meter round counts for the open moves of the
/// meter's unit that are due by tomorrow (`by`) and have not read it yet:
/// engineering reads once, where it is.
pub(crate) async fn round_reading_in(
    w: &mut Work<'_>,
    meter_id: i64,
    unit_id: i64,
    reading_id: i64,
    by: &str,
) -> AppResult<()> {
    for m in store::open_of_unit(w, unit_id, by).await? {
        let read = store::readings(w, m.id)
            .await?
            .iter()
            .any(|r| r.meter_id == meter_id);
        if !read {
            store::link_reading(w, m.id, reading_id).await?;
        }
    }
    Ok(())
}

/// A meter a move due by tomorrow waits for.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AwaitedReading {
    pub meter_id: i64,
    pub move_id: i64,
    pub kind: lobby_domain::moves::MoveKind,
    /// The move's day (`2026-12-07`).
    pub date: String,
}

/// The site's meters that open moves due by tomorrow wait for: the meter
/// round marks them, and a reading taken there counts for the move.
pub async fn awaited_readings(
    app: &App,
    actor: &Actor,
    site_id: i64,
) -> AppResult<Vec<AwaitedReading>> {
    actor.authorize(Can::MetersRead, site_id)?;
    let (today, _) = crate::scope::site_today(app, site_id).await?;
    let by = today.tomorrow().unwrap_or(today).to_string();
    let mut c = app.db.read().await?;
    Ok(store::unread(&mut c, site_id, &by)
        .await?
        .into_iter()
        .map(|u| AwaitedReading {
            meter_id: u.meter_id,
            move_id: u.move_id,
            kind: u.kind,
            date: u.move_date,
        })
        .collect())
}
