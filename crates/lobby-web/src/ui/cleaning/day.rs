//! The day
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;

#[derive(Template)]
#[template(path = "cleaning/day.html")]
pub(super) struct DayPage {
    c: Chrome,
    d: DayView,
    notices: Vec<NoticeView>,
    is_vendor: bool,
    can_inspect: bool,
    latest: Vec<EvaluationRowView>,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
pub(super) struct DayQ {
    date: Option<String>,
}

pub(super) async fn day_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<DayQ>,
) -> Result<Response, PageError> {
    day_with(&s, &jar, a, q.date, None).await
}

pub(super) async fn day_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    date: Option<String>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "cleaning", "nav.cleaning").await?;
    let site = c.site_id();
    let day = match date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => Some(lobby_app::time::parse_date("date", d)?),
        None => None,
    };
    let r = async {
        let d = cl::day_overview(&s.app, &c.actor, site, day).await?;
        let notices = cl::notices(&s.app, &c.actor, site, None, true, None, Some(50))
            .await?
            .items;
        let latest = cl::evaluations(&s.app, &c.actor, site, None).await?;
        Ok::<_, AppError>((d, notices, latest))
    }
    .await;
    let (d, notices, latest) = r?;
    let is_vendor = c.actor.can(Can::VendorWork, site);
    let can_inspect = c.actor.can(Can::CleaningInspect, site);
    let refused = error.is_some();
    Ok(render_form(
        &DayPage {
            c,
            d,
            notices,
            is_vendor,
            can_inspect,
            latest: latest.into_iter().take(4).collect(),
            error,
        },
        refused,
    ))
}

pub(super) async fn task_done(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
    mut mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let (_, mut files) = match crate::ui::read_multipart(&a, &mut mp).await {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let photo = files.pop();
    match cl::mark_done(&s.app, &a, id, photo.as_deref())
        .await
        .on_form()?
    {
        Ok(t) => Ok(see(&format!("/cleaning?date={}#t{}", t.day, t.id))),
        Err(fe) => day_with(&s, &jar, a, None, Some(fe)).await,
    }
}

#[derive(Deserialize)]
pub(super) struct HeadcountForm {
    headcount: String,
}

pub(super) async fn headcount(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<HeadcountForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "cleaning", "nav.cleaning")
        .await?
        .site_id();
    let r = match super::super::number::<i64>("headcount", &f.form.headcount) {
        Ok(n) => {
            cl::report_headcount(
                &s.app,
                &f.actor,
                &HeadcountInput {
                    site_id: Some(site),
                    vendor_id: None,
                    headcount: n,
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    match r.on_form()? {
        Ok(_) => Ok(see("/cleaning")),
        Err(fe) => day_with(&s, &jar, f.actor, None, Some(fe)).await,
    }
}
