//! 我已付款 on screen: the tenant tells finance it transferred money for a
//! statement (from `/my/bills`, with the transfer slip's photo); finance's
//! queue (`/payment-notices`) matches each — recording the payment, whose
//! receipt then prints — or declines it with a reason the tenant reads.
//! And the site's collection QR code (收款码): uploaded by finance, shown
//! with the payee account.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lobby_app::fees::{self, DeclineNoticeInput, MatchNoticeInput, PaymentNoticeInput};
use lobby_app::photos::MAX_PHOTO_BYTES;
use lobby_app::AppError;
use lobby_domain::fees::{parse_yuan, PaymentNoticeState};
use lobby_domain::policy::Action as Can;
use serde::Deserialize;

use super::{field, PhotoQ};
use super::{render_form, Chrome, FormError, OnForm, PageError};
use crate::extract::WebForm;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let photos = |n: usize| axum::extract::DefaultBodyLimit::max(MAX_PHOTO_BYTES * n + 64 * 1024);
    Router::new()
        .route("/payment-notices", get(queue_page))
        .route("/payment-notices/{id}/match", post(match_notice))
        .route("/payment-notices/{id}/decline", post(decline_notice))
        .route("/payment-notices/{id}/photos/{photo}", get(photo))
        .route(
            "/my/bills/paid",
            post(report_paid).layer(photos(fees::MAX_NOTICE_PHOTOS)),
        )
        .route("/sites/{id}/payee/qr", get(payee_qr))
        .route("/fees/payee/qr", post(upload_qr).layer(photos(1)))
}

fn see(to: &str) -> Response {
    Redirect::to(to).into_response()
}

#[derive(Template)]
#[template(path = "fees/payment_notices.html")]
struct QueuePage {
    c: Chrome,
    pending: Vec<fees::PaymentNoticeView>,
    decided: Vec<fees::PaymentNoticeView>,
    error: Option<FormError>,
}

async fn queue_with(
    s: &AppState,
    c: Chrome,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let c = c.at("payment_notices", "nav.payment_notices");
    let all = fees::payment_notices(
        &s.app,
        &c.actor,
        &fees::PaymentNoticeQuery {
            site_id: c.site_id(),
            ..Default::default()
        },
    )
    .await?;
    let (pending, mut decided): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|n| n.state == PaymentNoticeState::Pending);
    decided.truncate(50);
    let refused = error.is_some();
    Ok(render_form(
        &QueuePage {
            c,
            pending,
            decided,
            error,
        },
        refused,
    ))
}

async fn queue_page(State(s): State<AppState>, c: Chrome) -> Result<Response, PageError> {
    queue_with(&s, c, None).await
}

async fn match_notice(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<super::Empty>,
) -> Result<Response, PageError> {
    let r = fees::match_notice(&s.app, &f.actor, id, &MatchNoticeInput::default()).await;
    match r.on_form()? {
        Ok(n) => Ok(see(&match n.payment_id {
            Some(p) => format!("/payment-notices?receipt={p}#n{id}"),
            None => format!("/payment-notices#n{id}"),
        })),
        Err(fe) => queue_with(&s, c, Some(fe)).await,
    }
}

#[derive(Deserialize)]
struct DeclineForm {
    #[serde(default)]
    reason: String,
}

async fn decline_notice(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    f: WebForm<DeclineForm>,
) -> Result<Response, PageError> {
    let r = fees::decline_notice(
        &s.app,
        &f.actor,
        id,
        &DeclineNoticeInput {
            reason: f.form.reason.clone(),
        },
    )
    .await;
    match r.on_form()? {
        Ok(_) => Ok(see(&format!("/payment-notices#n{id}"))),
        Err(fe) => queue_with(&s, c, Some(fe)).await,
    }
}

async fn photo(
    State(s): State<AppState>,
    c: Chrome,
    Path((id, photo)): Path<(i64, i64)>,
    Query(q): Query<PhotoQ>,
) -> Result<Response, PageError> {
    let thumb = q.thumb();
    let (ty, bytes) = fees::notice_photo(&s.app, &c.actor, id, photo, thumb).await?;
    Ok(super::image((ty, bytes)))
}

/// The tenant's 我已付款: `statement_id`, `amount` (yuan), `paid_on`,
/// `note` and the slip's photos as `file`.
async fn report_paid(
    State(s): State<AppState>,
    c: Chrome,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    if c.actor.tenant_id.is_none() {
        return Err(AppError::Forbidden.into());
    }
    let (fields, files) = match super::read_multipart(&c.actor, &mut mp).await {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let r = async {
        let input = PaymentNoticeInput {
            statement_id: super::number("statement_id", &field(&fields, "statement_id"))?,
            amount_fen: parse_yuan("amount", &field(&fields, "amount"))?,
            paid_on: field(&fields, "paid_on"),
            note: Some(field(&fields, "note")),
        };
        fees::report_paid(&s.app, &c.actor, &input, &files).await
    }
    .await;
    match r {
        Ok(n) => Ok(see(&format!("/my/bills#n{}", n.id))),
        Err(AppError::NotFound(w)) => Err(AppError::NotFound(w).into()),
        Err(e) => super::portal::bills::page_with(&s, c, Some(FormError::refusal(&e))).await,
    }
}

async fn payee_qr(
    State(s): State<AppState>,
    c: Chrome,
    Path(id): Path<i64>,
    Query(q): Query<PhotoQ>,
) -> Result<Response, PageError> {
    let thumb = q.thumb();
    let (ty, bytes) = lobby_app::sites::payee_qr(&s.app, &c.actor, id, thumb).await?;
    Ok(super::image((ty, bytes)))
}

/// Finance uploads the collection QR code (`file`).
async fn upload_qr(
    State(s): State<AppState>,
    c: Chrome,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    if !c.actor.can(Can::FeesManage, c.site_id()) {
        return Err(AppError::Forbidden.into());
    }
    let bytes = match super::read_upload(&c.actor, &mut mp).await {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    lobby_app::sites::set_payee_qr(&s.app, &c.actor, c.site_id(), &bytes).await?;
    Ok(see("/fees#payee"))
}
