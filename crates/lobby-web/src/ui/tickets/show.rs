//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::{OnForm, PageError};

/// An action the page offers: its name and which extra fields it needs.
pub struct Offer {
    pub action: &'static str,
    pub needs_note: bool,
    /// Sent with the photos taken for it (start: as found; resolve: done).
    pub with_photos: bool,
}

#[derive(Template)]
#[template(path = "tickets/show.html")]
pub(super) struct ShowPage {
    c: Chrome,
    t: TicketView,
    photos: Vec<tickets::PhotoView>,
    /// The photos by stage (before, during, after), the empty ones left out.
    galleries: Vec<(&'static str, Vec<tickets::PhotoView>)>,
    stages: Vec<&'static str>,
    default_stage: &'static str,
    /// May fill in the complaint record and report it.
    can_record: bool,
    assignees: Vec<tickets::Assignee>,
    offers: Vec<Offer>,
    departments: Vec<&'static str>,
    error: Option<FormError>,
}

/// The buttons of a work order: what the app says the viewer may do.
pub(super) fn offers(t: &TicketView) -> Vec<Offer> {
    t.allowed
        .iter()
        .map(|a| Offer {
            action: a.as_str(),
            needs_note: matches!(
                a,
                Action::Resolve
                    | Action::Reopen
                    | Action::Escalate
                    | Action::Hold
                    | Action::Cancel
                    | Action::Comment
            ),
            with_photos: matches!(a, Action::Start | Action::Resolve),
        })
        .collect()
}

pub(super) async fn show_with(
    s: &AppState,
    jar: &CookieJar,
    a: lobby_app::Actor,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let t = tickets::get(&s.app, &a, id).await?;
    let mut c = chrome(s, a, jar, "tickets", "nav.tickets").await?;
    c.title = format!("{} {}", t.number, t.title);
    let offers = offers(&t);
    let assignees = if offers.iter().any(|o| o.action == "dispatch") {
        tickets::assignees(&s.app, &c.actor, t.site_id)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let photos = tickets::photos(&s.app, &c.actor, t.id)
        .await
        .unwrap_or_default();
    let refused = error.is_some();
    let galleries = PhotoStage::ALL
        .iter()
        .map(|st| {
            let group: Vec<_> = photos.iter().filter(|p| p.stage == *st).cloned().collect();
            (st.as_str(), group)
        })
        .filter(|(_, g)| !g.is_empty())
        .collect();
    let can_record = c.actor.can(Can::TicketsVerify, t.site_id);
    Ok(render_form(
        &ShowPage {
            default_stage: PhotoStage::of_state(t.state).as_str(),
            stages: strs(PhotoStage::ALL, PhotoStage::as_str),
            galleries,
            can_record,
            c,
            t,
            photos,
            assignees,
            offers,
            departments: strs(Department::ALL, Department::as_str),
            error,
        },
        refused,
    ))
}

pub(super) async fn show(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    if crate::ui::is_tenant(&a) {
        return Ok(Redirect::to(&format!("/my/requests/{id}")).into_response());
    }
    show_with(&s, &jar, a, id, None).await
}

#[derive(Deserialize)]
pub(super) struct ActForm {
    action: String,
    note: Option<String>,
    department: Option<String>,
    assignee_id: Option<String>,
    satisfaction: Option<String>,
    version: String,
}

pub(super) fn act_input(v: &ActForm) -> Result<ActionInput, FormError> {
    let satisfaction = match v.satisfaction.as_deref().filter(|x| !x.is_empty()) {
        Some(x) => Some(x.parse::<i64>().map_err(|_| FormError {
            field: "satisfaction".into(),
            code: "invalid_input".into(),
            message: "satisfaction must be 1–5".into(),
        })?),
        None => None,
    };
    let refused = |e: AppError| FormError::refusal(&e);
    Ok(ActionInput {
        action: v
            .action
            .parse::<lobby_domain::tickets::Action>()
            .map_err(|e| refused(e.into()))?,
        department: lobby_domain::error::optional_choice(v.department.as_deref())
            .map_err(|e| refused(e.into()))?,
        assignee_id: super::super::number_opt(
            "assignee_id",
            v.assignee_id.as_deref().unwrap_or_default(),
        )
        .map_err(refused)?,
        note: v.note.clone(),
        satisfaction,
        expected_version: Some(super::super::number("version", &v.version).map_err(refused)?),
    })
}

/// Back to the ticket, or its page again with what was refused.
pub(super) async fn after_change<T>(
    s: &AppState,
    jar: &CookieJar,
    a: lobby_app::Actor,
    id: i64,
    anchor: &str,
    r: Result<T, AppError>,
) -> Response {
    // A move the ticket's state does not allow is shown at the actions.
    if let Err(e @ AppError::InvalidTransition(_)) = &r {
        let fe = FormError {
            field: "action".into(),
            code: e.code().to_string(),
            message: e.to_string(),
        };
        return show_with(s, jar, a, id, Some(fe)).await.into_response();
    }
    match r.on_form() {
        Ok(Ok(_)) => Redirect::to(&format!("/tickets/{id}{anchor}")).into_response(),
        Ok(Err(fe)) => show_with(s, jar, a, id, Some(fe)).await.into_response(),
        Err(page) => page.into_response(),
    }
}

pub(super) async fn act(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<ActForm>,
) -> Response {
    let input = match act_input(&f.form) {
        Ok(i) => i,
        Err(fe) => {
            return show_with(&s, &jar, f.actor, id, Some(fe))
                .await
                .into_response()
        }
    };
    let r = tickets::act(&s.app, &f.actor, id, &input).await;
    after_change(&s, &jar, f.actor, id, "", r).await
}

/// Start or resolve with the photos taken for it (multipart: the action
/// form's fields and any number of `file`s).
pub(super) async fn act_with_photos(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> Response {
    let (fields, files) = match crate::ui::read_multipart(&a, &mut mp).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let form = ActForm {
        action: field("action").unwrap_or_default(),
        note: field("note"),
        department: None,
        assignee_id: None,
        satisfaction: None,
        version: field("version").unwrap_or_default(),
    };
    let input = match act_input(&form) {
        Ok(i) => i,
        Err(fe) => return show_with(&s, &jar, a, id, Some(fe)).await.into_response(),
    };
    let r = tickets::act_with_photos(&s.app, &a, id, &input, &files).await;
    after_change(&s, &jar, a, id, "", r).await
}
