//! The papers of paying (CONTRACT "Paying"): a payment's receipt (收据)
//! and the dunning letter (催缴通知书), each on A4 with the amount in
//! capitals and where to pay.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use lobby_app::fees::{self, StatementQuery, StatementView};

use super::{render, Chrome, PageError};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/payments/{id}/receipt", get(receipt))
        .route("/deposits/{id}/receipt", get(deposit_receipt))
        .route(
            "/renovations/{id}/deposit-receipt",
            get(renovation_deposit_receipt),
        )
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
    c.title = c.said(&d.step_name);
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
    r: Receipt,
    /// The amount in capitals (人民币大写).
    capitals: String,
    back: String,
}

/// What a receipt (收据) says, whatever the money was for: a payment of a
/// statement or to the account, or a deposit taken.
struct Receipt {
    number: String,
    /// RFC 3339.
    at: String,
    payer: String,
    /// 事由, as words already.
    what: String,
    amount_fen: i64,
    /// 收款方式, as words already.
    how: String,
    received_by: Option<String>,
    reversed_at: Option<String>,
    reversal_reason: Option<String>,
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
    let r = Receipt {
        what: match &p.statement_number {
            Some(n) => format!("{} {n}", c.t("fees.statement")),
            None => c.t("receipt.on_account").to_string(),
        },
        how: c.e("payment_method", p.method.as_str()),
        number: p.receipt_no,
        at: p.paid_at,
        payer: p.tenant_name,
        amount_fen: p.amount_fen,
        received_by: p.received_by,
        reversed_at: p.reversed_at,
        reversal_reason: p.reversal_reason,
    };
    Ok(render(&ReceiptPage {
        capitals: lobby_domain::money::capitals(r.amount_fen),
        c,
        r,
        back,
    }))
}

/// A deposit's receipt (押金收据), the same paper: the deposit taken for a
/// renovation, with its number in the fee module's series.
async fn renovation_deposit_receipt(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = fees::deposit_of(
        &s.app,
        &c.actor,
        lobby_domain::fees::DepositKind::Renovation,
        id,
    )
    .await?;
    deposit_receipt_page(c, d, format!("/renovations/{id}"))
}

async fn deposit_receipt(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = fees::deposit(&s.app, &c.actor, id).await?;
    deposit_receipt_page(c, d, "/fees/deposits".into())
}

fn deposit_receipt_page(
    c: Chrome,
    d: fees::DepositView,
    back: String,
) -> Result<Response, PageError> {
    let mut c = c.at("fees", "receipt.title");
    c.title = c.t("receipt.title").to_string();
    let number = d
        .receipt_no
        .clone()
        .ok_or(lobby_app::AppError::NotFound("receipt"))?;
    let r = Receipt {
        what: format!("{} · {}", c.t("renovations.title"), c.t("receipt.deposit")),
        how: c.t("receipt.deposit").to_string(),
        number,
        at: d.received_at,
        payer: d.tenant_name,
        amount_fen: d.amount_fen,
        received_by: Some(d.received_by),
        reversed_at: None,
        reversal_reason: None,
    };
    Ok(render(&ReceiptPage {
        capitals: lobby_domain::money::capitals(r.amount_fen),
        c,
        r,
        back,
    }))
}
