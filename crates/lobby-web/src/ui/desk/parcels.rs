//! Parcels
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::OnForm;
use crate::ui::PageError;

#[derive(Deserialize, Default, Clone)]
pub(super) struct ParcelsQ {
    days: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/parcels.html")]
pub(super) struct ParcelsPage {
    c: Chrome,
    waiting: Page<ParcelView>,
    collected: Vec<ParcelView>,
    q: ParcelsQ,
    can_write: bool,
    error: Option<FormError>,
    /// The parcel just received, with its code, for the slip.
    received: Option<ParcelView>,
    key: String,
}

pub(super) async fn parcels_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<ParcelsQ>,
) -> Result<Response, PageError> {
    parcels_with(&s, &jar, a, q, None, None).await
}

pub(super) async fn parcels_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: ParcelsQ,
    error: Option<FormError>,
    received: Option<ParcelView>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "parcels", "nav.parcels").await?;
    let site = c.site_id();
    let r = async {
        let days = crate::ui::number_opt::<i64>("days", q.days.as_deref().unwrap_or_default())?;
        let waiting = desk::parcels(
            &s.app,
            &c.actor,
            &ParcelQuery {
                site_id: Some(site),
                waiting: Some(true),
                uncollected_days: days,
                limit: Some(100),
                cursor: q.cursor.clone(),
                ..Default::default()
            },
        )
        .await?;
        let collected = desk::parcels(
            &s.app,
            &c.actor,
            &ParcelQuery {
                site_id: Some(site),
                waiting: Some(false),
                limit: Some(20),
                ..Default::default()
            },
        )
        .await?;
        Ok::<_, AppError>((waiting, collected.items))
    }
    .await;
    let (waiting, collected) = r?;
    let can_write = c.actor.can(Can::DeskWrite, site);
    let refused = error.is_some();
    Ok(render_form(
        &ParcelsPage {
            c,
            waiting,
            collected,
            q,
            can_write,
            error,
            received,
            key: crate::ui::form_key(),
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub(super) struct ParcelForm {
    carrier: String,
    #[serde(default)]
    tracking_no: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    addressee: String,
    registered_mail: Option<String>,
    #[serde(default)]
    _key: String,
}

/// Receives a parcel and shows the page with its pickup code (no
/// redirect: the code is for the desk's slip, not for the URL). The form's
/// key makes a refresh harmless.
pub(super) async fn parcel_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<ParcelForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "parcels", "nav.parcels")
        .await?
        .site_id();
    let v = &f.form;
    let r = async {
        let unit_id = unit_id_of(&s, &f.actor, site, &v.unit).await?;
        desk::receive_parcel(
            &s.app,
            &f.actor,
            &NewParcelInput {
                site_id: Some(site),
                carrier: v.carrier.clone(),
                tracking_no: Some(v.tracking_no.clone()),
                addressee: Some(v.addressee.clone()),
                unit_id,
                tenant_id: None,
                registered_mail: on(&v.registered_mail),
            },
            key_of(&v._key),
        )
        .await
    }
    .await;
    Ok(match r.on_form() {
        Ok(Ok(p)) => parcels_with(
            &s,
            &jar,
            f.actor.clone(),
            ParcelsQ::default(),
            None,
            Some(p),
        )
        .await
        .into_response(),
        Ok(Err(fe)) => parcels_with(
            &s,
            &jar,
            f.actor.clone(),
            ParcelsQ::default(),
            Some(fe),
            None,
        )
        .await
        .into_response(),
        Err(page) => page.into_response(),
    })
}

#[derive(Deserialize)]
pub(super) struct PickupForm {
    code: String,
    collected_by: String,
}

pub(super) async fn parcel_pickup(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<PickupForm>,
) -> Response {
    let r = desk::pick_up(
        &s.app,
        &f.actor,
        id,
        &PickupInput {
            code: f.form.code.clone(),
            collected_by: f.form.collected_by.clone(),
        },
    )
    .await;
    match r.on_form() {
        Ok(Ok(_)) => see("/parcels"),
        Ok(Err(fe)) => parcels_with(
            &s,
            &jar,
            f.actor.clone(),
            ParcelsQ::default(),
            Some(FormError {
                field: format!("p{id}.{}", fe.field),
                code: fe.code,
                message: fe.message,
            }),
            None,
        )
        .await
        .into_response(),
        Err(page) => page.into_response(),
    }
}

pub(super) async fn parcel_upload(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> Response {
    let file = match crate::ui::read_upload(&a, &mut mp).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    match desk::add_parcel_photo(&s.app, &a, id, &file)
        .await
        .on_form()
    {
        Ok(Ok(_)) => see(&format!("/parcels#p{id}")),
        Ok(Err(fe)) => parcels_with(&s, &jar, a, ParcelsQ::default(), Some(fe), None)
            .await
            .into_response(),
        Err(page) => page.into_response(),
    }
}

pub(super) async fn parcel_photo(
    State(s): State<AppState>,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Response {
    match desk::parcel_photo(&s.app, &a, id).await {
        Ok((bytes, ty)) => ([(axum::http::header::CONTENT_TYPE, ty)], bytes).into_response(),
        Err(e) => error_page(Some(&a), e),
    }
}
