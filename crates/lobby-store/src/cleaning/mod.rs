//! Cleaning, greening and pest control: vendors' contracts, plan versions,
//! task instances, headcounts, inspections, rectification notices,
//! evaluations and quality checks.

use sqlx::FromRow;

use crate::{Conn, Result};

mod evaluations;
mod inspections;
mod notices;
mod plans;
mod quality;
mod tasks;
mod vendors;

pub use evaluations::*;
pub use inspections::*;
pub use notices::*;
pub use plans::*;
pub use quality::*;
pub use tasks::*;
pub use vendors::*;
