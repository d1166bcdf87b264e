//! The clock. Time is a parameter: code reads "now" only through a `Clock`
//! (clippy's `disallowed-methods` bans `Timestamp::now` elsewhere), so tests
//! can set the time and SLA timers, shifts and schedules are testable.

use std::sync::atomic::{AtomicI64, Ordering};

use jiff::Timestamp;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until moved; for tests and the demo loader.
#[derive(Debug)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn new(at: Timestamp) -> Self {
        Self(AtomicI64::new(at.as_microsecond()))
    }

    pub fn set(&self, at: Timestamp) {
        self.0.store(at.as_microsecond(), Ordering::SeqCst);
    }

    pub fn advance(&self, by: jiff::SignedDuration) {
        let micros = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
        self.0.fetch_add(micros, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_microsecond(self.0.load(Ordering::SeqCst)).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

/// The wall clock moved on by an offset that only grows: for tests that
/// let time pass (a deadline runs out, a day ends) while everything else
/// (sessions, ordering) keeps the real clock's pace.
#[derive(Debug, Default)]
pub struct OffsetClock(AtomicI64);

impl OffsetClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Lets `by` pass at once.
    pub fn advance(&self, by: jiff::SignedDuration) {
        let micros = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
        self.0.fetch_add(micros, Ordering::SeqCst);
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Timestamp {
        let now = SystemClock.now();
        now.checked_add(jiff::SignedDuration::from_micros(
            self.0.load(Ordering::SeqCst),
        ))
        .unwrap_or(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let t: Timestamp = "2026-11-26T01:00:00Z".parse().unwrap();
        let c = FixedClock::new(t);
        assert_eq!(c.now(), t);
        c.advance(jiff::SignedDuration::from_mins(30));
        assert_eq!(c.now().to_string(), "2026-11-26T01:30:00Z");
    }

    #[test]
    fn an_offset_clock_lets_time_pass() {
        let c = OffsetClock::new();
        let before = SystemClock.now();
        c.advance(jiff::SignedDuration::from_hours(48));
        let gone = c.now().duration_since(before);
        assert!(gone >= jiff::SignedDuration::from_hours(48), "{gone:?}");
        assert!(gone < jiff::SignedDuration::from_hours(49), "{gone:?}");
    }
}
