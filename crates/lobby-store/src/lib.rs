//! SQL on SQLite and PostgreSQL. One query set: SQL is written once with
//! `$1` placeholders and the syntax both engines share; where a statement
//! must differ the dialect is chosen in this crate, never above it. This
//! crate holds no business rule: it stores and reads what the use cases
//! decided.

pub mod audit;
pub mod bulk;
pub mod cleaning;
mod db;
pub mod desk;
mod error;
pub mod idempotency;
pub mod notify;
pub mod patrols;
pub mod photos;
pub mod shifts;
pub mod sites;
pub mod sla;
pub mod tenants;
pub mod tickets;
pub mod users;

pub use db::{Conn, Db, Dialect, Leader, ReadConn, Tx};
pub use error::StoreError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
