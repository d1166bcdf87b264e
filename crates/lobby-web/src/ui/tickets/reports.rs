//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::chart::{chart, Chart};
use crate::ui::PageError;

#[derive(Template)]
#[template(path = "tickets/print.html")]
pub(super) struct PrintPage {
    c: Chrome,
    t: TicketView,
}

/// The paper form: the complaint record (投诉记录表) for a complaint, the
/// work-order slip (工单) otherwise; A4, black on white, signature lines.
pub(super) async fn print(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let t = tickets::get(&s.app, &a, id).await?;
    let mut c = chrome(&s, a, &jar, "tickets", "nav.tickets").await?;
    c.title = if t.kind == Kind::Complaint {
        c.t("print.complaint_record")
    } else {
        c.t("print.work_order")
    }
    .to_string();
    Ok(render(&PrintPage { c, t }))
}

#[derive(Deserialize, Default)]
pub(super) struct SpanQ {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "tickets/summary.html")]
pub(super) struct SummaryPage {
    c: Chrome,
    r: lobby_app::reports::TicketSummary,
    chart: Chart,
}

pub(super) async fn load_summary(
    s: &AppState,
    c: &Chrome,
    q: &SpanQ,
) -> Result<lobby_app::reports::TicketSummary, Response> {
    let (from, to) =
        lobby_app::reports::summary_span(s.app.now(), c.tz(), q.from.as_deref(), q.to.as_deref())
            .map_err(|e| error_page(Some(&c.actor), e))?;
    lobby_app::reports::ticket_summary(&s.app, &c.actor, c.site_id(), from, to)
        .await
        .map_err(|e| error_page(Some(&c.actor), e))
}

pub(super) async fn summary(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<SpanQ>,
) -> Result<Response, PageError> {
    let c = c.at("summary", "nav.summary");
    Ok(match load_summary(&s, &c, &q).await {
        Ok(r) => {
            let chart = chart(&r.per_day, 720);
            render(&SummaryPage { c, r, chart })
        }
        Err(resp) => resp,
    })
}

pub(super) async fn summary_xlsx(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<SpanQ>,
) -> Result<Response, PageError> {
    let c = c.at("summary", "nav.summary");
    let r = match load_summary(&s, &c, &q).await {
        Ok(r) => r,
        Err(resp) => return Ok(resp),
    };
    let name = c.site.as_ref().map(|s| s.name.clone()).unwrap_or_default();
    Ok(match lobby_app::reports::ticket_summary_xlsx(&r, &name) {
        Ok(bytes) => {
            crate::files::xlsx_response(bytes, &format!("tickets-{}-{}.xlsx", r.from, r.to))
        }
        Err(e) => error_page(Some(&c.actor), e),
    })
}

#[derive(Deserialize, Default)]
pub(super) struct DayQ {
    day: Option<String>,
}

#[derive(Template)]
#[template(path = "tickets/log.html")]
pub(super) struct LogPage {
    c: Chrome,
    day: String,
    prev: String,
    next: String,
    entries: Vec<lobby_app::reports::LogEntry>,
    /// The day's arrears sightings (欠费租户动向), for those who read fees.
    sightings: Vec<lobby_app::fees::SightingView>,
    /// The day's work log (工作日志), for who reads it; whether one may write.
    work_log: Option<Vec<lobby_app::work_log::EntryView>>,
    can_write_log: bool,
}

/// The management log (管理日志簿) of a day.
pub(super) async fn management_log(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<DayQ>,
) -> Result<Response, PageError> {
    let c = chrome(&s, a, &jar, "log", "nav.log").await?;
    let today = c.today(&s.app);
    let day = match q.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => today,
        Some(d) => match lobby_app::time::parse_date("day", d) {
            Ok(d) => d,
            Err(_) => {
                return Ok(error_page(
                    Some(&c.actor),
                    AppError::invalid("day", "day must be a date like 2026-11-26"),
                ))
            }
        },
    };
    let sightings = if c
        .actor
        .can(lobby_domain::policy::Action::FeesReport, c.site_id())
    {
        lobby_app::fees::sightings(&s.app, &c.actor, c.site_id(), None, Some(day)).await?
    } else {
        Vec::new()
    };
    let site = c.site_id();
    let work_log = if c.actor.can(lobby_domain::policy::Action::WorkLogRead, site) {
        let q = lobby_app::work_log::DayQuery {
            site_id: site,
            day: Some(day.to_string()),
        };
        Some(
            lobby_app::work_log::entries(&s.app, &c.actor, &q)
                .await
                .unwrap_or_default(),
        )
    } else {
        None
    };
    let can_write_log = day <= today
        && c.actor
            .can(lobby_domain::policy::Action::WorkLogWrite, site);
    Ok(
        match lobby_app::reports::management_log(&s.app, &c.actor, c.site_id(), day).await {
            Ok(entries) => render(&LogPage {
                sightings,
                work_log,
                can_write_log,
                day: day.to_string(),
                prev: day.yesterday().map(|d| d.to_string()).unwrap_or_default(),
                next: day.tomorrow().map(|d| d.to_string()).unwrap_or_default(),
                c,
                entries,
            }),
            Err(e) => error_page(Some(&c.actor), e),
        },
    )
}
