//! Inquiries (咨询)
//!
//! Part of `desk`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InquiryView {
    pub id: i64,
    pub site_id: i64,
    pub at: String,
    pub by: String,
    pub asker: String,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_number: Option<String>,
    pub question: String,
    pub answer: String,
}

pub(super) fn inquiry_view(r: store::InquiryRow) -> InquiryView {
    InquiryView {
        id: r.id,
        site_id: r.site_id,
        at: time::rfc3339(r.at),
        by: r.by_name,
        asker: r.asker,
        tenant_id: r.tenant_id,
        tenant_name: r.tenant_name,
        unit_id: r.unit_id,
        unit_number: r.unit_number,
        question: r.question,
        answer: r.answer,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewInquiryInput {
    pub site_id: Option<i64>,
    /// Who asked (a name, or "1203 王先生").
    pub asker: String,
    pub unit_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct InquiryQuery {
    pub site_id: Option<i64>,
    /// Only from this day on (site zone), `2026-11-01`.
    pub since: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

pub async fn log_inquiry(
    app: &App,
    actor: &Actor,
    input: &NewInquiryInput,
) -> AppResult<InquiryView> {
    let site_id = site_of(actor, input.site_id)?;
    actor.authorize(Can::DeskWrite, site_id)?;
    let asker = required_text("asker", &input.asker, 60)?;
    let question = required_text("question", &input.question, 500)?;
    let answer = required_text("answer", &input.answer, 1000)?;
    let question = &question;
    let asker = &asker;
    let answer = &answer;
    let id = app
        .write(actor, |w| {
            Box::pin(async move {
                let now = w.now();
                let unit = unit_at(w, site_id, input.unit_id).await?;
                let tenant = tenant_at(
                    w,
                    site_id,
                    input.tenant_id.or(unit.as_ref().and_then(|u| u.tenant_id)),
                )
                .await?;
                let id = store::insert_inquiry(
                    w,
                    &store::NewInquiry {
                        site_id,
                        at: now,
                        by_name: &actor.display_name,
                        asker,
                        tenant_id: tenant.as_ref().map(|t| t.id),
                        unit_id: unit.as_ref().map(|u| u.id),
                        question,
                        answer,
                    },
                )
                .await?;
                w.audit(
                    Some(site_id),
                    "create",
                    "inquiry",
                    Some(id),
                    serde_json::json!({}),
                )
                .await?;
                Ok(id)
            })
        })
        .await?;
    let mut c = app.db.read().await?;
    Ok(inquiry_view(
        store::inquiry(&mut c, id)
            .await?
            .ok_or(AppError::NotFound("inquiry"))?,
    ))
}

pub async fn inquiries(app: &App, actor: &Actor, q: &InquiryQuery) -> AppResult<Page<InquiryView>> {
    let site_id = site_of(actor, q.site_id)?;
    actor.authorize(Can::DeskRead, site_id)?;
    let limit = page::limit(q.limit)?;
    let before = cursor_before(q.cursor.as_deref())?;
    let mut c = app.db.read().await?;
    let since = match q.since.as_deref().filter(|s| !s.is_empty()) {
        Some(d) => {
            let day = crate::time::parse_date("since", d)?;
            let site = crate::scope::site_row(&mut c, site_id).await?;
            day_span(day, &site.timezone)?.0
        }
        None => 0,
    };
    let rows = store::inquiries(&mut c, site_id, since, before, limit + 1).await?;
    Ok(page::finish(
        rows,
        limit,
        |r| (String::new(), r.id),
        inquiry_view,
    ))
}
