//! Fees and arrears on screen (费用/欠费/抄表): the month's statements with
//! generate and issue (finance), a statement with its lines, payments and
//! the payment form, its A4 print, the arrears with their ageing, the
//! reading round on a phone, and the fee items.

use crate::ui::OnForm;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::fees::{
    self, FeeItemInput, FeeItemView, PaymentInput, PaymentView, StatementQuery, StatementView,
};
use lobby_app::AppError;
use lobby_domain::fees::{parse_yuan, FeeBasis, MeterKind, PaymentMethod};
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{render, render_form, Chrome, FormError, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/fees", get(statements_page))
        .route("/fees/generate", post(generate))
        .route("/fees/payee", post(set_payee))
        .route("/fees/issue-drafts", post(issue_drafts))
        .route("/fees/statements/{id}", get(statement_page))
        .route("/fees/statements/{id}/issue", post(issue))
        .route("/fees/statements/{id}/void", post(void))
        .route("/fees/statements/{id}/payments", post(pay))
        .route("/fees/statements/{id}/print", get(print))
        .route("/fees/items", get(items_page).post(add_item))
        .route("/fees/key-losses/{id}/charge", post(charge_loss))
        .route("/fees/report", get(report_page))
        .route("/fees/deposits", get(deposits_page))
        .route("/fees/bank", get(bank_page).post(bank_upload))
        .route("/fees/bank/confirm", post(bank_confirm))
        .route("/fees.xlsx", get(month_xlsx))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The month a page shows: the one asked for, else this month at the site.
fn month_of(c: &Chrome, s: &AppState, asked: Option<&str>) -> Result<String, AppError> {
    match asked.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Ok(lobby_app::time::parse_month("month", m)?
            .0
            .strftime("%Y-%m")
            .to_string()),
        None => Ok(c.today(&s.app).strftime("%Y-%m").to_string()),
    }
}

#[derive(Template)]
#[template(path = "fees/statements.html")]
struct StatementsPage {
    c: Chrome,
    month: String,
    state: String,
    q: String,
    items: Vec<StatementView>,
    next: Option<String>,
    total_fen: i64,
    paid_fen: i64,
    balance_fen: i64,
    drafts: usize,
    can_manage: bool,
    /// Readings far above their meter's usual use that wait for a second
    /// person: the month is not billed until they are confirmed.
    waiting: Vec<lobby_app::fees::MeterView>,
    /// Where tenants pay (finance sets it here).
    payee: Option<lobby_app::sites::PayeeView>,
    error: Option<FormError>,
}

#[derive(Deserialize, Default)]
struct MonthQ {
    month: Option<String>,
    state: Option<String>,
    /// Tenant, statement number or unit.
    q: Option<String>,
    cursor: Option<String>,
}

async fn statements_with(
    s: &AppState,
    c: Chrome,
    q: MonthQ,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("fees", "nav.fees");
    let month = month_of(&c, s, q.month.as_deref())?;
    let state = q.state.unwrap_or_default();
    let search = q.q.clone().unwrap_or_default();
    let page = fees::statements(
        &s.app,
        &c.actor,
        &StatementQuery {
            site_id: c.site_id(),
            month: Some(month.clone()),
            state: lobby_domain::error::optional_choice(Some(&state))?,
            q: q.q.clone().filter(|x| !x.trim().is_empty()),
            limit: Some(200),
            cursor: q.cursor,
            ..Default::default()
        },
    )
    .await?;
    let can_manage = c.actor.can(Can::FeesManage, c.site_id());
    let waiting = if can_manage && c.actor.can(Can::MetersRead, c.site_id()) {
        fees::meters(&s.app, &c.actor, c.site_id(), None)
            .await?
            .into_iter()
            .filter(|m| m.waiting_reading_id.is_some())
            .collect()
    } else {
        Vec::new()
    };
    let payee = lobby_app::sites::payee(&s.app, &c.actor, c.site_id()).await?;
    let refused = error.is_some();
    let total_fen = AppError::sum_fen("statements", page.items.iter().map(|x| x.total_fen))?;
    let paid_fen = AppError::sum_fen("payments", page.items.iter().map(|x| x.paid_fen))?;
    Ok(render_form(
        &StatementsPage {
            total_fen,
            paid_fen,
            balance_fen: AppError::sum_fen("balances", [total_fen, -paid_fen])?,
            waiting,
            drafts: page
                .items
                .iter()
                .filter(|x| x.state.as_str() == "draft")
                .count(),
            c,
            month,
            state,
            q: search,
            next: page.next_cursor,
            items: page.items,
            can_manage,
            payee,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize)]
struct PayeeForm {
    #[serde(default)]
    account_name: String,
    #[serde(default)]
    bank: String,
    #[serde(default)]
    account_number: String,
}

/// Finance sets where tenants pay.
async fn set_payee(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<PayeeForm>,
) -> Result<Response, PageError> {
    let input = lobby_app::sites::PayeeInput {
        account_name: f.form.account_name.clone(),
        bank: f.form.bank.clone(),
        account_number: f.form.account_number.clone(),
    };
    match lobby_app::sites::set_payee(&s.app, &f.actor, c.site_id(), &input)
        .await
        .on_form()?
    {
        Ok(_) => Ok(see("/fees#payee")),
        Err(fe) => statements_with(&s, c, MonthQ::default(), Some(fe)).await,
    }
}

async fn statements_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<MonthQ>,
) -> Result<Response, PageError> {
    if super::is_tenant(&c.actor) {
        return Ok(Redirect::to("/my/bills").into_response());
    }
    statements_with(&s, c, q, None).await
}

#[derive(Deserialize)]
struct MonthForm {
    month: String,
    #[serde(default)]
    reason: Option<String>,
}

async fn generate(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<MonthForm>,
) -> Result<Response, PageError> {
    let input = lobby_app::fees::GenerateInput {
        site_id: c.site_id(),
        month: f.form.month.clone(),
        reason: f.form.reason.clone(),
    };
    match fees::generate(&s.app, &f.actor, &input).await.on_form()? {
        Ok(_) => Ok(see(&format!("/fees?month={}", f.form.month.trim()))),
        Err(fe) => statements_with(&s, c, MonthQ::default(), Some(fe)).await,
    }
}

/// Issues every draft of the month (finance's "send the month out").
async fn issue_drafts(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<MonthForm>,
) -> Result<Response, PageError> {
    let month = month_of(&c, &s, Some(&f.form.month))?;
    let drafts = fees::statements(
        &s.app,
        &f.actor,
        &StatementQuery {
            site_id: c.site_id(),
            month: Some(month.clone()),
            state: Some(lobby_domain::fees::StatementState::Draft),
            limit: Some(200),
            ..Default::default()
        },
    )
    .await?;
    for d in drafts.items {
        fees::issue(&s.app, &f.actor, d.id).await?;
    }
    Ok(see(&format!("/fees?month={month}")))
}

#[derive(Template)]
#[template(path = "fees/statement.html")]
struct StatementPage {
    c: Chrome,
    s: StatementView,
    payee: Option<lobby_app::sites::PayeeView>,
    /// What the transfer's reference says: the statement's number.
    reference: String,
    payments: Vec<PaymentView>,
    methods: Vec<&'static str>,
    can_manage: bool,
    error: Option<FormError>,
}

async fn statement_with(
    s: &AppState,
    c: Chrome,
    id: i64,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let mut c = c.at("fees", "fees.statement");
    let st = fees::statement(&s.app, &c.actor, id).await?;
    c.title = format!("{} {}", st.number, st.tenant_name);
    let payments = fees::payments(&s.app, &c.actor, st.site_id, None, Some(id)).await?;
    let can_manage = c.actor.can(Can::FeesManage, st.site_id);
    let payee = lobby_app::sites::payee(&s.app, &c.actor, st.site_id).await?;
    let refused = error.is_some();
    Ok(render_form(
        &StatementPage {
            c,
            payee,
            reference: st.number.clone(),
            s: st,
            payments,
            methods: PaymentMethod::ALL.iter().map(|m| m.as_str()).collect(),
            can_manage,
            error,
        },
        refused,
    ))
}

async fn statement_page(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    statement_with(&s, c, id, None).await
}

use crate::ui::Empty;

async fn issue(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<Empty>,
) -> Result<Response, PageError> {
    match fees::issue(&s.app, &f.actor, id).await {
        Ok(_) => Ok(see(&format!("/fees/statements/{id}"))),
        Err(e) => statement_with(&s, c, id, Some(FormError::refusal(&e))).await,
    }
}

async fn void(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<Empty>,
) -> Result<Response, PageError> {
    match fees::void(&s.app, &f.actor, id).await {
        Ok(_) => Ok(see(&format!("/fees/statements/{id}"))),
        Err(e) => statement_with(&s, c, id, Some(FormError::refusal(&e))).await,
    }
}

#[derive(Deserialize)]
struct PayForm {
    /// Yuan, as a person types it (`1234.50`).
    amount: String,
    method: String,
    note: Option<String>,
}

async fn pay(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<PayForm>,
) -> Result<Response, PageError> {
    let r = async {
        let amount_fen = parse_yuan("amount_fen", &f.form.amount)?;
        fees::record_payment(
            &s.app,
            &f.actor,
            &PaymentInput {
                statement_id: Some(id),
                tenant_id: None,
                amount_fen,
                method: f.form.method.parse()?,
                paid_at: None,
                note: f.form.note.clone().filter(|n| !n.trim().is_empty()),
            },
        )
        .await
    }
    .await;
    match r.on_form()? {
        Ok(_) => Ok(see(&format!("/fees/statements/{id}#payments"))),
        Err(fe) => statement_with(&s, c, id, Some(fe)).await,
    }
}

#[derive(Template)]
#[template(path = "fees/print.html")]
struct PrintPage {
    c: Chrome,
    s: StatementView,
    payee: Option<lobby_app::sites::PayeeView>,
    reference: String,
}

async fn print(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let c = c.at("fees", "fees.statement_print");
    let st = fees::statement(&s.app, &c.actor, id).await?;
    let payee = lobby_app::sites::payee(&s.app, &c.actor, st.site_id).await?;
    Ok(render(&PrintPage {
        c,
        payee,
        reference: st.number.clone(),
        s: st,
    }))
}

#[derive(Template)]
#[template(path = "fees/items.html")]
struct ItemsPage {
    c: Chrome,
    items: Vec<FeeItemView>,
    bases: Vec<&'static str>,
    kinds: Vec<&'static str>,
    can_manage: bool,
    /// Lost keys whose replacement the desk proposed to charge.
    losses: Vec<lobby_app::keys::LossView>,
    error: Option<FormError>,
}

async fn items_with(
    s: &AppState,
    c: Chrome,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("fees", "fees.items");
    let items = fees::fee_items(&s.app, &c.actor, c.site_id()).await?;
    let can_manage = c.actor.can(Can::FeesManage, c.site_id());
    let losses = if can_manage {
        lobby_app::keys::losses_to_charge(&s.app, &c.actor, c.site_id()).await?
    } else {
        Vec::new()
    };
    let refused = error.is_some();
    Ok(render_form(
        &ItemsPage {
            c,
            losses,
            items,
            bases: FeeBasis::ALL.iter().map(|b| b.as_str()).collect(),
            kinds: MeterKind::ALL.iter().map(|k| k.as_str()).collect(),
            can_manage,
            error,
        },
        refused,
    ))
}

#[derive(Deserialize)]
struct ChargeLossForm {
    #[serde(default)]
    fee_item_id: String,
}

/// Finance charges a lost key's replacement.
async fn charge_loss(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<ChargeLossForm>,
) -> Result<Response, PageError> {
    let r = async {
        lobby_app::keys::charge_loss(
            &s.app,
            &f.actor,
            id,
            &lobby_app::keys::ChargeLossInput {
                fee_item_id: super::number_opt("fee_item_id", &f.form.fee_item_id)?,
                tenant_id: None,
            },
        )
        .await
    }
    .await;
    match r {
        Ok(_) => Ok(see("/fees/items#key-losses")),
        Err(e) => items_with(&s, c, Some(FormError::refusal(&e))).await,
    }
}

async fn items_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    items_with(&s, c, None).await
}

#[derive(Deserialize)]
struct ItemForm {
    name: String,
    basis: String,
    /// Yuan.
    rate: String,
    meter_kind: Option<String>,
    tier_limit: Option<String>,
    /// Yuan, above the tier.
    above: Option<String>,
}

async fn add_item(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<ItemForm>,
) -> Result<Response, PageError> {
    let v = &f.form;
    let r = async {
        let blank = |x: &Option<String>| x.clone().filter(|t| !t.trim().is_empty());
        let input = FeeItemInput {
            site_id: c.site_id(),
            name: v.name.clone(),
            basis: v.basis.parse()?,
            rate_fen: parse_yuan("rate_fen", &v.rate)?,
            meter_kind: lobby_domain::error::optional_choice(
                v.meter_kind.as_deref().filter(|_| v.basis == "meter"),
            )?,
            tier_limit: blank(&v.tier_limit)
                .map(|t| super::number("tier_limit", &t))
                .transpose()?,
            above_fen: blank(&v.above)
                .map(|a| parse_yuan("above_fen", &a))
                .transpose()?,
            effective_from: None,
        };
        fees::create_fee_item(&s.app, &f.actor, &input).await
    }
    .await;
    match r.on_form()? {
        Ok(_) => Ok(see("/fees/items")),
        Err(fe) => items_with(&s, c, Some(fe)).await,
    }
}

#[derive(Template)]
#[template(path = "fees/report.html")]
struct ReportPage {
    c: Chrome,
    r: lobby_app::fees::CollectionReport,
    /// Per item: (billed bar width, collected bar width) out of 300.
    bars: Vec<(i64, i64)>,
}

async fn report_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<MonthQ>,
) -> Result<Response, PageError> {
    let c = c.at("fees", "fees.report");
    let month = month_of(&c, &s, q.month.as_deref())?;
    let r = fees::collection(&s.app, &c.actor, c.site_id(), &month).await?;
    let top = r
        .items
        .iter()
        .map(|i| i.billed_fen)
        .max()
        .unwrap_or(0)
        .max(1);
    let bars = r
        .items
        .iter()
        .map(|i| {
            (
                lobby_domain::fees::div_half_up(i128::from(i.billed_fen) * 300, i128::from(top)),
                lobby_domain::fees::div_half_up(i128::from(i.collected_fen) * 300, i128::from(top)),
            )
        })
        .collect();
    Ok(render(&ReportPage { c, r, bars }))
}

async fn month_xlsx(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<MonthQ>,
) -> Result<Response, PageError> {
    let month = month_of(&c, &s, q.month.as_deref())?;
    let name = c.site.as_ref().map(|x| x.name.clone()).unwrap_or_default();
    let bytes = fees::month_xlsx(&s.app, &c.actor, c.site_id(), &month, &name).await?;
    Ok(crate::files::xlsx_response(
        bytes,
        &format!("fees-{month}.xlsx"),
    ))
}

#[derive(Template)]
#[template(path = "fees/bank.html")]
struct BankPage {
    c: Chrome,
    result: Option<lobby_app::fees::BankMatch>,
    /// The site's issued statements with a balance, to match a line by hand.
    open: Vec<StatementView>,
    error: Option<FormError>,
    done: Option<usize>,
}

async fn bank_with(
    s: &AppState,
    c: Chrome,
    result: Option<lobby_app::fees::BankMatch>,
    error: Option<FormError>,
    done: Option<usize>,
) -> Result<Response, PageError> {
    let c = c.at("fees", "fees.bank");
    c.actor.authorize(Can::FeesManage, c.site_id())?;
    let open = fees::statements(
        &s.app,
        &c.actor,
        &StatementQuery {
            site_id: c.site_id(),
            state: Some(lobby_domain::fees::StatementState::Issued),
            limit: Some(200),
            ..Default::default()
        },
    )
    .await?
    .items;
    let refused = error.is_some();
    Ok(render_form(
        &BankPage {
            c,
            result,
            open,
            error,
            done,
        },
        refused,
    ))
}

#[derive(Deserialize, Default)]
struct BankQ {
    done: Option<usize>,
}

async fn bank_page(
    State(s): State<AppState>,
    c: Chrome,
    Query(q): Query<BankQ>,
) -> Result<Response, PageError> {
    bank_with(&s, c, None, None, q.done).await
}

async fn bank_upload(
    State(s): State<AppState>,
    c: Chrome,
    mut mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    // Permission before the file is read.
    c.actor.authorize(Can::FeesManage, c.site_id())?;
    let bytes = match super::read_upload(&c.actor, &mut mp).await {
        Ok(b) => b,
        Err(r) => return Ok(r),
    };
    match fees::match_bank_file(&s.app, &c.actor, c.site_id(), &bytes)
        .await
        .on_form()?
    {
        Ok(m) => bank_with(&s, c, Some(m), None, None).await,
        Err(fe) => bank_with(&s, c, None, Some(fe), None).await,
    }
}

/// The lines confirmed: each `pick` is `s<id>` (a statement), `t<id>` (a
/// tenant's account) or empty (not recorded), with its line's amount, day
/// and memo.
async fn bank_confirm(
    State(s): State<AppState>,
    c: Chrome,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let vals = |k: &str| -> Vec<String> {
        f.form
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let (picks, amounts, dates, notes) =
        (vals("pick"), vals("amount_fen"), vals("date"), vals("note"));
    let mut lines = Vec::new();
    for (i, pick) in picks.iter().enumerate() {
        let (statement_id, tenant_id) = match pick.split_at_checked(1) {
            Some(("s", id)) => (Some(super::number("pick", id)?), None),
            Some(("t", id)) => (None, Some(super::number("pick", id)?)),
            _ => continue,
        };
        lines.push(lobby_app::fees::BankPayment {
            statement_id,
            tenant_id,
            amount_fen: super::number("amount_fen", amounts.get(i).map_or("", String::as_str))?,
            date: dates.get(i).cloned().unwrap_or_default(),
            note: notes.get(i).cloned().filter(|n| !n.trim().is_empty()),
        });
    }
    match fees::record_bank_payments(&s.app, &f.actor, c.site_id(), &lines)
        .await
        .on_form()?
    {
        Ok(done) => Ok(see(&format!("/fees/bank?done={}", done.len()))),
        Err(fe) => bank_with(&s, c, None, Some(fe), None).await,
    }
}

#[derive(Template)]
#[template(path = "fees/deposits.html")]
struct DepositsPage {
    c: Chrome,
    deposits: Vec<fees::DepositView>,
    held_fen: i64,
}

/// The deposits the property holds (押金), and those settled.
async fn deposits_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    let c = c.at("fees", "fees.deposits");
    let deposits = fees::deposits(
        &s.app,
        &c.actor,
        &fees::DepositQuery {
            site_id: c.site_id(),
            tenant_id: None,
        },
    )
    .await?;
    let held_fen = deposits
        .iter()
        .filter(|d| d.held)
        .map(|d| d.amount_fen)
        .sum();
    Ok(render(&DepositsPage {
        c,
        deposits,
        held_fen,
    }))
}
