//! lobby's domain: pure types and rules of a customer-service department.
//!
//! Nothing here does I/O, reads the clock, or is async. Everything that a
//! rule needs (the time, a row's current state) is passed in, so that every
//! rule can be unit-tested to the minute.

#[macro_use]
mod macros;

pub mod announcements;
pub mod audit;
pub mod cleaning;
pub mod clock;
pub mod delivery;
pub mod department_reports;
pub mod desk;
pub mod digest;
pub mod error;
pub mod fees;
pub mod golive;
pub mod inbox;
pub mod keys;
pub mod money;
pub mod moves;
pub mod patrols;
pub mod permits;
pub mod photos;
pub mod policy;
pub mod renovations;
pub mod roles;
pub mod said;
pub mod sites;
pub mod supervision;
pub mod supplies;
pub mod tenants;
pub mod tickets;
pub mod training;
pub mod violations;
pub mod work_log;

pub use error::FieldError;
