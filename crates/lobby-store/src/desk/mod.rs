//! The front desk (前台): log book and acknowledgements, handovers,
//! visitors, parcels, incidents, facility checks, inquiries.

use sqlx::FromRow;

use crate::{Conn, Result};

mod checks;
pub mod expected;
mod handover;
mod incidents;
mod inquiries;
mod log;
mod outgoing;
mod parcels;
mod visitors;

pub use checks::{check, checks, insert_check, CheckRow, NewCheck};
pub use handover::{
    confirm_handover, handover, handovers, insert_handover, open_tickets_by, HandoverRow,
};
pub use incidents::{
    close_incident, incident, incident_type, incident_types, incidents, insert_incident,
    insert_incident_type, insert_note, insert_step, notes, steps, tick_step, update_incident_type,
    IncidentRow, IncidentTypeRow, NoteRow, StepRow,
};
pub use inquiries::{
    counts_between, inquiries, inquiry, insert_inquiry, DeskCounts, InquiryRow, NewInquiry,
};
pub use log::{
    ack, acks, insert_log, log, log_entry, settle_follow_up, AckRow, LogFilter, LogRow, NewLog,
};
pub use outgoing::{
    insert_outgoing, outgoing, outgoing_between, outgoing_cost, NewOutgoing, OutgoingRow,
};
pub use parcels::{
    insert_parcel, parcel, parcels, pick_up, set_parcel_photo, NewParcel, ParcelFilter, ParcelRow,
};
pub use visitors::{
    insert_visitor, sign_out_visitor, visitor, visitors, NewVisitor, VisitorFilter, VisitorRow,
};
