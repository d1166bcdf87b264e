//! Move-in and move-out on screen (入驻/退租): the list with the forms that
//! announce a move, a move's page where each person does their part — the
//! meters read with the dial's photo, the checklist walked item by item
//! (ok, or a defect with a note and a photo; a damage priced), the keys
//! handed over or taken back, the tenant's signature — and that prints as
//! the 入驻交接单 / 退租交接单; and the site's checklist.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::keys::{KeyQuery, KeyView};
use lobby_app::moves::{
    self, CancelInput, CheckInput, ChecklistInput, ChecksInput, CompleteInput, ItemCheckInput,
    MoveInput, MoveItemInput, MoveKeyInput, MoveQuery, MoveReadingInput, MoveView,
};
use lobby_app::photos::MAX_PHOTO_BYTES;
use lobby_app::AppError;
use lobby_domain::moves::{ItemState, Lacking, MoveKind, MoveState};
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{field, PhotoQ};
use super::{render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let photo_limit = || axum::extract::DefaultBodyLimit::max(MAX_PHOTO_BYTES + 64 * 1024);
    Router::new()
        .route("/moves", get(list_page))
        .route("/moves/in", post(announce_in))
        .route("/moves/out", post(announce_out))
        .route("/moves/checklist", get(checklist_page).post(save_checklist))
        .route("/moves/{id}", get(show_page))
        .route(
            "/moves/{id}/readings",
            post(read_meter).layer(photo_limit()),
        )
        .route("/moves/{id}/items", post(add_item))
        .route(
            "/moves/{id}/items/{item}",
            post(check_item).layer(photo_limit()),
        )
        .route(
            "/moves/{id}/handover",
            post(check_items).layer(axum::extract::DefaultBodyLimit::max(
                MAX_PHOTO_BYTES * moves::MAX_CHECK_PHOTOS + 256 * 1024,
            )),
        )
        .route("/moves/{id}/remind", post(remind))
        .route("/moves/{id}/keys", post(move_key))
        .route("/moves/{id}/complete", post(complete))
        .route("/moves/{id}/cancel", post(cancel))
        .route("/moves/{id}/photos/{photo}", get(photo))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A choice in a select: its value and what it shows.
use super::TenantChoice as Choice;

#[derive(Template)]
#[template(path = "moves/list.html")]
struct ListPage {
    c: Chrome,
    moves: Vec<MoveView>,
    can_work: bool,
    can_manage: bool,
    tenants: Vec<Choice>,
    vacant: Vec<super::UnitChoice>,
    occupied: Vec<super::UnitChoice>,
    today: String,
    error: Option<FormError>,
}

async fn list_with(
    s: &AppState,
    c: Chrome,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("moves", "nav.moves");
    let site = c.site_id();
    let moves = moves::moves(
        &s.app,
        &c.actor,
        &MoveQuery {
            site_id: site,
            ..Default::default()
        },
    )
    .await?;
    let can_work = c.actor.can(Can::MovesWork, site) && c.actor.can(Can::TenantsRead, site);
    let (mut tenants, mut vacant, mut occupied) = (Vec::new(), Vec::new(), Vec::new());
    if can_work {
        tenants = super::tenant_choices(s, &c).await?;
        // A unit with a move still open is not offered again.
        let busy: Vec<i64> = moves
            .iter()
            .filter(|m| m.state == lobby_domain::moves::MoveState::Open)
            .map(|m| m.unit_id)
            .collect();
        vacant = super::unit_choices(s, &c, "vacant").await?;
        vacant.retain(|u| !busy.contains(&u.unit_id));
        occupied = super::unit_choices(s, &c, "occupied").await?;
        occupied.retain(|u| !busy.contains(&u.unit_id));
    }
    let can_manage = c.actor.can(Can::MovesManage, site);
    let today = c.today(&s.app).to_string();
    let refused = error.is_some();
    Ok(render_form(
        &ListPage {
            c,
            moves,
            can_work,
            can_manage,
            tenants,
            vacant,
            occupied,
            today,
            error,
        },
        refused,
    ))
}

async fn list_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    list_with(&s, c, None).await
}

#[derive(Deserialize)]
struct InForm {
    tenant_id: String,
    unit_id: String,
    date: String,
    lease_end: Option<String>,
    note: Option<String>,
}

async fn announce_in(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<InForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let r = async {
        moves::create_move_in(
            &s.app,
            &f.actor,
            &MoveInput {
                tenant_id: super::number("tenant_id", &v.tenant_id)?,
                unit_id: super::number("unit_id", &v.unit_id)?,
                date: v.date.clone(),
                lease_end: v.lease_end.clone(),
                note: v.note.clone(),
                meter_readings: Vec::new(),
                handover: Vec::new(),
                keys: Vec::new(),
            },
        )
        .await
    }
    .await;
    announced(&s, c, r).await
}

#[derive(Deserialize)]
struct OutForm {
    unit_id: String,
    date: String,
    note: Option<String>,
}

async fn announce_out(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<OutForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let r = async {
        let unit_id: i64 = super::number("unit_id", &v.unit_id)?;
        let unit = lobby_app::sites::unit(&s.app, &f.actor, unit_id).await?;
        let tenant_id = unit
            .tenant_id
            .ok_or_else(|| AppError::invalid("unit_id", "the unit has no tenant"))?;
        moves::create_move_out(
            &s.app,
            &f.actor,
            &MoveInput {
                tenant_id,
                unit_id,
                date: v.date.clone(),
                lease_end: None,
                note: v.note.clone(),
                meter_readings: Vec::new(),
                handover: Vec::new(),
                keys: Vec::new(),
            },
        )
        .await
    }
    .await;
    announced(&s, c, r).await
}

async fn announced(
    s: &AppState,
    c: Chrome,
    r: Result<MoveView, AppError>,
) -> Result<Response, PageError> {
    match r.on_form()? {
        Ok(m) => Ok(see(&format!("/moves/{}", m.id))),
        Err(fe) => list_with(s, c, Some(fe)).await,
    }
}

/// An unread meter of the unit, with its last reading.
struct Unread {
    id: i64,
    kind: String,
    serial: String,
    last: Option<String>,
}

#[derive(Template)]
#[template(path = "moves/show.html")]
struct ShowPage {
    c: Chrome,
    m: MoveView,
    unread: Vec<Unread>,
    keys: Vec<KeyView>,
    can_work: bool,
    can_read_meters: bool,
    can_keys: bool,
    can_complete: bool,
    /// Steps that hold completion back.
    blocking: usize,
    site_name: String,
    error: Option<FormError>,
}

async fn show_with(
    s: &AppState,
    c: Chrome,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let mut c = c.at("moves", "nav.moves");
    let m = moves::get(&s.app, &c.actor, id).await?;
    c.title = format!(
        "{} · {}",
        c.t(if m.kind == MoveKind::In {
            "moves.sheet_in"
        } else {
            "moves.sheet_out"
        }),
        m.unit_number
    );
    let site = m.site_id;
    let open = m.state == MoveState::Open;
    let can_work = open && c.actor.can(Can::MovesWork, site);
    let can_read_meters = can_work && c.actor.can(Can::MetersRecord, site);
    let can_keys = can_work && c.actor.can(Can::KeysManage, site);
    let unread = if can_read_meters {
        lobby_app::fees::meters(&s.app, &c.actor, site, Some(m.unit_id))
            .await?
            .into_iter()
            .filter(|x| !m.readings.iter().any(|r| r.meter_id == x.id))
            .map(|x| Unread {
                id: x.id,
                kind: x.kind.as_str().to_string(),
                serial: x.serial,
                last: x.last_reading,
            })
            .collect()
    } else {
        Vec::new()
    };
    let keys = if can_keys {
        lobby_app::keys::keys(
            &s.app,
            &c.actor,
            &KeyQuery {
                site_id: site,
                overdue: None,
            },
        )
        .await?
        .into_iter()
        .filter(|k| k.unit_id == Some(m.unit_id))
        .filter(|k| match m.kind {
            MoveKind::In => k.out < k.copies,
            MoveKind::Out => k.out > 0,
        })
        .collect()
    } else {
        Vec::new()
    };
    let can_complete = open && c.actor.can(Can::MovesComplete, site);
    let site_name = c.site.as_ref().map(|x| x.name.clone()).unwrap_or_default();
    let refused = error.is_some();
    let blocking = m.outstanding.iter().filter(|o| o.blocks).count();
    Ok(render_form(
        &ShowPage {
            c,
            m,
            unread,
            keys,
            can_work,
            can_read_meters,
            can_keys,
            can_complete,
            blocking,
            site_name,
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

/// A step's outcome: back to the move's page (at `anchor`), or the page
/// again with the refusal.
async fn after(
    s: &AppState,
    c: Chrome,
    id: i64,
    anchor: &str,
    r: Result<MoveView, AppError>,
) -> Result<Response, PageError> {
    match r {
        Ok(_) => Ok(see(&format!("/moves/{id}#{anchor}"))),
        Err(AppError::NotFound(w)) => Err(AppError::NotFound(w).into()),
        Err(e) => show_with(s, c, id, Some(FormError::refusal(&e))).await,
    }
}

/// A meter read for the move: `meter_id`, `reading`, `meter_replaced` and
/// the dial's photo as `file`, in one multipart form.
async fn read_meter(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    if !c.actor.can_anywhere(Can::MetersRecord) {
        return Err(AppError::Forbidden.into());
    }
    let (fields, mut files) = match super::read_multipart(&c.actor, &mut mp).await {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let r = async {
        moves::add_reading(
            &s.app,
            &c.actor,
            id,
            &MoveReadingInput {
                meter_id: Some(super::number("meter_id", &field(&fields, "meter_id"))?),
                kind: None,
                reading: field(&fields, "reading"),
                meter_replaced: !field(&fields, "meter_replaced").is_empty(),
            },
            files.pop().as_deref(),
        )
        .await
    }
    .await;
    after(&s, c, id, "readings", r).await
}

/// An item's finding: `state`, `note`, `charge` and a photo as `file`.
async fn check_item(
    State(s): State<AppState>,
    c: Chrome,
    Path((id, item)): Path<(i64, i64)>,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    if !c.actor.can_anywhere(Can::MovesWork) {
        return Err(AppError::Forbidden.into());
    }
    let (fields, mut files) = match super::read_multipart(&c.actor, &mut mp).await {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let r = async {
        let state: ItemState = field(&fields, "state").parse()?;
        moves::check_item(
            &s.app,
            &c.actor,
            id,
            item,
            &CheckInput {
                state,
                note: Some(field(&fields, "note")),
                charge: Some(field(&fields, "charge")),
            },
            files.pop().as_deref(),
        )
        .await
    }
    .await;
    after(&s, c, id, &format!("i{item}"), r).await
}

/// The checklist walked on one form: per item `state_<id>`, `note_<id>`,
/// `charge_<id>` and a photo as `file_<id>`. Items left as they were are
/// not saved again.
async fn check_items(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    if !c.actor.can_anywhere(Can::MovesWork) {
        return Err(AppError::Forbidden.into());
    }
    let (fields, files) = match super::form::read_multipart_named(&c.actor, &mut mp).await {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let r = async {
        let m = moves::get(&s.app, &c.actor, id).await?;
        let mut items = Vec::new();
        let mut photos = Vec::new();
        for i in &m.items {
            let state = field(&fields, &format!("state_{}", i.id));
            if state.is_empty() {
                continue;
            }
            let state: ItemState = state.parse()?;
            let note = field(&fields, &format!("note_{}", i.id));
            let charge = field(&fields, &format!("charge_{}", i.id));
            let name = format!("file_{}", i.id);
            let photo = files.iter().find(|(n, _)| *n == name);
            if state == i.state
                && note.trim().is_empty()
                && charge.trim().is_empty()
                && photo.is_none()
            {
                continue;
            }
            items.push(ItemCheckInput {
                item_id: i.id,
                state,
                note: Some(note),
                charge: Some(charge),
            });
            if let Some((_, b)) = photo {
                photos.push((i.id, b.clone()));
            }
        }
        if items.is_empty() {
            return Err(AppError::invalid(
                "items",
                "nothing changed: choose a finding for the items looked at",
            ));
        }
        moves::check_items(&s.app, &c.actor, id, &ChecksInput { items }, &photos).await
    }
    .await;
    after(&s, c, id, "checklist", r).await
}

/// 提醒工程部: engineering is told again of the meters to read.
async fn remind(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<super::Empty>,
) -> Result<Response, PageError> {
    let r = moves::remind(&s.app, &f.actor, id).await;
    after(&s, c, id, "outstanding", r).await
}

#[derive(Deserialize)]
struct ItemForm {
    name: String,
}

async fn add_item(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<ItemForm>,
) -> Result<Response, PageError> {
    let r = moves::add_item(
        &s.app,
        &f.actor,
        id,
        &MoveItemInput {
            name: f.form.name.clone(),
        },
    )
    .await;
    after(&s, c, id, "checklist", r).await
}

#[derive(Deserialize)]
struct KeyForm {
    key_id: String,
}

async fn move_key(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<KeyForm>,
) -> Result<Response, PageError> {
    let r = async {
        moves::move_key(
            &s.app,
            &f.actor,
            id,
            &MoveKeyInput {
                key_id: super::number("key_id", &f.form.key_id)?,
                copy: None,
            },
        )
        .await
    }
    .await;
    after(&s, c, id, "keys", r).await
}

#[derive(Deserialize)]
struct CompleteForm {
    signed_by: Option<String>,
}

async fn complete(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<CompleteForm>,
) -> Result<Response, PageError> {
    let r = async {
        let m = moves::get(&s.app, &f.actor, id).await?;
        moves::complete(
            &s.app,
            &f.actor,
            id,
            m.kind,
            &CompleteInput {
                signed_by: f.form.signed_by.clone(),
            },
        )
        .await
    }
    .await;
    after(&s, c, id, "sheet", r).await
}

#[derive(Deserialize)]
struct CancelForm {
    reason: Option<String>,
}

async fn cancel(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<CancelForm>,
) -> Result<Response, PageError> {
    let r = moves::cancel(
        &s.app,
        &f.actor,
        id,
        &CancelInput {
            reason: f.form.reason.clone(),
        },
    )
    .await;
    after(&s, c, id, "sheet", r).await
}

async fn photo(
    State(s): State<AppState>,
    c: Chrome,
    Path((id, photo)): Path<(i64, i64)>,
    Query(q): Query<PhotoQ>,
) -> Result<Response, PageError> {
    let thumb = q.thumb();
    let (ty, bytes) = moves::photo(&s.app, &c.actor, id, photo, thumb).await?;
    Ok(super::image((ty, bytes)))
}

#[derive(Template)]
#[template(path = "moves/checklist.html")]
struct ChecklistPage {
    c: Chrome,
    text: String,
    can_manage: bool,
    error: Option<FormError>,
}

async fn checklist_with(
    s: &AppState,
    c: Chrome,
    text: Option<String>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("moves", "nav.moves");
    let items = moves::checklist(&s.app, &c.actor, c.site_id()).await?;
    let can_manage = c.actor.can(Can::MovesManage, c.site_id());
    let refused = error.is_some();
    Ok(render_form(
        &ChecklistPage {
            text: text.unwrap_or_else(|| items.join("\n")),
            c,
            can_manage,
            error,
        },
        refused,
    ))
}

async fn checklist_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    checklist_with(&s, c, None, None).await
}

#[derive(Deserialize)]
struct ChecklistForm {
    items: String,
}

async fn save_checklist(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<ChecklistForm>,
) -> Result<Response, PageError> {
    let r = moves::set_checklist(
        &s.app,
        &f.actor,
        &ChecklistInput {
            site_id: c.site_id(),
            items: f
                .form
                .items
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect(),
        },
    )
    .await;
    match r.on_form()? {
        Ok(_) => Ok(see("/moves/checklist")),
        Err(fe) => checklist_with(&s, c, Some(f.form.items.clone()), Some(fe)).await,
    }
}
