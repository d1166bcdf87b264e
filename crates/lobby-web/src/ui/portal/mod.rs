//! The tenant's portal on a phone (租户服务): report a problem with photos
//! from the camera in one form, follow one's requests in plain words, and
//! confirm and rate a finished one or say it is not fixed. A tenant's
//! account opening the staff's work-order pages is sent here.

mod accounts;
pub(crate) mod bills;

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::portal::PortalContext;
use lobby_app::tickets::{self, ActionInput, NewTicketInput, PhotoView, TicketQuery, TicketView};
use lobby_app::AppError;
use lobby_domain::tickets::{Action, Kind, Priority};
use serde::Deserialize;

use super::{render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/my/requests",
            get(list_page)
                .post(report)
                .layer(axum::extract::DefaultBodyLimit::max(
                    tickets::MAX_PHOTOS_AT_ONCE * lobby_app::photos::MAX_PHOTO_BYTES + 64 * 1024,
                )),
        )
        .route("/my/requests/new", get(new_page))
        .route("/my/requests/{id}", get(show_page))
        .route("/my/requests/{id}/rate", post(rate))
        .route("/my/requests/{id}/not-fixed", post(not_fixed))
        .route("/my/visitors", get(visitors_page).post(expect_visitor))
        .route("/my/visitors/{id}/cancel", post(cancel_visitor))
        .route("/my/visitors/{id}/pass", get(visitor_pass))
        .merge(accounts::router())
        .merge(bills::router())
}

#[derive(Template)]
#[template(path = "portal/list.html")]
struct ListPage {
    c: Chrome,
    open: Vec<TicketView>,
    done: Vec<TicketView>,
}

async fn list_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let c = c.at("requests", "nav.my_requests");
    let ctx = lobby_app::portal::context(&s.app, &c.actor).await?;
    let page = tickets::list(
        &s.app,
        &c.actor,
        &TicketQuery {
            site_id: Some(ctx.site_id),
            limit: Some(50),
            ..Default::default()
        },
    )
    .await?;
    let (open, done) = page.items.into_iter().partition(|t| !t.state.is_terminal());
    Ok(render_form(&ListPage { c, open, done }, false))
}

#[derive(Deserialize, Default, Clone)]
pub struct ReportFields {
    kind: String,
    /// `unit:ID` or `place:NAME` (or empty with `other` filled in).
    place: String,
    other: String,
    description: String,
    key: String,
}

#[derive(Template)]
#[template(path = "portal/new.html")]
struct NewPage {
    c: Chrome,
    ctx: PortalContext,
    f: ReportFields,
    kinds: Vec<&'static str>,
    max_photos: usize,
    error: Option<FormError>,
}

async fn new_with(
    s: &AppState,
    c: Chrome,
    mut f: ReportFields,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("requests", "portal.report");
    let ctx = lobby_app::portal::context(&s.app, &c.actor).await?;
    if f.key.is_empty() {
        f.key = crate::ui::form_key();
    }
    if f.kind.is_empty() {
        f.kind = Kind::Repair.as_str().into();
    }
    if f.place.is_empty() {
        if let Some(u) = ctx.units.first() {
            f.place = format!("unit:{}", u.unit_id);
        }
    }
    let refused = error.is_some();
    Ok(render_form(
        &NewPage {
            c,
            ctx,
            f,
            kinds: Kind::ALL.iter().map(|k| k.as_str()).collect(),
            max_photos: tickets::MAX_PHOTOS_AT_ONCE,
            error,
        },
        refused,
    ))
}

async fn new_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    new_with(&s, c, ReportFields::default(), None).await
}

/// The report's input: where from `place` (one of the tenant's units, a
/// public place, or words), the title from the description's first line.
fn report_input(f: &ReportFields) -> Result<NewTicketInput, AppError> {
    let description = f.description.trim();
    if description.is_empty() {
        return Err(AppError::invalid("description", "say what is wrong"));
    }
    let first = description.lines().next().unwrap_or(description).trim();
    let title: String = first.chars().take(40).collect();
    let (unit_id, location) = match f.place.split_once(':') {
        Some(("unit", id)) => (Some(super::number::<i64>("unit_id", id)?), None),
        Some(("place", name)) if !name.trim().is_empty() => (None, Some(name.trim().to_string())),
        _ => match f.other.trim() {
            "" => return Err(AppError::invalid("location", "say where")),
            o => (None, Some(o.to_string())),
        },
    };
    Ok(NewTicketInput {
        description: description.to_string(),
        unit_id,
        location,
        ..NewTicketInput::new(f.kind.parse()?, Priority::Normal, title)
    })
}

/// The report form (multipart: `_csrf`, `_key`, `kind`, `place`, `other`,
/// `description`, `file`…): one work order with its photos.
async fn report(
    State(s): State<AppState>,
    c: Chrome,
    mut mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let (fields, files) = match super::read_multipart(&c.actor, &mut mp).await {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let field = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let f = ReportFields {
        kind: field("kind"),
        place: field("place"),
        other: field("other"),
        description: field("description"),
        key: field("_key"),
    };
    let r = match report_input(&f) {
        Ok(input) => {
            let key = Some(f.key.as_str()).filter(|k| !k.is_empty());
            tickets::create_with_photos(&s.app, &c.actor, &input, &files, key).await
        }
        Err(e) => Err(e),
    };
    match r.on_form()? {
        Ok(t) => Ok(Redirect::to(&format!("/my/requests/{}", t.id)).into_response()),
        Err(fe) => new_with(&s, c, f, Some(fe)).await,
    }
}

#[derive(Template)]
#[template(path = "portal/show.html")]
struct ShowPage {
    c: Chrome,
    t: TicketView,
    photos: Vec<PhotoView>,
    can_rate: bool,
    can_reopen: bool,
    error: Option<FormError>,
}

async fn show_with(
    s: &AppState,
    c: Chrome,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("requests", "nav.my_requests");
    let t = tickets::get(&s.app, &c.actor, id).await?;
    let photos = tickets::photos(&s.app, &c.actor, id).await?;
    let refused = error.is_some();
    let mut c = c;
    c.title = t.number.clone();
    Ok(render_form(
        &ShowPage {
            can_rate: t.allowed.contains(&Action::Rate),
            can_reopen: t.allowed.contains(&Action::Reopen),
            c,
            t,
            photos,
            error,
        },
        refused,
    ))
}

async fn show_page(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    show_with(&s, c, id, None).await
}

#[derive(Deserialize)]
struct RateForm {
    satisfaction: String,
    #[serde(default)]
    note: String,
    version: String,
}

async fn rate(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<RateForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let r = async {
        let input = ActionInput {
            satisfaction: Some(super::number("satisfaction", &v.satisfaction)?),
            note: Some(v.note.clone()).filter(|n| !n.trim().is_empty()),
            expected_version: super::number_opt("version", &v.version)?,
            ..ActionInput::new(Action::Rate)
        };
        tickets::act(&s.app, &f.actor, id, &input).await
    }
    .await;
    after(&s, c, id, r).await
}

#[derive(Deserialize)]
struct NotFixedForm {
    note: String,
    version: String,
}

async fn not_fixed(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<NotFixedForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let r = async {
        let input = ActionInput {
            note: Some(v.note.clone()),
            expected_version: super::number_opt("version", &v.version)?,
            ..ActionInput::new(Action::Reopen)
        };
        tickets::act(&s.app, &f.actor, id, &input).await
    }
    .await;
    after(&s, c, id, r).await
}

async fn after(
    s: &AppState,
    c: Chrome,
    id: i64,
    r: Result<TicketView, AppError>,
) -> Result<Response, PageError> {
    match r.on_form()? {
        Ok(_) => Ok(Redirect::to(&format!("/my/requests/{id}")).into_response()),
        Err(fe) => show_with(s, c, id, Some(fe)).await,
    }
}

#[derive(Template)]
#[template(path = "portal/visitors.html")]
struct VisitorsPage {
    c: Chrome,
    ctx: PortalContext,
    visitors: Vec<lobby_app::desk::ExpectedVisitorView>,
    error: Option<FormError>,
}

async fn visitors_with(
    s: &AppState,
    c: Chrome,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("my_visitors", "nav.my_visitors");
    let ctx = lobby_app::portal::context(&s.app, &c.actor).await?;
    let visitors = lobby_app::desk::expected_visitors(
        &s.app,
        &c.actor,
        &lobby_app::desk::ExpectedQuery {
            site_id: Some(ctx.site_id),
            date: None,
        },
    )
    .await?;
    let refused = error.is_some();
    Ok(render_form(
        &VisitorsPage {
            c,
            ctx,
            visitors,
            error,
        },
        refused,
    ))
}

async fn visitors_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    visitors_with(&s, c, None).await
}

#[derive(Deserialize)]
struct ExpectForm {
    name: String,
    phone: String,
    expected_at: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    note: String,
}

async fn expect_visitor(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<ExpectForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let r = async {
        let input = lobby_app::desk::ExpectedVisitorInput {
            name: v.name.clone(),
            phone: v.phone.clone(),
            expected_at: v.expected_at.clone(),
            unit_id: super::number_opt("unit_id", &v.unit_id)?,
            note: Some(v.note.clone()).filter(|n| !n.trim().is_empty()),
        };
        lobby_app::desk::expect_visitor(&s.app, &f.actor, &input).await
    }
    .await;
    match r.on_form()? {
        Ok(_) => Ok(Redirect::to("/my/visitors").into_response()),
        Err(fe) => visitors_with(&s, c, Some(fe)).await,
    }
}

use crate::ui::Empty;

async fn cancel_visitor(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<Empty>,
) -> Result<Response, PageError> {
    let _ = &f.form;
    lobby_app::desk::cancel_expected(&s.app, &f.actor, id).await?;
    Ok(Redirect::to("/my/visitors").into_response())
}

/// A visitor's pass (访客通行证) for the tenant to forward: the code large,
/// its QR code, who and when; the desk scans or types it.
#[derive(Template)]
#[template(path = "portal/pass.html")]
struct PassPage {
    c: Chrome,
    e: lobby_app::desk::ExpectedVisitorView,
    qr: String,
    site_name: String,
    address: String,
}

async fn visitor_pass(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let mut c = c.at("my_visitors", "visitor.pass");
    let e = lobby_app::desk::expected_visitor(&s.app, &c.actor, id).await?;
    let code = e
        .pass_code
        .clone()
        .ok_or(AppError::NotFound("visitor pass"))?;
    c.title = format!("{} · {}", c.t("visitor.pass"), e.name);
    let site = lobby_app::sites::site(&s.app, &c.actor, e.site_id).await?;
    Ok(super::render(&PassPage {
        qr: super::qr::qr_svg(&code),
        site_name: site.name,
        address: site.address.unwrap_or_default(),
        c,
        e,
    }))
}
