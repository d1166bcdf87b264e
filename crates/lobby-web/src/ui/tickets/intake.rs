//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;

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
    error: Option<FormError>,
}

pub(super) fn new_page(c: Chrome, f: IntakeFields, error: Option<FormError>) -> Response {
    let refused = error.is_some();
    render_form(
        &NewPage {
            c,
            f,
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

pub(super) async fn new_form(c: Chrome, Query(q): Query<NewQ>) -> Result<Response, PageError> {
    let c = c.at("tickets", "ticket.new");
    Ok(new_page(
        c,
        IntakeFields {
            unit: q.unit.unwrap_or_default(),
            kind: q.kind.unwrap_or_else(|| "repair".into()),
            priority: "normal".into(),
            channel: "phone".into(),
            dispatch: Some("on".into()),
            ..Default::default()
        },
        None,
    ))
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
        let unit_id = match v.unit.trim() {
            "" => None,
            n => Some(
                lobby_app::sites::unit_by_number(&s.app, &f.actor, c.site_id(), n)
                    .await?
                    .ok_or_else(|| AppError::invalid("unit", format!("there is no unit {n}")))?
                    .id,
            ),
        };
        let dispatch = v.dispatch.is_some();
        let t = tickets::create_and_dispatch(
            &s.app,
            &f.actor,
            &NewTicketInput {
                site_id: Some(c.site_id()),
                kind: v.kind.clone(),
                priority: v.priority.clone(),
                title: v.title.clone(),
                description: v.description.clone(),
                unit_id,
                location: Some(v.location.clone()),
                tenant_id: None,
                channel: Some(v.channel.clone()),
                department: Some(v.department.clone()),
                complaint: (v.kind == "complaint").then(|| ComplaintInput {
                    complainant: Some(v.complainant.clone()).filter(|c| !c.trim().is_empty()),
                    complainant_phone: Some(v.complainant_phone.clone())
                        .filter(|c| !c.trim().is_empty()),
                    received_at: Some(v.received_at.clone()),
                    ..Default::default()
                }),
            },
            dispatch,
        )
        .await?;
        Ok::<_, AppError>(t.id)
    }
    .await;
    Ok(match result {
        Ok(id) => Redirect::to(&format!("/tickets/{id}")).into_response(),
        Err(e) => match FormError::from_app(&e) {
            Some(fe) => new_page(c, f.form, Some(fe)),
            None => error_page(Some(&c.actor), e),
        },
    })
}
