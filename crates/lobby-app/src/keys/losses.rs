//! Lost copies (钥匙遗失): recorded once, out of service until found or
//! replaced, the replacement's charge proposed by the desk and made by
//! finance.

use super::*;

/// Records a lost copy: its loan (if it was out) closes as lost, and the
/// copy is out of service until it is found or a replacement is cut
/// ([`settle_loss`]). A copy lost already is 409 `invalid_transition` (also
/// when two report it at once: one open loss per copy). A one-off
/// `fee_item_id` proposes the replacement's charge to the unit's tenant;
/// finance (`FeesManage`) makes it ([`charge_loss`]; at once when the
/// person recording it is finance). Naming another payer is finance's.
pub async fn lose_key(app: &App, actor: &Actor, id: i64, input: &LostInput) -> AppResult<LossView> {
    let now = app.now();
    let k = key_to_manage(app, actor, id, now).await?;
    // Whoever records the loss may propose the replacement's fee item;
    // finance makes the charge ([`charge_loss`]), at once when the person
    // recording it is finance too.
    let charges_now = actor.can(Can::FeesManage, k.site_id);
    let note = required_text("note", &input.note, 200)?;
    // Who pays: the unit's tenant now, or the tenant finance names.
    let (tenant, item) = {
        let mut c = app.db.read().await?;
        let item = match input.fee_item_id {
            Some(f) => Some(
                lobby_store::fees::fee_item(&mut c, f)
                    .await?
                    .filter(|i| {
                        i.site_id == k.site_id && i.basis == lobby_domain::fees::FeeBasis::OneOff
                    })
                    .ok_or_else(|| {
                        AppError::invalid("fee_item_id", "no such one-off fee item at this site")
                    })?,
            ),
            None => None,
        };
        let unit_tenant = match k.unit_id {
            Some(u) => lobby_store::sites::unit(&mut c, u)
                .await?
                .and_then(|u| u.tenant_id),
            None => None,
        };
        let tenant = match input.tenant_id {
            Some(t) => {
                let t = lobby_store::tenants::get(&mut c, t)
                    .await?
                    .filter(|t| t.site_id == k.site_id)
                    .ok_or_else(|| AppError::invalid("tenant_id", "no such tenant at this site"))?
                    .id;
                if Some(t) != unit_tenant {
                    actor.authorize(Can::FeesManage, k.site_id)?;
                }
                Some(t)
            }
            None => unit_tenant,
        };
        (tenant, item)
    };
    if item.is_some() && tenant.is_none() {
        return Err(AppError::invalid(
            "tenant_id",
            "say which tenant pays for the replacement",
        ));
    }
    let (k, note, item) = (&k, &note, &item);
    let loss = app
        .write(actor, |w| {
            Box::pin(async move {
                let out: Vec<_> = store::loans(w, id, 1000)
                    .await?
                    .into_iter()
                    .filter(|l| l.returned_at.is_none())
                    .collect();
                let lost = store::lost_copies(w, id).await?;
                let copy = match input.copy {
                    Some(c) if (1..=k.copies).contains(&c) => c,
                    Some(_) => {
                        return Err(AppError::invalid(
                            "copy",
                            format!("the key has copies 1 to {}", k.copies),
                        ))
                    }
                    None if out.len() == 1 => out[0].copy_no,
                    None if k.copies == 1 => 1,
                    None => {
                        return Err(AppError::invalid("copy", "say which copy was lost"))
                    }
                };
                if lost.contains(&copy) {
                    return Err(AppError::InvalidTransition(format!(
                        "copy {copy} is reported lost already"
                    )));
                }
                let now = w.now();
                let by = w.actor().display_name.clone();
                let loan = out.iter().find(|l| l.copy_no == copy);
                if let Some(l) = loan {
                    if !store::lose_loan(w, l.id, now, &by).await? {
                        return Err(AppError::InvalidTransition(format!(
                            "copy {copy} is back already"
                        )));
                    }
                }
                let charge_id = match (item, tenant) {
                    (Some(item), Some(t)) if charges_now => Some(
                        lobby_store::fees::insert_charge(
                            w,
                            k.site_id,
                            t,
                            item.id,
                            1,
                            Some(&format!("{} #{copy}", k.label)),
                            now,
                        )
                        .await?,
                    ),
                    _ => None,
                };
                // One open loss per copy (a unique index): of two reports
                // at once, the second finds it taken.
                let loss = store::insert_loss(
                    w,
                    &store::NewLoss {
                        key_id: id,
                        site_id: k.site_id,
                        copy_no: copy,
                        holder: loan.map(|l| l.holder.as_str()),
                        note,
                        tenant_id: tenant,
                        charge_id,
                        proposed_fee_item_id: item.as_ref().map(|i| i.id),
                        reported_by_name: &by,
                    },
                    now,
                )
                .await
                .map_err(|e| match e {
                    StoreError::Duplicate(_) => AppError::InvalidTransition(format!(
                        "copy {copy} is reported lost already"
                    )),
                    other => other.into(),
                })?;
                w.audit(
                    Some(k.site_id),
                    "lost",
                    "key",
                    Some(id),
                    serde_json::json!({"copy": copy, "note": note, "tenant_id": tenant, "charge_id": charge_id}),
                )
                .await?;
                if item.is_some() && charge_id.is_none() {
                    // Finance makes the proposed charge.
                    w.notify(
                        k.site_id,
                        Role::Finance,
                        "key_loss_charge",
                        &format!("{} #{copy}", k.label),
                        note,
                        Some("/fees/items#key-losses"),
                    )
                    .await?;
                }
                Ok(loss)
            })
        })
        .await?;
    loss_of(app, id, loss).await
}

async fn loss_of(app: &App, key_id: i64, loss: i64) -> AppResult<LossView> {
    let mut c = app.db.read().await?;
    store::losses(&mut c, key_id)
        .await?
        .into_iter()
        .find(|x| x.id == loss)
        .map(loss_view)
        .ok_or(AppError::NotFound("loss"))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ChargeLossInput {
    /// A one-off fee item of the site; default the one proposed with the loss.
    pub fee_item_id: Option<i64>,
    /// Who pays; default the tenant recorded with the loss (the unit's).
    pub tenant_id: Option<i64>,
}

/// Losses whose proposed replacement charge finance has not made yet.
pub async fn losses_to_charge(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<LossView>> {
    actor.authorize(Can::FeesManage, site_id)?;
    let mut c = app.db.read().await?;
    Ok(store::losses_to_charge(&mut c, site_id)
        .await?
        .into_iter()
        .map(loss_view)
        .collect())
}

/// Finance charges the replacement of a lost copy (a one-off fee charge,
/// billed by the next statement): once — a loss charged already is 409
/// `invalid_transition`.
pub async fn charge_loss(
    app: &App,
    actor: &Actor,
    loss_id: i64,
    input: &ChargeLossInput,
) -> AppResult<LossView> {
    let (x, item, tenant) = {
        let mut c = app.db.read().await?;
        let x = store::loss(&mut c, loss_id)
            .await?
            .filter(|x| actor.can(Can::FeesRead, x.site_id))
            .ok_or(AppError::NotFound("loss"))?;
        actor.authorize(Can::FeesManage, x.site_id)?;
        let item_id = input
            .fee_item_id
            .or(x.proposed_fee_item_id)
            .ok_or_else(|| {
                AppError::invalid("fee_item_id", "say which one-off fee item to charge")
            })?;
        let item = lobby_store::fees::fee_item(&mut c, item_id)
            .await?
            .filter(|i| i.site_id == x.site_id && i.basis == lobby_domain::fees::FeeBasis::OneOff)
            .ok_or_else(|| {
                AppError::invalid("fee_item_id", "no such one-off fee item at this site")
            })?;
        let tenant = match input.tenant_id.or(x.tenant_id) {
            Some(t) => {
                lobby_store::tenants::get(&mut c, t)
                    .await?
                    .filter(|t| t.site_id == x.site_id)
                    .ok_or_else(|| AppError::invalid("tenant_id", "no such tenant at this site"))?
                    .id
            }
            None => {
                return Err(AppError::invalid(
                    "tenant_id",
                    "say which tenant pays for the replacement",
                ))
            }
        };
        (x, item, tenant)
    };
    let (x, item) = (&x, &item);
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let charge = lobby_store::fees::insert_charge(
                w,
                x.site_id,
                tenant,
                item.id,
                1,
                Some(&format!("{} #{}", x.key_label, x.copy_no)),
                now,
            )
            .await?;
            if !store::set_loss_charge(w, loss_id, charge, tenant).await? {
                return Err(AppError::InvalidTransition(
                    "this loss is charged already".into(),
                ));
            }
            w.audit(
                Some(x.site_id),
                "charge",
                "key_loss",
                Some(loss_id),
                serde_json::json!({"tenant_id": tenant, "fee_item_id": item.id, "charge_id": charge}),
            )
            .await
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    store::loss(&mut c, loss_id)
        .await?
        .map(loss_view)
        .ok_or(AppError::NotFound("loss"))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct SettleInput {
    /// `found` (the lost copy is back) or `replaced` (a new copy was cut).
    pub how: String,
}

/// A lost copy found or replaced: it is in service again. Once: a loss
/// settled already is 409 `invalid_transition`.
pub async fn settle_loss(
    app: &App,
    actor: &Actor,
    id: i64,
    loss_id: i64,
    input: &SettleInput,
) -> AppResult<LossView> {
    let now = app.now();
    let k = key_to_manage(app, actor, id, now).await?;
    let how = match input.how.trim() {
        h @ ("found" | "replaced") => h,
        _ => return Err(AppError::invalid("how", "how must be found or replaced")),
    };
    let k = &k;
    app.write(actor, |w| {
        Box::pin(async move {
            let Some(x) = store::losses(w, id)
                .await?
                .into_iter()
                .find(|x| x.id == loss_id)
            else {
                return Err(AppError::NotFound("loss"));
            };
            let now = w.now();
            let by = w.actor().display_name.clone();
            if !store::settle_loss(w, loss_id, how, &by, now).await? {
                return Err(AppError::InvalidTransition(
                    "this loss is settled already".into(),
                ));
            }
            w.audit(
                Some(k.site_id),
                how,
                "key",
                Some(id),
                serde_json::json!({"copy": x.copy_no, "loss_id": loss_id}),
            )
            .await
        })
    })
    .await?;
    loss_of(app, id, loss_id).await
}
