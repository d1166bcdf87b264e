//! Notices
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;

#[derive(Template)]
#[template(path = "cleaning/notices.html")]
pub(super) struct NoticesPage {
    c: Chrome,
    list: Vec<NoticeView>,
    vendors: Vec<VendorView>,
    can_inspect: bool,
    all: bool,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
pub(super) struct NoticesQ {
    all: Option<String>,
}

pub(super) async fn notices_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<NoticesQ>,
) -> Result<Response, PageError> {
    notices_with(&s, &jar, a, q.all.is_some(), None).await
}

pub(super) async fn notices_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    all: bool,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "cleaning", "cleaning.notices").await?;
    let site = c.site_id();
    let r = async {
        Ok::<_, AppError>((
            cl::notices(&s.app, &c.actor, site, None, !all, None, Some(200))
                .await?
                .items,
            cl::vendors(&s.app, &c.actor, site).await?,
        ))
    }
    .await;
    let (list, vendors) = r?;
    let can_inspect = c.actor.can(Can::CleaningInspect, site);
    let refused = error.is_some();
    Ok(render_form(
        &NoticesPage {
            c,
            list,
            vendors: vendors.into_iter().filter(|v| !v.archived).collect(),
            can_inspect,
            all,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub(super) struct IssueForm {
    vendor_id: String,
    problem: String,
    location: String,
    #[serde(default)]
    deadline_hours: String,
    #[serde(default)]
    ticket: String,
}

pub(super) async fn notice_issue(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<IssueForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "cleaning", "cleaning.notices")
        .await?
        .site_id();
    let v = &f.form;
    let r = async {
        // A work order by its number (a tenant's cleaning complaint).
        let ticket_id = match v.ticket.trim() {
            "" => None,
            n => {
                let q = lobby_app::tickets::TicketQuery {
                    site_id: Some(site),
                    q: Some(n.to_string()),
                    limit: Some(1),
                    ..Default::default()
                };
                let p = lobby_app::tickets::list(&s.app, &f.actor, &q).await?;
                Some(
                    p.items
                        .first()
                        .filter(|t| t.number == n)
                        .map(|t| t.id)
                        .ok_or_else(|| {
                            AppError::invalid("ticket_id", format!("no work order {n}"))
                        })?,
                )
            }
        };
        cl::issue_notice(
            &s.app,
            &f.actor,
            &NoticeInput {
                site_id: Some(site),
                vendor_id: super::super::number("vendor_id", &v.vendor_id)?,
                inspection_id: None,
                ticket_id,
                problem: v.problem.clone(),
                location: v.location.clone(),
                deadline_at: None,
                deadline_hours: super::super::number_opt("deadline_hours", &v.deadline_hours)?,
            },
        )
        .await
    }
    .await;
    match r.on_form()? {
        Ok(n) => Ok(see(&format!("/cleaning/notices/{}", n.id))),
        Err(fe) => notices_with(&s, &jar, f.actor, false, Some(fe)).await,
    }
}

#[derive(Template)]
#[template(path = "cleaning/notice.html")]
pub(super) struct NoticePage {
    c: Chrome,
    n: NoticeView,
    is_vendor: bool,
    can_inspect: bool,
    error: Option<FormError>,
}

pub(super) async fn notice_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    notice_with(&s, &jar, a, id, None).await
}

pub(super) async fn notice_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "cleaning", "cleaning.notice").await?;
    let n = cl::notice(&s.app, &c.actor, id).await?;
    let is_vendor = c.actor.can(Can::VendorWork, n.site_id);
    let can_inspect = c.actor.can(Can::CleaningInspect, n.site_id);
    let refused = error.is_some();
    Ok(render_form(
        &NoticePage {
            c,
            n,
            is_vendor,
            can_inspect,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub(super) struct ActForm {
    action: lobby_domain::cleaning::NoticeAction,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: String,
}

pub(super) async fn notice_act(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<ActForm>,
) -> Response {
    let v = &f.form;
    let r = match super::super::number_opt("version", &v.version) {
        Ok(expected_version) => {
            let input = NoticeActionInput {
                action: v.action,
                note: Some(v.note.clone()),
                expected_version,
            };
            cl::act_notice(&s.app, &f.actor, id, &input).await
        }
        Err(e) => Err(e),
    };
    match r.on_form() {
        Ok(Ok(_)) => see(&format!("/cleaning/notices/{id}")),
        Ok(Err(fe)) => notice_with(&s, &jar, f.actor, id, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    }
}

#[derive(Template)]
#[template(path = "cleaning/notice_print.html")]
pub(super) struct NoticePrint {
    c: Chrome,
    n: NoticeView,
}

pub(super) async fn notice_print(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let c = c.at("cleaning", "cleaning.notice_form");
    Ok(match cl::notice(&s.app, &c.actor, id).await {
        Ok(n) => render(&NoticePrint { c, n }),
        Err(e) => error_page(Some(&c.actor), e),
    })
}
