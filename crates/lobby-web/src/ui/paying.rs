//! The papers of paying (CONTRACT "Paying"): a payment's receipt (收据)
//! and the dunning letter (催缴通知书), each on A4 with the amount in
//! capitals and where to pay.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use lobby_app::fees::{self, PaymentView, StatementQuery, StatementView};

use super::{render, Chrome, PageError};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/payments/{id}/receipt", get(receipt))
        .route("/fees/dunning/{id}/print", get(dunning_print))
}

#[derive(Template)]
#[template(path = "fees/dunning_print.html")]
struct DunningPrint {
    c: Chrome,
    d: lobby_app::fees::DunningView,
    statements: Vec<StatementView>,
    payee: Option<lobby_app::sites::PayeeView>,
    /// The statements' numbers, the transfer's reference.
    reference: String,
    /// What is owed, in capitals (人民币大写).
    capitals: String,
    /// The tenant's units (`1203、1204`).
    units: String,
}

async fn dunning_print(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let mut c = c.at("arrears", "fees.dunning");
    let d = fees::dunning_notice(&s.app, &c.actor, id).await?;
    c.title = d.step_name.clone();
    // The statements still open, as they stand now.
    let statements = fees::statements(
        &s.app,
        &c.actor,
        &StatementQuery {
            site_id: d.site_id,
            tenant_id: Some(d.tenant_id),
            state: Some(lobby_domain::fees::StatementState::Issued),
            limit: Some(24),
            ..Default::default()
        },
    )
    .await?
    .items
    .into_iter()
    .filter(|st| st.overdue)
    .collect::<Vec<_>>();
    let payee = lobby_app::sites::payee(&s.app, &c.actor, d.site_id).await?;
    let reference = statements
        .iter()
        .map(|st| st.number.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let units = statements
        .first()
        .map(|st| st.units.join("、"))
        .unwrap_or_default();
    Ok(render(&DunningPrint {
        units,
        capitals: lobby_domain::money::capitals(d.balance_fen),
        c,
        d,
        statements,
        payee,
        reference,
    }))
}

#[derive(Template)]
#[template(path = "fees/receipt.html")]
struct ReceiptPage {
    c: Chrome,
    p: PaymentView,
    /// The amount in capitals (人民币大写).
    capitals: String,
    back: String,
}

/// A payment's receipt (收据): the amount in figures and in capitals, who
/// received it, a reversal stamped on it; on A4.
async fn receipt(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let mut c = c.at("fees", "receipt.title");
    let p = fees::payment(&s.app, &c.actor, id).await?;
    c.title = c.t("receipt.title").to_string();
    let back = match (super::is_tenant(&c.actor), p.statement_id) {
        (true, _) => "/my/bills".to_string(),
        (false, Some(st)) => format!("/fees/statements/{st}#payments"),
        (false, None) => "/fees".to_string(),
    };
    Ok(render(&ReceiptPage {
        capitals: lobby_domain::money::capitals(p.amount_fen),
        c,
        p,
        back,
    }))
}
