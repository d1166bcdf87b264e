//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;
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

/// One bar of a server-drawn SVG chart, with its value written above it.
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub label: String,
    pub n: i64,
    /// The bar's middle, where its value and day are written.
    pub mid: i64,
}

/// A bar chart with its axes: the value scale on the left (0, half, top,
/// each with a grid line) and the days along the bottom (a label every few
/// bars so they never overlap).
pub struct Chart {
    pub bars: Vec<Bar>,
    /// (y, value) of each grid line.
    pub ticks: Vec<(i64, i64)>,
    /// (x, text) of each day label.
    pub days: Vec<(i64, String)>,
    /// Where the plot starts (after the value scale) and its height.
    pub left: i64,
    pub height: i64,
    pub width: i64,
    /// Values are written above bars wide enough to hold them.
    pub values: bool,
}

pub(super) const CHART_H: i64 = 120;
const CHART_LEFT: i64 = 30;

/// A top for the value scale that halves into whole numbers: 1, 2, 4, 6,
/// 10, 20, 40, 60, 100 … at least `max`.
fn nice_top(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 4, 6, 10] {
            if m * step >= max {
                return m * step;
            }
        }
        step *= 10;
    }
}

pub(crate) fn chart(items: &[lobby_app::reports::Count], width: i64) -> Chart {
    let top = nice_top(items.iter().map(|c| c.n).max().unwrap_or(0).max(1));
    let plot = width - CHART_LEFT;
    let w = (plot / items.len().max(1) as i64).max(2);
    let bars: Vec<Bar> = items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let h = c.n * CHART_H / top;
            let x = CHART_LEFT + i as i64 * w;
            Bar {
                x,
                y: CHART_H - h,
                w: (w - 2).max(1),
                h,
                label: c.key.clone(),
                n: c.n,
                mid: x + (w - 2).max(1) / 2,
            }
        })
        .collect();
    // A day label (MM-DD) at most every 60 px.
    let every = (60 / w).max(1) as usize;
    let days = bars
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(_, b)| (b.mid, b.label.get(5..).unwrap_or(&b.label).to_string()))
        .collect();
    Chart {
        ticks: [0, top / 2, top]
            .iter()
            .map(|v| (CHART_H - v * CHART_H / top, *v))
            .collect(),
        days,
        left: CHART_LEFT,
        height: CHART_H,
        width,
        values: w >= 14,
        bars,
    }
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
    let (from, to) = crate::api::summary_span(&s.app, c.tz(), q.from.as_deref(), q.to.as_deref())
        .map_err(|e| error_page(Some(&c.actor), e.0))?;
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
        Ok(bytes) => crate::api::xlsx_file(bytes, &format!("tickets-{}-{}.xlsx", r.from, r.to)),
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
