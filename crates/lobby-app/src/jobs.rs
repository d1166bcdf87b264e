//! Background jobs: the SLA sweep, missed patrols, overdue notices, and
//! the removal of abandoned uploads. One process at a time runs them (the
//! leader, `Db::try_lead`); each breach is also claimed by a conditional
//! update, so even two sweeps at once escalate a ticket exactly once.

use std::future::Future;
use std::time::Duration;

use lobby_domain::roles::Role;
use lobby_store::tickets as store;

use crate::{notify, App, AppResult};

/// Marks every ticket past a deadline as breached, escalates it to the
/// project manager (flag, event, notification) and audits it. Returns how
/// many it handled.
pub async fn sla_sweep(app: &App) -> AppResult<usize> {
    let now = app.now();
    let ids = {
        let mut c = app.db.read().await?;
        store::breach_candidates(&mut c, now, 500).await?
    };
    let mut handled = 0;
    for id in ids {
        let done = app
            .write_as_system(|w| {
                Box::pin(async move {
                    let now = w.now();
                    if !store::mark_breached(w, id, now).await? {
                        return Ok(false); // another sweep got it first
                    }
                    let Some(t) = store::get(w, id).await? else {
                        return Ok(false);
                    };
                    let which = if t.state == lobby_domain::tickets::State::Open
                        && t.response_due_at < now
                    {
                        "response"
                    } else {
                        "resolution"
                    };
                    let detail = serde_json::json!({"breach": which});
                    store::insert_event(
                        w,
                        &store::NewEvent {
                            ticket_id: id,
                            at: now,
                            actor_id: None,
                            actor_name: crate::SYSTEM_NAME,
                            action: "sla_breach",
                            from_state: Some(t.state.as_str()),
                            to_state: t.state.as_str(),
                            note: None,
                            detail: &detail.to_string(),
                        },
                    )
                    .await?;
                    // What happened is the kind (shown in the reader's
                    // language); title and body are the record's own words.
                    let title = format!("{}: {}", t.number, t.title);
                    let body = t
                        .unit_number
                        .clone()
                        .or(t.location.clone())
                        .unwrap_or_default();
                    notify::to_role(
                        w,
                        now,
                        t.site_id,
                        Role::ProjectManager,
                        "sla_breach",
                        &title,
                        &body,
                        Some(&format!("/tickets/{id}")),
                    )
                    .await?;
                    w.audit(Some(t.site_id), "sla_breach", "ticket", Some(id), detail)
                        .await?;
                    Ok(true)
                })
            })
            .await?;
        handled += usize::from(done);
    }
    Ok(handled)
}

/// How long a previewed, unconfirmed upload is kept: a day.
pub const STAGED_MAX_AGE: i64 = 86_400_000_000;

/// Runs the jobs every `every` while this process leads; tries to lead on
/// each tick until it does. Never returns.
pub async fn run(app: App, every: Duration) {
    let mut leader = None;
    metrics::gauge!("lobby_jobs_leader").set(0.0);
    let mut tick = tokio::time::interval(every);
    // Staged uploads are swept hourly (listing a bucket on every tick is waste).
    let mut last_staged_sweep: Option<tokio::time::Instant> = None;
    loop {
        tick.tick().await;
        if leader.is_none() {
            match app.db.try_lead().await {
                Ok(Some(l)) => {
                    tracing::info!("this process runs the background jobs");
                    metrics::gauge!("lobby_jobs_leader").set(1.0);
                    leader = Some(l);
                }
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot ask to lead the background jobs");
                    continue;
                }
            }
        }
        if let Some(l) = leader.as_mut() {
            if !l.alive().await {
                tracing::warn!("lost the job lock; will ask again");
                metrics::gauge!("lobby_jobs_leader").set(0.0);
                leader = None;
                continue;
            }
        }
        sweep(&app, "sla_sweep", sla_sweep(&app)).await;
        sweep(&app, "missed_patrols", crate::patrols::missed_sweep(&app)).await;
        sweep(
            &app,
            "overdue_notices",
            crate::cleaning::overdue_sweep(&app),
        )
        .await;
        sweep(&app, "overdue_keys", crate::keys::overdue_key_sweep(&app)).await;
        sweep(&app, "dunning", crate::fees::dunning_sweep(&app)).await;
        sweep(
            &app,
            "liaison_deadlines",
            crate::work_log::liaison_sweep(&app),
        )
        .await;
        sweep(&app, "daily_digest", crate::digest::digest_sweep(&app)).await;
        if last_staged_sweep.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
            last_staged_sweep = Some(tokio::time::Instant::now());
            let staged = app.blobs.sweep_staged(app.now(), STAGED_MAX_AGE);
            sweep(&app, "staged_uploads", staged).await;
        }
    }
}

/// Runs one job's round and records it: `lobby_job_runs_total{job,outcome}`,
/// `lobby_job_items_total{job}` (what it handled), its duration, and the
/// time of its last success (by the app's clock) — what the alert "SLA sweep
/// not running" watches.
async fn sweep(app: &App, job: &'static str, round: impl Future<Output = AppResult<usize>>) {
    let start = std::time::Instant::now();
    let outcome = match round.await {
        Ok(n) => {
            if n > 0 {
                tracing::info!(job, handled = n, "background job");
                metrics::counter!("lobby_job_items_total", "job" => job).increment(n as u64);
            }
            metrics::gauge!("lobby_job_last_success_timestamp_seconds", "job" => job)
                .set(app.now() as f64 / 1e6);
            "ok"
        }
        Err(e) => {
            tracing::error!(job, error = ?e, "background job failed");
            "error"
        }
    };
    metrics::counter!("lobby_job_runs_total", "job" => job, "outcome" => outcome).increment(1);
    metrics::histogram!("lobby_job_duration_seconds", "job" => job)
        .record(start.elapsed().as_secs_f64());
}
