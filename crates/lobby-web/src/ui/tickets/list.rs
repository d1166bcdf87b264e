//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;

#[derive(Deserialize, Default)]
pub(super) struct ListQ {
    state: Option<String>,
    mine: Option<String>,
    kind: Option<String>,
    department: Option<String>,
    overdue: Option<String>,
    escalated: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
    priority: Option<String>,
    channel: Option<String>,
    unit_id: Option<String>,
    assignee_id: Option<String>,
}

#[derive(Template)]
#[template(path = "tickets/list.html")]
pub(super) struct ListPage {
    c: Chrome,
    page: Page<TicketView>,
    state: String,
    kind: String,
    department: String,
    overdue: bool,
    escalated: bool,
    q: String,
    /// Filters the form has no field for (a unit's work orders, one
    /// person's, a priority or channel), kept as the form is resubmitted.
    hidden: Vec<(&'static str, String)>,
    states: Vec<&'static str>,
    kinds: Vec<&'static str>,
    departments: Vec<&'static str>,
    /// This page's filters, for the "next page" link.
    query: String,
}

pub(super) fn on(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|x| x == "true" || x == "on")
}

/// The list's filters as the use case takes them: every filter the API
/// honours (`/tickets?unit_id=…` lists one unit's work orders).
pub(super) fn query_of(c: &Chrome, q: &ListQ) -> Result<TicketQuery, AppError> {
    let text = |v: &Option<String>| v.clone().filter(|x| !x.trim().is_empty());
    let num = |field: &str, v: &Option<String>| {
        crate::ui::number_opt::<i64>(field, v.as_deref().unwrap_or_default())
    };
    let assignee_id = match num("assignee_id", &q.assignee_id)? {
        Some(id) => Some(id),
        None => on(&q.mine).then_some(c.actor.user_id),
    };
    Ok(TicketQuery {
        site_id: Some(c.site_id()),
        state: text(&q.state),
        kind: text(&q.kind),
        priority: text(&q.priority),
        channel: text(&q.channel),
        department: text(&q.department),
        unit_id: num("unit_id", &q.unit_id)?,
        assignee_id,
        overdue: Some(on(&q.overdue)),
        escalated: on(&q.escalated).then_some(true),
        q: text(&q.q),
        cursor: q.cursor.clone(),
        limit: Some(100),
    })
}

/// The filters without a field of their own on the page.
fn hidden_of(q: &ListQ) -> Vec<(&'static str, String)> {
    [
        ("priority", &q.priority),
        ("channel", &q.channel),
        ("unit_id", &q.unit_id),
        ("assignee_id", &q.assignee_id),
        ("mine", &q.mine),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().filter(|x| !x.is_empty()).map(|v| (k, v)))
    .collect()
}

/// The list as XLSX, with the same filters.
pub(super) async fn export(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    let c = c.at("tickets", "nav.tickets");
    Ok(
        match tickets::export_xlsx(&s.app, &c.actor, &query_of(&c, &q)?).await {
            Ok(bytes) => crate::files::xlsx_response(bytes, "work-orders.xlsx"),
            Err(e) => error_page(Some(&c.actor), e),
        },
    )
}

pub(super) async fn list(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    let c = c.at("tickets", "nav.tickets");
    let tq = query_of(&c, &q)?;
    let hidden = hidden_of(&q);
    let mut pairs: Vec<(&str, String)> = vec![
        ("state", q.state.clone().unwrap_or_default()),
        ("kind", q.kind.clone().unwrap_or_default()),
        ("department", q.department.clone().unwrap_or_default()),
        ("overdue", q.overdue.clone().unwrap_or_default()),
        ("escalated", q.escalated.clone().unwrap_or_default()),
        ("q", q.q.clone().unwrap_or_default()),
    ];
    pairs.extend(hidden.iter().map(|(k, v)| (*k, v.clone())));
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    Ok(match tickets::list(&s.app, &c.actor, &tq).await {
        Ok(page) => render(&ListPage {
            c,
            page,
            state: q.state.unwrap_or_default(),
            kind: q.kind.unwrap_or_default(),
            department: q.department.unwrap_or_default(),
            overdue: on(&q.overdue),
            escalated: on(&q.escalated),
            q: q.q.unwrap_or_default(),
            hidden,
            states: strs(TState::ALL, TState::as_str),
            kinds: strs(Kind::ALL, Kind::as_str),
            departments: strs(Department::ALL, Department::as_str),
            query,
        }),
        Err(e) => error_page(Some(&c.actor), e),
    })
}
