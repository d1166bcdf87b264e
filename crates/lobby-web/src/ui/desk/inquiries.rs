//! Inquiries
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;

#[derive(Deserialize, Default, Clone)]
pub(super) struct InquiriesQ {
    since: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/inquiries.html")]
pub(super) struct InquiriesPage {
    c: Chrome,
    page: Page<InquiryView>,
    q: InquiriesQ,
    can_write: bool,
    error: Option<FormError>,
}

pub(super) async fn inquiries_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<InquiriesQ>,
) -> Result<Response, PageError> {
    inquiries_with(&s, &jar, a, q, None).await
}

pub(super) async fn inquiries_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: InquiriesQ,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "inquiries", "nav.inquiries").await?;
    let site = c.site_id();
    let page = match desk::inquiries(
        &s.app,
        &c.actor,
        &InquiryQuery {
            site_id: Some(site),
            since: q.since.clone(),
            limit: Some(50),
            cursor: q.cursor.clone(),
        },
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return Err(e.into()),
    };
    let can_write = c.actor.can(Can::DeskWrite, site);
    let refused = error.is_some();
    Ok(render_form(
        &InquiriesPage {
            c,
            page,
            q,
            can_write,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub(super) struct InquiryForm {
    asker: String,
    #[serde(default)]
    unit: String,
    question: String,
    answer: String,
}

pub(super) async fn inquiry_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<InquiryForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "inquiries", "nav.inquiries")
        .await?
        .site_id();
    let v = &f.form;
    let r = async {
        let unit_id = unit_id_of(&s, &f.actor, site, &v.unit).await?;
        desk::log_inquiry(
            &s.app,
            &f.actor,
            &NewInquiryInput {
                site_id: Some(site),
                asker: v.asker.clone(),
                unit_id,
                tenant_id: None,
                question: v.question.clone(),
                answer: v.answer.clone(),
            },
        )
        .await
    }
    .await;
    Ok(match r.on_form() {
        Ok(Ok(_)) => see("/inquiries#new"),
        Ok(Err(fe)) => inquiries_with(&s, &jar, f.actor.clone(), InquiriesQ::default(), Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    })
}
