//! The handover checklist walked on one form and saved once: the findings
//! of the items looked at, with a photo for some, in one transaction.

use lobby_domain::moves::{ItemState, MAX_ITEMS};
use lobby_store::moves as store;
use serde::Deserialize;

use crate::{Actor, App, AppError, AppResult};

use super::steps::{check_in, finding, open_move};
use super::MoveView;

/// One item's finding in the checklist saved at once.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ItemCheckInput {
    pub item_id: i64,
    /// `ok` or `defect` (`pending` puts it back).
    pub state: ItemState,
    pub note: Option<String>,
    /// A damage's price at a move-out, yuan (`"350.00"`).
    pub charge: Option<String>,
}

/// The handover checklist walked and saved once: the items looked at.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ChecksInput {
    pub items: Vec<ItemCheckInput>,
}

/// The most photos one save of the checklist may carry.
pub const MAX_CHECK_PHOTOS: usize = 6;

/// Saves the findings of several checklist items at once (the checklist
/// walked on one form), with a photo for some (`photos`: item id, bytes):
/// one transaction — one refusal keeps nothing. Defects at a move-in open
/// their work orders as one at a time would.
pub async fn check_items(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &ChecksInput,
    photos: &[(i64, Vec<u8>)],
) -> AppResult<MoveView> {
    let m = open_move(app, actor, id).await?;
    if input.items.is_empty() {
        return Err(AppError::invalid("items", "say which items were checked"));
    }
    if input.items.len() > MAX_ITEMS {
        return Err(AppError::invalid(
            "items",
            "a checklist holds at most 60 items",
        ));
    }
    if photos.len() > MAX_CHECK_PHOTOS {
        return Err(AppError::invalid(
            "file",
            format!("at most {MAX_CHECK_PHOTOS} photos in one save"),
        ));
    }
    let mut findings = Vec::new();
    for (i, x) in input.items.iter().enumerate() {
        if input.items[..i].iter().any(|y| y.item_id == x.item_id) {
            return Err(AppError::invalid(
                &format!("items[{i}].item_id"),
                "the item is given twice",
            ));
        }
        let f =
            finding(m.kind, x.state, x.note.as_deref(), x.charge.as_deref()).map_err(
                |e| match e {
                    AppError::Invalid { field, message } => AppError::Invalid {
                        field: format!("items[{i}].{field}"),
                        message,
                    },
                    other => other,
                },
            )?;
        findings.push((x.item_id, f));
    }
    if let Some((item, _)) = photos
        .iter()
        .find(|(item, _)| !input.items.iter().any(|x| x.item_id == *item))
    {
        return Err(AppError::invalid(
            "file",
            format!("a photo for item {item}, which is not among those saved"),
        ));
    }
    let mut stored = Vec::new();
    for (item, bytes) in photos {
        stored.push((*item, crate::photos::store_photo(app, bytes).await?));
    }
    let (m, findings, stored) = (&m, &findings, &stored);
    app.write(actor, |w| {
        Box::pin(async move {
            for (i, (item_id, f)) in findings.iter().enumerate() {
                // Read in the transaction: two people checking the same
                // defect open one work order.
                let item = store::item(w, m.id, *item_id).await?.ok_or_else(|| {
                    AppError::invalid(
                        &format!("items[{i}].item_id"),
                        "no such item on this move's checklist",
                    )
                })?;
                let photo = stored.iter().find(|(x, _)| x == item_id).map(|(_, p)| p);
                let at = (*item_id, item.name.as_str(), item.ticket_id.is_some());
                check_in(w, m, at, f, photo).await?;
            }
            Ok(())
        })
    })
    .await?;
    super::get(app, actor, id).await
}
