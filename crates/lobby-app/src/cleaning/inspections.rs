//! Inspections of the vendors' work.
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InspectionView {
    pub id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub task_id: Option<i64>,
    pub area: String,
    pub passed: bool,
    /// 0–100
    pub score: i64,
    pub note: Option<String>,
    pub at: String,
    pub by: String,
    pub photos: Vec<i64>,
    /// The notice a failure led to.
    pub notice_id: Option<i64>,
}

pub(super) fn inspection_view(i: store::InspectionRow, photos: Vec<i64>) -> InspectionView {
    InspectionView {
        id: i.id,
        vendor_id: i.vendor_id,
        vendor_name: i.vendor_name,
        task_id: i.task_id,
        area: i.area,
        passed: i.passed != 0,
        score: i.score,
        note: i.note,
        at: time::rfc3339(i.at),
        by: i.by_name,
        photos,
        notice_id: i.notice_id,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct InspectionInput {
    pub site_id: Option<i64>,
    /// The vendor (the task's when `task_id` is given).
    pub vendor_id: Option<i64>,
    /// A task of the plan inspected, or give `area`.
    pub task_id: Option<i64>,
    pub area: Option<String>,
    pub passed: bool,
    /// 0–100; 100 for a pass and 50 for a fail when absent.
    pub score: Option<i64>,
    /// Required for a fail: what is wrong.
    pub note: Option<String>,
    /// A failure issues a rectification notice with this deadline (hours; 24 when absent).
    #[serde(default)]
    pub issue_notice: bool,
    pub deadline_hours: Option<i64>,
}

pub(super) async fn load_inspection(
    c: &mut Conn,
    actor: &Actor,
    id: i64,
) -> AppResult<InspectionView> {
    let i = store::inspection(c, id)
        .await?
        .filter(|i| sees(actor, i.site_id, i.vendor_id))
        .ok_or(AppError::NotFound("inspection"))?;
    let photos = lobby_store::photos::of(c, Owner::Inspection, id)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    Ok(inspection_view(i, photos))
}

pub async fn inspection(app: &App, actor: &Actor, id: i64) -> AppResult<InspectionView> {
    let mut c = app.db.read().await?;
    load_inspection(&mut c, actor, id).await
}

/// Records an inspection (with photos); a failure with `issue_notice`
/// serves a rectification notice in the same transaction.
pub async fn inspect(
    app: &App,
    actor: &Actor,
    input: &InspectionInput,
    photos: &[Vec<u8>],
) -> AppResult<InspectionView> {
    let site_id = crate::scope::site_of(actor, input.site_id)?;
    actor.authorize(Can::CleaningInspect, site_id)?;
    let note = optional_text("note", input.note.as_deref(), 1000)?;
    if !input.passed && note.is_none() {
        return Err(AppError::invalid("note", "say what is wrong"));
    }
    let score = input.score.unwrap_or(if input.passed { 100 } else { 50 });
    if !(0..=100).contains(&score) {
        return Err(AppError::invalid("score", "score must be 0–100"));
    }
    let mut stored = Vec::new();
    for p in photos {
        stored.push(crate::photos::store_photo(app, p).await?);
    }
    let stored = &stored;
    let note = &note;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let (vendor_id, area, task_id) = match input.task_id {
                    Some(t) => {
                        let t = store::task(w, t)
                            .await?
                            .filter(|t| t.site_id == site_id)
                            .ok_or_else(|| {
                                AppError::invalid("task_id", "no such task at this site")
                            })?;
                        (t.vendor_id, t.area, Some(t.id))
                    }
                    None => {
                        let v = input
                            .vendor_id
                            .ok_or_else(|| AppError::invalid("vendor_id", "say which vendor"))?;
                        let area = required_text("area", input.area.as_deref().unwrap_or(""), 60)?;
                        (v, area, None)
                    }
                };
                match store::vendor(w, vendor_id).await? {
                    Some(v) if v.site_id == site_id => {}
                    _ => {
                        return Err(AppError::invalid(
                            "vendor_id",
                            format!("no vendor {vendor_id} at this site"),
                        ))
                    }
                }
                let id = store::insert_inspection(
                    w,
                    &store::NewInspection {
                        site_id,
                        vendor_id,
                        task_id,
                        area: &area,
                        passed: input.passed,
                        score,
                        note: note.as_deref(),
                        at: now,
                        by_name: &actor.display_name,
                    },
                )
                .await?;
                for p in stored.iter() {
                    crate::photos::insert(w, actor, now, (Owner::Inspection, id), p, None, None)
                        .await?;
                }
                w.audit(
                    Some(site_id),
                    "create",
                    "inspection",
                    Some(id),
                    serde_json::json!({"passed": input.passed, "score": score}),
                )
                .await?;
                if !input.passed && input.issue_notice {
                    let hours = input.deadline_hours.unwrap_or(24);
                    if !(1..=24 * 30).contains(&hours) {
                        return Err(AppError::invalid(
                            "deadline_hours",
                            "deadline_hours must be 1–720",
                        ));
                    }
                    let notice = issue_in(
                        w,
                        now,
                        actor,
                        site_id,
                        vendor_id,
                        Some(id),
                        None,
                        note.as_deref().unwrap_or(""),
                        &area,
                        now + hours * 3_600_000_000,
                    )
                    .await?;
                    for p in stored.iter() {
                        crate::photos::insert(
                            w,
                            actor,
                            now,
                            (Owner::Notice, notice),
                            p,
                            None,
                            None,
                        )
                        .await?;
                    }
                }
                Ok(id)
            })
        })
        .await?;
    inspection(app, actor, id).await
}

pub async fn inspections(
    app: &App,
    actor: &Actor,
    site_id: i64,
    vendor_id: Option<i64>,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> AppResult<Page<InspectionView>> {
    let only = scope(actor, site_id, vendor_id)?;
    let limit = page::limit(limit)?;
    let before = page::decode(cursor)?.map(|(_, id)| id).unwrap_or(i64::MAX);
    let mut c = app.db.read().await?;
    let rows = store::inspections(&mut c, site_id, only, 0, i64::MAX, before, limit + 1).await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        |r| inspection_view(r, Vec::new()),
    ))
}
