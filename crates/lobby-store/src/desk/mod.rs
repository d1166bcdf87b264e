//! The front desk (前台): log book and acknowledgements, handovers,
//! visitors, parcels, incidents, facility checks, inquiries.

use sqlx::FromRow;

use crate::{Conn, Result};

mod checks;
mod handovers;
mod incidents;
mod inquiries;
mod log;
mod outgoing;
mod parcels;
mod visitors;

pub use checks::*;
pub use handovers::*;
pub use incidents::*;
pub use inquiries::*;
pub use log::*;
pub use outgoing::*;
pub use parcels::*;
pub use visitors::*;
