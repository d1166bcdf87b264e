//! Pages of the property directory: units (list, record, form), sites with
//! their buildings, floors and public areas, and the vacant-unit report.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use lobby_app::audit::AuditView;
use lobby_app::page::Page;
use lobby_app::sites::{
    self, BuildingInput, BuildingView, FloorInput, PublicAreaInput, PublicAreaView, SiteInputDto,
    SiteView, UnitInput, UnitQuery, UnitView, VacantReport,
};
use lobby_app::AppError;
use lobby_domain::sites::{AreaKind, UnitStatus};
use serde::Deserialize;

use super::{chrome, error_page, render, render_form, Chrome, FormError};
use crate::extract::{WebActor, WebForm};
use crate::state::AppState;
use crate::ui::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units", get(units).post(create_unit))
        .route("/units/new", get(new_unit))
        .route("/units/{id}", get(unit).post(update_unit))
        .route("/units/{id}/edit", get(edit_unit))
        .route("/sites", get(sites_page).post(create_site))
        .route("/sites/{id}", get(site_page).post(update_site))
        .route("/sites/{id}/buildings", post(create_building))
        .route("/sites/{id}/buildings/{building}", post(update_building))
        .route("/sites/{id}/floors", post(create_floor))
        .route("/sites/{id}/public-areas", post(create_area))
        .route("/sites/{id}/public-areas/{area}", post(update_area))
        .route("/reports/vacant", get(vacant))
        .route("/reports/vacant.xlsx", get(vacant_xlsx))
}

pub const STATUSES: [&str; 3] = ["vacant", "occupied", "renovating"];

#[derive(Deserialize, Default)]
struct UnitsQ {
    status: Option<String>,
    q: Option<String>,
    building_id: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "units/list.html")]
struct UnitsPage {
    c: Chrome,
    page: Page<UnitView>,
    status: String,
    q: String,
    statuses: [&'static str; 3],
}

async fn units(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<UnitsQ>,
) -> Result<Response, PageError> {
    let c = c.at("units", "nav.units");
    let uq = UnitQuery {
        site_id: c.site_id(),
        status: q.status.clone().filter(|s| !s.is_empty()),
        building_id: super::number_opt(
            "building_id",
            q.building_id.as_deref().unwrap_or_default(),
        )?,
        q: q.q.clone(),
        cursor: q.cursor.clone(),
        limit: Some(100),
        ..Default::default()
    };
    Ok(match sites::units(&s.app, &c.actor, &uq).await {
        Ok(page) => render(&UnitsPage {
            c,
            page,
            status: q.status.unwrap_or_default(),
            q: q.q.unwrap_or_default(),
            statuses: STATUSES,
        }),
        Err(e) => error_page(Some(&c.actor), e),
    })
}

#[derive(Template)]
#[template(path = "units/show.html")]
struct UnitPageT {
    c: Chrome,
    u: UnitView,
    tenant: Option<lobby_app::tenants::TenantView>,
    /// The unit's work orders, newest first, and whether there are more.
    tickets: Vec<lobby_app::tickets::TicketView>,
    more_tickets: bool,
    parcels: Vec<lobby_app::desk::ParcelView>,
    visitors: Vec<lobby_app::desk::VisitorView>,
    visits: Vec<lobby_app::tenants::VisitView>,
    /// The unit's violations (违章), open and past.
    violations: Vec<lobby_app::violations::ViolationView>,
    history: Vec<AuditView>,
}

async fn unit(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let u = sites::unit(&s.app, &a, id).await?;
    let tenant = match u.tenant_id {
        Some(t) => lobby_app::tenants::get_day_view(&s.app, &a, t).await.ok(),
        None => None,
    };
    let history = lobby_app::audit::history(
        &s.app,
        Some(u.site_id),
        Some("unit"),
        Some(id),
        None,
        None,
        50,
    )
    .await
    .unwrap_or_default();
    // The unit at a glance (a tenant calls: "what about my repair?"):
    // what the reader may see of its work orders, parcels, visitors inside
    // and the tenant's visit records.
    use lobby_domain::policy::Action as Can;
    let site = u.site_id;
    let (tickets, more_tickets) = if a.can(Can::TicketsRead, site) {
        let p = lobby_app::tickets::list(
            &s.app,
            &a,
            &lobby_app::tickets::TicketQuery {
                site_id: Some(site),
                unit_id: Some(id),
                limit: Some(10),
                ..Default::default()
            },
        )
        .await?;
        (p.items, p.next_cursor.is_some())
    } else {
        (Vec::new(), false)
    };
    let (parcels, visitors) = if a.can(Can::DeskRead, site) {
        let parcels = lobby_app::desk::parcels(
            &s.app,
            &a,
            &lobby_app::desk::ParcelQuery {
                site_id: Some(site),
                waiting: Some(true),
                unit_id: Some(id),
                limit: Some(20),
                ..Default::default()
            },
        )
        .await?
        .items;
        let visitors = lobby_app::desk::visitors(
            &s.app,
            &a,
            &lobby_app::desk::VisitorQuery {
                site_id: Some(site),
                inside: Some(true),
                unit_id: Some(id),
                limit: Some(20),
                ..Default::default()
            },
        )
        .await?
        .items;
        (parcels, visitors)
    } else {
        (Vec::new(), Vec::new())
    };
    let visits = match u.tenant_id {
        Some(t) if a.can(Can::TenantVisitsRead, site) => {
            let mut v = lobby_app::tenants::visits(&s.app, &a, t).await?;
            v.truncate(5);
            v
        }
        _ => Vec::new(),
    };
    let violations = if a.can(Can::ViolationsRecord, site) || a.can(Can::ViolationsManage, site) {
        let mut v = lobby_app::violations::violations(
            &s.app,
            &a,
            &lobby_app::violations::ViolationQuery {
                site_id: site,
                unit_id: Some(u.id),
                ..Default::default()
            },
        )
        .await?;
        v.truncate(20);
        v
    } else {
        Vec::new()
    };
    let mut c = chrome(&s, a, &jar, "units", "nav.units").await?;
    c.title = format!("{} {}", c.t("unit.title"), u.number);
    Ok(render(&UnitPageT {
        c,
        u,
        tenant,
        tickets,
        more_tickets,
        parcels,
        visitors,
        visits,
        violations,
        history,
    }))
}

#[derive(Template)]
#[template(path = "units/form.html")]
struct UnitForm {
    c: Chrome,
    id: Option<i64>,
    f: UnitFields,
    floors: Vec<(i64, String)>,
    statuses: [&'static str; 3],
    error: Option<FormError>,
}

#[derive(Deserialize, Default, Clone)]
struct UnitFields {
    floor_id: String,
    number: String,
    area_m2: String,
    status: String,
    note: String,
    archived: Option<String>,
    version: String,
}

async fn floors_of(s: &AppState, c: &Chrome) -> Vec<(i64, String)> {
    sites::buildings(&s.app, &c.actor, c.site_id())
        .await
        .unwrap_or_default()
        .into_iter()
        .flat_map(|b: BuildingView| {
            let name = b.name.clone();
            b.floors
                .into_iter()
                .map(move |f| (f.id, format!("{name} {}", f.label)))
        })
        .collect()
}

async fn unit_form(
    s: &AppState,
    c: Chrome,
    id: Option<i64>,
    f: UnitFields,
    error: Option<FormError>,
) -> Response {
    let floors = floors_of(s, &c).await;
    let refused = error.is_some();
    render_form(
        &UnitForm {
            c,
            id,
            f,
            floors,
            statuses: STATUSES,
            error,
        },
        refused,
    )
}

async fn new_unit(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let c = c.at("units", "unit.new");
    Ok(unit_form(
        &s,
        c,
        None,
        UnitFields {
            status: "vacant".into(),
            ..Default::default()
        },
        None,
    )
    .await)
}

async fn edit_unit(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let u = sites::unit(&s.app, &a, id).await?;
    let f = UnitFields {
        floor_id: u.floor_id.to_string(),
        number: u.number,
        area_m2: u.area_m2.to_string(),
        status: u.status.as_str().into(),
        note: u.note.unwrap_or_default(),
        archived: u.archived.then(|| "on".into()),
        version: u.version.to_string(),
    };
    let c = chrome(&s, a, &jar, "units", "unit.edit").await?;
    Ok(unit_form(&s, c, Some(id), f, None).await)
}

fn parse_unit_fields(f: &UnitFields) -> Result<UnitInput, AppError> {
    Ok(UnitInput {
        floor_id: f
            .floor_id
            .parse()
            .map_err(|_| AppError::invalid("floor_id", "choose a floor"))?,
        number: f.number.clone(),
        area_m2: f
            .area_m2
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("area_m2", "area must be a number of m²"))?,
        status: Some(f.status.parse::<UnitStatus>()?),
        note: Some(f.note.clone()),
        archived: Some(f.archived.is_some()),
        expected_version: super::number_opt("version", &f.version)?,
    })
}

async fn save_unit(
    s: AppState,
    jar: CookieJar,
    f: WebForm<UnitFields>,
    id: Option<i64>,
) -> Result<Response, PageError> {
    let result = match parse_unit_fields(&f.form) {
        Ok(input) => match id {
            None => sites::create_unit(&s.app, &f.actor, &input).await,
            Some(id) => sites::update_unit(&s.app, &f.actor, id, &input).await,
        },
        Err(e) => Err(e),
    };
    Ok(match result.on_form() {
        Ok(Ok(u)) => Redirect::to(&format!("/units/{}", u.id)).into_response(),
        Ok(Err(fe)) => match chrome(
            &s,
            f.actor,
            &jar,
            "units",
            if id.is_some() {
                "unit.edit"
            } else {
                "unit.new"
            },
        )
        .await
        {
            Ok(c) => unit_form(&s, c, id, f.form, Some(fe)).await,
            Err(r) => return Err(r),
        },
        Err(page) => page.into_response(),
    })
}

async fn create_unit(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<UnitFields>,
) -> Result<Response, PageError> {
    save_unit(s, jar, f, None).await
}

async fn update_unit(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<UnitFields>,
) -> Result<Response, PageError> {
    save_unit(s, jar, f, Some(id)).await
}

// ---- sites ----

#[derive(Template)]
#[template(path = "sites/list.html")]
struct SitesPage {
    c: Chrome,
    error: Option<FormError>,
}

async fn sites_page(c: Chrome) -> Result<Response, PageError> {
    let c = c.at("sites", "nav.sites");
    Ok(render(&SitesPage { c, error: None }))
}

#[derive(Deserialize)]
struct SiteFields {
    name: String,
    code: String,
    timezone: String,
    address: String,
    archived: Option<String>,
    #[serde(default)]
    digest_hour: String,
    #[serde(default)]
    visit_every_months: String,
    /// Absent from a form without it: the phone stays as it was.
    phone: Option<String>,
}

impl SiteFields {
    fn input(&self) -> SiteInputDto {
        SiteInputDto {
            name: self.name.clone(),
            code: self.code.clone(),
            timezone: Some(self.timezone.clone()),
            address: Some(self.address.clone()),
            archived: Some(self.archived.is_some()),
            // Not a whole hour: an hour out of range, refused by name.
            digest_hour: match self.digest_hour.trim() {
                "" => None,
                h => Some(h.parse().unwrap_or(-1)),
            },
            visit_every_months: match self.visit_every_months.trim() {
                "" => None,
                m => Some(m.parse().unwrap_or(0)),
            },
            phone: self.phone.clone(),
        }
    }
}

async fn create_site(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<SiteFields>,
) -> Result<Response, PageError> {
    Ok(
        match sites::create_site(&s.app, &f.actor, &f.form.input())
            .await
            .on_form()
        {
            Ok(Ok(site)) => Redirect::to(&format!("/sites/{}", site.id)).into_response(),
            Ok(Err(fe)) => match chrome(&s, f.actor, &jar, "sites", "nav.sites").await {
                Ok(c) => render_form(&SitesPage { c, error: Some(fe) }, true),
                Err(r) => return Err(r),
            },
            Err(page) => page.into_response(),
        },
    )
}

#[derive(Template)]
#[template(path = "sites/show.html")]
struct SitePage {
    c: Chrome,
    site: SiteView,
    buildings: Vec<BuildingView>,
    areas: Vec<PublicAreaView>,
    kinds: &'static [AreaKind],
    error: Option<FormError>,
}

async fn site_page_with(
    s: &AppState,
    jar: &CookieJar,
    a: lobby_app::Actor,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let site = sites::site(&s.app, &a, id).await?;
    let buildings = sites::buildings(&s.app, &a, id).await.unwrap_or_default();
    let areas = sites::public_areas(&s.app, &a, id)
        .await
        .unwrap_or_default();
    let mut c = chrome(s, a, jar, "sites", "nav.sites").await?;
    c.title = site.name.clone();
    let refused = error.is_some();
    Ok(render_form(
        &SitePage {
            c,
            site,
            buildings,
            areas,
            kinds: AreaKind::ALL,
            error,
        },
        refused,
    ))
}

async fn site_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    site_page_with(&s, &jar, a, id, None).await
}

/// After a directory form: back to the site page, or the page again with the
/// error beside the field.
async fn after(
    s: &AppState,
    jar: &CookieJar,
    a: lobby_app::Actor,
    site_id: i64,
    r: Result<(), AppError>,
) -> Response {
    match r.on_form() {
        Ok(Ok(())) => Redirect::to(&format!("/sites/{site_id}")).into_response(),
        Ok(Err(fe)) => site_page_with(s, jar, a, site_id, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    }
}

async fn update_site(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<SiteFields>,
) -> Response {
    let r = sites::update_site(&s.app, &f.actor, id, &f.form.input())
        .await
        .map(|_| ());
    after(&s, &jar, f.actor, id, r).await
}

#[derive(Deserialize)]
struct BuildingFields {
    name: String,
}

async fn create_building(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<BuildingFields>,
) -> Response {
    let r = sites::create_building(
        &s.app,
        &f.actor,
        &BuildingInput {
            site_id: id,
            name: f.form.name.clone(),
            archived: None,
        },
    )
    .await
    .map(|_| ());
    after(&s, &jar, f.actor, id, r).await
}

#[derive(Deserialize)]
struct BuildingEdit {
    name: String,
    archived: Option<String>,
}

async fn update_building(
    State(s): State<AppState>,
    jar: CookieJar,
    Path((id, building)): Path<(i64, i64)>,
    f: WebForm<BuildingEdit>,
) -> Response {
    let input = BuildingInput {
        site_id: id,
        name: f.form.name.clone(),
        archived: Some(f.form.archived.is_some()),
    };
    let r = sites::update_building(&s.app, &f.actor, building, &input).await;
    after(&s, &jar, f.actor, id, r).await
}

#[derive(Deserialize)]
struct FloorFields {
    building_id: i64,
    label: String,
    level: String,
}

async fn create_floor(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<FloorFields>,
) -> Response {
    let r = match f.form.level.trim().parse::<i64>() {
        Ok(level) => sites::create_floor(
            &s.app,
            &f.actor,
            &FloorInput {
                building_id: f.form.building_id,
                label: f.form.label.clone(),
                level,
            },
        )
        .await
        .map(|_| ()),
        Err(_) => Err(AppError::invalid(
            "level",
            "level must be a whole number (B1 = -1)",
        )),
    };
    after(&s, &jar, f.actor, id, r).await
}

#[derive(Deserialize)]
struct AreaFields {
    name: String,
    kind: AreaKind,
    building_id: Option<String>,
}

async fn create_area(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<AreaFields>,
) -> Response {
    let building_id = match super::number_opt(
        "building_id",
        f.form.building_id.as_deref().unwrap_or_default(),
    ) {
        Ok(b) => b,
        Err(e) => return error_page(Some(&f.actor), e),
    };
    let input = PublicAreaInput {
        site_id: id,
        building_id,
        floor_id: None,
        name: f.form.name.clone(),
        kind: f.form.kind,
        archived: None,
    };
    let r = sites::create_public_area(&s.app, &f.actor, &input)
        .await
        .map(|_| ());
    after(&s, &jar, f.actor, id, r).await
}

#[derive(Deserialize)]
struct AreaEdit {
    name: String,
    kind: AreaKind,
    archived: Option<String>,
}

async fn update_area(
    State(s): State<AppState>,
    jar: CookieJar,
    Path((id, area)): Path<(i64, i64)>,
    f: WebForm<AreaEdit>,
) -> Response {
    let old = match sites::public_areas(&s.app, &f.actor, id).await {
        Ok(v) => v.into_iter().find(|a| a.id == area),
        Err(e) => return error_page(Some(&f.actor), e),
    };
    let Some(old) = old else {
        return error_page(Some(&f.actor), AppError::NotFound("public area"));
    };
    let input = PublicAreaInput {
        site_id: id,
        building_id: old.building_id,
        floor_id: old.floor_id,
        name: f.form.name.clone(),
        kind: f.form.kind,
        archived: Some(f.form.archived.is_some()),
    };
    let r = sites::update_public_area(&s.app, &f.actor, area, &input)
        .await
        .map(|_| ());
    after(&s, &jar, f.actor, id, r).await
}

// ---- vacant-unit report ----

#[derive(Template)]
#[template(path = "reports/vacant.html")]
struct VacantPage {
    c: Chrome,
    r: VacantReport,
}

async fn vacant(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let c = c.at("vacant", "nav.vacant");
    Ok(
        match sites::vacant_report(&s.app, &c.actor, c.site_id()).await {
            Ok(r) => render(&VacantPage { c, r }),
            Err(e) => error_page(Some(&c.actor), e),
        },
    )
}

async fn vacant_xlsx(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let c = c.at("vacant", "nav.vacant");
    let r = sites::vacant_report(&s.app, &c.actor, c.site_id())
        .await
        .and_then(|r| Ok((sites::vacant_report_xlsx(&r)?, r.as_of)))?;
    Ok(crate::files::xlsx_response(
        r.0,
        &format!("vacant-units-{}.xlsx", r.1),
    ))
}
