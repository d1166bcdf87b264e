//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::OnForm;
use crate::ui::PageError;
use lobby_domain::error::optional_choice;

/// The intake form's fields (also posted by the desk's home page).
#[derive(Deserialize, Default, Clone)]
pub struct IntakeFields {
    pub unit: String,
    pub location: String,
    pub kind: String,
    pub priority: String,
    pub title: String,
    pub description: String,
    pub department: String,
    pub channel: String,
    pub dispatch: Option<String>,
    /// The complaint record's first fields (kind complaint).
    #[serde(default)]
    pub complainant: String,
    #[serde(default)]
    pub complainant_phone: String,
    #[serde(default)]
    pub received_at: String,
    /// The caller (报告人); empty: the unit's tenant's day contact.
    #[serde(default)]
    pub reporter_name: String,
    #[serde(default)]
    pub reporter_phone: String,
    /// The form's key: a double click or a resent form makes one order.
    #[serde(default, rename = "_key")]
    pub key: String,
}

#[derive(Template)]
#[template(path = "tickets/new.html")]
pub(super) struct NewPage {
    c: Chrome,
    f: IntakeFields,
    kinds: Vec<&'static str>,
    priorities: Vec<&'static str>,
    departments: Vec<&'static str>,
    channels: Vec<&'static str>,
    /// The site's public areas, offered where a call can come from.
    places: Vec<String>,
    error: Option<FormError>,
}

pub(super) async fn new_page(
    s: &AppState,
    c: Chrome,
    mut f: IntakeFields,
    error: Option<FormError>,
) -> Response {
    let refused = error.is_some();
    if f.key.is_empty() {
        f.key = crate::ui::form_key();
    }
    let places = crate::ui::place_choices(s, &c).await;
    render_form(
        &NewPage {
            c,
            f,
            places,
            kinds: strs(Kind::ALL, Kind::as_str),
            priorities: strs(Priority::ALL, Priority::as_str),
            departments: strs(Department::ALL, Department::as_str),
            channels: strs(Channel::ALL, Channel::as_str),
            error,
        },
        refused,
    )
}

#[derive(Deserialize, Default)]
pub(super) struct NewQ {
    unit: Option<String>,
    kind: Option<String>,
}

pub(super) async fn new_form(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<NewQ>,
) -> Result<Response, PageError> {
    if crate::ui::is_tenant(&c.actor) {
        // A tenant reports on its own, shorter form.
        return Ok(Redirect::to("/my/requests/new").into_response());
    }
    let c = c.at("tickets", "ticket.new");
    let unit = q.unit.unwrap_or_default();
    // Opened from a unit's page: the caller is most likely its tenant's
    // day contact (the desk may change it).
    let (reporter_name, reporter_phone) = match unit.trim() {
        "" => (String::new(), String::new()),
        n => {
            let u = lobby_app::sites::unit_by_number(&s.app, &c.actor, c.site_id(), n).await?;
            match u.and_then(|u| u.tenant_id) {
                Some(t) if c.actor.can(Can::TenantsRead, c.site_id()) => {
                    let t = lobby_app::tenants::get_day_view(&s.app, &c.actor, t).await?;
                    (
                        t.contact_person.unwrap_or_default(),
                        t.day_phone.unwrap_or_default(),
                    )
                }
                _ => (String::new(), String::new()),
            }
        }
    };
    Ok(new_page(
        &s,
        c,
        IntakeFields {
            unit,
            kind: q.kind.unwrap_or_else(|| "repair".into()),
            priority: "normal".into(),
            channel: "phone".into(),
            dispatch: Some("on".into()),
            reporter_name,
            reporter_phone,
            ..Default::default()
        },
        None,
    )
    .await)
}

/// Creates the ticket and, when asked, dispatches it in the same transaction.
pub(super) async fn create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<IntakeFields>,
) -> Result<Response, PageError> {
    let c = chrome(&s, f.actor.clone(), &jar, "tickets", "ticket.new").await?;
    let v = &f.form;
    let result = async {
        // "Where" is a unit number or one of the site's public areas (a
        // call about the lobby goes as fast as one about a unit).
        let (unit_id, place) = match v.unit.trim() {
            "" => (None, None),
            n => match crate::ui::place_choices(&s, &c)
                .await
                .into_iter()
                .find(|p| p == n)
            {
                Some(p) => (None, Some(p)),
                None => {
                    let unit = match lobby_domain::sites::UnitNumber::parse("unit", n) {
                        Ok(_) => {
                            lobby_app::sites::unit_by_number(&s.app, &f.actor, c.site_id(), n)
                                .await?
                        }
                        Err(_) => None,
                    };
                    match unit {
                        Some(u) => (Some(u.id), None),
                        None => {
                            return Err(AppError::invalid(
                                "unit",
                                format!("there is no unit or public area called {n}"),
                            ))
                        }
                    }
                }
            },
        };
        let location = Some(v.location.trim().to_string())
            .filter(|l| !l.is_empty())
            .or(place);
        let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        let dispatch = v.dispatch.is_some();
        let t = tickets::create_and_dispatch(
            &s.app,
            &f.actor,
            &NewTicketInput {
                site_id: Some(c.site_id()),
                kind: v.kind.parse()?,
                priority: Some(v.priority.parse()?),
                title: v.title.clone(),
                description: v.description.clone(),
                unit_id,
                location,
                tenant_id: None,
                channel: optional_choice(Some(&v.channel))?,
                department: optional_choice(Some(&v.department))?,
                complaint: (v.kind == "complaint").then(|| ComplaintInput {
                    complainant: Some(v.complainant.clone()).filter(|c| !c.trim().is_empty()),
                    complainant_phone: Some(v.complainant_phone.clone())
                        .filter(|c| !c.trim().is_empty()),
                    received_at: Some(v.received_at.clone()),
                    ..Default::default()
                }),
                reporter_name: text(&v.reporter_name),
                reporter_phone: text(&v.reporter_phone),
            },
            dispatch,
            text(&v.key).as_deref(),
        )
        .await?;
        Ok::<_, AppError>(t.id)
    }
    .await;
    Ok(match result.on_form() {
        Ok(Ok(id)) => Redirect::to(&format!("/tickets/{id}")).into_response(),
        Ok(Err(fe)) => new_page(&s, c, f.form, Some(fe)).await,
        Err(page) => page.into_response(),
    })
}

#[derive(Deserialize)]
pub(super) struct CallerQ {
    number: String,
}

/// `GET /tickets/caller?number=1203`: the unit typed for a call, its tenant
/// and its default caller (JSON for the intake boxes); 404 when no unit has
/// that number.
pub(super) async fn caller(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<CallerQ>,
) -> Result<Response, PageError> {
    Ok(
        match tickets::caller_at_unit(&s.app, &c.actor, c.site_id(), &q.number).await? {
            Some(u) => axum::Json(u).into_response(),
            None => axum::http::StatusCode::NOT_FOUND.into_response(),
        },
    )
}
