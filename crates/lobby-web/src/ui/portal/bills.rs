//! The tenant's money on its phone (`/my/bills`, 我的账单): what it owes
//! now and how much of it is past due, its issued statements with their
//! balance and due day (each opens with its lines and payments), and the
//! payments it made.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use lobby_app::fees::{self, PaymentView, StatementQuery, StatementView};

use crate::state::AppState;
use crate::ui::{render_form, Chrome, FormError, PageError};

pub fn router() -> Router<AppState> {
    Router::new().route("/my/bills", get(page))
}

#[derive(Template)]
#[template(path = "portal/bills.html")]
struct BillsPage {
    c: Chrome,
    statements: Vec<StatementView>,
    payments: Vec<PaymentView>,
    owed_fen: i64,
    overdue_fen: i64,
    /// Where to pay, and the reference: the open statements' numbers.
    payee: Option<lobby_app::sites::PayeeView>,
    reference: String,
    /// The tenant's own 我已付款, pending first.
    notices: Vec<fees::PaymentNoticeView>,
    /// Today at the site: the default day of a transfer.
    today: String,
    error: Option<FormError>,
}

async fn page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    page_with(&s, c, None).await
}

/// The bills page, with a refused 我已付款 shown.
pub(crate) async fn page_with(
    s: &AppState,
    c: Chrome,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("my_bills", "nav.my_bills");
    let ctx = lobby_app::portal::context(&s.app, &c.actor).await?;
    let statements = fees::statements(
        &s.app,
        &c.actor,
        &StatementQuery {
            site_id: ctx.site_id,
            limit: Some(24),
            ..Default::default()
        },
    )
    .await?
    .items;
    let mut payments = fees::payments(&s.app, &c.actor, ctx.site_id, None, None).await?;
    payments.truncate(20);
    let open = statements
        .iter()
        .filter(|st| st.state == lobby_domain::fees::StatementState::Issued);
    let reference = open
        .clone()
        .filter(|st| st.balance_fen > 0)
        .map(|st| st.number.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let payee = lobby_app::sites::payee(&s.app, &c.actor, ctx.site_id).await?;
    let mut notices = fees::payment_notices(
        &s.app,
        &c.actor,
        &fees::PaymentNoticeQuery {
            site_id: ctx.site_id,
            ..Default::default()
        },
    )
    .await?;
    notices.truncate(10);
    let today = c.today(&s.app).to_string();
    let owed_fen = lobby_app::AppError::sum_fen("balances", open.clone().map(|st| st.balance_fen))?;
    let overdue_fen = lobby_app::AppError::sum_fen(
        "balances",
        open.filter(|st| st.overdue).map(|st| st.balance_fen),
    )?;
    let refused = error.is_some();
    Ok(render_form(
        &BillsPage {
            c,
            statements,
            payments,
            owed_fen,
            overdue_fen,
            payee,
            reference,
            notices,
            today,
            error,
        },
        refused,
    ))
}
