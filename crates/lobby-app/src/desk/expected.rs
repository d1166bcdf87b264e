//! Visitors registered ahead (访客预约): a tenant's account names a visitor
//! and the time they come; the desk sees the day's expected visitors and
//! signs one in with one click (the visitor record, in one transaction).
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::work::Work;
use lobby_store::desk::expected::{self, ExpectedRow, NewExpected};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExpectedVisitorView {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub name: String,
    pub phone: String,
    pub expected_at: String,
    pub note: Option<String>,
    /// expected | arrived | cancelled
    pub state: String,
    /// The visitor record once signed in.
    pub visitor_id: Option<i64>,
    /// The pass (`AB3K9MZQ`): the tenant forwards it (and its QR), the
    /// desk scans or types it on the visit's day to sign the visitor in.
    pub pass_code: Option<String>,
}

fn expected_view(e: ExpectedRow) -> ExpectedVisitorView {
    ExpectedVisitorView {
        state: match (e.visitor_id, e.cancelled_at) {
            (Some(_), _) => "arrived",
            (None, Some(_)) => "cancelled",
            (None, None) => "expected",
        }
        .into(),
        id: e.id,
        site_id: e.site_id,
        tenant_id: e.tenant_id,
        tenant_name: e.tenant_name,
        unit_id: e.unit_id,
        unit_number: e.unit_number,
        name: e.name,
        phone: e.phone,
        expected_at: time::rfc3339(e.expected_at),
        note: e.note,
        visitor_id: e.visitor_id,
        pass_code: e.pass_code,
    }
}

/// A new pass code (see `lobby_domain::desk::PASS_ALPHABET`).
fn new_pass_code() -> String {
    let mut rng = rand::thread_rng();
    let abc = lobby_domain::desk::PASS_ALPHABET;
    (0..lobby_domain::desk::PASS_LEN)
        .map(|_| char::from(abc[rng.gen_range(0..abc.len())]))
        .collect()
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ExpectedVisitorInput {
    pub name: String,
    pub phone: String,
    /// RFC 3339 or the site's local `2026-12-01T14:00`; within the next 30 days.
    pub expected_at: String,
    /// One of the tenant's own units (its first when absent).
    pub unit_id: Option<i64>,
    pub note: Option<String>,
}

/// A tenant's account registers a visitor ahead.
pub async fn expect_visitor(
    app: &App,
    actor: &Actor,
    input: &ExpectedVisitorInput,
) -> AppResult<ExpectedVisitorView> {
    let own = actor
        .tenant_id
        .filter(|_| actor.can_anywhere(Can::VisitorsExpect))
        .ok_or(AppError::Forbidden)?;
    let name = required_text("name", &input.name, 60)?;
    let phone = required_text("phone", &input.phone, 40)?;
    let note = optional_text("note", input.note.as_deref(), 200)?;
    let code = new_pass_code();
    let (name, phone, note, code) = (&name, &phone, &note, &code);
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let tenant = lobby_store::tenants::get(w, own)
                    .await?
                    .ok_or(AppError::Forbidden)?;
                actor.authorize(Can::VisitorsExpect, tenant.site_id)?;
                let units = lobby_store::tenants::units_of(w, &[own]).await?;
                let unit = match input.unit_id {
                    Some(u) => Some(
                        units
                            .iter()
                            .find(|x| x.unit_id == u)
                            .ok_or_else(|| {
                                AppError::invalid("unit_id", "must be one of your own units")
                            })?
                            .unit_id,
                    ),
                    None => units.first().map(|u| u.unit_id),
                };
                let site = crate::scope::site_row(w, tenant.site_id).await?;
                let at = time::parse_when("expected_at", &input.expected_at, &site.timezone)?;
                let latest = time::ts(now)
                    .checked_add(jiff::SignedDuration::from_hours(24 * 30))
                    .map_err(|e| AppError::Internal(e.into()))?
                    .as_microsecond();
                let earliest = time::ts(now)
                    .checked_sub(jiff::SignedDuration::from_hours(1))
                    .map_err(|e| AppError::Internal(e.into()))?
                    .as_microsecond();
                if at < earliest || at > latest {
                    return Err(AppError::invalid(
                        "expected_at",
                        "must be within the next 30 days",
                    ));
                }
                let id = expected::insert(
                    w,
                    &NewExpected {
                        site_id: tenant.site_id,
                        tenant_id: own,
                        unit_id: unit,
                        name,
                        phone,
                        expected_at: at,
                        note: note.as_deref(),
                        by: &actor.display_name,
                        now,
                        pass_code: code,
                    },
                )
                .await?;
                w.audit(
                    Some(tenant.site_id),
                    "create",
                    "expected_visitor",
                    Some(id),
                    serde_json::json!({"expected_at": at}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    expected_visitor(app, actor, id).await
}

async fn load_expected(c: &mut Conn, actor: &Actor, id: i64) -> AppResult<ExpectedRow> {
    let e = expected::get(c, id)
        .await?
        .ok_or(AppError::NotFound("expected visitor"))?;
    let own = actor.tenant_id == Some(e.tenant_id) && actor.can(Can::VisitorsExpect, e.site_id);
    if !(own || actor.can(Can::DeskRead, e.site_id)) {
        return Err(AppError::NotFound("expected visitor"));
    }
    Ok(e)
}

pub async fn expected_visitor(app: &App, actor: &Actor, id: i64) -> AppResult<ExpectedVisitorView> {
    let mut c = app.db.read().await?;
    Ok(expected_view(load_expected(&mut c, actor, id).await?))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ExpectedQuery {
    pub site_id: Option<i64>,
    /// The site's day, `2026-12-01`; today when absent (a tenant's account:
    /// from today on).
    pub date: Option<String>,
}

/// The day's expected visitors (the desk), or a tenant's own from today on.
pub async fn expected_visitors(
    app: &App,
    actor: &Actor,
    q: &ExpectedQuery,
) -> AppResult<Vec<ExpectedVisitorView>> {
    let site_id = site_of(actor, q.site_id)?;
    let own = match actor.can(Can::DeskRead, site_id) {
        true => None,
        false => {
            actor.authorize(Can::VisitorsExpect, site_id)?;
            Some(actor.tenant_id.ok_or(AppError::Forbidden)?)
        }
    };
    let mut c = app.db.read().await?;
    let site = crate::scope::site_row(&mut c, site_id).await?;
    let day = match q.date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => time::parse_date("date", d)?,
        None => time::local_date(app.now(), &site.timezone)?,
    };
    let (from, to) = day_span(day, &site.timezone)?;
    let to = match own {
        Some(_) => i64::MAX,
        None => to,
    };
    Ok(expected::list(&mut c, site_id, own, from, to)
        .await?
        .into_iter()
        .map(expected_view)
        .collect())
}

/// The desk signs an expected visitor in: the visitor record, with the
/// tenant and unit, in one transaction; 409 once arrived or cancelled.
pub async fn arrive_expected(app: &App, actor: &Actor, id: i64) -> AppResult<VisitorView> {
    let visitor_id = app
        .write(actor, |w| {
            Box::pin(async move {
                let e = load_expected(w, actor, id).await?;
                arrive_in(w, actor, &e).await
            })
        })
        .await?;
    visitor(app, actor, visitor_id).await
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PassInput {
    pub site_id: i64,
    /// The pass code as scanned or typed (case, spaces and dashes do not
    /// matter).
    pub code: String,
}

/// The desk scans or types a visitor's pass: the expected visitor of that
/// code at the site is signed in, on the visit's day only (409 on another
/// day, or once arrived or cancelled); an unknown code is 422 naming
/// `code`.
pub async fn arrive_by_pass(app: &App, actor: &Actor, input: &PassInput) -> AppResult<VisitorView> {
    actor.authorize(Can::DeskWrite, input.site_id)?;
    let unknown = || AppError::invalid("code", "no visitor pass has this code");
    let code = lobby_domain::desk::pass_code(&input.code).ok_or_else(unknown)?;
    let (today, tz) = crate::scope::site_today(app, input.site_id).await?;
    let (code, tz) = (&code, &tz);
    let visitor_id = app
        .write(actor, |w| {
            Box::pin(async move {
                let e = expected::by_pass(w, input.site_id, code)
                    .await?
                    .ok_or_else(unknown)?;
                let day = time::ts(e.expected_at).to_zoned(tz.clone()).date();
                if day != today {
                    return Err(AppError::InvalidTransition(format!(
                        "this pass is for {day}, not today"
                    )));
                }
                arrive_in(w, actor, &e).await
            })
        })
        .await?;
    visitor(app, actor, visitor_id).await
}

/// Signs the expected visitor `e` in, in the caller's transaction.
async fn arrive_in(w: &mut Work<'_>, actor: &Actor, e: &ExpectedRow) -> AppResult<i64> {
    let now = w.now();
    actor.authorize(Can::DeskWrite, e.site_id)?;
    let purpose = e.note.clone().unwrap_or_else(|| e.tenant_name.clone());
    let vid = store::insert_visitor(
        w,
        &store::NewVisitor {
            site_id: e.site_id,
            name: &e.name,
            id_or_phone: &e.phone,
            host: None,
            unit_id: e.unit_id,
            tenant_id: Some(e.tenant_id),
            purpose: &purpose,
            expected_mins: None,
            in_at: now,
            registered_by: &actor.display_name,
        },
    )
    .await?;
    if !expected::arrive(w, e.id, vid).await? {
        return Err(AppError::InvalidTransition(
            "this visitor has already arrived or was cancelled".into(),
        ));
    }
    w.audit(
        Some(e.site_id),
        "create",
        "visitor",
        Some(vid),
        serde_json::json!({"expected_visitor_id": e.id}),
    )
    .await?;
    Ok(vid)
}

/// The tenant (or the desk) cancels an expected visit.
pub async fn cancel_expected(app: &App, actor: &Actor, id: i64) -> AppResult<ExpectedVisitorView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let e = load_expected(w, actor, id).await?;
            if actor.tenant_id != Some(e.tenant_id) {
                actor.authorize(Can::DeskWrite, e.site_id)?;
            }
            if !expected::cancel(w, id, now).await? {
                return Err(AppError::InvalidTransition(
                    "this visitor has already arrived or was cancelled".into(),
                ));
            }
            w.audit(
                Some(e.site_id),
                "cancel",
                "expected_visitor",
                Some(id),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    expected_visitor(app, actor, id).await
}
