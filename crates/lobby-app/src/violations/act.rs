//! The steps of a violation: the notice, the tenant's answer, the re-check,
//! the fine and its confirmation, escalation and closing.

use lobby_domain::error::{optional_text, required_text};
use lobby_domain::fees::{yuan, FeeBasis};
use lobby_domain::photos::Owner;
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::violations::{
    next, outcome_of, ViolationAction as A, ViolationState, MAX_DEADLINE_DAYS, MAX_PHOTOS,
};
use lobby_store::violations::{self as store, NewStep};

use super::{row, violation, ViolationActionInput, ViolationView};
use crate::{notify, Actor, App, AppError, AppResult};

/// Who may take `action`.
fn permission(action: A) -> Can {
    match action {
        A::Notice | A::Fine | A::Escalate | A::Close => Can::ViolationsManage,
        A::Recheck => Can::ViolationsRecheck,
        A::Reply => Can::ViolationsReply,
        A::ConfirmFine => Can::FeesManage,
    }
}

/// Whether `actor` may take `action` on a violation at `site_id`.
pub fn may(actor: &Actor, action: A, site_id: i64) -> bool {
    actor.can(permission(action), site_id)
}

fn note(input: &ViolationActionInput, required: bool) -> AppResult<Option<String>> {
    let n = input.note.as_deref();
    Ok(if required {
        Some(required_text("note", n.unwrap_or(""), 1000)?)
    } else {
        optional_text("note", n, 1000)?
    })
}

/// Moves a violation on by `input.action` (see [`ViolationActionInput`]);
/// `photos` go with a tenant's answer. A step that may happen once answers
/// 409 `invalid_transition` to a second try, also when two try at once.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &ViolationActionInput,
    photos: &[Vec<u8>],
) -> AppResult<ViolationView> {
    let r = row(app, actor, id).await?;
    let a = input.action;
    actor.authorize(permission(a), r.site_id)?;
    let fixed = match (a, input.fixed) {
        (A::Recheck, None) => {
            return Err(AppError::invalid("fixed", "say whether it is fixed"));
        }
        (A::Reply, f) => Some(f.unwrap_or(true)),
        (A::Recheck, f) => f,
        _ => None,
    };
    let to = next(r.state, a, fixed.unwrap_or(false))
        .map_err(|why| AppError::InvalidTransition(why.into()))?;
    if !photos.is_empty() && a != A::Reply {
        return Err(AppError::invalid(
            "file",
            "photos go with the tenant's answer",
        ));
    }
    if photos.len() > MAX_PHOTOS {
        return Err(AppError::invalid(
            "file",
            format!("at most {MAX_PHOTOS} photos"),
        ));
    }
    let (today, _) = crate::scope::site_today(app, r.site_id).await?;
    let mut n = r.clone();
    n.state = to;
    n.outcome = outcome_of(a, to);
    let step_note: Option<String>;
    let mut amount = None;
    let mut item = None;
    match a {
        A::Notice => {
            let days = {
                let mut c = app.db.read().await?;
                store::kind(&mut c, r.kind_id)
                    .await?
                    .map_or(7, |k| k.deadline_days)
            };
            let deadline = match input.deadline.as_deref().filter(|d| !d.trim().is_empty()) {
                Some(d) => crate::time::parse_date("deadline", d)?,
                None => today
                    .checked_add(jiff::Span::new().days(days))
                    .map_err(|e| AppError::invalid("deadline", e.to_string()))?,
            };
            let latest = today
                .checked_add(jiff::Span::new().days(MAX_DEADLINE_DAYS))
                .map_err(|e| AppError::invalid("deadline", e.to_string()))?;
            if deadline < today || deadline > latest {
                return Err(AppError::invalid(
                    "deadline",
                    format!("the deadline is today to {MAX_DEADLINE_DAYS} days ahead"),
                ));
            }
            n.deadline = Some(deadline.to_string());
            n.notices += 1;
            step_note = note(input, false)?;
        }
        A::Reply | A::Escalate | A::Close => step_note = note(input, true)?,
        A::Recheck => step_note = note(input, false)?,
        A::Fine => {
            if r.fine_fee_item_id.is_none() {
                return Err(AppError::invalid(
                    "action",
                    format!(
                        "{} carries no fine: give its kind a fee item first",
                        r.kind_name
                    ),
                ));
            }
            if r.tenant_id.is_none() {
                return Err(AppError::invalid(
                    "tenant_id",
                    "a fine needs the tenant who pays it",
                ));
            }
            let fen = input
                .amount_fen
                .ok_or_else(|| AppError::invalid("amount_fen", "give the fine's amount"))?;
            if !(1..=100_000_000).contains(&fen) {
                return Err(AppError::invalid(
                    "amount_fen",
                    "amount_fen must be 1 to 100000000 分",
                ));
            }
            n.fine_fen = fen;
            amount = Some(fen);
            step_note = note(input, false)?;
        }
        A::ConfirmFine => {
            let mut c = app.db.read().await?;
            item = Some(
                lobby_store::fees::fee_item(&mut c, r.fine_fee_item_id.unwrap_or(0))
                    .await?
                    .filter(|i| i.site_id == r.site_id && i.basis == FeeBasis::OneOff)
                    .ok_or_else(|| {
                        AppError::invalid("fine_fee_item_id", "the kind's fine item is gone")
                    })?,
            );
            amount = Some(r.fine_fen);
            step_note = note(input, false)?;
        }
    }
    let mut stored = Vec::new();
    for bytes in photos {
        stored.push(crate::photos::store_photo(app, bytes).await?);
    }
    let (n, step_note, item, stored) = (&n, &step_note, &item, &stored);
    app.write(actor, |w| {
        Box::pin(async move {
            let mut n = n.clone();
            let actor = w.actor().clone();
            let now = w.now();
            if n.state == ViolationState::Closed {
                n.closed_at = Some(now);
            }
            if let (A::ConfirmFine, Some(item), Some(t)) = (a, item, n.tenant_id) {
                let label = format!("{} · {}", n.kind_name, place(&n));
                let charge = lobby_store::fees::insert_priced_charge(
                    w, n.site_id, t, item.id, n.fine_fen, &label, now,
                )
                .await?;
                n.charge_id = Some(charge);
            }
            if !store::update(w, &n).await? {
                return Err(AppError::InvalidTransition(
                    "someone took this step first".into(),
                ));
            }
            let step = store::insert_step(
                w,
                &NewStep {
                    violation_id: n.id,
                    action: a,
                    fixed,
                    note: step_note.as_deref(),
                    amount_fen: amount,
                    deadline: (a == A::Notice).then_some(n.deadline.as_deref()).flatten(),
                    by_name: &actor.display_name,
                    by_user: actor.audit_id(),
                },
                now,
            )
            .await?;
            for p in stored {
                crate::photos::insert(w, &actor, now, (Owner::ViolationReply, step), p, None, None)
                    .await?;
            }
            tell(w, &n, a, fixed, step_note.as_deref()).await?;
            w.audit(
                Some(n.site_id),
                a.as_str(),
                "violation",
                Some(n.id),
                serde_json::json!({"state": n.state, "outcome": n.outcome, "deadline": n.deadline, "fine_fen": n.fine_fen, "charge_id": n.charge_id, "note": step_note}),
            )
            .await
        })
    })
    .await?;
    violation(app, actor, id).await
}

/// The unit or the place.
fn place(v: &lobby_store::violations::ViolationRow) -> String {
    v.unit_number
        .clone()
        .or_else(|| v.location.clone())
        .unwrap_or_default()
}

/// Who is told of a step: the tenant's accounts of a notice and of how it
/// ended; the supervisor of an answer and of a failed re-check; finance of
/// a fine to confirm; the project manager of an escalation.
async fn tell(
    w: &mut crate::Work<'_>,
    v: &lobby_store::violations::ViolationRow,
    a: A,
    fixed: Option<bool>,
    note: Option<&str>,
) -> AppResult<()> {
    let now = w.now();
    let title = format!("{} · {}", v.kind_name, place(v));
    let staff_link = format!("/violations/{}", v.id);
    let my_link = format!("/my/violations/{}", v.id);
    let body = note.unwrap_or("");
    let tenant_msg = match a {
        A::Notice => Some((
            "violation_notice",
            format!("{} {}", v.deadline.as_deref().unwrap_or(""), v.description),
        )),
        A::Recheck if fixed == Some(true) => Some(("violation_closed", body.to_string())),
        A::ConfirmFine => Some(("violation_fined", format!("¥{}", yuan(v.fine_fen)))),
        A::Close if v.notices > 0 => Some(("violation_closed", body.to_string())),
        _ => None,
    };
    if let Some((kind, body)) = tenant_msg {
        notify::to_tenant(
            w,
            now,
            v.site_id,
            v.tenant_id,
            kind,
            &title,
            &body,
            &my_link,
        )
        .await?;
    }
    let staff = match a {
        A::Reply => Some((Role::CsSupervisor, "violation_reply")),
        A::Recheck if fixed != Some(true) => Some((Role::CsSupervisor, "violation_unfixed")),
        A::Fine => Some((Role::Finance, "violation_fine")),
        A::ConfirmFine => Some((Role::CsSupervisor, "violation_fined")),
        A::Escalate => Some((Role::ProjectManager, "violation_escalated")),
        _ => None,
    };
    if let Some((role, kind)) = staff {
        let body = match a {
            A::Fine | A::ConfirmFine => format!("¥{} {body}", yuan(v.fine_fen)),
            _ => body.to_string(),
        };
        w.notify(
            v.site_id,
            role,
            kind,
            &title,
            body.trim(),
            Some(&staff_link),
        )
        .await?;
    }
    Ok(())
}
