//! Lift and lobby (电梯/大堂)
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckView {
    pub id: i64,
    pub site_id: i64,
    /// lift | lobby | public_area
    pub kind: CheckKind,
    /// Which lift or area: "2号梯", "一层大堂".
    pub subject: String,
    pub ok: bool,
    pub note: Option<String>,
    /// The work order a fault opened.
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    pub at: String,
    pub by: String,
}

pub(super) fn check_view(r: store::CheckRow) -> CheckView {
    CheckView {
        id: r.id,
        site_id: r.site_id,
        kind: r.kind,
        subject: r.subject,
        ok: r.ok != 0,
        note: r.note,
        ticket_id: r.ticket_id,
        ticket_number: r.ticket_number,
        at: time::rfc3339(r.at),
        by: r.by_name,
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewCheckInput {
    pub site_id: Option<i64>,
    pub kind: CheckKind,
    pub subject: String,
    pub ok: bool,
    /// Required when not ok: what is wrong.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct CheckQuery {
    pub site_id: Option<i64>,
    /// Any kind when absent or `""`.
    #[serde(default, deserialize_with = "lobby_domain::error::blank_as_none")]
    #[param(value_type = Option<CheckKind>)]
    pub kind: Option<CheckKind>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Records a check. A lift fault opens an urgent engineering work order;
/// a failed lobby or public-area hygiene check a cleaning one.
pub async fn record_check(app: &App, actor: &Actor, input: &NewCheckInput) -> AppResult<CheckView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::DeskWrite, site_id)?;
    let kind = input.kind;
    let subject = required_text("subject", &input.subject, 60)?;
    let note = optional_text("note", input.note.as_deref(), 1000)?;
    if !input.ok && note.is_none() {
        return Err(AppError::invalid("note", "say what is wrong"));
    }
    let subject = &subject;
    let note = &note;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let ticket_id = if input.ok {
                    None
                } else {
                    let what = note.clone().unwrap_or_default();
                    let t = match kind {
                        CheckKind::Lift => NewTicketInput {
                            site_id: Some(site_id),
                            description: what,
                            location: Some(subject.clone()),
                            channel: Some(Channel::WalkIn),
                            department: Some(Department::Engineering),
                            ..NewTicketInput::new(
                                TicketKind::Repair,
                                Priority::Urgent,
                                format!("电梯故障 {subject}")
                                    .chars()
                                    .take(120)
                                    .collect::<String>(),
                            )
                        },
                        CheckKind::Lobby | CheckKind::PublicArea => NewTicketInput {
                            site_id: Some(site_id),
                            description: what,
                            location: Some(subject.clone()),
                            channel: Some(Channel::WalkIn),
                            department: Some(Department::Cleaning),
                            ..NewTicketInput::new(
                                TicketKind::Request,
                                Priority::Normal,
                                format!("卫生 {subject}")
                                    .chars()
                                    .take(120)
                                    .collect::<String>(),
                            )
                        },
                    };
                    Some(crate::tickets::create_in(w, now, actor, &t).await?)
                };
                let id = store::insert_check(
                    w,
                    &store::NewCheck {
                        site_id,
                        kind: kind.as_str(),
                        subject,
                        ok: input.ok,
                        note: note.as_deref(),
                        ticket_id,
                        at: now,
                        by_name: &actor.display_name,
                    },
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "facility_check",
                    Some(id),
                    serde_json::json!({"kind": kind, "ok": input.ok, "ticket_id": ticket_id}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    Ok(check_view(
        store::check(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("check"))?,
    ))
}

pub async fn checks(app: &App, actor: &Actor, q: &CheckQuery) -> AppResult<Page<CheckView>> {
    let site_id = site_of(actor, q.site_id)?;
    actor.authorize(Can::DeskRead, site_id)?;
    let kind = q.kind;
    let limit = page::limit(q.limit)?;
    let before = cursor_before(q.cursor.as_deref())?;
    let mut c = app.db.read().await?;
    let rows = store::checks(&mut c, site_id, kind.map(|k| k.as_str()), before, limit + 1).await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        check_view,
    ))
}
