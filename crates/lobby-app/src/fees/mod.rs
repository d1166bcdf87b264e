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
mod notices;
mod payments;
mod report;
mod sightings;
mod statements;

pub use arrears::{arrears, AgeingView, ArrearsView};
pub(crate) use arrears::{arrears_of, owed_in};
pub use bank::{
    match_bank_file, record_bank_payments, BankLine, BankMatch, BankPayment, MAX_BANK_FILE,
};
pub use deposits::{deposit, deposit_of, deposits, DepositQuery, DepositView};
pub(crate) use deposits::{settle_deposit_in, take_deposit_in};
pub use dunning::{
    dun, dunning_notice, dunning_notices, dunning_steps, dunning_sweep, set_dunning_steps,
    DunInput, DunningStepView, DunningView, DEFAULT_STEPS, PAY_WITHIN_DAYS,
};
pub(crate) use items::rate_on;
pub use items::{
    add_charge, create_fee_item, fee_items, set_rate, ChargeInput, FeeItemInput, FeeItemView,
    RateInput, RateView,
};
pub(crate) use meters::record_in;
pub use meters::{
    add_reading_photo, confirm_reading, create_meter, meters, reading_photo, readings,
    record_reading, record_reading_with, MeterInput, MeterView, ReadingInput, ReadingView,
    JUMP_FACTOR,
};
pub use notices::{
    add_notice_photo, decline_notice, match_notice, notice_photo, payment_notice, payment_notices,
    report_paid, DeclineNoticeInput, MatchNoticeInput, PaymentNoticeInput, PaymentNoticeQuery,
    PaymentNoticeView, MAX_NOTICE_PHOTOS,
};
pub(crate) use payments::{apply_credit, check_payer, next_receipt_in, pay_in, payment_view, Pay};
pub use payments::{
    payment, payments, payments_page, record_payment, reverse_payment, PaymentInput, PaymentView,
    ReversalInput,
};
pub use report::{arrears_xlsx, collection, month_xlsx, pct, CollectionReport, ItemCollection};
pub(crate) use report::{collection_of, money_cell};
pub use sightings::{record_sighting, sightings, SightingInput, SightingView};
pub use statements::{
    dry_run, due_date, generate, issue, statement, statements, void, DryStatement, GenerateInput,
    LineView, StatementQuery, StatementView,
};

use lobby_domain::policy::Action as Can;

use crate::{Actor, AppResult};

/// Whose money `actor` may read at `site_id`: everyone's (`None`), or only
/// their own tenant's (a tenant account).
pub(crate) fn read_scope(actor: &Actor, site_id: i64) -> AppResult<Option<i64>> {
    actor.tenant_scope(Can::FeesRead, site_id)
}

pub(crate) use crate::scope::site_today;

/// The units each tenant occupies now (`1203`, `1204`), by tenant: the
/// unit column of statements and arrears.
pub(crate) async fn units_by_tenant(
    c: &mut lobby_store::Conn,
    tenant_ids: &[i64],
) -> AppResult<std::collections::HashMap<i64, Vec<String>>> {
    let mut ids = tenant_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut out: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        for u in lobby_store::tenants::units_of(c, chunk).await? {
            out.entry(u.tenant_id).or_default().push(u.number);
        }
    }
    Ok(out)
}
