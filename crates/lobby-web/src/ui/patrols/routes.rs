//! Patrol routes on screen: a route with its checkpoints and their check
//! items, edited, and the printable QR labels.
//!
//! Part of the patrol pages; shares their imports.

#[allow(unused_imports)]
use super::*;

// ---------------------------------------------------------------- routes

#[derive(Deserialize)]
pub(super) struct RouteForm {
    name: String,
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    department: Option<Department>,
    #[serde(default)]
    windows: String,
    archived: Option<String>,
}

fn route_input(site: i64, f: &RouteForm) -> RouteInput {
    RouteInput {
        site_id: Some(site),
        name: f.name.clone(),
        department: f.department,
        windows: Some(f.windows.clone()),
        archived: f.archived.is_some(),
    }
}

pub(super) async fn route_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<RouteForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "patrols", "nav.patrols")
        .await?
        .site_id();
    Ok(
        match patrols::create_route(&s.app, &f.actor, &route_input(site, &f.form))
            .await
            .on_form()
        {
            Ok(Ok(r)) => see(&format!("/patrols/routes/{}", r.id)),
            Ok(Err(fe)) => plan_with(&s, &jar, f.actor, None, Some(fe))
                .await
                .into_response(),
            Err(page) => page.into_response(),
        },
    )
}

#[derive(Template)]
#[template(path = "patrols/route.html")]
pub(super) struct RoutePage {
    c: Chrome,
    r: RouteView,
    departments: Vec<&'static str>,
    categories: Vec<&'static str>,
    can_manage: bool,
    error: Option<FormError>,
}

pub(super) async fn route_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    route_with(&s, &jar, a, id, None).await
}

pub(super) async fn route_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "patrols", "patrol.route").await?;
    let r = patrols::route(&s.app, &c.actor, id).await?;
    let can_manage = c.actor.can(Can::PatrolsManage, r.site_id);
    let refused = error.is_some();
    Ok(render_form(
        &RoutePage {
            c,
            r,
            departments: strs(Department::ALL, Department::as_str),
            categories: strs(Category::ALL, Category::as_str),
            can_manage,
            error,
        },
        refused,
    ))
}

/// After a route edit: back to the route page, or the form with its error.
pub(super) async fn after_route(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    route_id: i64,
    r: Result<RouteView, AppError>,
) -> Response {
    match r.on_form() {
        Ok(Ok(v)) => see(&format!("/patrols/routes/{}", v.id)),
        Ok(Err(fe)) => route_with(s, jar, a, route_id, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    }
}

pub(super) async fn route_update(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<RouteForm>,
) -> Response {
    let r = patrols::update_route(&s.app, &f.actor, id, &route_input(0, &f.form)).await;
    after_route(&s, &jar, f.actor, id, r).await
}

#[derive(Deserialize)]
pub(super) struct CheckpointForm {
    name: String,
    location: String,
    #[serde(default)]
    position: String,
    archived: Option<String>,
    #[serde(default)]
    route_id: i64,
}

fn checkpoint_input(f: &CheckpointForm) -> Result<CheckpointInput, AppError> {
    Ok(CheckpointInput {
        name: f.name.clone(),
        location: f.location.clone(),
        position: crate::ui::number_opt("position", &f.position)?,
        archived: f.archived.is_some(),
    })
}

pub(super) async fn checkpoint_add(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<CheckpointForm>,
) -> Response {
    let r = match checkpoint_input(&f.form) {
        Ok(input) => patrols::add_checkpoint(&s.app, &f.actor, id, &input).await,
        Err(e) => Err(e),
    };
    after_route(&s, &jar, f.actor, id, r).await
}

pub(super) async fn checkpoint_update(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<CheckpointForm>,
) -> Response {
    let r = match checkpoint_input(&f.form) {
        Ok(input) => patrols::update_checkpoint(&s.app, &f.actor, id, &input).await,
        Err(e) => Err(e),
    };
    after_route(&s, &jar, f.actor, f.form.route_id, r).await
}

#[derive(Deserialize)]
pub(super) struct ItemForm {
    category: Category,
    instruction: String,
    archived: Option<String>,
    #[serde(default)]
    route_id: i64,
}

fn item_input(f: &ItemForm) -> ItemInput {
    ItemInput {
        category: f.category,
        instruction: f.instruction.clone(),
        archived: f.archived.is_some(),
    }
}

pub(super) async fn item_add(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<ItemForm>,
) -> Response {
    let r = patrols::add_item(&s.app, &f.actor, id, &item_input(&f.form)).await;
    after_route(&s, &jar, f.actor, f.form.route_id, r).await
}

pub(super) async fn item_update(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<ItemForm>,
) -> Response {
    let r = patrols::update_item(&s.app, &f.actor, id, &item_input(&f.form)).await;
    after_route(&s, &jar, f.actor, f.form.route_id, r).await
}

pub struct Label {
    pub name: String,
    pub location: String,
    pub svg: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "patrols/labels.html")]
pub(super) struct LabelsPage {
    c: Chrome,
    r: RouteView,
    labels: Vec<Label>,
}

pub(super) async fn labels(
    State(s): State<AppState>,
    headers: HeaderMap,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let c = c.at("patrols", "patrol.labels");
    let (r, cps) = tokio::try_join!(
        patrols::route(&s.app, &c.actor, id),
        patrols::labels(&s.app, &c.actor, id)
    )?;
    let base = crate::ui::base_url(&headers, s.secure_cookies);
    let labels = cps
        .iter()
        .filter(|cp| !cp.archived)
        .map(|cp| {
            let url = format!("{base}{}", cp.qr_path);
            Label {
                name: cp.name.clone(),
                location: cp.location.clone(),
                svg: crate::ui::qr_svg(&url),
                url,
            }
        })
        .collect();
    Ok(render(&LabelsPage { c, r, labels }))
}

// ---------------------------------------------------------------- rounds
