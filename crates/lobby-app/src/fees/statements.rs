//! Monthly statements (账单): generated per tenant per month from the days
//! each unit was held, its area, its meters' readings and the tenant's
//! charges; draft → issued (by finance) → paid. Generating a month again
//! makes nothing new; an issued statement is never edited.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::ToSpan;
use lobby_domain::fees::{
    area_amount, days_held, fixed_amount, format_reading, meter_amount, statement_total,
    used_between, yuan, FeeBasis, StatementState,
};
use lobby_domain::money::{Fen, MAX_LINE_FEN, MAX_TOTAL_FEN};
use lobby_domain::policy::Action as Can;
use lobby_store::fees::{self as store, LineRow, NewStatement, StatementFilter, StatementRow};
use serde::{Deserialize, Serialize};

use crate::page::{self, Page};
use crate::{time, Actor, App, AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LineView {
    pub label: String,
    /// What was counted, in numbers: `88.88 m² · 30/30`, `1234.5 − 1000 = 234.5`.
    pub quantity: String,
    pub rate_fen: i64,
    pub amount_fen: i64,
    pub fee_item_id: Option<i64>,
    pub unit_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatementView {
    pub id: i64,
    pub site_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    /// The units the tenant occupies now (`1203`).
    pub units: Vec<String>,
    /// `2026-11`
    pub month: String,
    /// `ZD-202611-0001`
    pub number: String,
    pub state: StatementState,
    pub lines: Vec<LineView>,
    pub total_fen: i64,
    pub paid_fen: i64,
    pub balance_fen: i64,
    /// The total is below zero: a credit note (贷项通知单), what the site
    /// owes the tenant. It is never `paid`; it stays `issued`.
    pub credit_note: bool,
    /// `2026-12-15`
    pub due_date: String,
    /// Issued, not paid, and past its due date.
    pub overdue: bool,
    pub issued_at: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct StatementQuery {
    pub site_id: i64,
    /// `2026-11`
    pub month: Option<String>,
    pub tenant_id: Option<i64>,
    /// Any state when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    #[param(value_type = Option<StatementState>)]
    pub state: Option<StatementState>,
    /// Text the tenant's name, the statement's number or one of the
    /// tenant's units contains (`1203`; up to 100 characters).
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct GenerateInput {
    pub site_id: i64,
    /// `2026-11`: this month or an earlier one; next month only with a
    /// `reason`.
    pub month: String,
    /// Why next month is billed ahead (a move-out).
    #[serde(default)]
    pub reason: Option<String>,
}

/// The day a month's statement is due: the 15th of the month after.
pub fn due_date(first: Date) -> Date {
    first
        .first_of_month()
        .checked_add(1.month())
        .and_then(|d| d.checked_add(14.days()))
        .unwrap_or(first)
}

pub(crate) fn statement_view(
    r: StatementRow,
    lines: &[LineRow],
    today: Date,
) -> AppResult<StatementView> {
    let state = r.state;
    let due: Date = crate::error::stored("statements.due_date", &r.due_date)?;
    let balance = r.total_fen.checked_sub(r.paid_fen).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("statement {}'s balance overflows", r.id))
    })?;
    Ok(StatementView {
        credit_note: r.total_fen < 0,
        lines: lines
            .iter()
            .filter(|l| l.statement_id == r.id)
            .map(|l| LineView {
                label: l.label.clone(),
                quantity: l.quantity.clone(),
                rate_fen: l.rate_fen,
                amount_fen: l.amount_fen,
                fee_item_id: l.fee_item_id,
                unit_id: l.unit_id,
            })
            .collect(),
        overdue: state == StatementState::Issued && balance > 0 && due < today,
        id: r.id,
        site_id: r.site_id,
        tenant_id: r.tenant_id,
        tenant_name: r.tenant_name,
        units: Vec::new(),
        month: r.month,
        number: r.number,
        state,
        total_fen: r.total_fen,
        paid_fen: r.paid_fen,
        balance_fen: balance,
        due_date: r.due_date,
        issued_at: time::rfc3339_opt(r.issued_at),
        version: r.version,
    })
}

pub async fn statements(
    app: &App,
    actor: &Actor,
    q: &StatementQuery,
) -> AppResult<Page<StatementView>> {
    let only = super::read_scope(actor, q.site_id)?;
    let limit = page::limit(q.limit)?;
    let before = page::decode(q.cursor.as_deref())?
        .map(|(_, id)| id)
        .unwrap_or(i64::MAX);
    let month = match q.month.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(m) => Some(
            time::parse_month("month", m)?
                .0
                .strftime("%Y-%m")
                .to_string(),
        ),
        None => None,
    };
    let state = q.state;
    if only.is_some() && q.tenant_id.is_some() && q.tenant_id != only {
        return Err(AppError::Forbidden);
    }
    let search = lobby_domain::error::optional_text("q", q.q.as_deref(), 100)?;
    let today = super::site_today(app, q.site_id).await?.0;
    let mut c = app.db.read().await?;
    let rows = store::statements(
        &mut c,
        &StatementFilter {
            site_id: q.site_id,
            month: month.as_deref(),
            tenant_id: only.or(q.tenant_id),
            state,
            issued_only: only.is_some(),
            search: search.as_deref(),
        },
        before,
        limit + 1,
    )
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let lines = store::lines(&mut c, &ids).await?;
    let tenants: Vec<i64> = rows.iter().map(|r| r.tenant_id).collect();
    let units = super::units_by_tenant(&mut c, &tenants).await?;
    let page = page::finish(rows, limit, |r| (String::new(), r.id), |r| r);
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|r| {
                let mut v = statement_view(r, &lines, today)?;
                v.units = units.get(&v.tenant_id).cloned().unwrap_or_default();
                Ok(v)
            })
            .collect::<AppResult<_>>()?,
        next_cursor: page.next_cursor,
    })
}

/// One statement (404 for one the reader may not see).
pub async fn statement(app: &App, actor: &Actor, id: i64) -> AppResult<StatementView> {
    let mut c = app.db.read().await?;
    let r = store::statement(&mut c, id)
        .await?
        .ok_or(AppError::NotFound("statement"))?;
    match super::read_scope(actor, r.site_id) {
        Ok(None) => {}
        // A tenant's own, once issued: a draft may still change.
        Ok(Some(t)) if t == r.tenant_id && r.state != StatementState::Draft => {}
        _ => return Err(AppError::NotFound("statement")),
    }
    let lines = store::lines(&mut c, &[id]).await?;
    let units = super::units_by_tenant(&mut c, &[r.tenant_id]).await?;
    drop(c);
    let today = super::site_today(app, r.site_id).await?.0;
    let mut v = statement_view(r, &lines, today)?;
    v.units = units.get(&v.tenant_id).cloned().unwrap_or_default();
    Ok(v)
}

/// One tenant's lines for a month, before they are stored.
struct Draft {
    tenant_id: i64,
    lines: Vec<LineRow>,
    charges: Vec<i64>,
}

/// The month's statements as they would be made: one draft per tenant
/// that held a unit in the month (or carries a charge) and has none for it
/// yet. Reads only: `generate` stores them, the go-live dry run shows them.
#[allow(clippy::too_many_arguments)]
async fn drafts_of(
    c: &mut lobby_store::Conn,
    site_id: i64,
    first: Date,
    dim: i64,
    start: i64,
    end: i64,
    tz: &jiff::tz::TimeZone,
    month_ref: &str,
) -> AppResult<BTreeMap<i64, Draft>> {
    let local = |micros: i64| time::ts(micros).to_zoned(tz.clone()).date();
    let done: Vec<i64> = store::billed_tenants(c, site_id, month_ref).await?;
    let items = store::fee_items(c, site_id).await?;
    let rates = store::fee_rates(c, site_id).await?;
    let holds = store::holds(c, site_id, start, end).await?;
    let charges = store::open_charges(c, site_id).await?;
    let meters = store::meters(c, site_id, None).await?;
    let readings = store::site_readings(c, site_id, end).await?;
    let mut drafts: BTreeMap<i64, Draft> = BTreeMap::new();
    for h in &holds {
        if done.contains(&h.tenant_id) {
            continue;
        }
        let from = local(h.since);
        let to = h.until.map(&local);
        let days = days_held(first, Some(from), to);
        if days == 0 {
            continue;
        }
        let d = drafts.entry(h.tenant_id).or_insert_with(|| Draft {
            tenant_id: h.tenant_id,
            lines: Vec::new(),
            charges: Vec::new(),
        });
        for item in items.iter().filter(|i| i.archived == 0) {
            let Some((rate, _)) = super::rate_on(&rates, item.id, first) else {
                continue;
            };
            match item.basis.as_str() {
                "area" => {
                    let amount = area_amount(h.area_centi, rate.rate_fen, days, dim)
                        .filter(|a| Fen::new(*a).is_sane_line())
                        .ok_or_else(|| {
                            AppError::invalid(
                                "rate_fen",
                                format!(
                                    "{} of unit {} comes to more than a line may ({} yuan); check the unit's area and the rate",
                                    item.name,
                                    h.unit_number,
                                    yuan(MAX_LINE_FEN)
                                ),
                            )
                        })?;
                    d.lines.push(LineRow {
                        statement_id: 0,
                        position: 0,
                        fee_item_id: Some(item.id),
                        unit_id: Some(h.unit_id),
                        label: format!("{} {}", item.name, h.unit_number),
                        quantity: format!(
                            "{}.{:02} m² · {days}/{dim}",
                            h.area_centi / 100,
                            h.area_centi % 100
                        ),
                        rate_fen: rate.rate_fen,
                        amount_fen: amount,
                    });
                }
                "meter" => {
                    // The hold's share of the month: readings after
                    // the last one before it began, up to its end.
                    let lo = start.max(h.since);
                    let hi = h.until.map_or(end, |u| u.min(end));
                    for m in meters
                        .iter()
                        .filter(|m| m.unit_id == h.unit_id && Some(m.kind) == item.meter_kind)
                    {
                        let mine: Vec<_> = readings
                            .iter()
                            .filter(|r| r.meter_id == m.id && r.read_at < hi)
                            .collect();
                        let base = mine.iter().rposition(|r| r.read_at < lo);
                        let within: Vec<_> = match base {
                            Some(b) => mine[b..].to_vec(),
                            None => mine.clone(),
                        };
                        if within.len() < 2 {
                            continue;
                        }
                        // A reading far above the meter's usual
                        // use waits for a second person's check.
                        if let Some(r) = within
                            .iter()
                            .find(|r| r.flagged == 1 && r.confirmed_by.is_none())
                        {
                            return Err(AppError::invalid(
                                "reading",
                                format!(
                                    "reading {} of meter {} (unit {}) is far above its usual use and waits for a second person to confirm it (meter reading {}) before it is billed",
                                    format_reading(r.reading_milli),
                                    m.serial,
                                    h.unit_number,
                                    r.id
                                ),
                            ));
                        }
                        let pairs: Vec<(i64, bool)> = within
                            .iter()
                            .map(|r| (r.reading_milli, r.replaced == 1))
                            .collect();
                        let too_much = || {
                            AppError::invalid(
                                "reading",
                                format!(
                                    "meter {} (unit {}) read {} → {}: the line would be more than a line may ({} yuan); check the readings and the multiplier",
                                    m.serial,
                                    h.unit_number,
                                    format_reading(pairs[0].0),
                                    format_reading(pairs[pairs.len() - 1].0),
                                    yuan(MAX_LINE_FEN)
                                ),
                            )
                        };
                        let used = used_between(&pairs, m.multiplier).ok_or_else(too_much)?;
                        let amount = meter_amount(used, &rate)
                            .filter(|a| Fen::new(*a).is_sane_line())
                            .ok_or_else(too_much)?;
                        let (a, b) = (
                            within[0].reading_milli,
                            within[within.len() - 1].reading_milli,
                        );
                        d.lines.push(LineRow {
                            statement_id: 0,
                            position: 0,
                            fee_item_id: Some(item.id),
                            unit_id: Some(h.unit_id),
                            label: format!("{} {} ({})", item.name, h.unit_number, m.serial),
                            quantity: format!(
                                "{} → {} = {}{}",
                                format_reading(a),
                                format_reading(b),
                                format_reading(used),
                                if m.multiplier > 1 {
                                    format!(" (×{})", m.multiplier)
                                } else {
                                    String::new()
                                }
                            ),
                            rate_fen: rate.rate_fen,
                            amount_fen: amount,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    for ch in &charges {
        if done.contains(&ch.tenant_id) {
            continue;
        }
        let Some(item) = items.iter().find(|i| i.id == ch.fee_item_id) else {
            continue;
        };
        let basis = item.basis;
        // A priced charge (a damage) bills its own amount.
        let rate_fen = match (ch.amount_fen, super::rate_on(&rates, item.id, first)) {
            (Some(a), _) => a,
            (None, Some((rate, _))) => rate.rate_fen,
            (None, None) => continue,
        };
        let d = drafts.entry(ch.tenant_id).or_insert_with(|| Draft {
            tenant_id: ch.tenant_id,
            lines: Vec::new(),
            charges: Vec::new(),
        });
        let unit_amount = match basis {
            FeeBasis::Fixed if ch.amount_fen.is_none() => fixed_amount(rate_fen, dim, dim),
            _ => Some(rate_fen),
        };
        let amount = unit_amount
            .and_then(|a| Fen::new(a).checked_mul(ch.quantity))
            .filter(|a| a.is_sane_line())
            .ok_or_else(|| {
                AppError::invalid(
                    "quantity",
                    format!(
                        "the charge {} × {} comes to more than a line may ({} yuan)",
                        item.name,
                        ch.quantity,
                        yuan(MAX_LINE_FEN)
                    ),
                )
            })?;
        d.lines.push(LineRow {
            statement_id: 0,
            position: 0,
            fee_item_id: Some(item.id),
            unit_id: None,
            label: match &ch.note {
                Some(n) => format!("{} · {n}", item.name),
                None => item.name.clone(),
            },
            quantity: ch.quantity.to_string(),
            rate_fen,
            amount_fen: amount.get(),
        });
        if basis == FeeBasis::OneOff {
            d.charges.push(ch.id);
        }
    }
    Ok(drafts)
}

/// Generates the month's statements of a site: one per tenant that held a
/// unit in the month (or carries a charge) and has none for it yet. Running
/// it again makes nothing new and changes no statement.
pub async fn generate(
    app: &App,
    actor: &Actor,
    input: &GenerateInput,
) -> AppResult<Vec<StatementView>> {
    let site_id = input.site_id;
    actor.authorize(Can::FeesManage, site_id)?;
    let (first, last) = time::parse_month("month", &input.month)?;
    let month = first.strftime("%Y-%m").to_string();
    let (today, tz) = super::site_today(app, site_id).await?;
    // The current month and those before it; next month only with a
    // reason (a tenant moving out bills ahead). Nothing later.
    let this_month = today.first_of_month();
    let next_month = this_month
        .checked_add(1.month())
        .map_err(|e| AppError::Internal(e.into()))?;
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if first > next_month || (first == next_month && reason.is_none()) {
        return Err(AppError::invalid(
            "month",
            "statements are made for this month or earlier ones; next month only with a reason (a move-out)",
        ));
    }
    let start = crate::scope::day_start(first, &tz)?;
    let next = last
        .checked_add(1.day())
        .map_err(|e| AppError::Internal(e.into()))?;
    let end = crate::scope::day_start(next, &tz)?;
    let dim = i64::from(first.days_in_month());
    let month_ref = &month;
    let tz = &tz;
    app.write(actor, |w| {
        Box::pin(async move {
            let drafts = drafts_of(w, site_id, first, dim, start, end, tz, month_ref).await?;
            let drafts: Vec<_> = drafts
                .into_values()
                .filter(|d| !d.lines.is_empty())
                .collect();
            // The month's numbers from its series, after the statements it
            // already has (numbered before the series, or by the go-live
            // import's opening balances, which take from it too).
            let k = i64::try_from(drafts.len()).unwrap_or(i64::MAX);
            let mut seq = 0;
            if k > 0 {
                let before = store::count_statements(w, site_id, month_ref).await?;
                let series = format!("ZD-{}-", first.strftime("%Y%m"));
                seq = lobby_store::numbers::take(w, site_id, &series, before, k).await? - k;
            }
            let due = due_date(first).to_string();
            let now = w.now();
            let mut made = 0;
            for d in drafts {
                seq += 1;
                let number = format!("ZD-{}-{seq:04}", first.strftime("%Y%m"));
                let amounts: Vec<i64> = d.lines.iter().map(|l| l.amount_fen).collect();
                let total = statement_total(&amounts)
                    .filter(|t| t.abs() <= MAX_TOTAL_FEN)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "month",
                            format!(
                                "tenant {}'s statement would come to more than a statement may ({} yuan); check its readings and charges",
                                d.tenant_id,
                                yuan(MAX_TOTAL_FEN)
                            ),
                        )
                    })?;
                let id = store::insert_statement(
                    w,
                    &NewStatement {
                        site_id,
                        tenant_id: d.tenant_id,
                        month: month_ref,
                        number: &number,
                        total_fen: total,
                        due_date: &due,
                    },
                    now,
                )
                .await
                .map_err(crate::error::dup_as(
                    "month",
                    "this month is being generated by someone else; try again",
                ))?;
                for (i, mut l) in d.lines.into_iter().enumerate() {
                    l.statement_id = id;
                    l.position = i as i64;
                    store::insert_line(w, &l).await?;
                }
                for ch in d.charges {
                    store::mark_billed(w, ch, id).await?;
                }
                made += 1;
            }
            w.audit(
                Some(site_id),
                "generate",
                "statement",
                None,
                serde_json::json!({"month": month_ref, "made": made, "reason": reason}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    let mut c = app.db.read().await?;
    let rows = store::statements(
        &mut c,
        &StatementFilter {
            site_id,
            month: Some(&month),
            ..Default::default()
        },
        i64::MAX,
        i64::MAX,
    )
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let lines = store::lines(&mut c, &ids).await?;
    rows.into_iter()
        .map(|r| statement_view(r, &lines, today))
        .collect()
}

/// A statement as the month's generation would make it: stored nowhere.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DryStatement {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub lines: Vec<LineView>,
    pub total_fen: i64,
}

/// A dry run of a month's statements (going live: the first month, before
/// anything is issued), for who brings records in or bills. What the
/// generation would make now, from the same drafting; nothing is stored.
pub async fn dry_run(
    app: &App,
    actor: &Actor,
    site_id: i64,
    month: &str,
) -> AppResult<Vec<DryStatement>> {
    if !(actor.can(Can::TenantsImport, site_id) || actor.can(Can::FeesManage, site_id)) {
        return Err(AppError::Forbidden);
    }
    let (first, last) = time::parse_month("month", month)?;
    let (_, tz) = super::site_today(app, site_id).await?;
    let start = crate::scope::day_start(first, &tz)?;
    let next = last
        .checked_add(1.day())
        .map_err(|e| AppError::Internal(e.into()))?;
    let end = crate::scope::day_start(next, &tz)?;
    let dim = i64::from(first.days_in_month());
    let month = first.strftime("%Y-%m").to_string();
    let mut c = app.db.read().await?;
    crate::scope::site_row(&mut c, site_id).await?;
    let drafts = drafts_of(&mut c, site_id, first, dim, start, end, &tz, &month).await?;
    let names: std::collections::HashMap<i64, String> =
        lobby_store::golive::write::ids(&mut c, "tenants", site_id)
            .await?
            .into_iter()
            .map(|(n, id)| (id, n))
            .collect();
    drafts
        .into_values()
        .filter(|d| !d.lines.is_empty())
        .map(|d| {
            let total = AppError::sum_fen("a statement", d.lines.iter().map(|l| l.amount_fen))?;
            Ok(DryStatement {
                tenant_name: names.get(&d.tenant_id).cloned().unwrap_or_default(),
                tenant_id: d.tenant_id,
                total_fen: total,
                lines: d
                    .lines
                    .into_iter()
                    .map(|l| LineView {
                        label: l.label,
                        quantity: l.quantity,
                        rate_fen: l.rate_fen,
                        amount_fen: l.amount_fen,
                        fee_item_id: l.fee_item_id,
                        unit_id: l.unit_id,
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Issues a draft (finance): from now on it is never edited; the tenant's
/// credit (an earlier overpayment) pays what it can of it at once.
pub async fn issue(app: &App, actor: &Actor, id: i64) -> AppResult<StatementView> {
    let r = {
        let mut c = app.db.read().await?;
        store::statement(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("statement"))?
    };
    if !actor.can(Can::FeesRead, r.site_id) {
        return Err(AppError::NotFound("statement"));
    }
    actor.authorize(Can::FeesManage, r.site_id)?;
    let site_id = r.site_id;
    let r = &r;
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            // What the tenant owes changes: one tenant's money at a time
            // (a permit deciding on the arrears waits, see `owed_in`).
            w.hold(lobby_store::Held::Tenants, r.tenant_id).await?;
            if !store::set_state(w, id, StatementState::Draft, StatementState::Issued, Some(now)).await? {
                return Err(AppError::InvalidTransition(
                    "only a draft statement is issued".into(),
                ));
            }
            let applied = super::apply_credit(w, r.tenant_id, id, r.total_fen).await?;
            w.audit(
                Some(site_id),
                "issue",
                "statement",
                Some(id),
                serde_json::json!({"number": r.number, "total_fen": r.total_fen, "credit_applied_fen": applied}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    statement(app, actor, id).await
}

/// Voids a statement nothing was paid of (a draft made by mistake, or an
/// issued one withdrawn). It stays on record; the tenant's month is not
/// generated again (a correction is a charge on the next statement).
pub async fn void(app: &App, actor: &Actor, id: i64) -> AppResult<StatementView> {
    let r = {
        let mut c = app.db.read().await?;
        store::statement(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("statement"))?
    };
    if !actor.can(Can::FeesRead, r.site_id) {
        return Err(AppError::NotFound("statement"));
    }
    actor.authorize(Can::FeesManage, r.site_id)?;
    if r.paid_fen > 0 {
        return Err(AppError::InvalidTransition(
            "a statement something was paid of is not voided; reverse the payment first".into(),
        ));
    }
    let site_id = r.site_id;
    let r = &r;
    app.write(actor, |w| {
        Box::pin(async move {
            let from = r.state;
            if !matches!(from, StatementState::Draft | StatementState::Issued)
                || !store::set_state(w, id, from, StatementState::Void, None).await?
            {
                return Err(AppError::InvalidTransition(
                    "only a draft or issued statement is voided".into(),
                ));
            }
            w.audit(
                Some(site_id),
                "void",
                "statement",
                Some(id),
                serde_json::json!({"number": r.number}),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    statement(app, actor, id).await
}
