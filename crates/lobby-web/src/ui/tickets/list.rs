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
    states: Vec<&'static str>,
    kinds: Vec<&'static str>,
    departments: Vec<&'static str>,
    /// This page's filters, for the "next page" link.
    query: String,
}

pub(super) fn on(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|x| x == "true" || x == "on")
}

/// The list's filters as the use case takes them.
pub(super) fn query_of(c: &Chrome, q: &ListQ) -> TicketQuery {
    TicketQuery {
        site_id: Some(c.site_id()),
        state: q.state.clone(),
        kind: q.kind.clone(),
        department: q.department.clone(),
        overdue: Some(on(&q.overdue)),
        escalated: on(&q.escalated).then_some(true),
        assignee_id: on(&q.mine).then_some(c.actor.user_id),
        q: q.q.clone(),
        cursor: q.cursor.clone(),
        limit: Some(100),
        ..Default::default()
    }
}

/// The list as XLSX, with the same filters.
pub(super) async fn export(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    let c = c.at("tickets", "nav.tickets");
    Ok(
        match tickets::export_xlsx(&s.app, &c.actor, &query_of(&c, &q)).await {
            Ok(bytes) => crate::api::xlsx_file(bytes, "work-orders.xlsx"),
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
    let tq = query_of(&c, &q);
    let query = serde_urlencoded::to_string([
        ("state", q.state.clone().unwrap_or_default()),
        ("kind", q.kind.clone().unwrap_or_default()),
        ("department", q.department.clone().unwrap_or_default()),
        ("overdue", q.overdue.clone().unwrap_or_default()),
        ("escalated", q.escalated.clone().unwrap_or_default()),
        ("mine", q.mine.clone().unwrap_or_default()),
        ("q", q.q.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
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
            states: strs(TState::ALL, TState::as_str),
            kinds: strs(Kind::ALL, Kind::as_str),
            departments: strs(Department::ALL, Department::as_str),
            query,
        }),
        Err(e) => error_page(Some(&c.actor), e),
    })
}
