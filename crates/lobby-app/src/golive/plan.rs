//! The preview that tells the truth: each sheet's rows in their one form,
//! matched to the site's records by natural key — new, changed (old → new
//! per cell), unchanged — and every bad row named by sheet, row, column and
//! reason in the reader's language, references across sheets included (a
//! lease naming a unit from the units sheet of the same upload).

use std::collections::{HashMap, HashSet};

use lobby_domain::fees::{format_reading, yuan};
use lobby_domain::golive::RecordKind;
use lobby_store::Conn;
use serde::{Deserialize, Serialize};

use super::cells::{at, canonical, form, key_of, say, Form, Labels, Rec};
use super::checks::Known;
use super::read::Sheet;
use crate::{time, AppResult};

/// A bad row: nothing is imported while there is one.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowError {
    pub sheet: String,
    /// The row's number in the sheet (as Excel shows it).
    pub row: usize,
    /// The column's header, in the reader's language.
    pub column: String,
    pub reason: String,
}

/// One cell a row changes.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CellChange {
    pub column: String,
    pub old: String,
    pub new: String,
}

/// A kind's part of an upload.
#[derive(Debug, Clone)]
pub struct KindPlan {
    pub kind: RecordKind,
    pub sheet: String,
    pub new: Vec<Rec>,
    /// The row, with the existing record's cells.
    pub changed: Vec<(Rec, Vec<String>)>,
    pub unchanged: usize,
    pub errors: Vec<RowError>,
    pub warnings: Vec<String>,
}

/// A site's records of `kind`, in their one form.
pub async fn existing(
    c: &mut Conn,
    site_id: i64,
    tz: &str,
    kind: RecordKind,
    labels: &dyn Labels,
) -> AppResult<Vec<Vec<String>>> {
    if kind == RecordKind::OpeningBalances {
        return opening_rows(c, site_id).await;
    }
    let mut rows = lobby_store::golive::rows::rows(c, kind.as_str(), site_id).await?;
    if kind == RecordKind::Tenants {
        let mut lets: HashMap<String, Vec<String>> = HashMap::new();
        for (t, u) in lobby_store::golive::rows::current_lets(c, site_id).await? {
            lets.entry(t).or_default().push(u);
        }
        let u = at(kind, "units");
        for r in &mut rows {
            if let Some(mut us) = lets.remove(&r[0]) {
                us.sort();
                r[u] = us.join(",");
            }
        }
    }
    let cols = kind.columns();
    for r in &mut rows {
        for (i, c) in cols.iter().enumerate() {
            let v = std::mem::take(&mut r[i]);
            r[i] = match form(c) {
                _ if v.is_empty() => v,
                Form::Yuan => v.parse::<i64>().map(yuan).unwrap_or(v),
                Form::Reading => v.parse::<i64>().map(format_reading).unwrap_or(v),
                Form::Date if v.len() > 10 && v.bytes().all(|b| b.is_ascii_digit()) => {
                    time::local_date(v.parse().unwrap_or(0), tz)?.to_string()
                }
                _ => canonical(c, &v, labels, false).unwrap_or(v),
            };
        }
    }
    Ok(rows)
}

/// What each tenant still owes of each issued statement, by item: what was
/// paid towards a statement is taken off its lines in order.
async fn opening_rows(c: &mut Conn, site_id: i64) -> AppResult<Vec<Vec<String>>> {
    let lines = lobby_store::golive::rows::open_lines(c, site_id).await?;
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut owed: HashMap<(i64, String), usize> = HashMap::new();
    let mut paid_left: HashMap<i64, i64> = HashMap::new();
    for l in lines {
        let left = paid_left.entry(l.statement_id).or_insert(l.paid_fen);
        let take = (*left).clamp(0, l.amount_fen.max(0));
        *left -= take;
        let amount = l.amount_fen - take;
        if amount <= 0 {
            continue;
        }
        match owed.get(&(l.statement_id, l.item.clone())) {
            Some(&i) => {
                let was: i64 = lobby_domain::fees::parse_yuan("amount", &out[i][3]).unwrap_or(0);
                out[i][3] = yuan(was.saturating_add(amount));
            }
            None => {
                owed.insert((l.statement_id, l.item.clone()), out.len());
                out.push(vec![l.tenant, l.month, l.item, yuan(amount), l.due_date]);
            }
        }
    }
    Ok(out)
}

/// Plans an upload against the site's records.
pub async fn plan(
    c: &mut Conn,
    site_id: i64,
    tz: &str,
    sheets: &[Sheet],
    labels: &dyn Labels,
    en: bool,
) -> AppResult<Vec<KindPlan>> {
    let mut olds: HashMap<RecordKind, Vec<Vec<String>>> = HashMap::new();
    for k in RecordKind::ALL {
        let needed = sheets.iter().any(|s| s.kind == *k)
            || matches!(
                k,
                RecordKind::Units | RecordKind::Tenants | RecordKind::Leases
            );
        if needed {
            olds.insert(*k, existing(c, site_id, tz, *k, labels).await?);
        }
    }
    let mut known = Known {
        units: HashSet::new(),
        tenants: HashSet::new(),
        let_to: HashMap::new(),
        own_statements: HashSet::new(),
        outside_usernames: lobby_store::golive::rows::outside_usernames(c)
            .await?
            .into_iter()
            .collect(),
        fee_items: olds
            .get(&RecordKind::FeeItems)
            .into_iter()
            .flatten()
            .map(|r| (r[0].clone(), (r[1].clone(), r[2].clone())))
            .collect(),
    };
    for r in olds.get(&RecordKind::Units).into_iter().flatten() {
        known.units.insert(r[2].clone());
    }
    for r in olds.get(&RecordKind::Tenants).into_iter().flatten() {
        known.tenants.insert(r[0].clone());
    }
    for r in olds.get(&RecordKind::Leases).into_iter().flatten() {
        known.let_to.insert(r[0].clone(), r[1].clone());
    }
    known
        .own_statements
        .extend(lobby_store::golive::rows::own_statement_months(c, site_id).await?);
    // The rows of every sheet in their one form, first: the checks of one
    // sheet see the keys of all of them.
    let mut plans = Vec::new();
    let mut recs_of: HashMap<RecordKind, Vec<Rec>> = HashMap::new();
    for s in sheets {
        let (recs, errors, warnings) = rows_of(s, labels, en);
        if s.kind == RecordKind::Units {
            for r in &recs {
                known.units.insert(r.cells[2].clone());
            }
        }
        if s.kind == RecordKind::Tenants {
            for r in &recs {
                known.tenants.insert(r.cells[0].clone());
            }
        }
        recs_of.insert(s.kind, recs);
        plans.push(KindPlan {
            kind: s.kind,
            sheet: s.name.clone(),
            new: Vec::new(),
            changed: Vec::new(),
            unchanged: 0,
            errors,
            warnings,
        });
    }
    plans.sort_by_key(|p| RecordKind::ALL.iter().position(|k| *k == p.kind));
    let mut across = super::checks::across(&recs_of, en);
    for p in &mut plans {
        let s = sheets.iter().find(|s| s.kind == p.kind).map(|s| &s.columns);
        let recs = recs_of.remove(&p.kind).unwrap_or_default();
        let old: HashMap<String, &Vec<String>> = olds
            .get(&p.kind)
            .into_iter()
            .flatten()
            .map(|r| (key_of(p.kind, r), r))
            .collect();
        for mut r in recs {
            let key = key_of(p.kind, &r.cells);
            let was = old.get(&key).copied();
            // Absent columns, and empty cells of a column with a default,
            // keep what the record has; a new record takes the default.
            for (i, col) in p.kind.columns().iter().enumerate() {
                let absent = s.is_none_or(|cs| cs[i].is_none());
                let default = p.kind.default_of(col.key);
                if absent || (r.cells[i].is_empty() && default.is_some()) {
                    r.cells[i] = match was {
                        Some(w) => w[i].clone(),
                        None => default.unwrap_or("").to_string(),
                    };
                }
            }
            let mut problems =
                super::checks::check(p.kind, &r, was.map(|v| v.as_slice()), &known, en);
            problems.extend(across.remove(&(p.kind, r.row)).unwrap_or_default());
            if !problems.is_empty() {
                for (key, reason) in problems {
                    p.errors.push(error(p, &r, key, reason, en));
                }
                continue;
            }
            match was {
                None => p.new.push(r),
                Some(w) if *w == r.cells => p.unchanged += 1,
                Some(w) => p.changed.push((r, w.clone())),
            }
        }
        p.errors.sort_by_key(|e| e.row);
    }
    Ok(plans)
}

fn error(p: &KindPlan, r: &Rec, key: &str, reason: String, en: bool) -> RowError {
    RowError {
        sheet: p.sheet.clone(),
        row: r.row,
        column: column_name(p.kind, key, en),
        reason,
    }
}

/// A column's header for the reader.
pub fn column_name(kind: RecordKind, key: &str, en: bool) -> String {
    kind.columns()
        .iter()
        .find(|c| c.key == key)
        .map(|c| if en { c.en } else { c.zh })
        .unwrap_or(key)
        .to_string()
}

/// A sheet's rows in their one form, with the cells that are not; a row
/// the same as the template's example is said.
fn rows_of(s: &Sheet, labels: &dyn Labels, en: bool) -> (Vec<Rec>, Vec<RowError>, Vec<String>) {
    let cols = s.kind.columns();
    let example: Vec<String> = cols
        .iter()
        .map(|c| canonical(c, c.example, labels, false).unwrap_or_default())
        .collect();
    let mut recs = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, raw) in &s.rows {
        let mut cells = Vec::with_capacity(cols.len());
        let mut bad = false;
        for (i, c) in cols.iter().enumerate() {
            let v = s.columns[i]
                .and_then(|j| raw.get(j))
                .map(String::as_str)
                .unwrap_or("");
            match canonical(c, v, labels, en) {
                Ok(v) if v.is_empty() && c.required => {
                    errors.push(RowError {
                        sheet: s.name.clone(),
                        row: *row,
                        column: if en { c.en } else { c.zh }.to_string(),
                        reason: say(en, "必填", "required"),
                    });
                    bad = true;
                    cells.push(v);
                }
                Ok(v) => cells.push(v),
                Err(reason) => {
                    errors.push(RowError {
                        sheet: s.name.clone(),
                        row: *row,
                        column: if en { c.en } else { c.zh }.to_string(),
                        reason,
                    });
                    bad = true;
                    cells.push(String::new());
                }
            }
        }
        if cells == example {
            // Said, not left out: a department's own record may be the
            // example's twin (its 2号电梯).
            warnings.push(say(
                en,
                &format!("第 {row} 行与模板的示例相同：若不是贵项目的记录，请删去"),
                &format!("row {row} is the template's example: delete it unless it is yours"),
            ));
        }
        if bad {
            continue;
        }
        let key = key_of(s.kind, &cells);
        if let Some(first) = seen.insert(key.clone(), *row) {
            errors.push(RowError {
                sheet: s.name.clone(),
                row: *row,
                column: column_name(s.kind, s.kind.key()[0], en),
                reason: say(
                    en,
                    &format!("“{key}”与第 {first} 行重复"),
                    &format!("“{key}” is also on row {first}"),
                ),
            });
            continue;
        }
        recs.push(Rec { row: *row, cells });
    }
    (recs, errors, warnings)
}
