//! Visitors
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::OnForm;
use crate::ui::PageError;

#[derive(Deserialize, Default, Clone)]
pub(super) struct VisitorsQ {
    unit: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/visitors.html")]
pub(super) struct VisitorsPage {
    c: Chrome,
    inside: Vec<VisitorView>,
    /// Today's visitors registered ahead by tenants.
    expected: Vec<ExpectedVisitorView>,
    history: Page<VisitorView>,
    q: VisitorsQ,
    can_write: bool,
    error: Option<FormError>,
    key: String,
}

pub(super) async fn visitors_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<VisitorsQ>,
) -> Result<Response, PageError> {
    visitors_with(&s, &jar, a, q, None).await
}

pub(super) async fn visitors_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: VisitorsQ,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "visitors", "nav.visitors").await?;
    let site = c.site_id();
    let r = async {
        let unit_id = unit_id_of(s, &c.actor, site, q.unit.as_deref().unwrap_or("")).await?;
        let inside = desk::visitors(
            &s.app,
            &c.actor,
            &VisitorQuery {
                site_id: Some(site),
                inside: Some(true),
                limit: Some(200),
                ..Default::default()
            },
        )
        .await?;
        let history = desk::visitors(
            &s.app,
            &c.actor,
            &VisitorQuery {
                site_id: Some(site),
                inside: Some(false),
                unit_id,
                limit: Some(50),
                cursor: q.cursor.clone(),
                ..Default::default()
            },
        )
        .await?;
        let expected = desk::expected_visitors(
            &s.app,
            &c.actor,
            &ExpectedQuery {
                site_id: Some(site),
                date: None,
            },
        )
        .await?;
        Ok::<_, AppError>((inside.items, expected, history))
    }
    .await;
    let (inside, expected, history) = r?;
    let can_write = c.actor.can(Can::DeskWrite, site);
    let refused = error.is_some();
    Ok(render_form(
        &VisitorsPage {
            c,
            inside,
            expected,
            history,
            q,
            can_write,
            error,
            key: crate::ui::form_key(),
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub(super) struct VisitorForm {
    name: String,
    id_or_phone: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    host: String,
    purpose: String,
    #[serde(default)]
    expected_mins: String,
    #[serde(default)]
    _key: String,
}

pub(super) async fn visitor_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<VisitorForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "visitors", "nav.visitors")
        .await?
        .site_id();
    let v = &f.form;
    let r = async {
        let unit_id = unit_id_of(&s, &f.actor, site, &v.unit).await?;
        let expected_mins = match v.expected_mins.trim() {
            "" => None,
            m => Some(
                m.parse()
                    .map_err(|_| AppError::invalid("expected_mins", "minutes as a whole number"))?,
            ),
        };
        desk::register_visitor(
            &s.app,
            &f.actor,
            &NewVisitorInput {
                site_id: Some(site),
                name: v.name.clone(),
                id_or_phone: v.id_or_phone.clone(),
                host: Some(v.host.clone()),
                unit_id,
                tenant_id: None,
                purpose: v.purpose.clone(),
                expected_mins,
            },
            key_of(&v._key),
        )
        .await
    }
    .await;
    Ok(match r.on_form() {
        Ok(Ok(_)) => see("/visitors"),
        Ok(Err(fe)) => visitors_with(&s, &jar, f.actor.clone(), VisitorsQ::default(), Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    })
}

pub(super) async fn visitor_sign_out(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<BackForm>,
) -> Response {
    match desk::sign_out_visitor(&s.app, &f.actor, id).await {
        Ok(_) => see(&back_to(&f.form.back, "/visitors")),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

/// The desk signs an expected visitor in with one click.
pub(super) async fn expected_arrive(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<Empty>,
) -> Result<Response, PageError> {
    match desk::arrive_expected(&s.app, &f.actor, id)
        .await
        .on_form()?
    {
        Ok(_) => Ok(Redirect::to("/visitors").into_response()),
        Err(fe) => visitors_with(&s, &jar, f.actor, VisitorsQ::default(), Some(fe)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct PassForm {
    #[serde(default)]
    code: String,
}

/// The desk scans (the scanner types it) or types a visitor's pass.
pub(super) async fn pass_arrive(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<PassForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "visitors", "nav.visitors")
        .await?
        .site_id();
    let input = desk::PassInput {
        site_id: site,
        code: f.form.code.clone(),
    };
    match desk::arrive_by_pass(&s.app, &f.actor, &input)
        .await
        .on_form()?
    {
        Ok(v) => Ok(Redirect::to(&format!("/visitors#v{}", v.id)).into_response()),
        Err(fe) => visitors_with(&s, &jar, f.actor, VisitorsQ::default(), Some(fe)).await,
    }
}
