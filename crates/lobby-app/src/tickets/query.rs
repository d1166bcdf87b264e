//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct TicketQuery {
    pub site_id: Option<i64>,
    /// One state, or several separated by commas.
    pub state: Option<String>,
    pub kind: Option<String>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    pub department: Option<String>,
    pub unit_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub escalated: Option<bool>,
    pub overdue: Option<bool>,
    /// Text in the number, title or description, the unit number, or the
    /// tenant's name or pinyin initials, as typed and in any case. Three
    /// characters or more are looked up in a text index; shorter text is
    /// matched against the site's orders newest first. At most 200
    /// characters.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The longest search text (a title is at most 120 characters).
pub const MAX_SEARCH: usize = 200;

pub async fn list(app: &App, actor: &Actor, q: &TicketQuery) -> AppResult<Page<TicketView>> {
    let site_id = match q.site_id {
        Some(s) => s,
        None => match actor.site_ids() {
            Some(v) if v.len() == 1 => v[0],
            _ => return Err(AppError::invalid("site_id", "say which site")),
        },
    };
    // A tenant's account lists its own tenant's orders only.
    let own_tenant = match is_portal(actor, site_id) {
        true => {
            actor.authorize(Can::TicketsReport, site_id)?;
            actor.tenant_id
        }
        false => {
            actor.authorize(Can::TicketsRead, site_id)?;
            None
        }
    };
    let limit = page::limit(q.limit)?;
    let before = page::decode(q.cursor.as_deref())?
        .map(|(_, id)| id)
        .unwrap_or(i64::MAX);
    let nonempty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut states = Vec::new();
    if let Some(s) = nonempty(&q.state) {
        for part in s.split(',') {
            states.push(parse::<State>(part)?);
        }
    }
    let kind = nonempty(&q.kind).map(|k| parse::<Kind>(&k)).transpose()?;
    let priority = nonempty(&q.priority)
        .map(|k| parse::<Priority>(&k))
        .transpose()?;
    let channel = nonempty(&q.channel)
        .map(|k| parse::<Channel>(&k))
        .transpose()?;
    let department = nonempty(&q.department)
        .map(|k| parse::<Department>(&k))
        .transpose()?;
    let now = app.now();
    let text = nonempty(&q.q);
    // Checked before the database sees it: every three characters of it
    // are a term of the text index.
    if text
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_SEARCH)
    {
        return Err(AppError::invalid(
            "q",
            format!("search for at most {MAX_SEARCH} characters"),
        ));
    }
    let filter = Filter {
        site_id,
        states: states.iter().map(|s| s.as_str()).collect(),
        kind: kind.map(Kind::as_str),
        priority: priority.map(Priority::as_str),
        channel: channel.map(Channel::as_str),
        department: department.map(Department::as_str),
        unit_id: q.unit_id,
        tenant_id: own_tenant,
        assignee_id: q.assignee_id,
        escalated: q.escalated,
        overdue_at: q.overdue.filter(|o| *o).map(|_| now),
        q: text.as_deref(),
    };
    let mut c = app.db.read().await?;
    let rows = store::list(&mut c, &filter, before, limit + 1).await?;
    page::try_finish(
        rows,
        limit,
        |t| (String::new(), t.id),
        |t| {
            let v = view(actor, t, now, None)?;
            Ok(match own_tenant {
                Some(_) => for_tenant(v, &[]),
                None => v,
            })
        },
    )
}

/// Tickets by state at a site, in the order of the state machine, and how
/// many are overdue (home pages).
pub async fn counts(app: &App, actor: &Actor, site_id: i64) -> AppResult<(Vec<(State, i64)>, i64)> {
    actor.authorize(Can::TicketsRead, site_id)?;
    let mut c = app.db.read().await?;
    let rows = store::counts_by_state(&mut c, site_id).await?;
    let by_state = State::ALL
        .iter()
        .filter_map(|s| rows.iter().find(|r| r.state == *s).map(|r| (*s, r.n)))
        .collect();
    let overdue = store::count_overdue(&mut c, site_id, app.now()).await?;
    Ok((by_state, overdue))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Assignee {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// Who a ticket can be given to at a site: the people of the working roles.
pub async fn assignees(app: &App, actor: &Actor, site_id: i64) -> AppResult<Vec<Assignee>> {
    actor.authorize(Can::TicketsDispatch, site_id)?;
    let mut c = app.db.read().await?;
    Ok(lobby_store::users::staff_at(&mut c, site_id)
        .await?
        .into_iter()
        .map(|r| {
            let role = r.role;
            (r, role)
        })
        .filter(|(_, role)| lobby_domain::policy::allows(*role, Can::TicketsWork))
        .map(|(r, role)| Assignee {
            id: r.id,
            name: r.display_name,
            role,
        })
        .collect())
}

/// A work queue's order: the most urgent first, then the nearest deadline
/// to resolve (an engineer's 紧急 is never buried under routine work).
pub fn queue_order(items: &mut [TicketView]) {
    items.sort_by(|a, b| {
        a.priority
            .rank()
            .cmp(&b.priority.rank())
            .then_with(|| a.resolve_due_at.cmp(&b.resolve_due_at))
            .then_with(|| a.id.cmp(&b.id))
    });
}
