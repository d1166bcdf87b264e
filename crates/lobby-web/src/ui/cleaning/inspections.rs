//! Inspections
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;

#[derive(Template)]
#[template(path = "cleaning/inspections.html")]
pub(super) struct InspectionsPage {
    c: Chrome,
    vendors: Vec<VendorView>,
    tasks: Vec<TaskView>,
    list: Vec<InspectionView>,
    can_inspect: bool,
    error: Option<FormError>,
}

pub(super) async fn inspections_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Result<Response, PageError> {
    inspections_with(&s, &jar, a, None).await
}

pub(super) async fn inspections_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "cleaning", "cleaning.inspections").await?;
    let site = c.site_id();
    let d = today(s, &c);
    let r = async {
        Ok::<_, AppError>((
            cl::vendors(&s.app, &c.actor, site).await?,
            cl::tasks(&s.app, &c.actor, site, None, d, d).await?,
            cl::inspections(&s.app, &c.actor, site, None, None, Some(50))
                .await?
                .items,
        ))
    }
    .await;
    let (vendors, tasks, list) = r?;
    let can_inspect = c.actor.can(Can::CleaningInspect, site);
    let refused = error.is_some();
    Ok(render_form(
        &InspectionsPage {
            c,
            vendors: vendors.into_iter().filter(|v| !v.archived).collect(),
            tasks,
            list,
            can_inspect,
            error,
        },
        refused,
    ))
}

pub(super) async fn inspect(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    mut mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let (fields, files) = match crate::ui::read_multipart(&a, &mut mp).await {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let site = chrome(&s, a.clone(), &jar, "cleaning", "cleaning.inspections")
        .await?
        .site_id();
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let num = |k: &str| super::super::number_opt(k, &get(k));
    let input = (|| -> Result<InspectionInput, AppError> {
        Ok(InspectionInput {
            site_id: Some(site),
            vendor_id: num("vendor_id")?,
            task_id: num("task_id")?,
            area: Some(get("area")),
            passed: get("result") == "pass",
            score: num("score")?,
            note: Some(get("note")),
            issue_notice: !get("issue_notice").is_empty(),
            deadline_hours: num("deadline_hours")?,
        })
    })();
    let r = match input {
        Ok(input) => cl::inspect(&s.app, &a, &input, &files).await,
        Err(e) => Err(e),
    };
    match r.on_form()? {
        Ok(i) => Ok(match i.notice_id {
            Some(n) => see(&format!("/cleaning/notices/{n}")),
            None => see("/cleaning/inspections"),
        }),
        Err(fe) => inspections_with(&s, &jar, a, Some(fe)).await,
    }
}
