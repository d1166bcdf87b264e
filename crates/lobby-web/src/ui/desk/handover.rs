//! Handover
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;

#[derive(Template)]
#[template(path = "desk/handover.html")]
pub(super) struct HandoverPage {
    c: Chrome,
    now: HandoverSummary,
    handovers: Vec<HandoverView>,
    can_write: bool,
    error: Option<FormError>,
}

pub(super) async fn handover_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Result<Response, PageError> {
    handover_with(&s, &jar, a, None).await
}

pub(super) async fn handover_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "handover", "nav.handover").await?;
    let site = c.site_id();
    let (now, handovers) = match (
        desk::handover_preview(&s.app, &c.actor, site).await,
        desk::handovers(&s.app, &c.actor, site, false).await,
    ) {
        (Ok(n), Ok(h)) => (n, h),
        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
    };
    let can_write = c.actor.can(Can::DeskWrite, site);
    let refused = error.is_some();
    Ok(render_form(
        &HandoverPage {
            c,
            now,
            handovers,
            can_write,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub(super) struct EndForm {
    #[serde(default)]
    note: String,
}

pub(super) async fn handover_end(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<EndForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "handover", "nav.handover")
        .await?
        .site_id();
    let r = desk::end_shift(
        &s.app,
        &f.actor,
        &EndShiftInput {
            site_id: Some(site),
            note: Some(f.form.note.clone()),
        },
    )
    .await;
    Ok(match r.on_form() {
        Ok(Ok(h)) => see(&format!("/desk/handover#h{}", h.id)),
        Ok(Err(fe)) => handover_with(&s, &jar, f.actor.clone(), Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    })
}

pub(super) async fn handover_confirm(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<BackForm>,
) -> Response {
    match desk::confirm_handover(&s.app, &f.actor, id).await {
        Ok(_) => see(&back_to(&f.form.back, "/desk/handover")),
        Err(e) => error_page(Some(&f.actor), e),
    }
}
