//! Mail and parcels (邮件)
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParcelView {
    pub id: i64,
    pub site_id: i64,
    pub carrier: String,
    pub tracking_no: Option<String>,
    pub addressee: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    /// 挂号信: signed for at pickup.
    pub registered_mail: bool,
    pub has_photo: bool,
    /// The pickup code: in the answer to the desk that received it and to
    /// the addressee tenant; absent for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pickup_code: Option<String>,
    pub received_at: String,
    pub received_by: String,
    /// Whole days since it arrived.
    pub waiting_days: i64,
    pub picked_up_at: Option<String>,
    pub collected_by: Option<String>,
    pub handed_by: Option<String>,
}

pub(super) fn parcel_view(p: store::ParcelRow, now: i64, show_code: bool) -> ParcelView {
    let end = p.picked_up_at.unwrap_or(now);
    ParcelView {
        id: p.id,
        site_id: p.site_id,
        carrier: p.carrier,
        tracking_no: p.tracking_no,
        addressee: p.addressee,
        tenant_id: p.tenant_id,
        tenant_name: p.tenant_name,
        unit_id: p.unit_id,
        unit_number: p.unit_number,
        registered_mail: p.registered_mail != 0,
        has_photo: p.photo.is_some(),
        pickup_code: show_code.then_some(p.code),
        received_at: time::rfc3339(p.received_at),
        received_by: p.received_by,
        waiting_days: (end - p.received_at).max(0) / 86_400_000_000,
        picked_up_at: time::rfc3339_opt(p.picked_up_at),
        collected_by: p.collected_by,
        handed_by: p.handed_by,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewParcelInput {
    pub site_id: Option<i64>,
    /// 顺丰, EMS, 京东 …
    pub carrier: String,
    pub tracking_no: Option<String>,
    /// The name on the label.
    pub addressee: Option<String>,
    pub unit_id: Option<i64>,
    /// The unit's occupant when absent.
    pub tenant_id: Option<i64>,
    #[serde(default)]
    pub registered_mail: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ParcelQuery {
    pub site_id: Option<i64>,
    /// true: not yet collected; false: collected.
    pub waiting: Option<bool>,
    /// Not collected for at least this many days.
    pub uncollected_days: Option<i64>,
    /// Only those for this unit.
    pub unit_id: Option<i64>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PickupInput {
    /// The six-digit pickup code the tenant was given.
    pub code: String,
    /// Who collected it (name; for registered mail, as signed).
    pub collected_by: String,
}

/// May the actor see this parcel, and its code?
pub(super) fn parcel_access(actor: &Actor, p: &store::ParcelRow) -> Option<bool> {
    if actor.can(Can::DeskRead, p.site_id) {
        Some(false)
    } else if actor.can(Can::OwnParcelsRead, p.site_id)
        && actor.tenant_id.is_some()
        && actor.tenant_id == p.tenant_id
    {
        Some(true)
    } else {
        None
    }
}

pub async fn parcel(app: &App, actor: &Actor, id: i64) -> AppResult<ParcelView> {
    let mut c = app.db.read().await?;
    let p = store::parcel(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("parcel"))?;
    let show = parcel_access(actor, &p).ok_or(AppError::NotFound("parcel"))?;
    Ok(parcel_view(p, app.now(), show))
}

pub async fn receive_parcel(
    app: &App,
    actor: &Actor,
    input: &NewParcelInput,
    idempotency_key: Option<&str>,
) -> AppResult<ParcelView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::DeskWrite, site_id)?;
    let carrier = required_text("carrier", &input.carrier, 40)?;
    let tracking = optional_text("tracking_no", input.tracking_no.as_deref(), 60)?;
    let addressee = optional_text("addressee", input.addressee.as_deref(), 60)?;
    let now = app.now();
    let once = crate::Once::new(idempotency_key, "parcel", input);
    let tracking = &tracking;
    let carrier = &carrier;
    let addressee = &addressee;
    let id = app
        .create(actor, &once, |w| {
            Box::pin(async move {
                let now = w.now();
                let unit = unit_at(w, site_id, input.unit_id).await?;
                let tenant = tenant_at(
                    w,
                    site_id,
                    input.tenant_id.or(unit.as_ref().and_then(|u| u.tenant_id)),
                )
                .await?;
                if unit.is_none() && tenant.is_none() && addressee.is_none() {
                    return Err(AppError::invalid(
                        "addressee",
                        "say whom it is for: a unit, a tenant or a name",
                    ));
                }
                let code = pickup_code(rand::thread_rng().gen());
                let id = store::insert_parcel(
                    w,
                    &store::NewParcel {
                        site_id,
                        carrier,
                        tracking_no: tracking.as_deref(),
                        addressee: addressee.as_deref(),
                        tenant_id: tenant.as_ref().map(|t| t.id),
                        unit_id: unit.as_ref().map(|u| u.id),
                        registered_mail: input.registered_mail,
                        code: &code,
                        received_at: now,
                        received_by: &actor.display_name,
                    },
                )
                .await?;
                // The addressee's portal accounts hear of it with the code.
                if let Some(t) = &tenant {
                    // The kind says what it is; the code is the body.
                    let kind = if input.registered_mail {
                        "registered_mail"
                    } else {
                        "parcel"
                    };
                    let title = format!("{carrier} {}", tracking.as_deref().unwrap_or(""));
                    let body = format!("🔑 {code}");
                    for user_id in lobby_store::users::of_tenant(w, t.id).await? {
                        lobby_store::notify::insert(
                            w,
                            &lobby_store::notify::NewNotification {
                                site_id: Some(site_id),
                                user_id,
                                kind,
                                title: title.trim(),
                                body: &body,
                                link: Some("/parcels"),
                                now,
                            },
                        )
                        .await?;
                    }
                }
                w.audit(Some(site_id),
                "create",
                "parcel",
                Some(id),
                serde_json::json!({"carrier": carrier, "tenant_id": tenant.as_ref().map(|t| t.id)}),
            )
            .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    let p = store::parcel(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("parcel"))?;
    Ok(parcel_view(p, now, true))
}

/// Wrong pickup codes allowed per parcel in `PICKUP_WINDOW_MICROS`.
pub const MAX_WRONG_CODES_PER_PARCEL: i64 = 5;
/// … per desk user, over all parcels.
pub const MAX_WRONG_CODES_PER_USER: i64 = 20;
pub const PICKUP_WINDOW_MICROS: i64 = 60 * 60 * 1_000_000;

/// Hands a parcel over against its code: a wrong code is refused and
/// changes nothing but the count of wrong codes; a code works once.
///
/// A six-digit code can be guessed, so every try is counted first (per
/// parcel and per desk user, in the statement that checks the limit), a
/// wrong code is audited, the supervisor is told when either limit is
/// reached, and beyond it every try is refused with 429 for the hour.
pub async fn pick_up(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &PickupInput,
) -> AppResult<ParcelView> {
    let collected_by = required_text("collected_by", &input.collected_by, 60)?;
    let code = input.code.trim();
    if code.is_empty() {
        return Err(AppError::invalid("code", "the pickup code is required"));
    }
    let collected_by = &collected_by;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let p = store::parcel(w, id)
                .await?
                .ok_or(AppError::NotFound("parcel"))?;
            if !actor.can(Can::DeskRead, p.site_id) {
                return Err(AppError::NotFound("parcel"));
            }
            actor.authorize(Can::DeskWrite, p.site_id)?;
            if p.picked_up_at.is_some() {
                return Err(AppError::InvalidTransition(format!(
                    "parcel {id} was already collected"
                )));
            }
            let keys = [
                (format!("pickup:parcel:{id}"), MAX_WRONG_CODES_PER_PARCEL),
                (
                    format!("pickup:user:{}", actor.user_id),
                    MAX_WRONG_CODES_PER_USER,
                ),
            ];
            let mut counts = [0i64; 2];
            for (n, (key, _)) in counts.iter_mut().zip(&keys) {
                *n = lobby_store::users::throttle_hit(w, key, now, PICKUP_WINDOW_MICROS).await?;
            }
            // Refused tries are kept: the transaction commits and the
            // refusal is returned after it.
            if counts.iter().zip(&keys).any(|(n, (_, max))| n > max) {
                return Ok(Err(AppError::RateLimited));
            }
            // Compare without early exit, so timing does not tell how much matched.
            let matches = code.len() == p.code.len()
                && code
                    .bytes()
                    .zip(p.code.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0;
            if !matches {
                w.audit(
                    Some(p.site_id),
                    "pickup_code_wrong",
                    "parcel",
                    Some(id),
                    serde_json::json!({"wrong_for_parcel": counts[0], "wrong_by_user": counts[1]}),
                )
                .await?;
                if counts.iter().zip(&keys).any(|(n, (_, max))| n == max) {
                    crate::notify::to_role(
                        w,
                        now,
                        p.site_id,
                        lobby_domain::roles::Role::CsSupervisor,
                        "pickup_code_guessing",
                        &format!("#{id} · {}", actor.display_name),
                        &format!("{} / {}", counts[0], counts[1]),
                        Some("/parcels"),
                    )
                    .await?;
                }
                return Ok(Err(AppError::invalid(
                    "code",
                    "the pickup code does not match",
                )));
            }
            // The right code: this try was not a wrong one.
            for (key, _) in &keys {
                lobby_store::users::throttle_refund(w, key).await?;
            }
            if !store::pick_up(w, id, now, collected_by, &actor.display_name).await? {
                return Err(AppError::InvalidTransition(format!(
                    "parcel {id} was already collected"
                )));
            }
            w.audit(
                Some(p.site_id),
                "pick_up",
                "parcel",
                Some(id),
                serde_json::json!({"collected_by": collected_by}),
            )
            .await?;
            Ok(Ok(()))
        })
    })
    .await??;
    parcel(app, actor, id).await
}

pub async fn parcels(app: &App, actor: &Actor, q: &ParcelQuery) -> AppResult<Page<ParcelView>> {
    let limit = page::limit(q.limit)?;
    let before = cursor_before(q.cursor.as_deref())?;
    let now = app.now();
    // The desk sees the site's; a tenant their own, with codes.
    let (site_id, tenant_only) = match q
        .site_id
        .or(actor.site_ids().and_then(|v| (v.len() == 1).then(|| v[0])))
    {
        Some(s) if actor.can(Can::DeskRead, s) => (s, None),
        Some(s) if actor.can(Can::OwnParcelsRead, s) && actor.tenant_id.is_some() => {
            (s, actor.tenant_id)
        }
        Some(_) => return Err(AppError::Forbidden),
        None => return Err(AppError::invalid("site_id", "say which site")),
    };
    if q.uncollected_days.is_some_and(|d| !(0..=365).contains(&d)) {
        return Err(AppError::invalid(
            "uncollected_days",
            "uncollected_days must be between 0 and 365",
        ));
    }
    let received_before = q.uncollected_days.map(|d| now - d * 86_400_000_000);
    let waiting = if q.uncollected_days.is_some() {
        Some(true)
    } else {
        q.waiting
    };
    let mut c = app.db.read().await?;
    let rows = store::parcels(
        &mut c,
        &store::ParcelFilter {
            site_id,
            tenant_id: tenant_only,
            waiting,
            received_before,
            unit_id: q.unit_id,
        },
        before,
        limit + 1,
    )
    .await?;
    let show = tenant_only.is_some();
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        |r| parcel_view(r, now, show),
    ))
}

/// A photo of the parcel or its label (optional).
pub async fn add_parcel_photo(
    app: &App,
    actor: &Actor,
    id: i64,
    bytes: &[u8],
) -> AppResult<ParcelView> {
    // Permission first: nothing of a refused upload is decoded or stored.
    let may_photo =
        |p: Option<lobby_store::desk::ParcelRow>| -> AppResult<lobby_store::desk::ParcelRow> {
            let p = p
                .filter(|p| actor.can(Can::DeskRead, p.site_id))
                .ok_or(AppError::NotFound("parcel"))?;
            actor.authorize(Can::DeskWrite, p.site_id)?;
            Ok(p)
        };
    {
        let mut c = app.db.read().await?;
        may_photo(store::parcel(&mut c, id).await?)?;
    }
    let blob = crate::photos::store_photo(app, bytes).await?.blob;
    let blob = &blob;
    app.write(actor, |w| {
        Box::pin(async move {
            let p = may_photo(store::parcel(w, id).await?)?;
            store::set_parcel_photo(w, id, blob).await?;
            w.audit(
                Some(p.site_id),
                "photo",
                "parcel",
                Some(id),
                serde_json::json!({"blob": blob}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    parcel(app, actor, id).await
}

/// The photo's bytes and content type.
pub async fn parcel_photo(app: &App, actor: &Actor, id: i64) -> AppResult<(Vec<u8>, &'static str)> {
    let mut c = app.db.read().await?;
    let p = store::parcel(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("parcel"))?;
    parcel_access(actor, &p).ok_or(AppError::NotFound("parcel"))?;
    let blob = p.photo.ok_or(AppError::NotFound("photo"))?;
    let bytes = app.blobs.get(&blob).await?;
    let ty = crate::photos::sniff_type(&bytes);
    Ok((bytes, ty))
}
