//! Deposits held (押金): a renovation's deposit is taken at approval with
//! a receipt numbered in the fee module's series (its 收据 prints at
//! `/deposits/{id}/receipt`) and settled at closing — released, or kept in
//! part. A deposit held is not fee income and never pays a statement; the
//! part kept is the month's income in the fee report.

use lobby_domain::fees::DepositKind;
use lobby_store::fees::{self as store, NewDeposit};
use serde::{Deserialize, Serialize};

use crate::work::Work;
use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DepositView {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    /// What it secures.
    pub kind: DepositKind,
    /// The record it secures (`/renovations/{source_id}`).
    pub source_id: i64,
    pub amount_fen: i64,
    pub receipt_no: Option<String>,
    pub received_at: String,
    pub received_by: String,
    /// Still held: not settled yet.
    pub held: bool,
    pub released_fen: Option<i64>,
    pub kept_fen: Option<i64>,
    pub kept_reason: Option<String>,
    pub settled_at: Option<String>,
    pub settled_by: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct DepositQuery {
    pub site_id: i64,
    pub tenant_id: Option<i64>,
}

fn view(d: store::DepositRow) -> DepositView {
    DepositView {
        held: d.settled_at.is_none(),
        id: d.id,
        site_id: d.site_id,
        tenant_id: d.tenant_id,
        tenant_name: d.tenant_name,
        kind: d.kind,
        source_id: d.source_id,
        amount_fen: d.amount_fen,
        receipt_no: d.receipt_no,
        received_at: time::rfc3339(d.received_at),
        received_by: d.received_by_name,
        released_fen: d.released_fen,
        kept_fen: d.kept_fen,
        kept_reason: d.kept_reason,
        settled_at: time::rfc3339_opt(d.settled_at),
        settled_by: d.settled_by_name,
    }
}

/// A site's deposits, those held first (a tenant account: its own).
pub async fn deposits(app: &App, actor: &Actor, q: &DepositQuery) -> AppResult<Vec<DepositView>> {
    let only = super::read_scope(actor, q.site_id)?;
    if only.is_some() && q.tenant_id.is_some_and(|t| Some(t) != only) {
        return Ok(Vec::new());
    }
    let mut c = app.db.read().await?;
    Ok(store::deposits(&mut c, q.site_id, only.or(q.tenant_id))
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Records a deposit taken, in the caller's transaction, with its receipt
/// numbered in the fee module's series; returns it and the number.
pub(crate) async fn take_deposit_in(
    w: &mut Work<'_>,
    site_id: i64,
    tenant_id: i64,
    source: (DepositKind, i64),
    amount_fen: i64,
    year: i16,
) -> AppResult<(i64, String)> {
    let by = w.actor().display_name.clone();
    let now = w.now();
    let receipt = super::next_receipt_in(w, site_id, year).await?;
    let receipt_no = Some(receipt.as_str());
    let id = store::insert_deposit(
        w,
        &NewDeposit {
            site_id,
            tenant_id,
            kind: source.0,
            source_id: source.1,
            amount_fen,
            receipt_no,
            received_by_name: &by,
        },
        now,
    )
    .await?;
    w.audit(
        Some(site_id),
        "create",
        "deposit",
        Some(id),
        serde_json::json!({"kind": source.0, "source_id": source.1, "amount_fen": amount_fen, "receipt_no": receipt_no}),
    )
    .await?;
    Ok((id, receipt))
}

/// The deposit taken for a record (a renovation), as [`deposit`].
pub async fn deposit_of(
    app: &App,
    actor: &Actor,
    kind: DepositKind,
    source_id: i64,
) -> AppResult<DepositView> {
    let d = {
        let mut c = app.db.read().await?;
        store::deposit_of(&mut c, kind, source_id)
            .await?
            .ok_or(AppError::NotFound("deposit"))?
    };
    visible(actor, d)
}

/// One deposit (its receipt), for finance and whoever reads the site's
/// fees; a tenant account its own.
pub async fn deposit(app: &App, actor: &Actor, id: i64) -> AppResult<DepositView> {
    let d = {
        let mut c = app.db.read().await?;
        store::deposit(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("deposit"))?
    };
    visible(actor, d)
}

fn visible(actor: &Actor, d: store::DepositRow) -> AppResult<DepositView> {
    match super::read_scope(actor, d.site_id) {
        Ok(None) => {}
        Ok(Some(t)) if t == d.tenant_id => {}
        _ => return Err(AppError::NotFound("deposit")),
    }
    Ok(view(d))
}

/// Settles the deposit held for `source`, in the caller's transaction:
/// `kept_fen` kept, the rest released. 409 when none is held.
pub(crate) async fn settle_deposit_in(
    w: &mut Work<'_>,
    site_id: i64,
    source: (DepositKind, i64),
    kept_fen: i64,
    reason: Option<&str>,
) -> AppResult<()> {
    let by = w.actor().display_name.clone();
    let now = w.now();
    if !store::settle_deposit(w, source.0, source.1, kept_fen, reason, &by, now).await? {
        return Err(AppError::InvalidTransition(
            "no deposit is held for it".into(),
        ));
    }
    w.audit(
        Some(site_id),
        "settle",
        "deposit",
        None,
        serde_json::json!({"kind": source.0, "source_id": source.1, "kept_fen": kept_fen, "reason": reason}),
    )
    .await
}
