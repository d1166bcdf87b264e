//! Evaluations
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CriterionView {
    pub code: String,
    pub name: String,
    /// Percent; the weights of a site add up to 100.
    pub weight: i64,
}

/// A site's criteria: its own, else the defaults.
pub async fn criteria(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<CriterionView>> {
    actor.authorize(Can::CleaningRead, site_id)?;
    let mut c = app.db.read().await?;
    criteria_in(&mut c, site_id).await
}

pub(super) async fn criteria_in(c: &mut Conn, site_id: i64) -> AppResult<Vec<CriterionView>> {
    let rows = store::criteria(c, site_id).await?;
    if rows.is_empty() {
        return Ok(DEFAULT_CRITERIA
            .iter()
            .map(|(code, name, w)| CriterionView {
                code: (*code).into(),
                name: (*name).into(),
                weight: *w,
            })
            .collect());
    }
    Ok(rows
        .into_iter()
        .filter(|r| r.archived == 0)
        .map(|r| CriterionView {
            code: r.code,
            name: r.name,
            weight: r.weight,
        })
        .collect())
}

/// Replaces a site's criteria (weights must add up to 100).
pub async fn set_criteria(
    app: &App,
    actor: &Actor,
    site_id: i64,
    list: &[CriterionView],
) -> AppResult<Vec<CriterionView>> {
    actor.authorize(Can::CleaningEvaluate, site_id)?;
    if list.is_empty()
        || list.iter().map(|c| c.weight).sum::<i64>() != 100
        || list.iter().any(|c| c.weight <= 0)
    {
        return Err(AppError::invalid(
            "weight",
            "weights are positive and add up to 100",
        ));
    }
    app.write(actor, |w| {
        Box::pin(async move {
            let old = store::criteria(w, site_id).await?;
            for o in &old {
                if !list.iter().any(|c| c.code == o.code) {
                    store::upsert_criterion(w, site_id, &o.code, &o.name, o.weight, true).await?;
                }
            }
            for (i, c) in list.iter().enumerate() {
                let code =
                    lobby_domain::error::code_text(&format!("criteria[{i}].code"), &c.code, 30)?;
                let name = required_text(&format!("criteria[{i}].name"), &c.name, 30)?;
                store::upsert_criterion(w, site_id, &code, &name, c.weight, false).await?;
            }
            w.audit(
                Some(site_id),
                "update",
                "eval_criteria",
                None,
                serde_json::to_value(list).unwrap_or_default(),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    criteria(app, actor, site_id).await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub inspections: i64,
    pub inspections_passed: i64,
    pub tasks_planned: i64,
    pub tasks_done: i64,
    pub heads_contracted: i64,
    pub heads_reported: i64,
    pub notices: i64,
    pub notices_closed_in_time: i64,
    pub complaints: i64,
    pub quality_checks_failed: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationScoreView {
    pub code: String,
    pub name: String,
    pub weight: i64,
    /// From the month's figures.
    pub prefilled: i64,
    /// As the supervisor set it.
    pub score: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationView {
    /// null for a draft not saved yet.
    pub id: Option<i64>,
    pub vendor_id: i64,
    pub vendor_name: String,
    /// `2026-11`
    pub month: String,
    /// Weighted total, 0–100 with one decimal.
    pub total: f64,
    pub figures: Figures,
    pub scores: Vec<EvaluationScoreView>,
    pub note: Option<String>,
    pub by: Option<String>,
    pub at: Option<String>,
}

pub(super) fn month_span(month: &str) -> AppResult<(Date, Date)> {
    crate::time::parse_month("month", month)
}

pub(super) async fn figures(
    c: &mut Conn,
    site_id: i64,
    vendor_id: i64,
    month: &str,
    now: i64,
) -> AppResult<Figures> {
    let (first, last) = month_span(month)?;
    let tz = site_tz(c, site_id).await?;
    let start = crate::scope::day_span(first, &tz)?.0;
    let end = crate::scope::day_span(last, &tz)?.1;
    ensure_tasks(c, site_id, first, last.min(time::local_date(now, &tz)?)).await?;
    let tasks = store::tasks(
        c,
        site_id,
        Some(vendor_id),
        &first.to_string(),
        &last.to_string(),
    )
    .await?;
    let today = time::local_date(now, &tz)?.to_string();
    let planned: Vec<&store::TaskRow> = tasks.iter().filter(|t| t.day <= today).collect();
    let ins = store::inspections(c, site_id, Some(vendor_id), start, end, i64::MAX, 10_000).await?;
    let v = store::vendor(c, vendor_id)
        .await?
        .ok_or(AppError::NotFound("vendor"))?;
    let heads = store::headcounts(c, site_id, &first.to_string(), &last.to_string()).await?;
    let mine: Vec<&store::HeadcountRow> =
        heads.iter().filter(|h| h.vendor_id == vendor_id).collect();
    let notices: Vec<NoticeRow> =
        store::notices(c, site_id, Some(vendor_id), false, i64::MAX, 10_000)
            .await?
            .into_iter()
            .filter(|n| n.issued_at >= start && n.issued_at < end)
            .collect();
    let quality = store::quality_checks(c, site_id, Some(vendor_id), start, end).await?;
    Ok(Figures {
        inspections: ins.len() as i64,
        inspections_passed: ins.iter().filter(|i| i.passed != 0).count() as i64,
        tasks_planned: planned.len() as i64,
        tasks_done: planned.iter().filter(|t| t.done_at.is_some()).count() as i64,
        heads_contracted: v.headcount * mine.len() as i64,
        heads_reported: mine.iter().map(|h| h.headcount.min(v.headcount)).sum(),
        notices: notices.len() as i64,
        notices_closed_in_time: notices
            .iter()
            .filter(|n| {
                n.closed_at.is_some_and(|c| c <= n.deadline_at)
                    || n.fixed_at.is_some_and(|f| f <= n.deadline_at)
            })
            .count() as i64,
        complaints: if v.kind == VendorKind::Cleaning {
            store::cleaning_complaints(c, site_id, start, end).await?
        } else {
            0
        },
        quality_checks_failed: quality.iter().filter(|q| q.passed == 0).count() as i64,
    })
}

pub(super) fn month_figures(f: &Figures) -> MonthFigures {
    MonthFigures {
        // A failed consumable or plant check counts as a failed inspection.
        inspections: f.inspections + f.quality_checks_failed,
        inspections_passed: f.inspections_passed,
        tasks_planned: f.tasks_planned,
        tasks_done: f.tasks_done,
        heads_contracted: f.heads_contracted,
        heads_reported: f.heads_reported,
        notices: f.notices,
        notices_closed_in_time: f.notices_closed_in_time,
        complaints: f.complaints,
    }
}

/// The month's evaluation of a vendor: the saved one, else a draft
/// pre-filled from the month's figures.
pub async fn evaluation(
    app: &App,
    actor: &Actor,
    vendor_id: i64,
    month: &str,
) -> AppResult<EvaluationView> {
    let (v, figs, crit, saved) = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let v = store::vendor(w, vendor_id)
                    .await?
                    .filter(|v| sees(actor, v.site_id, v.id))
                    .ok_or(AppError::NotFound("vendor"))?;
                let figs = figures(w, v.site_id, vendor_id, month, now).await?;
                let crit = criteria_in(w, v.site_id).await?;
                let saved = store::evaluations(w, v.site_id, Some(vendor_id))
                    .await?
                    .into_iter()
                    .find(|e| e.month == month.trim());
                Ok((v, figs, crit, saved))
            })
        })
        .await?;
    let mf = month_figures(&figs);
    match saved {
        Some(e) => {
            let mut c = app.db.read().await?;
            let scores = store::scores(&mut c, e.id).await?;
            Ok(EvaluationView {
                id: Some(e.id),
                vendor_id,
                vendor_name: v.name,
                month: e.month,
                total: e.total as f64 / 10.0,
                figures: figs,
                scores: scores
                    .into_iter()
                    .map(|s| EvaluationScoreView {
                        code: s.code,
                        name: s.name,
                        weight: s.weight,
                        prefilled: s.prefilled,
                        score: s.score,
                    })
                    .collect(),
                note: e.note,
                by: Some(e.by_name),
                at: Some(time::rfc3339(e.at)),
            })
        }
        None => {
            let scores: Vec<EvaluationScoreView> = crit
                .into_iter()
                .map(|c| {
                    let p = prefill(&c.code, &mf);
                    EvaluationScoreView {
                        code: c.code,
                        name: c.name,
                        weight: c.weight,
                        prefilled: p,
                        score: p,
                    }
                })
                .collect();
            let total = weighted_total(
                &scores
                    .iter()
                    .map(|s| (s.score, s.weight))
                    .collect::<Vec<_>>(),
            );
            Ok(EvaluationView {
                id: None,
                vendor_id,
                vendor_name: v.name,
                month: month.trim().into(),
                total: total as f64 / 10.0,
                figures: figs,
                scores,
                note: None,
                by: None,
                at: None,
            })
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EvaluationInput {
    /// `2026-11` (the path's month over the API).
    #[serde(default)]
    pub month: String,
    /// code → score (0–100); a criterion left out keeps its pre-filled score.
    #[serde(default)]
    pub scores: std::collections::BTreeMap<String, i64>,
    pub note: Option<String>,
}

/// Saves (or revises) the month's evaluation with the supervisor's scores.
pub async fn save_evaluation(
    app: &App,
    actor: &Actor,
    vendor_id: i64,
    input: &EvaluationInput,
) -> AppResult<EvaluationView> {
    let draft = evaluation(app, actor, vendor_id, &input.month).await?;
    let site_id = {
        let mut c = app.db.read().await?;
        store::vendor(&mut c, vendor_id)
            .await?
            .ok_or(AppError::NotFound("vendor"))?
            .site_id
    };
    actor.authorize(Can::CleaningEvaluate, site_id)?;
    let note = optional_text("note", input.note.as_deref(), 2000)?;
    for (code, s) in &input.scores {
        if !draft.scores.iter().any(|x| &x.code == code) {
            return Err(AppError::invalid(
                &format!("scores.{code}"),
                "no such criterion",
            ));
        }
        if !(0..=100).contains(s) {
            return Err(AppError::invalid(
                &format!("scores.{code}"),
                "a score is 0–100",
            ));
        }
    }
    let scores: Vec<EvaluationScoreView> = draft
        .scores
        .iter()
        .cloned()
        .map(|s| EvaluationScoreView {
            score: input.scores.get(&s.code).copied().unwrap_or(s.score),
            ..s
        })
        .collect();
    let total = weighted_total(
        &scores
            .iter()
            .map(|s| (s.score, s.weight))
            .collect::<Vec<_>>(),
    );
    let scores = &scores;
    let note = &note;
    let draft = &draft;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let id = store::upsert_evaluation(
                w,
                site_id,
                vendor_id,
                &draft.month,
                total,
                &serde_json::to_string(&draft.figures).unwrap_or_default(),
                note.as_deref(),
                &actor.display_name,
                now,
            )
            .await?;
            store::delete_evaluation_scores(w, id).await?;
            for s in scores.iter() {
                store::insert_score(w, id, &s.code, &s.name, s.weight, s.prefilled, s.score)
                    .await?;
            }
            w.audit(
                Some(site_id),
                "evaluate",
                "vendor",
                Some(vendor_id),
                serde_json::json!({"month": draft.month, "total": total}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    evaluation(app, actor, vendor_id, &draft.month).await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationRowView {
    pub id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub month: String,
    pub total: f64,
    pub by: String,
}

/// Saved evaluations, newest month first (a vendor: its own).
pub async fn evaluations(
    app: &App,
    actor: &Actor,
    site_id: i64,
    vendor_id: Option<i64>,
) -> AppResult<Vec<EvaluationRowView>> {
    let only = scope(actor, site_id, vendor_id)?;
    let mut c = app.db.read().await?;
    Ok(store::evaluations(&mut c, site_id, only)
        .await?
        .into_iter()
        .map(|e| EvaluationRowView {
            id: e.id,
            vendor_id: e.vendor_id,
            vendor_name: e.vendor_name,
            month: e.month,
            total: e.total as f64 / 10.0,
            by: e.by_name,
        })
        .collect())
}

/// The evaluations as an XLSX workbook (one row per vendor and month).
pub fn evaluations_xlsx(rows: &[EvaluationRowView]) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("考评").map_err(err)?;
    let bold = Format::new().set_bold();
    for (i, h) in ["月份 Month", "单位 Vendor", "得分 Score", "考评人 By"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, i as u16, *h, &bold)
            .map_err(err)?;
    }
    for (r, e) in rows.iter().enumerate() {
        let y = 1 + r as u32;
        ws.write_string(y, 0, &e.month).map_err(err)?;
        ws.write_string(y, 1, &e.vendor_name).map_err(err)?;
        ws.write_number(y, 2, e.total).map_err(err)?;
        ws.write_string(y, 3, &e.by).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}
