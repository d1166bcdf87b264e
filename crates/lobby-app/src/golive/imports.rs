//! Bringing a workbook in: upload → preview (kept with the file) →
//! confirm, all or nothing (CONTRACT.md, "Going live").
//!
//! Permission comes before any work: the import as a whole needs a kind
//! the actor may bring in at the site; the workbook's sheet names are read
//! from its directory (no cell parsed) and each sheet needs its own kind's
//! permission. The preview is computed on a read connection; the
//! confirmation reads the kept file again and plans it again inside its
//! transaction, against the records as they are then, so what it imports is
//! exactly what a preview of that instant would say.

use lobby_domain::golive::RecordKind;
use lobby_domain::policy::Action as Can;
use serde::Serialize;

use super::apply::{self, StaffLink};
use super::cells::Labels;
use super::plan::{self, CellChange, KindPlan, RowError};
use super::read;
use crate::{time, Actor, App, AppError, AppResult};

/// How many changed or new records a preview lists by name, per kind.
pub const LISTED: usize = 200;

/// May `actor` bring `kind` in at `site_id`?
pub fn may_import(actor: &Actor, kind: RecordKind, site_id: i64) -> bool {
    actor.can(kind.action(), site_id) || actor.can(Can::SitesManage, site_id)
}

/// A changed record: its key and the cells that change.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Changed {
    pub key: String,
    pub row: usize,
    pub cells: Vec<CellChange>,
}

/// A kind's part of the preview.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct KindPreview {
    pub kind: RecordKind,
    pub sheet: String,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub errors: Vec<RowError>,
    pub warnings: Vec<String>,
    /// The first new records' keys (up to 200).
    pub new_keys: Vec<String>,
    /// The first changed records (up to 200), old → new per cell.
    pub changes: Vec<Changed>,
}

/// An upload's preview: nothing is imported while `ok` is false.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct UploadPreview {
    /// The kept upload: confirm it with `POST /imports/{id}/confirm`.
    pub id: Option<i64>,
    pub site_id: i64,
    /// `previewed` or `confirmed`.
    pub state: String,
    pub ok: bool,
    pub kinds: Vec<KindPreview>,
    /// Sheets whose names are no kind's: left out.
    pub ignored_sheets: Vec<String>,
    /// New colleagues' one-time links to set a password, shown once, on
    /// the confirmation's answer only.
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    pub staff_links: Vec<StaffLink>,
}

fn preview_of(
    site_id: i64,
    plans: &[KindPlan],
    ignored: Vec<String>,
    labels: &dyn Labels,
    en: bool,
) -> UploadPreview {
    let kinds: Vec<KindPreview> = plans
        .iter()
        .map(|p| KindPreview {
            kind: p.kind,
            sheet: p.sheet.clone(),
            new: p.new.len(),
            changed: p.changed.len(),
            unchanged: p.unchanged,
            errors: p.errors.clone(),
            warnings: p.warnings.clone(),
            new_keys: p
                .new
                .iter()
                .take(LISTED)
                .map(|r| super::cells::key_of(p.kind, &r.cells))
                .collect(),
            changes: p
                .changed
                .iter()
                .take(LISTED)
                .map(|(r, old)| Changed {
                    key: super::cells::key_of(p.kind, &r.cells),
                    row: r.row,
                    cells: p
                        .kind
                        .columns()
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| old[*i] != r.cells[*i])
                        .map(|(i, c)| CellChange {
                            column: if en { c.en } else { c.zh }.to_string(),
                            old: super::cells::shown(c, &old[i], labels, en),
                            new: super::cells::shown(c, &r.cells[i], labels, en),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    UploadPreview {
        id: None,
        site_id,
        state: "previewed".into(),
        ok: kinds.iter().all(|k| k.errors.is_empty()),
        kinds,
        ignored_sheets: ignored,
        staff_links: Vec::new(),
    }
}

/// An upload's files: (name, bytes).
pub type Files = [(Option<String>, Vec<u8>)];

type PerFile = Vec<(read::Named, Vec<u8>)>;

/// Reads the workbooks' sheets the actor may bring in: each file's sheet
/// names first, from its directory alone, and a sheet of a kind the actor
/// may not bring in is refused before any cell of any file is parsed. A
/// kind in two files is refused: which one would be meant? The reading is
/// CPU work, on the blocking pool.
async fn sheets_of(
    actor: &Actor,
    site_id: i64,
    files: &Files,
) -> AppResult<(Vec<read::Sheet>, Vec<String>)> {
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    if total > read::MAX_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    if files.is_empty() {
        return Err(AppError::invalid("file", "choose a workbook"));
    }
    let owned = files.to_vec();
    let (per_file, unknown) = tokio::task::spawn_blocking(move || kinds_of_all(&owned))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    for (kinds, _) in &per_file {
        if let Some((k, _)) = kinds.iter().find(|(k, _)| !may_import(actor, *k, site_id)) {
            return Err(AppError::Refused {
                code: "forbidden_kind",
                message: format!(
                    "you may not bring {} in at this site: remove that sheet or ask who may",
                    k.sheet(true).to_lowercase()
                ),
                id: None,
            });
        }
    }
    let sheets = tokio::task::spawn_blocking(move || {
        let mut sheets = Vec::new();
        for (kinds, bytes) in per_file {
            sheets.extend(read::read_sheets(&bytes, &kinds)?);
        }
        Ok::<_, AppError>(sheets)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    Ok((sheets, unknown))
}

/// Each file's kinds, from its directory alone.
fn kinds_of_all(files: &Files) -> AppResult<(PerFile, Vec<String>)> {
    let mut per_file = Vec::new();
    let mut unknown = Vec::new();
    let mut seen: Vec<RecordKind> = Vec::new();
    for (name, bytes) in files {
        let (kinds, other) = read::kinds_in(bytes).map_err(|e| match (e, name) {
            (AppError::Invalid { message, .. }, Some(n)) => {
                AppError::invalid("file", format!("{n}: {message}"))
            }
            (e, _) => e,
        })?;
        for (k, _) in &kinds {
            if seen.contains(k) {
                return Err(AppError::invalid(
                    "file",
                    format!("two files hold {}: keep one", k.sheet(false)),
                ));
            }
            seen.push(*k);
        }
        unknown.extend(other);
        per_file.push((kinds, bytes.clone()));
    }
    Ok((per_file, unknown))
}

fn check_entry(actor: &Actor, site_id: i64) -> AppResult<()> {
    if RecordKind::ALL
        .iter()
        .any(|k| may_import(actor, *k, site_id))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Previews an upload of one or more workbooks (references across them
/// hold) and keeps it for the confirmation (`keep`), or only previews it
/// (the command line's `--dry-run`).
pub async fn upload(
    app: &App,
    actor: &Actor,
    site_id: i64,
    files: &Files,
    labels: &dyn Labels,
    keep: bool,
) -> AppResult<UploadPreview> {
    check_entry(actor, site_id)?;
    let en = actor.locale == "en";
    let (sheets, unknown) = sheets_of(actor, site_id, files).await?;
    let mut preview = {
        let mut c = app.db.read().await?;
        let site = crate::scope::site_row(&mut c, site_id).await?;
        let plans = plan::plan(&mut c, site_id, &site.timezone, &sheets, labels, en).await?;
        preview_of(site_id, &plans, unknown, labels, en)
    };
    if keep {
        let kinds: Vec<&str> = preview.kinds.iter().map(|k| k.kind.as_str()).collect();
        let (kinds, json) = (
            kinds.join(","),
            serde_json::to_string(&preview).map_err(|e| AppError::Internal(e.into()))?,
        );
        let (kinds, json) = (&kinds, &json);
        let id = app
            .write(actor, |w| {
                Box::pin(async move {
                    let now = w.now();
                    let id = lobby_store::golive::imports::insert(
                        w,
                        &lobby_store::golive::imports::NewImport {
                            site_id,
                            created_by: Some(actor.user_id).filter(|u| *u > 0),
                            created_by_name: &actor.display_name,
                            files,
                            kinds,
                            preview: json,
                        },
                        now,
                    )
                    .await?;
                    w.audit(
                        Some(site_id),
                        "upload",
                        "import",
                        Some(id),
                        serde_json::json!({
                            "kinds": kinds,
                            "files": files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
                        }),
                    )
                    .await?;
                    Ok(id)
                })
            })
            .await?;
        preview.id = Some(id);
    }
    Ok(preview)
}

/// Imports a kept upload, all or nothing: planned again in the
/// transaction; any bad row refuses it whole (422 with the preview of
/// now). Confirmed once: a second confirmation is refused.
pub async fn confirm(
    app: &App,
    actor: &Actor,
    id: i64,
    labels: &dyn Labels,
) -> AppResult<UploadPreview> {
    let (row, files) = {
        let mut c = app.db.read().await?;
        let row = lobby_store::golive::imports::by_id(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("import"))?;
        check_entry(actor, row.site_id)?;
        let files = lobby_store::golive::imports::files(&mut c, id).await?;
        (row, files)
    };
    if row.state != "previewed" {
        return Err(AppError::InvalidTransition(
            "this upload was imported already".into(),
        ));
    }
    let site_id = row.site_id;
    let en = actor.locale == "en";
    let (sheets, unknown) = sheets_of(actor, site_id, &files).await?;
    let tz = {
        let mut c = app.db.read().await?;
        crate::scope::site_row(&mut c, site_id).await?.timezone
    };
    let unusable = crate::auth::hash_off_runtime(&crate::auth::random_token()).await?;
    let (sheets, unknown, tz, unusable) = (&sheets, &unknown, &tz, &unusable);
    let out = app
        .write(actor, |w| {
            Box::pin(async move {
                let plans = plan::plan(w, site_id, tz, sheets, labels, en).await?;
                let mut preview = preview_of(site_id, &plans, unknown.clone(), labels, en);
                if !preview.ok {
                    return Ok(Err(preview));
                }
                let now = w.now();
                let by = actor.display_name.clone();
                let applied = apply::apply(
                    w,
                    &apply::Ctx {
                        site_id,
                        tz: time::zone(tz)?,
                        now,
                        by: &by,
                        unusable_hash: unusable,
                        dialect: app.db.dialect(),
                    },
                    &plans,
                )
                .await?;
                preview.id = Some(id);
                preview.state = "confirmed".into();
                let json =
                    serde_json::to_string(&preview).map_err(|e| AppError::Internal(e.into()))?;
                if !lobby_store::golive::imports::confirm(w, id, &json, &by, now).await? {
                    return Err(AppError::InvalidTransition(
                        "this upload was imported already".into(),
                    ));
                }
                let counts: Vec<serde_json::Value> = preview
                    .kinds
                    .iter()
                    .map(
                        |k| serde_json::json!({"kind": k.kind, "new": k.new, "changed": k.changed}),
                    )
                    .collect();
                w.audit(
                    Some(site_id),
                    "confirm",
                    "import",
                    Some(id),
                    serde_json::json!({"kinds": counts, "staff_links": applied.links.len()}),
                )
                .await?;
                // Finance takes over what is owed and held from here: told
                // how many records came, on its own statements list.
                let money: usize = preview
                    .kinds
                    .iter()
                    .filter(|k| {
                        matches!(k.kind, RecordKind::OpeningBalances | RecordKind::Deposits)
                    })
                    .map(|k| k.new + k.changed)
                    .sum();
                if money > 0 {
                    w.notify(
                        site_id,
                        lobby_domain::roles::Role::Finance,
                        "golive_money",
                        &money.to_string(),
                        "",
                        Some("/statements"),
                    )
                    .await?;
                }
                preview.staff_links = applied.links;
                Ok(Ok(preview))
            })
        })
        .await?;
    out.map_err(|p| match serde_json::to_value(&p) {
        Ok(v) => AppError::ImportRefused(Box::new(v)),
        Err(e) => AppError::Internal(e.into()),
    })
}

/// One of a site's uploads, as previewed (or as imported), for who may
/// bring in every kind it holds.
pub async fn get(app: &App, actor: &Actor, id: i64) -> AppResult<UploadPreview> {
    let mut c = app.db.read().await?;
    let row = lobby_store::golive::imports::by_id(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("import"))?;
    // Only who may bring in every kind it holds reads it (the staff sheet's
    // colleagues are not the key desk's to read).
    let all = row
        .kinds
        .split(',')
        .filter_map(|k| k.parse::<RecordKind>().ok())
        .all(|k| may_import(actor, k, row.site_id));
    if !all {
        return Err(AppError::NotFound("import"));
    }
    let mut p: UploadPreview =
        serde_json::from_str(&row.preview).map_err(|e| AppError::Internal(e.into()))?;
    p.id = Some(row.id);
    p.state = row.state;
    Ok(p)
}

/// One of a site's uploads, for the list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub id: i64,
    pub created_at: String,
    pub created_by_name: String,
    pub kinds: Vec<RecordKind>,
    /// `previewed` or `confirmed`.
    pub state: String,
    pub confirmed_at: Option<String>,
}

/// A site's latest uploads (up to 20), for who may bring records in there.
pub async fn recent(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<ImportSummary>> {
    check_entry(actor, site_id)?;
    let mut c = app.db.read().await?;
    let rows = lobby_store::golive::imports::of_site(&mut c, site_id, 20).await?;
    Ok(rows
        .into_iter()
        .map(|r| ImportSummary {
            id: r.id,
            created_at: time::rfc3339(r.created_at),
            created_by_name: r.created_by_name,
            kinds: r.kinds.split(',').filter_map(|k| k.parse().ok()).collect(),
            state: r.state,
            confirmed_at: r.confirmed_at.map(time::rfc3339),
        })
        .collect())
}
