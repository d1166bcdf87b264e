//! The front desk (前台): the daily log book with acknowledgement and
//! follow-up, the shift handover, visitors, mail and parcels, emergency
//! incidents, lift and lobby checks, and the inquiry log.

use lobby_domain::desk::{pickup_code, CheckKind, FollowUp, LogCategory};
use lobby_domain::error::{optional_text, required_text};
use lobby_domain::policy::Action as Can;
use lobby_domain::roles::Role;
use lobby_domain::tickets::{Channel, Department, Kind as TicketKind, Priority};
use lobby_store::desk::{self as store, LogFilter, LogRow};
use lobby_store::Conn;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::page::{self, Page};
use crate::tickets::{NewTicketInput, TicketView};
use crate::{notify, time, Actor, App, AppError, AppResult};

use crate::scope::{day_span, site_of};

async fn unit_at(
    c: &mut Conn,
    site_id: i64,
    unit_id: Option<i64>,
) -> AppResult<Option<lobby_store::sites::UnitRow>> {
    let Some(u) = unit_id else { return Ok(None) };
    match lobby_store::sites::unit(c, u).await? {
        Some(row) if row.site_id == site_id => Ok(Some(row)),
        _ => Err(AppError::invalid(
            "unit_id",
            format!("no unit {u} at this site"),
        )),
    }
}

async fn tenant_at(
    c: &mut Conn,
    site_id: i64,
    tenant_id: Option<i64>,
) -> AppResult<Option<lobby_store::tenants::TenantRow>> {
    let Some(t) = tenant_id else { return Ok(None) };
    match lobby_store::tenants::get(c, t).await? {
        Some(row) if row.site_id == site_id => Ok(Some(row)),
        _ => Err(AppError::invalid(
            "tenant_id",
            format!("no tenant {t} at this site"),
        )),
    }
}

fn cursor_before(cursor: Option<&str>) -> AppResult<i64> {
    Ok(page::decode(cursor)?.map(|(_, id)| id).unwrap_or(i64::MAX))
}

mod checks;
mod expected;
mod handover;
mod incidents;
mod inquiries;
mod log;
mod outgoing;
mod parcels;
mod visitors;

pub use checks::{checks, record_check, CheckQuery, CheckView, NewCheckInput};
pub use expected::{
    arrive_by_pass, arrive_expected, cancel_expected, expect_visitor, expected_visitor,
    expected_visitors, ExpectedQuery, ExpectedVisitorInput, ExpectedVisitorView, PassInput,
};
pub use handover::{
    confirm_handover, end_shift, handover_preview, handovers, EndShiftInput, HandoverItem,
    HandoverSummary, HandoverView,
};
pub use incidents::{
    add_incident_note, close_incident, create_incident_type, incident, incident_types, incidents,
    open_incident, tick_step, update_incident_type, CloseIncidentInput, IncidentQuery,
    IncidentStepView, IncidentTypeInput, IncidentTypeView, IncidentView, NewIncidentInput,
    NoteView, TextInput,
};
pub use inquiries::{inquiries, log_inquiry, InquiryQuery, InquiryView, NewInquiryInput};
pub use log::{
    ack, ack_all, close_follow_up, log, log_entry, to_ticket, write_log, AckView, CloseInput,
    FollowUpTicketInput, LogEntryView, LogQuery, NewLogInput,
};
pub(crate) use outgoing::outgoing_month_of;
pub use outgoing::{
    outgoing_mail, send_mail, OutgoingMailInput, OutgoingMailView, OutgoingMonth, OutgoingQuery,
};
pub use parcels::{
    add_parcel_photo, parcel, parcel_photo, parcels, pick_up, receive_parcel, NewParcelInput,
    ParcelQuery, ParcelView, PickupInput, MAX_WRONG_CODES_PER_PARCEL, MAX_WRONG_CODES_PER_USER,
    PICKUP_WINDOW_MICROS,
};
pub use visitors::{
    register_visitor, sign_out_visitor, visitor, visitors, NewVisitorInput, VisitorQuery,
    VisitorView,
};
