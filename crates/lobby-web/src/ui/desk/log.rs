//! The log book
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;
use lobby_domain::error::optional_choice;

#[derive(Deserialize, Default, Clone)]
pub(super) struct LogQ {
    date: Option<String>,
    category: Option<String>,
    unack: Option<String>,
    open: Option<String>,
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/log.html")]
pub(super) struct LogPage {
    c: Chrome,
    page: Page<LogEntryView>,
    q: LogQ,
    categories: Vec<&'static str>,
    kinds: Vec<&'static str>,
    priorities: Vec<&'static str>,
    departments: Vec<&'static str>,
    can_write: bool,
    can_ack: bool,
    error: Option<FormError>,
    key: String,
    /// An entry being corrected (from `?correct=`).
    correcting: Option<i64>,
    back: &'static str,
}

pub(super) fn strs<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| f(*x)).collect()
}

#[derive(Deserialize, Default)]
pub(super) struct LogPageQ {
    #[serde(flatten)]
    q: LogQ,
    correct: Option<i64>,
}

pub(super) async fn log_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<LogPageQ>,
) -> Result<Response, PageError> {
    log_with(&s, &jar, a, q.q, q.correct, None).await
}

pub(super) async fn log_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    q: LogQ,
    correcting: Option<i64>,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "desk", "nav.desk").await?;
    let site = c.site_id();
    let query = LogQuery {
        site_id: Some(site),
        unacknowledged: Some(on(&q.unack)),
        follow_up: on(&q.open).then(|| "open".into()),
        category: q.category.clone(),
        date: q.date.clone(),
        limit: Some(50),
        cursor: q.cursor.clone(),
    };
    let page = desk::log(&s.app, &c.actor, &query).await?;
    let can_write = c.actor.can(Can::DeskWrite, site);
    let can_ack = c.actor.can(Can::DeskAck, site);
    let refused = error.is_some();
    Ok(render_form(
        &LogPage {
            c,
            page,
            q,
            categories: strs(LogCategory::ALL, LogCategory::as_str),
            kinds: strs(Kind::ALL, Kind::as_str),
            priorities: strs(Priority::ALL, Priority::as_str),
            departments: strs(Department::ALL, Department::as_str),
            can_write,
            can_ack,
            error,
            key: crate::ui::form_key(),
            correcting,
            back: "/desk",
        },
        refused,
    ))
}

#[derive(Deserialize)]
pub(super) struct LogForm {
    text: String,
    #[serde(default)]
    category: String,
    needs_follow_up: Option<String>,
    #[serde(default)]
    corrects_id: String,
    #[serde(default)]
    _key: String,
    /// Where to go back to (the home page writes here too).
    #[serde(default)]
    back: String,
}

pub(super) fn back_to(b: &str, default: &str) -> String {
    // Only our own pages, by the sign-in form's rule.
    if crate::ui::safe_next(Some(b)) == b {
        b.to_string()
    } else {
        default.to_string()
    }
}

pub(super) async fn log_write(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<LogForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "desk", "nav.desk")
        .await?
        .site_id();
    let v = &f.form;
    let parsed = crate::ui::number_opt::<i64>("corrects_id", &v.corrects_id);
    let corrects = parsed.as_ref().ok().copied().flatten();
    let r = match parsed {
        Ok(corrects_id) => {
            let input = NewLogInput {
                site_id: Some(site),
                text: v.text.clone(),
                category: optional_choice(Some(&v.category))?,
                needs_follow_up: on(&v.needs_follow_up),
                corrects_id,
            };
            desk::write_log(&s.app, &f.actor, &input, key_of(&v._key)).await
        }
        Err(e) => Err(e),
    };
    Ok(match r.on_form() {
        Ok(Ok(e)) => see(&format!("{}#e{}", back_to(&v.back, "/desk"), e.id)),
        Ok(Err(fe)) => log_with(
            &s,
            &jar,
            f.actor.clone(),
            LogQ::default(),
            // A number that was refused is named in the error, not kept.
            corrects,
            Some(fe),
        )
        .await
        .into_response(),
        Err(page) => page.into_response(),
    })
}

#[derive(Deserialize, Default)]
pub(super) struct BackForm {
    #[serde(default)]
    pub(super) back: String,
}

pub(super) async fn log_ack(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<BackForm>,
) -> Response {
    match desk::ack(&s.app, &f.actor, id).await {
        Ok(_) => see(&back_to(&f.form.back, "/desk")),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

pub(super) async fn log_ack_all(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<BackForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "desk", "nav.desk")
        .await?
        .site_id();
    Ok(match desk::ack_all(&s.app, &f.actor, site).await {
        Ok(_) => see(&back_to(&f.form.back, "/desk")),
        Err(e) => error_page(Some(&f.actor), e),
    })
}

#[derive(Deserialize, Default)]
pub(super) struct ToTicketForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    title: String,
}

pub(super) async fn log_ticket(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<ToTicketForm>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "desk", "nav.desk")
        .await?
        .site_id();
    let v = &f.form;
    let r = async {
        let unit_id = unit_id_of(&s, &f.actor, site, &v.unit).await?;
        let ne = |x: &str| Some(x.trim().to_string()).filter(|x| !x.is_empty());
        desk::to_ticket(
            &s.app,
            &f.actor,
            id,
            &FollowUpTicketInput {
                kind: optional_choice(Some(&v.kind))?,
                priority: optional_choice(Some(&v.priority))?,
                title: ne(&v.title),
                unit_id,
                location: None,
                department: optional_choice(Some(&v.department))?,
            },
        )
        .await
    }
    .await;
    Ok(match r.on_form() {
        Ok(Ok(t)) => see(&format!("/tickets/{}", t.id)),
        Ok(Err(fe)) => log_with(&s, &jar, f.actor.clone(), LogQ::default(), None, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    })
}

#[derive(Deserialize)]
pub(super) struct NoteForm {
    note: String,
}

pub(super) async fn log_close(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<NoteForm>,
) -> Response {
    let r = desk::close_follow_up(
        &s.app,
        &f.actor,
        id,
        &CloseInput {
            note: f.form.note.clone(),
        },
    )
    .await;
    match r.on_form() {
        Ok(Ok(_)) => see(&format!("/desk#e{id}")),
        Ok(Err(fe)) => log_with(&s, &jar, f.actor.clone(), LogQ::default(), None, Some(fe))
            .await
            .into_response(),
        Err(page) => page.into_response(),
    }
}
