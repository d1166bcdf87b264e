//! Meters per unit and the monthly reading round (抄表): a reading lower than
//! the last is refused unless the meter was replaced; one far above the
//! unit's usual use is kept but flagged for a second look.

use lobby_domain::error::required_text;
use lobby_domain::fees::{
    check_reading, format_reading, parse_reading, use_bound_milli, MeterKind,
};
use lobby_domain::photos::Owner;
use lobby_domain::policy::Action as Can;
use lobby_store::fees::{self as store, NewReading};
use serde::{Deserialize, Serialize};

use crate::work::Work;
use crate::{time, Actor, App, AppError, AppResult};

/// A consumption above this many times the meter's average is flagged.
pub const JUMP_FACTOR: i64 = 3;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeterView {
    pub id: i64,
    pub site_id: i64,
    pub unit_id: i64,
    pub unit_number: String,
    pub kind: MeterKind,
    pub serial: String,
    pub multiplier: i64,
    /// The last reading, a decimal string (`"12345.6"`).
    pub last_reading: Option<String>,
    pub last_read_at: Option<String>,
    pub last_reading_id: Option<i64>,
    /// The dial's photo at the last reading.
    pub last_photo_id: Option<i64>,
    /// A reading far above the meter's usual use that waits for a second
    /// person (`POST /meter-readings/{id}/confirm`) before it is billed.
    pub waiting_reading_id: Option<i64>,
    pub waiting_reading: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct MeterInput {
    pub unit_id: i64,
    pub kind: String,
    pub serial: String,
    /// A current transformer's ratio; default 1.
    pub multiplier: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReadingView {
    pub id: i64,
    pub meter_id: i64,
    /// A decimal string (`"12345.6"`).
    pub reading: String,
    pub read_at: String,
    pub meter_replaced: bool,
    /// Far above the meter's usual use (or the kind's absolute bound): it
    /// is not billed until a second person confirms it
    /// (`POST /meter-readings/{id}/confirm`).
    pub flagged: bool,
    /// Who confirmed a flagged reading (display name), if anyone has.
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<String>,
    pub read_by: String,
    /// The photo of the dial, if one was taken
    /// (`GET /meter-readings/{id}/photos/{photo_id}`).
    pub photo_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReadingInput {
    pub meter_id: i64,
    /// A decimal string (`"12345.6"`, at most 3 decimals); never a float.
    pub reading: String,
    /// RFC 3339; default now.
    pub read_at: Option<String>,
    /// The meter was changed since the last reading: a lower reading is
    /// the new meter's.
    #[serde(default)]
    pub meter_replaced: bool,
}

fn meter_view(m: store::MeterRow) -> AppResult<MeterView> {
    Ok(MeterView {
        id: m.id,
        site_id: m.site_id,
        unit_id: m.unit_id,
        unit_number: m.unit_number,
        kind: m.kind,
        serial: m.serial,
        multiplier: m.multiplier,
        last_reading: m.last_reading_milli.map(format_reading),
        last_read_at: time::rfc3339_opt(m.last_read_at),
        last_reading_id: m.last_reading_id,
        last_photo_id: m.last_photo_id,
        waiting_reading_id: m.waiting_reading_id,
        waiting_reading: m.waiting_reading_milli.map(format_reading),
    })
}

fn reading_view(r: store::ReadingRow) -> ReadingView {
    ReadingView {
        id: r.id,
        meter_id: r.meter_id,
        reading: format_reading(r.reading_milli),
        read_at: time::rfc3339(r.read_at),
        meter_replaced: r.replaced == 1,
        flagged: r.flagged == 1,
        confirmed_by: r.confirmed_by_name,
        confirmed_at: time::rfc3339_opt(r.confirmed_at),
        read_by: r.read_by_name,
        photo_id: r.photo_id,
    }
}

pub async fn meters(
    app: &App,
    actor: &Actor,
    site_id: i64,
    unit_id: Option<i64>,
) -> AppResult<Vec<MeterView>> {
    actor.authorize(Can::MetersRead, site_id)?;
    let mut c = app.db.read().await?;
    store::meters(&mut c, site_id, unit_id)
        .await?
        .into_iter()
        .map(meter_view)
        .collect()
}

pub async fn create_meter(app: &App, actor: &Actor, input: &MeterInput) -> AppResult<MeterView> {
    let unit = {
        let mut c = app.db.read().await?;
        lobby_store::sites::unit(&mut c, input.unit_id)
            .await?
            .ok_or(AppError::NotFound("unit"))?
    };
    if !actor.can(Can::MetersRead, unit.site_id) {
        return Err(AppError::NotFound("unit"));
    }
    actor.authorize(Can::MetersRecord, unit.site_id)?;
    let kind: MeterKind = input.kind.parse()?;
    let serial = required_text("serial", &input.serial, 40)?;
    let multiplier = input.multiplier.unwrap_or(1);
    if !(1..=10_000).contains(&multiplier) {
        return Err(AppError::invalid(
            "multiplier",
            "multiplier must be 1 to 10000",
        ));
    }
    let site_id = unit.site_id;
    let serial = &serial;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let id = store::insert_meter(w, site_id, input.unit_id, kind.as_str(), serial, multiplier, now)
                    .await
                    .map_err(crate::error::dup_as("serial", "the site has a meter with this serial"))?;
                w.audit(
                    Some(site_id),
                    "create",
                    "meter",
                    Some(id),
                    serde_json::json!({"unit_id": input.unit_id, "kind": kind.as_str(), "serial": serial}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    meter_view(
        store::meter(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("meter"))?,
    )
}

pub async fn readings(app: &App, actor: &Actor, meter_id: i64) -> AppResult<Vec<ReadingView>> {
    let mut c = app.db.read().await?;
    let m = store::meter(&mut c, meter_id)
        .await?
        .filter(|m| actor.can(Can::MetersRead, m.site_id))
        .ok_or(AppError::NotFound("meter"))?;
    Ok(store::readings(&mut c, m.id, 24)
        .await?
        .into_iter()
        .map(reading_view)
        .collect())
}

/// Records a reading: refused (422 `reading`, nothing stored) when lower
/// than the last without `meter_replaced`; flagged when the use since the
/// last reading is over [`JUMP_FACTOR`] times the meter's average.
pub async fn record_reading(
    app: &App,
    actor: &Actor,
    input: &ReadingInput,
) -> AppResult<ReadingView> {
    record_reading_with(app, actor, input, None).await
}

/// Records a reading with the photo of the dial taken at it (the reading
/// round on a phone), in one transaction: a refused photo keeps nothing.
pub async fn record_reading_with(
    app: &App,
    actor: &Actor,
    input: &ReadingInput,
    photo: Option<&[u8]>,
) -> AppResult<ReadingView> {
    let meter = {
        let mut c = app.db.read().await?;
        store::meter(&mut c, input.meter_id)
            .await?
            .ok_or(AppError::NotFound("meter"))?
    };
    if !actor.can(Can::MetersRead, meter.site_id) {
        return Err(AppError::NotFound("meter"));
    }
    actor.authorize(Can::MetersRecord, meter.site_id)?;
    let reading = parse_reading("reading", &input.reading)?;
    let read_at = match input.read_at.as_deref().filter(|r| !r.trim().is_empty()) {
        Some(r) => time::parse_instant("read_at", r)?.as_microsecond(),
        None => app.now(),
    };
    if read_at > app.now() {
        return Err(AppError::invalid("read_at", "read_at is in the future"));
    }
    let replaced = input.meter_replaced;
    // A move due by tomorrow waiting for this meter takes the reading too.
    let (today, _) = super::site_today(app, meter.site_id).await?;
    let by = today.tomorrow().unwrap_or(today).to_string();
    let stored = match photo {
        Some(bytes) => Some(crate::photos::store_photo(app, bytes).await?),
        None => None,
    };
    let (stored, meter, by) = (&stored, &meter, &by);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let id = record_in(w, meter, reading, read_at, replaced, stored.as_ref()).await?;
                crate::moves::round_reading_in(w, meter.id, meter.unit_id, id, by).await?;
                Ok(id)
            })
        })
        .await?;
    reading_by_id(app, id).await
}

/// Records a checked reading of `meter` inside the caller's transaction
/// (the reading round, or a move's base and final readings), with the
/// dial's photo if one was stored. Returns the reading's id.
pub(crate) async fn record_in(
    w: &mut Work<'_>,
    meter: &store::MeterRow,
    reading: i64,
    read_at: i64,
    replaced: bool,
    stored: Option<&crate::photos::StoredPhoto>,
) -> AppResult<i64> {
    let site_id = meter.site_id;
    // The last readings, read in the transaction: two people at the same
    // meter cannot both pass the check on stale data.
    let last = store::readings(w, meter.id, 13).await?;
    let newest = last.first().map(|r| r.reading_milli);
    if last.first().is_some_and(|r| r.read_at > read_at) {
        return Err(AppError::invalid(
            "read_at",
            "read_at is before the meter's last reading",
        ));
    }
    let uses: Vec<i64> = last
        .windows(2)
        .filter(|p| p[0].replaced == 0)
        .map(|p| p[0].reading_milli - p[1].reading_milli)
        .collect();
    let average = (!uses.is_empty()).then(|| uses.iter().sum::<i64>() / uses.len() as i64);
    let kind = meter.kind;
    let flagged = check_reading(
        newest,
        reading,
        replaced,
        meter.multiplier,
        average,
        JUMP_FACTOR,
        use_bound_milli(kind),
    )?;
    let now = w.now();
    let actor = w.actor();
    let id = store::insert_reading(
        w,
        &NewReading {
            meter_id: meter.id,
            site_id,
            reading_milli: reading,
            read_at,
            replaced,
            flagged,
            read_by: Some(actor.user_id),
            read_by_name: &actor.display_name,
        },
        now,
    )
    .await?;
    if let Some(p) = stored {
        let actor = w.actor().clone();
        crate::photos::insert(w, &actor, now, (Owner::MeterReading, id), p, None, None).await?;
    }
    w.audit(
        Some(site_id),
        "record",
        "meter_reading",
        Some(id),
        serde_json::json!({"meter_id": meter.id, "reading": format_reading(reading), "replaced": replaced, "flagged": flagged}),
    )
    .await?;
    if flagged {
        // Finance bills the month: it is told the reading waits for a
        // second person, and where to confirm it.
        w.notify(
            site_id,
            lobby_domain::roles::Role::Finance,
            "reading_flagged",
            &format!("{} · {}", meter.unit_number, meter.serial),
            &format_reading(reading),
            Some(&format!(
                "/meters?q={}#m{}",
                url::form_urlencoded::byte_serialize(meter.serial.as_bytes()).collect::<String>(),
                meter.id
            )),
        )
        .await?;
    }
    Ok(id)
}

/// The reading `id` and its meter, for `actor` (404 when they may not see
/// its site's meters).
async fn reading_of(
    app: &App,
    actor: &Actor,
    id: i64,
) -> AppResult<(store::ReadingRow, store::MeterRow)> {
    let mut c = app.db.read().await?;
    let r = store::reading(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("reading"))?;
    let m = store::meter(&mut c, r.meter_id)
        .await?
        .filter(|m| actor.can(Can::MetersRead, m.site_id))
        .ok_or(AppError::NotFound("reading"))?;
    Ok((r, m))
}

/// Adds the photo of the dial to a reading taken before (by whoever
/// records readings at its site).
pub async fn add_reading_photo(
    app: &App,
    actor: &Actor,
    id: i64,
    bytes: &[u8],
) -> AppResult<ReadingView> {
    let (_, meter) = reading_of(app, actor, id).await?;
    actor.authorize(Can::MetersRecord, meter.site_id)?;
    let p = crate::photos::store_photo(app, bytes).await?;
    let p = &p;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let actor = w.actor().clone();
            let photo =
                crate::photos::insert(w, &actor, now, (Owner::MeterReading, id), p, None, None)
                    .await?;
            w.audit(
                Some(meter.site_id),
                "photo",
                "meter_reading",
                Some(id),
                serde_json::json!({"photo": photo}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    reading_by_id(app, id).await
}

/// A reading's dial photo (or its thumbnail) for whoever reads the site's
/// meters.
pub async fn reading_photo(
    app: &App,
    actor: &Actor,
    id: i64,
    photo_id: i64,
    thumb: bool,
) -> AppResult<(String, Vec<u8>)> {
    reading_of(app, actor, id).await?;
    let p = {
        let mut c = app.db.read().await?;
        lobby_store::photos::get(&mut c, photo_id)
            .await?
            .filter(|p| p.owner == Owner::MeterReading && p.owner_id == id)
            .ok_or(AppError::NotFound("photo"))?
    };
    crate::photos::bytes(app, p, thumb).await
}

/// A second person confirms a flagged reading (far above the meter's usual
/// use): from then on it is billed. Whoever records readings or manages
/// fees at the site may, except the person who read it; a reading that is
/// not flagged, or already confirmed, is 409 `invalid_transition`.
pub async fn confirm_reading(app: &App, actor: &Actor, id: i64) -> AppResult<ReadingView> {
    let (r, meter) = reading_of(app, actor, id).await?;
    if !(actor.can(Can::MetersRecord, meter.site_id) || actor.can(Can::FeesManage, meter.site_id)) {
        return Err(AppError::Forbidden);
    }
    if r.read_by == Some(actor.user_id) {
        return Err(AppError::InvalidTransition(
            "a second person confirms a flagged reading, not the one who read it".into(),
        ));
    }
    let site_id = meter.site_id;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let actor = w.actor();
            let (uid, name) = (actor.user_id, actor.display_name.clone());
            if !store::confirm_reading(w, id, uid, &name, now).await? {
                return Err(AppError::InvalidTransition(
                    "only a flagged reading not yet confirmed is confirmed".into(),
                ));
            }
            w.audit(
                Some(site_id),
                "confirm",
                "meter_reading",
                Some(id),
                serde_json::json!({"meter_id": r.meter_id, "reading": format_reading(r.reading_milli)}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    reading_by_id(app, id).await
}

/// Reading `id` as it stands now (the answer of a use case that changed it).
async fn reading_by_id(app: &App, id: i64) -> AppResult<ReadingView> {
    let mut c = app.db.read().await?;
    store::reading(&mut c, id)
        .await?
        .map(reading_view)
        .ok_or(AppError::NotFound("reading"))
}
