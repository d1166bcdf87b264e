//! Lift and lobby checks
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

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
) -> Response {
    checks_with(&s, &jar, a, q, None).await
}

pub(super) async fn checks_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: ChecksQ,
    error: Option<FormError>,
) -> Response {
    let c = match chrome(s, a, jar, "checks", "nav.checks").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let site = c.site_id();
    let page = match desk::checks(
        &s.app,
        &c.actor,
        &CheckQuery {
            site_id: Some(site),
            kind: q.kind.clone(),
            limit: Some(50),
            cursor: q.cursor.clone(),
        },
    )
    .await
    {
        Ok(p) => p,
        Err(e) => return error_page(Some(&c.actor), e),
    };
    let can_write = c.actor.can(Can::DeskWrite, site);
    let refused = error.is_some();
    render_form(
        &ChecksPage {
            c,
            page,
            q,
            kinds: strs(CheckKind::ALL, CheckKind::as_str),
            can_write,
            error,
        },
        refused,
    )
}

#[derive(Deserialize)]
pub(super) struct CheckForm {
    kind: String,
    subject: String,
    result: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn check_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<CheckForm>,
) -> Response {
    let site = match chrome(&s, f.actor.clone(), &jar, "checks", "nav.checks").await {
        Ok(c) => c.site_id(),
        Err(r) => return r,
    };
    let v = &f.form;
    let r = desk::record_check(
        &s.app,
        &f.actor,
        &NewCheckInput {
            site_id: Some(site),
            kind: v.kind.clone(),
            subject: v.subject.clone(),
            ok: v.result == "ok",
            note: Some(v.note.clone()),
        },
    )
    .await;
    match or_refused!(r, f.actor, |fe| checks_with(
        &s,
        &jar,
        f.actor.clone(),
        ChecksQ::default(),
        Some(fe)
    )) {
        Ok(_) => see("/facility-checks"),
        Err(r) => r,
    }
}
