//! Lift and lobby checks
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;

#[derive(Deserialize, Default, Clone)]
pub(super) struct ChecksQ {
    kind: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/checks.html")]
pub(super) struct ChecksPage {
    c: Chrome,
    page: Page<CheckView>,
    q: ChecksQ,
    kinds: Vec<&'static str>,
    can_write: bool,
    error: Option<FormError>,
}

pub(super) async fn checks_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<ChecksQ>,
) -> Result<Response, PageError> {
    checks_with(&s, &jar, a, q, None).await
}

pub(super) async fn checks_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: ChecksQ,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "checks", "nav.checks").await?;
    let site = c.site_id();
    let page = match desk::checks(
        &s.app,
        &c.actor,
        &CheckQuery {
            site_id: Some(site),
            kind: lobby_domain::error::optional_choice(q.kind.as_deref())?,
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
        &ChecksPage {
            c,
            page,
            q,
            kinds: strs(CheckKind::ALL, CheckKind::as_str),
            can_write,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub(super) struct CheckForm {
    kind: CheckKind,
    subject: String,
    result: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn check_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<CheckForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "checks", "nav.checks")
        .await?
        .site_id();
    let v = &f.form;
    let r = desk::record_check(
        &s.app,
        &f.actor,
        &NewCheckInput {
            site_id: Some(site),
            kind: v.kind,
            subject: v.subject.clone(),
            ok: v.result == "ok",
            note: Some(v.note.clone()),
        },
    )
    .await;
    Ok(match r.on_form() {
        Ok(Ok(_)) => see("/facility-checks"),
        Ok(Err(fe)) => checks_with(&s, &jar, f.actor.clone(), ChecksQ::default(), Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    })
}
