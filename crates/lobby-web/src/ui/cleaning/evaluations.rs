//! Evaluations
//!
//! Part of `cleaning`; shares its imports.

#[allow(unused_imports)]
use super::*;
use crate::ui::PageError;

pub struct Trend {
    pub vendor: String,
    pub vendor_id: i64,
    pub points: Vec<(String, f64)>,
    /// An SVG polyline's points, 0–100 mapped to the chart.
    pub line: String,
    /// The same points as (x, y) for markers.
    pub dots: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "cleaning/evaluations.html")]
pub(super) struct EvaluationsPage {
    c: Chrome,
    month: String,
    trends: Vec<Trend>,
    can_evaluate: bool,
}

#[derive(Deserialize, Default)]
pub(super) struct MonthQ {
    month: Option<String>,
}

pub(super) async fn evaluations_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Query(q): Query<MonthQ>,
) -> Result<Response, PageError> {
    let c = chrome(&s, a, &jar, "cleaning", "cleaning.evaluations").await?;
    let site = c.site_id();
    let month = q
        .month
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| today(&s, &c).strftime("%Y-%m").to_string());
    let r = async {
        Ok::<_, AppError>((
            cl::vendors(&s.app, &c.actor, site).await?,
            cl::evaluations(&s.app, &c.actor, site, None).await?,
        ))
    }
    .await;
    let (vendors, rows) = r?;
    let trends = vendors
        .iter()
        .map(|v| {
            let mut points: Vec<(String, f64)> = rows
                .iter()
                .filter(|r| r.vendor_id == v.id)
                .map(|r| (r.month.clone(), r.total))
                .collect();
            points.sort_by(|a, b| a.0.cmp(&b.0));
            let n = points.len().max(2) as f64 - 1.0;
            let line = points
                .iter()
                .enumerate()
                .map(|(i, (_, t))| {
                    format!("{:.0},{:.0}", 10.0 + i as f64 * 220.0 / n, 70.0 - t * 0.6)
                })
                .collect::<Vec<_>>()
                .join(" ");
            let dots = line
                .split(' ')
                .filter_map(|p| p.split_once(','))
                .map(|(x, y)| (x.to_string(), y.to_string()))
                .collect();
            Trend {
                vendor: v.name.clone(),
                vendor_id: v.id,
                points,
                line,
                dots,
            }
        })
        .collect();
    let can_evaluate = c.actor.can(Can::CleaningEvaluate, site);
    Ok(render(&EvaluationsPage {
        c,
        month,
        trends,
        can_evaluate,
    }))
}

pub(super) async fn evaluations_xlsx(
    State(s): State<AppState>,
    c: Chrome,
) -> Result<Response, PageError> {
    let c = c.at("cleaning", "cleaning.evaluations");
    Ok(
        match cl::evaluations(&s.app, &c.actor, c.site_id(), None)
            .await
            .and_then(|r| cl::evaluations_xlsx(&r))
        {
            Ok(bytes) => crate::files::xlsx_response(bytes, "evaluations.xlsx"),
            Err(e) => error_page(Some(&c.actor), e),
        },
    )
}

#[derive(Template)]
#[template(path = "cleaning/evaluation.html")]
pub(super) struct EvaluationPage {
    c: Chrome,
    e: EvaluationView,
    can_evaluate: bool,
    error: Option<FormError>,
}

pub(super) async fn evaluation_page(
    State(s): State<AppState>,
    jar: CookieJar,
    WebActor(a): WebActor,
    Path((vendor, month)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    evaluation_with(&s, &jar, a, vendor, month, None).await
}

pub(super) async fn evaluation_with(
    s: &AppState,
    jar: &CookieJar,
    a: Actor,
    vendor: i64,
    month: String,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = chrome(s, a, jar, "cleaning", "cleaning.evaluation").await?;
    let e = cl::evaluation(&s.app, &c.actor, vendor, &month).await?;
    let can_evaluate = c.actor.can(Can::CleaningEvaluate, c.site_id());
    let refused = error.is_some();
    Ok(render_form(
        &EvaluationPage {
            c,
            e,
            can_evaluate,
            error,
        },
        refused,
    ))
}

pub(super) async fn evaluation_save(
    State(s): State<AppState>,
    jar: CookieJar,
    Path((vendor, month)): Path<(i64, String)>,
    f: WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut scores = std::collections::BTreeMap::new();
    let mut note = String::new();
    let mut bad = None;
    for (k, v) in &f.form {
        if let Some(code) = k.strip_prefix("score_") {
            match super::super::number(k, v) {
                Ok(n) => {
                    scores.insert(code.to_string(), n);
                }
                Err(e) => bad = bad.or(Some(e)),
            }
        } else if k == "note" {
            note = v.clone();
        }
    }
    let input = EvaluationInput {
        month: month.clone(),
        scores,
        note: Some(note),
    };
    let r = match bad {
        Some(e) => Err(e),
        None => cl::save_evaluation(&s.app, &f.actor, vendor, &input).await,
    };
    match r.on_form()? {
        Ok(_) => Ok(see(&format!("/cleaning/evaluations?month={month}"))),
        Err(fe) => evaluation_with(&s, &jar, f.actor, vendor, month, Some(fe)).await,
    }
}
