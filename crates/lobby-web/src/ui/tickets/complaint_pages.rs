//! Part of `tickets`; shares its imports.

#[allow(unused_imports)]
use super::*;

#[derive(Deserialize)]
pub(super) struct ComplaintForm {
    complainant: String,
    complainant_phone: String,
    received_at: String,
    handling: String,
    result: String,
    version: i64,
}

/// Saves the complaint record (投诉记录表) from the ticket page.
pub(super) async fn complaint_record(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<ComplaintForm>,
) -> Response {
    let v = &f.form;
    let input = ComplaintInput {
        complainant: Some(v.complainant.clone()),
        complainant_phone: Some(v.complainant_phone.clone()),
        received_at: Some(v.received_at.clone()),
        handling: Some(v.handling.clone()),
        result: Some(v.result.clone()),
        expected_version: Some(v.version),
    };
    let r = complaints::update(&s.app, &f.actor, id, &input).await;
    after_change(&s, &jar, f.actor, id, "#complaint", r).await
}

#[derive(Deserialize)]
pub(super) struct VersionForm {
    version: i64,
}

/// Reports the complaint's result to the project manager.
pub(super) async fn complaint_report(
    State(s): State<AppState>,
    jar: CookieJar,
    Path(id): Path<i64>,
    f: WebForm<VersionForm>,
) -> Response {
    let r = complaints::report(&s.app, &f.actor, id, Some(f.form.version)).await;
    after_change(&s, &jar, f.actor, id, "#complaint", r).await
}
