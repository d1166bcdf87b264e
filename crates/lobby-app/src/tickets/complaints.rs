//! The complaint record (投诉记录表). A complaint is a work order of kind
//! `complaint`; beside its state and history it keeps the record the manual
//! asks for: who complained and when the call came, the content (the
//! ticket's description), what was done (处理经过), what came of it
//! (处理结果), and when the result was reported to the project manager —
//! "可处理者即行处理，处理完毕后向项目经理报告处理结果；不能解决者，向项目经理
//! 报告" (the second case is the ticket's `escalate`).

use lobby_domain::error::optional_text;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::tickets::Kind;
use lobby_store::tickets::{self as store, ComplaintFields, ComplaintRow};

use serde::{Deserialize, Serialize};

use crate::tickets::Caller;
use crate::{audit, notify, time, Actor, App, AppError, AppResult, Work};

/// The complaint record's fields, on create (inside `complaint` of the new
/// ticket) or on change (`PUT /tickets/{id}/complaint`, where an absent
/// field keeps its value).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ComplaintInput {
    /// Who complained; on create, the tenant's contact person (or the
    /// tenant) when absent; no one for an anonymous complaint.
    pub complainant: Option<String>,
    /// A number to call back; on create, the tenant's day phone when absent.
    pub complainant_phone: Option<String>,
    /// When the complaint came in: RFC 3339, or the site's local
    /// `YYYY-MM-DDTHH:MM`; now when absent. Not in the future.
    pub received_at: Option<String>,
    /// What was done (处理经过).
    pub handling: Option<String>,
    /// What came of it (处理结果).
    pub result: Option<String>,
    /// On change: the ticket version you read; 409 `version_conflict` when it moved.
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplaintView {
    pub complainant: Option<String>,
    pub complainant_phone: Option<String>,
    pub received_at: String,
    pub handling: Option<String>,
    pub result: Option<String>,
    /// When the result was reported to the project manager.
    pub reported_to_pm_at: Option<String>,
    pub reported_to_pm_by: Option<String>,
    pub updated_at: String,
}

pub(crate) fn view(r: ComplaintRow) -> ComplaintView {
    ComplaintView {
        complainant: r.complainant,
        complainant_phone: r.complainant_phone,
        received_at: time::rfc3339(r.received_at),
        handling: r.handling,
        result: r.result,
        reported_to_pm_at: time::rfc3339_opt(r.reported_to_pm_at),
        reported_to_pm_by: r.reported_to_pm_name,
        updated_at: time::rfc3339(r.updated_at),
    }
}

/// A time a person typed: RFC 3339, or a local date and time at the site.
fn parse_when(field: &str, s: &str, tz: &str, now: i64) -> AppResult<i64> {
    let at = crate::time::parse_when(field, s, tz)?;
    // A minute of grace for a clock that runs ahead of the server's.
    if at > now + 60_000_000 {
        return Err(AppError::invalid(
            field,
            format!("{field} is in the future"),
        ));
    }
    Ok(at)
}

struct Checked {
    complainant: Option<String>,
    complainant_phone: Option<String>,
    received_at: i64,
    handling: Option<String>,
    result: Option<String>,
}

impl Checked {
    fn fields(&self) -> ComplaintFields<'_> {
        ComplaintFields {
            complainant: self.complainant.as_deref(),
            complainant_phone: self.complainant_phone.as_deref(),
            received_at: self.received_at,
            handling: self.handling.as_deref(),
            result: self.result.as_deref(),
        }
    }
}

/// `input` over `old` (absent fields keep the old value; an empty one clears it).
fn check(
    input: &ComplaintInput,
    old: Option<&ComplaintRow>,
    tz: &str,
    now: i64,
) -> AppResult<Checked> {
    let text = |field: &str, v: Option<&String>, max, old: Option<&Option<String>>| match v {
        Some(v) => optional_text(field, Some(v), max).map_err(AppError::from),
        None => Ok(old.cloned().flatten()),
    };
    Ok(Checked {
        complainant: text(
            "complainant",
            input.complainant.as_ref(),
            60,
            old.map(|o| &o.complainant),
        )?,
        complainant_phone: text(
            "complainant_phone",
            input.complainant_phone.as_ref(),
            40,
            old.map(|o| &o.complainant_phone),
        )?,
        received_at: match input
            .received_at
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            Some(s) => parse_when("received_at", s, tz, now)?,
            None => old.map(|o| o.received_at).unwrap_or(now),
        },
        handling: text(
            "handling",
            input.handling.as_ref(),
            2000,
            old.map(|o| &o.handling),
        )?,
        result: text(
            "result",
            input.result.as_ref(),
            2000,
            old.map(|o| &o.result),
        )?,
    })
}

/// Writes the record of a new work order inside its transaction: a
/// complaint always gets one (the caller, else the tenant); any other kind
/// must not carry one.
pub(crate) async fn create_in(
    tx: &mut Work<'_>,
    now: i64,
    ticket_id: i64,
    kind: Kind,
    input: Option<&ComplaintInput>,
    caller: &Caller,
    tz: &str,
) -> AppResult<()> {
    if kind != Kind::Complaint {
        if input.is_some() {
            return Err(AppError::invalid(
                "complaint",
                "only a complaint (kind complaint) has a complaint record",
            ));
        }
        return Ok(());
    }
    let empty = ComplaintInput::default();
    let mut c = check(input.unwrap_or(&empty), None, tz, now)?;
    // Who complained: as recorded, else the caller (a visitor at the desk,
    // or the tenant's contact), else the tenant; anonymous only when none.
    if input.and_then(|i| i.complainant.as_ref()).is_none() {
        c.complainant = caller.name.clone().or(caller.tenant_name.clone());
    }
    if input.and_then(|i| i.complainant_phone.as_ref()).is_none() {
        c.complainant_phone = caller.phone.clone();
    }
    store::put_complaint(tx, ticket_id, &c.fields(), now).await?;
    Ok(())
}

async fn complaint_ticket(
    tx: &mut Work<'_>,
    actor: &Actor,
    id: i64,
    expected_version: Option<i64>,
) -> AppResult<store::TicketRow> {
    let t = crate::tickets::load(tx, actor, id).await?;
    actor.authorize(Can::TicketsVerify, t.site_id)?;
    if t.kind != Kind::Complaint {
        return Err(AppError::invalid(
            "kind",
            "only a complaint has a complaint record",
        ));
    }
    if expected_version.is_some_and(|v| v != t.version) {
        return Err(AppError::VersionConflict);
    }
    Ok(t)
}

async fn event(
    tx: &mut Work<'_>,
    actor: &Actor,
    now: i64,
    t: &store::TicketRow,
    action: &str,
    note: Option<&str>,
    detail: &serde_json::Value,
) -> AppResult<()> {
    // The record is part of the ticket: a change moves its version, so two
    // people writing the record at once cannot overwrite each other.
    if !store::touch(tx, t.id, t.version, now).await? {
        return Err(AppError::VersionConflict);
    }
    let state = t.state;
    crate::tickets::record_event(
        tx,
        actor,
        now,
        t.id,
        action,
        Some(state),
        state,
        note,
        detail,
    )
    .await?;
    audit::record(
        tx,
        now,
        actor,
        Some(t.site_id),
        "update",
        "complaint_record",
        Some(t.id),
        detail.clone(),
    )
    .await?;
    Ok(())
}

/// Fills in or corrects the record (handling, result, who and when);
/// recorded in the ticket's history.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &ComplaintInput,
) -> AppResult<ComplaintView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let t = complaint_ticket(w, actor, id, input.expected_version).await?;
            let old = store::complaint(w, id).await?;
            if old.as_ref().is_some_and(|o| o.reported_to_pm_at.is_some())
                && (input.result.is_some() || input.handling.is_some())
            {
                return Err(AppError::InvalidTransition(
                    "the result was reported to the project manager; add a comment to the work order instead"
                        .into(),
                ));
            }
            let tz = crate::scope::site_row(w, t.site_id).await?.timezone;
            let c = check(input, old.as_ref(), &tz, now)?;
            store::put_complaint(w, id, &c.fields(), now).await?;
            let changed: Vec<&str> = [
                ("complainant", input.complainant.is_some()),
                ("complainant_phone", input.complainant_phone.is_some()),
                ("received_at", input.received_at.is_some()),
                ("handling", input.handling.is_some()),
                ("result", input.result.is_some()),
            ]
            .into_iter()
            .filter_map(|(f, given)| given.then_some(f))
            .collect();
            let detail = serde_json::json!({"fields": changed, "handling": c.handling, "result": c.result});
            event(w, actor, now, &t, "complaint_record", None, &detail).await?;
            Ok(())
        })
    })
    .await?;
    get(app, actor, id).await
}

/// Reports the result to the project manager: once, and only with a result
/// written; the manager gets it in the outbox.
pub async fn report(
    app: &App,
    actor: &Actor,
    id: i64,
    expected_version: Option<i64>,
) -> AppResult<ComplaintView> {
    app.write(actor, |w| {
        Box::pin(async move {
            let now = w.now();
            let t = complaint_ticket(w, actor, id, expected_version).await?;
            let rec = store::complaint(w, id).await?;
            let Some(result) = rec.as_ref().and_then(|r| r.result.clone()) else {
                return Err(AppError::invalid(
                    "result",
                    "write the result (处理结果) before reporting it",
                ));
            };
            if !store::report_complaint(w, id, actor.audit_id(), now).await? {
                return Err(AppError::InvalidTransition(
                    "the result was reported to the project manager already".into(),
                ));
            }
            let detail = serde_json::json!({"result": result});
            // The result is the entry's note: the management log shows it.
            event(
                w,
                actor,
                now,
                &t,
                "complaint_reported",
                Some(&result),
                &detail,
            )
            .await?;
            let who = rec
                .and_then(|r| r.complainant)
                .map(|c| format!(" · {c}"))
                .unwrap_or_default();
            notify::to_role(
                w,
                now,
                t.site_id,
                Role::ProjectManager,
                "complaint_result",
                &format!("{}: {}{who}", t.number, t.title),
                &result,
                Some(&format!("/tickets/{id}")),
            )
            .await?;
            Ok(())
        })
    })
    .await?;
    get(app, actor, id).await
}

/// The record of complaint `id` (404 when it has none).
pub async fn get(app: &App, actor: &Actor, id: i64) -> AppResult<ComplaintView> {
    let mut c = app.db.read().await?;
    let t = crate::tickets::load(&mut c, actor, id).await?;
    // The record holds the department's handling: staff only.
    actor.authorize(Can::TicketsRead, t.site_id)?;
    let r = store::complaint(&mut c, t.id)
        .await?
        .ok_or(AppError::NotFound("complaint record"))?;
    Ok(view(r))
}
