//! Notices
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

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
) -> Response {
    notices_with(&s, &jar, a, q.all.is_some(), None).await
}

pub(super) async fn notices_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    all: bool,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "cleaning", "cleaning.notices").await {
        Ok(c) => c,
        Err(r) => return r,
    };
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
    let (list, vendors) = match r {
        Ok(v) => v,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_inspect = c.actor.can(Can::CleaningInspect, site);
    let refused = error.is_some();
    render_form(
        &NoticesPage {
            c,
            list,
            vendors: vendors.into_iter().filter(|v| !v.archived).collect(),
            can_inspect,
            all,
            error,
        },
        refused,
    )
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
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "cleaning", "cleaning.notices").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
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
    match r {
        Ok(n) => see(&format!("/cleaning/notices/{}", n.id)),
        Err(e) => {
            refused(&f.actor.clone(), e, |fe| {
                notices_with(&s, &jar, f.actor, false, Some(fe))
            })
            .await
        }
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
) -> Response {
    notice_with(&s, &jar, a, id, None).await
}

pub(super) async fn notice_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    id: i64,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "cleaning", "cleaning.notice").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let n = match cl::notice(&s.app, &c.actor, id).await {
        Ok(n) => n,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let is_vendor = c.actor.can(Can::VendorWork, n.site_id);
    let can_inspect = c.actor.can(Can::CleaningInspect, n.site_id);
    let refused = error.is_some();
    render_form(
        &NoticePage {
            c,
            n,
            is_vendor,
            can_inspect,
            error,
        },
        refused,
    )
}

#[derive(Deserialize)]
pub(super) struct ActForm {
    action: String,
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
    let input = NoticeActionInput {
        action: v.action.clone(),
        note: Some(v.note.clone()),
        expected_version: v.version.trim().parse().ok(),
    };
    match cl::act_notice(&s.app, &f.actor, id, &input).await {
        Ok(_) => see(&format!("/cleaning/notices/{id}")),
        Err(e) => {
            refused(&f.actor.clone(), e, |fe| {
                notice_with(&s, &jar, f.actor, id, Some(fe))
            })
            .await
        }
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
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Response {
    let c = match chrome(&s, a, &jar, "cleaning", "cleaning.notice_form").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match cl::notice(&s.app, &c.actor, id).await {
        Ok(n) => render(&NoticePrint { c, n }),
        Err(e) => error_page(Some(&c.actor), e),
    }
}
