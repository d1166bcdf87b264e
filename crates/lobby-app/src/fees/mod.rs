//! Fees and arrears (费用/催缴): fee items with dated rates, meters and the
//! monthly reading round (抄表), monthly statements (账单), payments (收款)
//! and arrears (欠费). Money is integer 分 end to end; the amounts are the
//! domain's (`lobby_domain::fees`), one rounding per line.

mod arrears;
mod bank;
mod deposits;
mod dunning;
mod items;
mod meters;
mod payments;
mod report;
mod sightings;
mod statements;

pub use arrears::*;
pub use bank::*;
pub use deposits::*;
pub use dunning::*;
pub use items::*;
pub use meters::*;
pub use payments::*;
pub use report::*;
pub use sightings::*;
pub use statements::*;

use lobby_domain::policy::Action as Can;

use crate::{Actor, AppResult};

/// Whose money `actor` may read at `site_id`: everyone's (`None`), or only
/// their own tenant's (a tenant account).
pub(crate) fn read_scope(actor: &Actor, site_id: i64) -> AppResult<Option<i64>> {
    actor.tenant_scope(Can::FeesRead, site_id)
}

pub(crate) use crate::scope::site_today;
