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
use crate::ui::{render, Chrome, PageError};

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
}

async fn page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
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
    let owed_fen = lobby_app::AppError::sum_fen("balances", open.clone().map(|st| st.balance_fen))?;
    let overdue_fen = lobby_app::AppError::sum_fen(
        "balances",
        open.filter(|st| st.overdue).map(|st| st.balance_fen),
    )?;
    Ok(render(&BillsPage {
        c,
        statements,
        payments,
        owed_fen,
        overdue_fen,
        payee,
        reference,
    }))
}
