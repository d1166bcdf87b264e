//! Plans
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;

#[derive(Template)]
#[template(path = "cleaning/plans.html")]
pub(super) struct PlansPage {
    c: Chrome,
    plans: Vec<PlanView>,
    vendors: Vec<VendorView>,
    can_manage: bool,
    error: Option<FormError>,
}

pub(super) async fn plans_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
) -> Result<Response, PageError> {
    plans_with(&s, &jar, a, None).await
}

pub(super) async fn plans_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "cleaning", "cleaning.plans").await?;
    let site = c.site_id();
    let r = async {
        Ok::<_, AppError>((
            cl::plans(&s.app, &c.actor, site, None).await?,
            cl::vendors(&s.app, &c.actor, site).await?,
        ))
    }
    .await;
    let (plans, vendors) = r?;
    let can_manage = c.actor.can(Can::CleaningManage, site);
    let refused = error.is_some();
    Ok(render_form(
        &PlansPage {
            c,
            plans,
            vendors: vendors.into_iter().filter(|v| !v.archived).collect(),
            can_manage,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize, Default)]
pub(super) struct PlanForm {
    #[serde(default)]
    vendor_id: String,
    area: String,
    task: String,
    frequency: String,
    #[serde(default)]
    times_per_day: String,
    #[serde(default)]
    weekdays: Vec<String>,
    #[serde(default)]
    day_of_month: String,
    #[serde(default)]
    valid_from: String,
}

pub(super) fn plan_input(site: i64, f: &[(String, String)]) -> Result<PlanInput, AppError> {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let form = PlanForm {
        vendor_id: get("vendor_id"),
        area: get("area"),
        task: get("task"),
        frequency: get("frequency"),
        times_per_day: get("times_per_day"),
        weekdays: f
            .iter()
            .filter(|(n, _)| n == "weekdays")
            .map(|(_, v)| v.clone())
            .collect(),
        day_of_month: get("day_of_month"),
        valid_from: get("valid_from"),
    };
    Ok(PlanInput {
        site_id: Some(site),
        vendor_id: super::super::number("vendor_id", &form.vendor_id)?,
        area: form.area,
        task: form.task,
        frequency: form.frequency.parse()?,
        times_per_day: super::super::number_opt("times_per_day", &form.times_per_day)?,
        weekdays: Some(form.weekdays.join(",")),
        day_of_month: super::super::number_opt("day_of_month", &form.day_of_month)?,
        valid_from: Some(form.valid_from),
    })
}

pub(super) async fn plan_create(
    State(s): State<AppState>,
    jar: CookieJar,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "cleaning", "cleaning.plans")
        .await?
        .site_id();
    let r = match plan_input(site, &f.form) {
        Ok(input) => cl::create_plan(&s.app, &f.actor, &input).await,
        Err(e) => Err(e),
    };
    match r.on_form()? {
        Ok(_) => Ok(see("/cleaning/plans")),
        Err(fe) => plans_with(&s, &jar, f.actor, Some(fe)).await,
    }
}

pub(super) async fn plan_change(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let site = chrome(&s, f.actor.clone(), &jar, "cleaning", "cleaning.plans")
        .await?
        .site_id();
    let r = match plan_input(site, &f.form) {
        Ok(input) => cl::change_plan(&s.app, &f.actor, id, &input).await,
        Err(e) => Err(e),
    };
    match r.on_form()? {
        Ok(_) => Ok(see("/cleaning/plans")),
        Err(fe) => plans_with(&s, &jar, f.actor, Some(fe)).await,
    }
}

pub(super) use crate::ui::Empty;

pub(super) async fn plan_end(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    f: WebForm<Empty>,
) -> Response {
    match cl::end_plan(&s.app, &f.actor, id).await {
        Ok(_) => see("/cleaning/plans"),
        Err(e) => error_page(Some(&f.actor), e),
    }
}

pub struct CalRow {
    pub vendor: String,
    pub area: String,
    pub task: String,
    /// Per day: (planned, done).
    pub cells: Vec<(i64, i64)>,
    /// Per day, what the cell shows.
    pub marks: Vec<CalCell>,
}

/// A calendar cell: how the day's tasks stand (done | missed | today |
/// future, "" when nothing was planned), what it says, and whether it is
/// today's column.
#[derive(Default, Clone)]
pub struct CalCell {
    pub how: &'static str,
    pub text: String,
    pub today: bool,
}

#[derive(Template)]
#[template(path = "cleaning/calendar.html")]
pub(super) struct CalendarPage {
    c: Chrome,
    days: Vec<String>,
    /// Monday = 0 … Sunday = 6, per day.
    weekdays: Vec<String>,
    /// `2026-11` when showing a month.
    month: Option<String>,
    this_month: String,
    rows: Vec<CalRow>,
    prev: String,
    next: String,
    /// Per day: whether it is today (its column is marked).
    is_today: Vec<bool>,
}

#[derive(Deserialize, Default)]
pub(super) struct WeekQ {
    week: Option<String>,
    /// `2026-11`: the whole month instead of a week.
    month: Option<String>,
}

pub(super) async fn calendar_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<WeekQ>,
) -> Result<Response, PageError> {
    let c = c.at("cleaning", "cleaning.calendar");
    let any = match q.week.as_deref().filter(|w| !w.is_empty()) {
        Some(w) => lobby_app::time::parse_date("week", w)?,
        None => today(&s, &c),
    };
    let first_of = match q.month.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => Some(lobby_app::time::parse_date(
            "month",
            &format!("{}-01", m.trim()),
        )?),
        None => None,
    };
    let (monday, n) = match first_of {
        Some(f) => (f, i64::from(f.days_in_month())),
        None => (lobby_app::shifts::monday_of(any), 7),
    };
    let days: Vec<Date> = (0..n)
        .filter_map(|i| monday.checked_add(jiff::Span::new().days(i)).ok())
        .collect();
    let last = days.last().copied().unwrap_or(monday);
    let tasks = cl::tasks(&s.app, &c.actor, c.site_id(), None, monday, last).await?;
    let mut rows: Vec<CalRow> = Vec::new();
    for t in &tasks {
        let i = days
            .iter()
            .position(|d| d.to_string() == t.day)
            .unwrap_or(0);
        let row = match rows
            .iter_mut()
            .find(|r| r.vendor == t.vendor_name && r.area == t.area && r.task == t.task)
        {
            Some(r) => r,
            None => {
                rows.push(CalRow {
                    vendor: t.vendor_name.clone(),
                    area: t.area.clone(),
                    task: t.task.clone(),
                    cells: vec![(0, 0); days.len()],
                    marks: Vec::new(),
                });
                let last = rows.len() - 1;
                &mut rows[last]
            }
        };
        row.cells[i].0 += 1;
        row.cells[i].1 += i64::from(t.done_at.is_some());
    }
    // A past day's task not done is missed; today's is still due; a
    // future day's is only planned.
    let now = today(&s, &c);
    for r in &mut rows {
        r.marks = r
            .cells
            .iter()
            .zip(&days)
            .map(|(&(planned, done), day)| {
                let (how, text) = match (planned, done >= planned, day.cmp(&now)) {
                    (0, _, _) => ("", String::new()),
                    (_, true, _) => ("done", "✓".to_string()),
                    (_, false, std::cmp::Ordering::Less) => {
                        ("missed", format!("✗ {done}/{planned}"))
                    }
                    (_, false, std::cmp::Ordering::Equal) => ("today", format!("{done}/{planned}")),
                    (_, false, std::cmp::Ordering::Greater) if planned > 1 => {
                        ("future", format!("○{planned}"))
                    }
                    (_, false, std::cmp::Ordering::Greater) => ("future", "○".to_string()),
                };
                CalCell {
                    how,
                    text,
                    today: *day == now,
                }
            })
            .collect();
    }
    let step = |n: i64| {
        monday
            .checked_add(jiff::Span::new().days(n))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let this_month = now.strftime("%Y-%m").to_string();
    Ok(render(&CalendarPage {
        c,
        weekdays: days
            .iter()
            .map(|d| (d.weekday().to_monday_zero_offset()).to_string())
            .collect(),
        days: days.iter().map(|d| d.to_string()).collect(),
        month: first_of.map(|f| f.strftime("%Y-%m").to_string()),
        this_month,
        rows,
        prev: step(-7),
        next: step(7),
        is_today: days.iter().map(|d| *d == now).collect(),
    }))
}
