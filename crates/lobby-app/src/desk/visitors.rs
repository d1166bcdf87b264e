//! Visitors (来访)
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VisitorView {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    pub id_or_phone: String,
    /// Whom they visit.
    pub host: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub purpose: String,
    pub expected_mins: Option<i64>,
    pub in_at: String,
    pub out_at: Option<String>,
    /// Still in the building past the expected duration.
    pub overstaying: bool,
    pub registered_by: String,
    pub signed_out_by: Option<String>,
}

pub(super) fn visitor_view(v: store::VisitorRow, now: i64) -> VisitorView {
    let overstaying = v.out_at.is_none()
        && v.expected_mins
            .is_some_and(|m| v.in_at + m * 60_000_000 < now);
    VisitorView {
        id: v.id,
        site_id: v.site_id,
        name: v.name,
        id_or_phone: v.id_or_phone,
        host: v.host,
        unit_id: v.unit_id,
        unit_number: v.unit_number,
        tenant_id: v.tenant_id,
        tenant_name: v.tenant_name,
        purpose: v.purpose,
        expected_mins: v.expected_mins,
        in_at: time::rfc3339(v.in_at),
        out_at: time::rfc3339_opt(v.out_at),
        overstaying,
        registered_by: v.registered_by,
        signed_out_by: v.signed_out_by,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewVisitorInput {
    pub site_id: Option<i64>,
    pub name: String,
    /// An ID number or a phone number.
    pub id_or_phone: String,
    /// Whom they visit (a person).
    pub host: Option<String>,
    pub unit_id: Option<i64>,
    /// The unit's occupant when absent.
    pub tenant_id: Option<i64>,
    pub purpose: String,
    /// Expected duration in minutes.
    pub expected_mins: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct VisitorQuery {
    pub site_id: Option<i64>,
    /// true: still in the building; false: signed out.
    pub inside: Option<bool>,
    pub unit_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub(super) async fn load_visitor(
    c: &mut Conn,
    actor: &Actor,
    id: i64,
    now: i64,
) -> AppResult<VisitorView> {
    let v = store::visitor(c, id)
        .await?
        .ok_or(AppError::NotFound("visitor"))?;
    if !actor.can(Can::DeskRead, v.site_id) {
        return Err(AppError::NotFound("visitor"));
    }
    Ok(visitor_view(v, now))
}

pub async fn visitor(app: &App, actor: &Actor, id: i64) -> AppResult<VisitorView> {
    let mut c = app.db.read().await?;
    load_visitor(&mut c, actor, id, app.now()).await
}

pub async fn register_visitor(
    app: &App,
    actor: &Actor,
    input: &NewVisitorInput,
    idempotency_key: Option<&str>,
) -> AppResult<VisitorView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::DeskWrite, site_id)?;
    let name = required_text("name", &input.name, 60)?;
    let id_or_phone = required_text("id_or_phone", &input.id_or_phone, 40)?;
    let host = optional_text("host", input.host.as_deref(), 60)?;
    let purpose = required_text("purpose", &input.purpose, 200)?;
    if input
        .expected_mins
        .is_some_and(|m| !(1..=24 * 60).contains(&m))
    {
        return Err(AppError::invalid(
            "expected_mins",
            "expected_mins must be between 1 and 1440",
        ));
    }
    let once = crate::Once::new(idempotency_key, "visitor", input);
    let purpose = &purpose;
    let name = &name;
    let id_or_phone = &id_or_phone;
    let host = &host;
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
                if unit.is_none() && tenant.is_none() && host.is_none() {
                    return Err(AppError::invalid(
                        "host",
                        "say whom they visit: a unit, a tenant or a person",
                    ));
                }
                let id = store::insert_visitor(
                    w,
                    &store::NewVisitor {
                        site_id,
                        name,
                        id_or_phone,
                        host: host.as_deref(),
                        unit_id: unit.as_ref().map(|u| u.id),
                        tenant_id: tenant.as_ref().map(|t| t.id),
                        purpose,
                        expected_mins: input.expected_mins,
                        in_at: now,
                        registered_by: &actor.display_name,
                    },
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "visitor",
                    Some(id),
                    serde_json::json!({"unit_id": input.unit_id}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    visitor(app, actor, id).await
}

pub async fn sign_out_visitor(app: &App, actor: &Actor, id: i64) -> AppResult<VisitorView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let v = load_visitor(w, actor, id, now).await?;
            actor.authorize(Can::DeskWrite, v.site_id)?;
            if !store::sign_out_visitor(w, id, now, &actor.display_name).await? {
                return Err(AppError::InvalidTransition(format!(
                    "visitor {id} has already signed out"
                )));
            }
            w.audit(
                Some(v.site_id),
                "sign_out",
                "visitor",
                Some(id),
                serde_json::json!({}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    visitor(app, actor, id).await
}

pub async fn visitors(app: &App, actor: &Actor, q: &VisitorQuery) -> AppResult<Page<VisitorView>> {
    let site_id = site_of(actor, q.site_id)?;
    actor.authorize(Can::DeskRead, site_id)?;
    let limit = page::limit(q.limit)?;
    let before = cursor_before(q.cursor.as_deref())?;
    let now = app.now();
    let mut c = app.db.read().await?;
    let rows = store::visitors(
        &mut c,
        &store::VisitorFilter {
            site_id,
            inside: q.inside,
            unit_id: q.unit_id,
            tenant_id: q.tenant_id,
        },
        before,
        limit + 1,
    )
    .await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        |r| visitor_view(r, now),
    ))
}
