//! The site's payee account (收款账户): where a tenant pays, shown on its
//! bills, statements and the dunning letter, with the statement number as
//! the transfer's reference.
//!
//! Part of `sites`; shares its imports.

#[allow(unused_imports)]
use super::*;
use lobby_domain::photos::Owner;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PayeeView {
    pub site_id: i64,
    /// 户名
    pub account_name: String,
    /// 开户行
    pub bank: String,
    /// 账号
    pub account_number: String,
    pub updated_by: String,
    pub updated_at: String,
    /// The collection QR code (收款码) uploaded, if any:
    /// `GET /api/v1/sites/{id}/payee/qr` (or `/sites/{id}/payee/qr` on
    /// screen).
    pub qr_photo_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PayeeInput {
    pub account_name: String,
    pub bank: String,
    /// Digits, spaces and dashes (`3100 2222 0000 0566 8899`).
    pub account_number: String,
}

/// The site's payee account, for whoever reads its fees (a tenant's account
/// too: it pays there); `None` while finance has not set one.
pub async fn payee(app: &App, actor: &Actor, site_id: i64) -> AppResult<Option<PayeeView>> {
    actor.authorize(Action::FeesRead, site_id)?;
    let mut c = app.db.read().await?;
    let qr = lobby_store::photos::of(&mut c, Owner::SitePayee, site_id)
        .await?
        .last()
        .map(|p| p.id);
    Ok(store::payee(&mut c, site_id).await?.map(|p| PayeeView {
        qr_photo_id: qr,
        site_id: p.site_id,
        account_name: p.account_name,
        bank: p.bank,
        account_number: p.account_number,
        updated_by: p.updated_by_name,
        updated_at: time::rfc3339(p.updated_at),
    }))
}

/// Finance sets the site's payee account (audited).
pub async fn set_payee(
    app: &App,
    actor: &Actor,
    site_id: i64,
    input: &PayeeInput,
) -> AppResult<PayeeView> {
    actor.authorize(Action::FeesManage, site_id)?;
    let name = required_text("account_name", &input.account_name, 100)?;
    let bank = required_text("bank", &input.bank, 100)?;
    let number = required_text("account_number", &input.account_number, 40)?;
    if !number
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        || number.chars().filter(char::is_ascii_digit).count() < 6
    {
        return Err(AppError::invalid(
            "account_number",
            "account_number holds digits (spaces and dashes allowed), at least 6",
        ));
    }
    let (name, bank, number) = (&name, &bank, &number);
    app.write(actor, |w| {
        Box::pin(async move {
            crate::scope::site_row(w, site_id).await?;
            let by = w.actor().display_name.clone();
            let now = w.now();
            store::put_payee(
                w,
                &store::NewPayee {
                    site_id,
                    account_name: name,
                    bank,
                    account_number: number,
                    by: &by,
                },
                now,
            )
            .await?;
            w.audit(
                Some(site_id),
                "update",
                "site_payee",
                Some(site_id),
                serde_json::json!({"account_name": name, "bank": bank, "account_number": number}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    payee(app, actor, site_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the payee just set is gone")))
}

/// Finance uploads the site's collection QR code (收款码), shown beside the
/// account on bills, statements and the dunning letter; a new one
/// replaces it. The account is set first.
pub async fn set_payee_qr(
    app: &App,
    actor: &Actor,
    site_id: i64,
    bytes: &[u8],
) -> AppResult<PayeeView> {
    actor.authorize(Action::FeesManage, site_id)?;
    if payee(app, actor, site_id).await?.is_none() {
        return Err(AppError::InvalidTransition(
            "set the payee account first".into(),
        ));
    }
    let stored = crate::photos::store_photo(app, bytes).await?;
    let stored = &stored;
    app.write(actor, |w| {
        Box::pin(async move {
            let actor = w.actor().clone();
            let now = w.now();
            let id = crate::photos::insert(
                w,
                &actor,
                now,
                (Owner::SitePayee, site_id),
                stored,
                None,
                None,
            )
            .await?;
            w.audit(
                Some(site_id),
                "update",
                "site_payee_qr",
                Some(site_id),
                serde_json::json!({"photo_id": id}),
            )
            .await
        })
    })
    .await?;
    payee(app, actor, site_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the payee is gone")))
}

/// The site's collection QR code, for whoever reads its fees (404 while
/// none is uploaded).
pub async fn payee_qr(
    app: &App,
    actor: &Actor,
    site_id: i64,
    thumb: bool,
) -> AppResult<(String, Vec<u8>)> {
    actor.authorize(Action::FeesRead, site_id)?;
    let p = {
        let mut c = app.db.read().await?;
        lobby_store::photos::of(&mut c, Owner::SitePayee, site_id)
            .await?
            .pop()
            .ok_or(AppError::NotFound("QR code"))?
    };
    crate::photos::bytes(app, p, thumb).await
}
