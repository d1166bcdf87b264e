//! The key register: keys with their copies and the loans of each copy.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct KeyRow {
    pub id: i64,
    pub site_id: i64,
    pub label: String,
    pub tag_no: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub place: Option<String>,
    pub hook: Option<String>,
    pub copies: i64,
    /// Copies out now.
    pub out: i64,
    /// Copies out past their due time.
    pub overdue: i64,
    /// Copies lost and not yet found or replaced: out of service.
    pub lost: i64,
}

fn key_cols(now: i64) -> String {
    format!(
        "k.id, k.site_id, k.label, k.tag_no, k.unit_id, u.number AS unit_number, k.place, k.hook, k.copies, \
         (SELECT COUNT(*) FROM key_loans l WHERE l.key_id = k.id AND l.returned_at IS NULL) AS out, \
         (SELECT COUNT(*) FROM key_loans l WHERE l.key_id = k.id AND l.returned_at IS NULL AND l.due_back_at < {now}) AS overdue, \
         (SELECT COUNT(*) FROM key_losses x WHERE x.key_id = k.id AND x.settled_at IS NULL) AS lost"
    )
}

/// A site's keys by label; only those with a copy overdue when `overdue`.
pub async fn keys(c: &mut Conn, site_id: i64, now: i64, overdue: bool) -> Result<Vec<KeyRow>> {
    let rows: Vec<KeyRow> = sqlx::query_as(&format!(
        "SELECT {} FROM keys k LEFT JOIN units u ON u.id = k.unit_id \
         WHERE k.site_id = $1 AND k.archived = 0 ORDER BY k.label, k.id LIMIT 2000",
        key_cols(now)
    ))
    .bind(site_id)
    .fetch_all(c)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|k| !overdue || k.overdue > 0)
        .collect())
}

pub async fn key(c: &mut Conn, id: i64, now: i64) -> Result<Option<KeyRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM keys k LEFT JOIN units u ON u.id = k.unit_id WHERE k.id = $1",
        key_cols(now)
    ))
    .bind(id)
    .fetch_optional(c)
    .await?)
}

pub struct NewKey<'a> {
    pub site_id: i64,
    pub label: &'a str,
    pub tag_no: Option<&'a str>,
    pub unit_id: Option<i64>,
    pub place: Option<&'a str>,
    pub hook: Option<&'a str>,
    pub copies: i64,
}

pub async fn insert_key(c: &mut Conn, k: &NewKey<'_>, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO keys (site_id, label, tag_no, unit_id, place, hook, copies, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(k.site_id)
    .bind(k.label)
    .bind(k.tag_no)
    .bind(k.unit_id)
    .bind(k.place)
    .bind(k.hook)
    .bind(k.copies)
    .bind(now)
    .fetch_one(c)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct LoanRow {
    pub id: i64,
    pub key_id: i64,
    pub site_id: i64,
    pub label: String,
    pub copy_no: i64,
    pub holder: String,
    pub purpose: String,
    pub issued_at: i64,
    pub due_back_at: i64,
    pub issued_by_name: String,
    pub returned_at: Option<i64>,
    pub returned_to_name: Option<String>,
    /// Closed because the copy was lost.
    pub lost: i64,
}

const LOAN_COLS: &str =
    "l.id, l.key_id, l.site_id, k.label, l.copy_no, l.holder, l.purpose, l.issued_at, \
     l.due_back_at, l.issued_by_name, l.returned_at, l.returned_to_name, l.lost";

/// A key's loans, newest first (its history).
pub async fn loans(c: &mut Conn, key_id: i64, limit: i64) -> Result<Vec<LoanRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LOAN_COLS} FROM key_loans l JOIN keys k ON k.id = l.key_id \
         WHERE l.key_id = $1 ORDER BY l.id DESC LIMIT $2"
    ))
    .bind(key_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// The copies out at a site, the earliest due first.
pub async fn open_loans(c: &mut Conn, site_id: i64) -> Result<Vec<LoanRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LOAN_COLS} FROM key_loans l JOIN keys k ON k.id = l.key_id \
         WHERE l.site_id = $1 AND l.returned_at IS NULL ORDER BY l.due_back_at, l.id"
    ))
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

pub struct NewLoan<'a> {
    pub key_id: i64,
    pub site_id: i64,
    pub copy_no: i64,
    pub holder: &'a str,
    pub purpose: &'a str,
    pub issued_at: i64,
    pub due_back_at: i64,
    pub issued_by_name: &'a str,
}

/// Lends a copy; the unique index refuses a copy already out
/// (`StoreError::Duplicate`).
pub async fn insert_loan(c: &mut Conn, l: &NewLoan<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO key_loans (key_id, site_id, copy_no, holder, purpose, issued_at, due_back_at, issued_by_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(l.key_id)
    .bind(l.site_id)
    .bind(l.copy_no)
    .bind(l.holder)
    .bind(l.purpose)
    .bind(l.issued_at)
    .bind(l.due_back_at)
    .bind(l.issued_by_name)
    .fetch_one(c)
    .await?)
}

/// Takes a loan back; false when it was back already.
pub async fn return_loan(c: &mut Conn, loan_id: i64, at: i64, by: &str) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE key_loans SET returned_at = $2, returned_to_name = $3 WHERE id = $1 AND returned_at IS NULL",
    )
    .bind(loan_id)
    .bind(at)
    .bind(by)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// Loans past due not yet told to the desk, everywhere.
pub async fn overdue_unnotified(c: &mut Conn, now: i64) -> Result<Vec<LoanRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LOAN_COLS} FROM key_loans l JOIN keys k ON k.id = l.key_id \
         WHERE l.returned_at IS NULL AND l.due_back_at < $1 AND l.overdue_notified = 0 ORDER BY l.id LIMIT 500"
    ))
    .bind(now)
    .fetch_all(c)
    .await?)
}

/// Marks a loan as told; false when another process told it first.
pub async fn mark_overdue_notified(c: &mut Conn, loan_id: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE key_loans SET overdue_notified = 1 WHERE id = $1 AND overdue_notified = 0",
    )
    .bind(loan_id)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

/// Closes a loan as lost; false when it was closed already.
pub async fn lose_loan(c: &mut Conn, loan_id: i64, at: i64, by: &str) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE key_loans SET returned_at = $2, returned_to_name = $3, lost = 1 \
         WHERE id = $1 AND returned_at IS NULL",
    )
    .bind(loan_id)
    .bind(at)
    .bind(by)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct LossRow {
    pub id: i64,
    pub key_id: i64,
    pub copy_no: i64,
    pub holder: Option<String>,
    pub note: String,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub charge_id: Option<i64>,
    pub reported_by_name: String,
    pub reported_at: i64,
    /// When the copy was found or replaced (`settled_how`): until then it
    /// is out of service.
    pub settled_at: Option<i64>,
    pub settled_how: Option<String>,
    pub settled_by_name: Option<String>,
    /// The one-off fee item the desk proposed for the replacement, until
    /// finance charges it (`charge_id`).
    pub proposed_fee_item_id: Option<i64>,
    pub site_id: i64,
    pub key_label: String,
}

const LOSS: &str = "SELECT x.id, x.key_id, x.copy_no, x.holder, x.note, x.tenant_id, t.name AS tenant_name, \
     x.charge_id, x.reported_by_name, x.reported_at, x.settled_at, x.settled_how, x.settled_by_name, \
     x.proposed_fee_item_id, x.site_id, k.label AS key_label \
     FROM key_losses x JOIN keys k ON k.id = x.key_id LEFT JOIN tenants t ON t.id = x.tenant_id";

/// A key's losses, newest first.
pub async fn losses(c: &mut Conn, key_id: i64) -> Result<Vec<LossRow>> {
    Ok(sqlx::query_as(&format!(
        "{LOSS} WHERE x.key_id = $1 ORDER BY x.id DESC LIMIT 200"
    ))
    .bind(key_id)
    .fetch_all(c)
    .await?)
}

/// Losses of a site whose proposed replacement charge finance has not
/// made yet, oldest first.
pub async fn losses_to_charge(c: &mut Conn, site_id: i64) -> Result<Vec<LossRow>> {
    Ok(sqlx::query_as(&format!(
        "{LOSS} WHERE x.site_id = $1 AND x.proposed_fee_item_id IS NOT NULL AND x.charge_id IS NULL \
         ORDER BY x.id LIMIT 500"
    ))
    .bind(site_id)
    .fetch_all(c)
    .await?)
}

/// One loss by id.
pub async fn loss(c: &mut Conn, id: i64) -> Result<Option<LossRow>> {
    Ok(sqlx::query_as(&format!("{LOSS} WHERE x.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await?)
}

/// Records the charge of loss `id` once: false when it is charged already.
pub async fn set_loss_charge(
    c: &mut Conn,
    id: i64,
    charge_id: i64,
    tenant_id: i64,
) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE key_losses SET charge_id = $2, tenant_id = $3 WHERE id = $1 AND charge_id IS NULL",
    )
    .bind(id)
    .bind(charge_id)
    .bind(tenant_id)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}

pub struct NewLoss<'a> {
    pub key_id: i64,
    pub site_id: i64,
    pub copy_no: i64,
    pub holder: Option<&'a str>,
    pub note: &'a str,
    pub tenant_id: Option<i64>,
    pub charge_id: Option<i64>,
    pub proposed_fee_item_id: Option<i64>,
    pub reported_by_name: &'a str,
}

pub async fn insert_loss(c: &mut Conn, x: &NewLoss<'_>, at: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO key_losses (key_id, site_id, copy_no, holder, note, tenant_id, charge_id, \
         reported_by_name, reported_at, proposed_fee_item_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(x.key_id)
    .bind(x.site_id)
    .bind(x.copy_no)
    .bind(x.holder)
    .bind(x.note)
    .bind(x.tenant_id)
    .bind(x.charge_id)
    .bind(x.reported_by_name)
    .bind(at)
    .bind(x.proposed_fee_item_id)
    .fetch_one(c)
    .await?)
}

/// The copies of `key_id` lost and not yet found or replaced.
pub async fn lost_copies(c: &mut Conn, key_id: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT copy_no FROM key_losses WHERE key_id = $1 AND settled_at IS NULL ORDER BY copy_no",
    )
    .bind(key_id)
    .fetch_all(c)
    .await?)
}

/// Settles open loss `id` (`found` or `replaced`): the copy is in service
/// again. False when it is settled already (a conditional update).
pub async fn settle_loss(c: &mut Conn, id: i64, how: &str, by: &str, at: i64) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE key_losses SET settled_at = $2, settled_how = $3, settled_by_name = $4 \
         WHERE id = $1 AND settled_at IS NULL",
    )
    .bind(id)
    .bind(at)
    .bind(how)
    .bind(by)
    .execute(c)
    .await?
    .rows_affected()
        == 1)
}
