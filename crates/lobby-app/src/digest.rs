//! The daily digest (每日简报): at a set hour in each site's zone the
//! supervisor and the project manager are sent yesterday's figures — work
//! orders by channel and kind, complaints, deadlines breached, patrols
//! missed, emergencies, money received and the arrears standing. One row
//! per site and day, taken in the same transaction as the notifications,
//! makes it exactly once however many servers run the job.

use jiff::civil::Date;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_store::digest as store;
use serde::{Deserialize, Serialize};

use crate::scope::day_span;
use crate::{time, Actor, App, AppError, AppResult};
pub use lobby_domain::digest::{body_text, text, Count, DigestFigures};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DigestView {
    pub id: i64,
    pub site_id: i64,
    pub day: String,
    pub created_at: String,
    pub figures: DigestFigures,
}

fn view(r: store::DigestRow) -> AppResult<DigestView> {
    Ok(DigestView {
        id: r.id,
        site_id: r.site_id,
        created_at: time::rfc3339(r.created_at),
        figures: crate::error::stored_json("digests.figures", &r.figures)?,
        day: r.day,
    })
}

fn counts(rows: &[store::OpenedRow], key: impl Fn(&store::OpenedRow) -> &str) -> Vec<Count> {
    let mut m: std::collections::BTreeMap<String, i64> = Default::default();
    for r in rows {
        *m.entry(key(r).to_string()).or_insert(0) += r.n;
    }
    let mut v: Vec<Count> = m.into_iter().map(|(key, n)| Count { key, n }).collect();
    v.sort_by(|a, b| b.n.cmp(&a.n).then(a.key.cmp(&b.key)));
    v
}

/// The figures of `day` at a site (for a caller already let in).
pub async fn figures(app: &App, site_id: i64, day: Date) -> AppResult<DigestFigures> {
    let day_s = day.to_string();
    let (opened, counts_, desk, missed) = {
        let mut c = app.db.read().await?;
        let site = crate::scope::site_row(&mut c, site_id).await?;
        let (from, to) = day_span(day, &site.timezone)?;
        (
            store::opened(&mut c, site_id, from, to).await?,
            store::day_counts(&mut c, site_id, from, to).await?,
            lobby_store::desk::counts_between(&mut c, site_id, from, to).await?,
            store::patrols_missed(&mut c, site_id, &day_s).await?,
        )
    };
    let arrears = crate::fees::arrears_of(app, site_id, None).await?;
    Ok(DigestFigures {
        day: day_s,
        opened: opened.iter().map(|r| r.n).sum(),
        by_channel: counts(&opened, |r| r.channel.as_str()),
        complaints: opened
            .iter()
            .filter(|r| r.kind == lobby_domain::tickets::Kind::Complaint)
            .map(|r| r.n)
            .sum(),
        by_kind: counts(&opened, |r| r.kind.as_str()),
        closed: counts_.closed,
        open_at_end: counts_.open_at_end,
        breaches: counts_.breaches,
        patrols_missed: missed,
        incidents: desk.incidents,
        visitors: desk.visitors,
        parcels: desk.parcels,
        payments: counts_.payments,
        payments_fen: counts_.payments_fen,
        arrears_tenants: arrears.len() as i64,
        arrears_fen: AppError::sum_fen("arrears", arrears.iter().map(|a| a.balance_fen))?,
    })
}

/// Makes and sends the digest of `day` at a site unless it was made
/// already; the new digest's id, or `None`.
pub async fn make(app: &App, site_id: i64, day: Date) -> AppResult<Option<i64>> {
    let f = figures(app, site_id, day).await?;
    let json = serde_json::to_string(&f).map_err(|e| AppError::Internal(e.into()))?;
    let (json, day_s) = (&json, &f.day);
    app.write_as_system(|w| {
        Box::pin(async move {
            let now = w.now();
            let Some(id) = store::insert(w, site_id, day_s, json, now).await? else {
                return Ok(None); // another server (or an earlier tick) made it
            };
            let site = crate::scope::site_row(w, site_id).await?;
            let title = format!("{} {day_s}", site.name);
            let link = format!("/digests/{id}");
            for role in [Role::CsSupervisor, Role::ProjectManager] {
                crate::notify::to_role(w, now, site_id, role, "digest", &title, json, Some(&link))
                    .await?;
            }
            Ok(Some(id))
        })
    })
    .await
}

/// For each site whose digest hour has come today (site time), makes
/// yesterday's digest once. Returns how many it made.
pub async fn digest_sweep(app: &App) -> AppResult<usize> {
    let now = time::ts(app.now());
    let sites = {
        let mut c = app.db.read().await?;
        lobby_store::sites::sites(&mut c).await?
    };
    let mut made = 0;
    for s in sites.into_iter().filter(|s| s.archived == 0) {
        let local = now.to_zoned(time::zone(&s.timezone)?);
        if i64::from(local.hour()) < s.digest_hour {
            continue;
        }
        let Ok(day) = local.date().yesterday() else {
            continue;
        };
        let taken = {
            let mut c = app.db.read().await?;
            store::exists(&mut c, s.id, &day.to_string()).await?
        };
        if !taken && make(app, s.id, day).await?.is_some() {
            made += 1;
        }
    }
    Ok(made)
}

pub async fn list(
    app: &App,
    actor: &Actor,
    site_id: i64,
    limit: i64,
) -> AppResult<Vec<DigestView>> {
    actor.authorize(Can::ReportsRead, site_id)?;
    let mut c = app.db.read().await?;
    store::list(&mut c, site_id, limit.clamp(1, 10_000))
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// One digest; not found outside the actor's sites.
pub async fn get(app: &App, actor: &Actor, id: i64) -> AppResult<DigestView> {
    let mut c = app.db.read().await?;
    let r = store::get(&mut c, id)
        .await?
        .filter(|r| actor.can(Can::ReportsRead, r.site_id))
        .ok_or(AppError::NotFound("digest"))?;
    view(r)
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct DigestQuery {
    pub site_id: i64,
}
