//! Numbers of a series: a site's work orders of a day (`WO-20261207`), its
//! receipts of a year (`SK-2026-`), statements of a month (`ZD-202611-`,
//! the month-end run and the go-live import's opening balances), dunning
//! letters of a year (`CJ-2026-`), rectification notices (`ZG-`). Unique
//! and increasing; not gapless. A caller whose records were numbered by
//! counting before the series existed passes that count as the floor.
//!
//! SQLite has one writer, so a number is taken in the unit of work itself.
//! On PostgreSQL a number taken in the unit would hold the series' row until
//! the unit commits (WAL flush included), and every create at a site would
//! wait for the one before it. So it is taken in a short transaction of its
//! own, on a connection kept for it, committed without waiting for the
//! flush: the unit that uses the number commits after it, and its own
//! durable commit flushes the log that far — a number a committed record
//! carries is never given again, even after a crash. A unit that fails
//! leaves a gap.

use sqlx::Connection;

use crate::{Dialect, Result, Tx};

const TAKE: &str = "INSERT INTO number_series (site_id, series, n) VALUES ($1, $2, $3 + $4) \
     ON CONFLICT (site_id, series) DO UPDATE SET \
     n = CASE WHEN number_series.n > $3 THEN number_series.n ELSE $3 END + $4 RETURNING n";

/// Takes the next `count` numbers of `series` at `site_id` and returns the
/// last (the first is `last - count + 1`). They come after `floor` too:
/// numbers already given by other means (records kept before the series).
pub async fn take(tx: &mut Tx, site_id: i64, series: &str, floor: i64, count: i64) -> Result<i64> {
    if tx.dialect() == Dialect::Sqlite {
        return Ok(sqlx::query_scalar(TAKE)
            .bind(site_id)
            .bind(series)
            .bind(floor)
            .bind(count)
            .fetch_one(&mut **tx)
            .await?);
    }
    let shared = tx.shared();
    let mut slot = shared.numbers.lock().await;
    // One try again on a fresh connection: the kept one may have been cut.
    for attempt in 0..2 {
        if slot.is_none() {
            let mut c = crate::Conn::connect(&shared.url).await?;
            sqlx::Executor::execute(&mut c, "SET synchronous_commit = off").await?;
            *slot = Some(c);
        }
        let Some(c) = slot.as_mut() else { continue };
        let taken = sqlx::query_scalar(TAKE)
            .bind(site_id)
            .bind(series)
            .bind(floor)
            .bind(count)
            .fetch_one(c)
            .await;
        match taken {
            Ok(n) => return Ok(n),
            Err(e)
                if attempt == 0 && matches!(e, sqlx::Error::Io(_) | sqlx::Error::Protocol(_)) =>
            {
                *slot = None;
            }
            Err(e) => {
                *slot = None;
                return Err(e.into());
            }
        }
    }
    Err(crate::StoreError::Config(
        "could not take a number from PostgreSQL".into(),
    ))
}
