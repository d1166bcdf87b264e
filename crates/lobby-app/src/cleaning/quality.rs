//! Consumables and plants
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QualityView {
    pub id: i64,
    pub vendor_id: Option<i64>,
    pub vendor_name: Option<String>,
    pub kind: QualityKind,
    /// The item (消耗品) or the area of the plant display.
    pub subject: String,
    pub supplier: Option<String>,
    pub passed: bool,
    /// A plant replaced on the spot.
    pub replaced: bool,
    pub note: Option<String>,
    pub at: String,
    pub by: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct QualityInput {
    pub site_id: Option<i64>,
    pub kind: QualityKind,
    pub vendor_id: Option<i64>,
    pub subject: String,
    pub supplier: Option<String>,
    pub passed: bool,
    #[serde(default)]
    pub replaced: bool,
    pub note: Option<String>,
}

pub async fn record_quality(
    app: &App,
    actor: &Actor,
    input: &QualityInput,
) -> AppResult<QualityView> {
    let site_id = crate::scope::site_of(actor, input.site_id)?;
    actor.authorize(Can::CleaningInspect, site_id)?;
    let subject = required_text("subject", &input.subject, 80)?;
    let supplier = optional_text("supplier", input.supplier.as_deref(), 80)?;
    let note = optional_text("note", input.note.as_deref(), 500)?;
    if !input.passed && note.is_none() {
        return Err(AppError::invalid("note", "say what is wrong"));
    }
    let supplier = &supplier;
    let subject = &subject;
    let note = &note;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                if let Some(v) = input.vendor_id {
                    match store::vendor(w, v).await? {
                        Some(x) if x.site_id == site_id => {}
                        _ => {
                            return Err(AppError::invalid(
                                "vendor_id",
                                format!("no vendor {v} at this site"),
                            ))
                        }
                    }
                }
                let id = store::insert_quality(
                    w,
                    &store::NewQuality {
                        site_id,
                        vendor_id: input.vendor_id,
                        kind: input.kind,
                        subject,
                        supplier: supplier.as_deref(),
                        passed: input.passed,
                        replaced: input.replaced,
                        note: note.as_deref(),
                        at: now,
                        by_name: &actor.display_name,
                    },
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "quality_check",
                    Some(id),
                    serde_json::json!({"kind": input.kind, "passed": input.passed}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    quality_checks(app, actor, site_id, None)
        .await?
        .into_iter()
        .find(|q| q.id == id)
        .ok_or(AppError::NotFound("check"))
}

pub async fn quality_checks(
    app: &App,
    actor: &Actor,
    site_id: i64,
    vendor_id: Option<i64>,
) -> AppResult<Vec<QualityView>> {
    let only = scope(actor, site_id, vendor_id)?;
    let mut c = app.db.read().await?;
    Ok(store::quality_checks(&mut c, site_id, only, 0, i64::MAX)
        .await?
        .into_iter()
        .map(|q| QualityView {
            id: q.id,
            vendor_id: q.vendor_id,
            vendor_name: q.vendor_name,
            kind: q.kind,
            subject: q.subject,
            supplier: q.supplier,
            passed: q.passed != 0,
            replaced: q.replaced != 0,
            note: q.note,
            at: time::rfc3339(q.at),
            by: q.by_name,
        })
        .collect())
}
