//! Checks and vendors
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;
use icalendar::{Calendar, Component, Event, EventStatus, Property};

#[derive(Template)]
#[template(path = "cleaning/checks.html")]
pub(super) struct ChecksPage {
    c: Chrome,
    list: Vec<QualityView>,
    vendors: Vec<VendorView>,
    can_inspect: bool,
    error: Option<FormError>,
}

pub(super) async fn checks_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Result<Response, PageError> {
    checks_with(&s, &jar, a, None).await
}

pub(super) async fn checks_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "cleaning", "cleaning.checks").await?;
    let site = c.site_id();
    let r = async {
        Ok::<_, AppError>((
            cl::quality_checks(&s.app, &c.actor, site, None).await?,
            cl::vendors(&s.app, &c.actor, site).await?,
        ))
    }
    .await;
    let (list, vendors) = r?;
    let can_inspect = c.actor.can(Can::CleaningInspect, site);
    let refused = error.is_some();
    Ok(render_form(
        &ChecksPage {
            c,
            list,
            vendors,
            can_inspect,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub(super) struct CheckForm {
    kind: lobby_domain::cleaning::QualityKind,
    #[serde(default)]
    vendor_id: String,
    subject: String,
    #[serde(default)]
    supplier: String,
    result: String,
    replaced: Option<String>,
    #[serde(default)]
    note: String,
}

pub(super) async fn check_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<CheckForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "cleaning", "cleaning.checks")
        .await?
        .site_id();
    let v = &f.form;
    let vendor_id = match super::super::number_opt("vendor_id", &v.vendor_id).on_form()? {
        Ok(id) => id,
        Err(fe) => return checks_with(&s, &jar, f.actor, Some(fe)).await,
    };
    let input = QualityInput {
        site_id: Some(site),
        kind: v.kind,
        vendor_id,
        subject: v.subject.clone(),
        supplier: Some(v.supplier.clone()),
        passed: v.result == "pass",
        replaced: v.replaced.is_some(),
        note: Some(v.note.clone()),
    };
    match cl::record_quality(&s.app, &f.actor, &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(see("/cleaning/checks")),
        Err(fe) => checks_with(&s, &jar, f.actor, Some(fe)).await,
    }
}

#[derive(Template)]
#[template(path = "cleaning/vendors.html")]
pub(super) struct VendorsPage {
    c: Chrome,
    vendors: Vec<VendorView>,
    kinds: Vec<&'static str>,
    can_manage: bool,
    error: Option<FormError>,
}

pub(super) async fn vendors_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Result<Response, PageError> {
    vendors_with(&s, &jar, a, None).await
}

pub(super) async fn vendors_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "cleaning", "cleaning.vendors").await?;
    let vendors = cl::vendors(&s.app, &c.actor, c.site_id()).await?;
    let can_manage = c.actor.can(Can::CleaningManage, c.site_id());
    let refused = error.is_some();
    Ok(render_form(
        &VendorsPage {
            c,
            vendors,
            kinds: kinds(),
            can_manage,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub(super) struct VendorForm {
    name: String,
    kind: lobby_domain::cleaning::VendorKind,
    #[serde(default)]
    contact_person: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    contract_start: String,
    #[serde(default)]
    contract_end: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    headcount: String,
    archived: Option<String>,
}

pub(super) fn vendor_input(site: i64, v: &VendorForm) -> VendorInput {
    VendorInput {
        site_id: Some(site),
        name: v.name.clone(),
        kind: v.kind,
        contact_person: Some(v.contact_person.clone()),
        phone: Some(v.phone.clone()),
        contract_start: Some(v.contract_start.clone()),
        contract_end: Some(v.contract_end.clone()),
        scope: Some(v.scope.clone()),
        headcount: v
            .headcount
            .trim()
            .parse()
            .unwrap_or(if v.headcount.trim().is_empty() { 0 } else { -1 }),
        archived: v.archived.is_some(),
    }
}

pub(super) async fn vendor_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<VendorForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "cleaning", "cleaning.vendors")
        .await?
        .site_id();
    match cl::create_vendor(&s.app, &f.actor, &vendor_input(site, &f.form))
        .await
        .on_form()?
    {
        Ok(_) => Ok(see("/cleaning/vendors")),
        Err(fe) => vendors_with(&s, &jar, f.actor, Some(fe)).await,
    }
}

pub(super) async fn vendor_update(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<VendorForm>,
) -> Response {
    match cl::update_vendor(&s.app, &f.actor, id, &vendor_input(0, &f.form))
        .await
        .on_form()
    {
        Ok(Ok(_)) => see("/cleaning/vendors"),
        Ok(Err(fe)) => vendors_with(&s, &jar, f.actor, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ThumbQ {
    thumb: Option<String>,
}

pub(super) async fn photo(
    State(s): State<AppState>,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
    Query(q): Query<ThumbQ>,
) -> Response {
    match cl::photo_bytes(&s.app, &a, id, q.thumb.is_some()).await {
        Ok((ty, bytes)) => ([(axum::http::header::CONTENT_TYPE, ty)], bytes).into_response(),
        Err(e) => error_page(Some(&a), e),
    }
}

/// The vendor's task calendar as iCalendar (RFC 5545), by its secret.
pub(super) async fn feed(State(s): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    let (name, tasks) = match cl::feed(&s.app, token).await {
        Ok(v) => v,
        Err(_) => return axum::http::StatusCode::NOT_FOUND.into_response(),
    };
    // The calendar crate escapes text, folds long lines and ends them CRLF;
    // the stamp is the injected clock's (the crate's default is the wall
    // clock), the day a DATE value.
    let stamp = lobby_app::time::ts(s.app.now())
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//lobby//cleaning//ZH"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .name(&name);
    for t in &tasks {
        let mut day = Property::new("DTSTART", t.day.replace('-', ""));
        day.add_parameter("VALUE", "DATE");
        let seq = if t.seq > 1 {
            format!(" #{}", t.seq)
        } else {
            String::new()
        };
        let mut event = Event::new();
        event
            .uid(&format!("lobby-task-{}@lobby", t.id))
            .add_property("DTSTAMP", stamp.as_str())
            .append_property(day)
            .summary(&format!("{} {}{seq}", t.area, t.task));
        if t.done_at.is_some() {
            event.status(EventStatus::Confirmed);
        }
        cal.push(event.done());
    }
    let out = cal.to_string();
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/calendar; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
