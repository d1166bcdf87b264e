//! A building in a zone with daylight saving (Europe/Berlin): across the
//! March and October switches, deadlines, shift marks, patrol windows and
//! cleaning days land where the people in that building expect — wall-clock
//! times stay wall-clock times, durations stay durations.

#![allow(clippy::unwrap_used)]

use jiff::civil::{date, time, Date};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use lobby_domain::cleaning::{instances, PlanVersion, Recurrence};
use lobby_domain::desk::{mark, Attendance, ShiftTimes};
use lobby_domain::patrols::parse_windows;
use lobby_domain::tickets::{
    add_working_days, deadlines, default_service_level, DaysOff, Kind, Priority,
};

fn berlin() -> TimeZone {
    TimeZone::get("Europe/Berlin").unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// 2027: clocks go forward on Sunday 28 March (02:00 → 03:00) and back on
/// Sunday 31 October (03:00 → 02:00).
const SPRING: Date = date(2027, 3, 28);
const AUTUMN: Date = date(2027, 10, 31);

#[test]
fn a_day_shift_starts_at_half_past_eight_on_the_switch_days() {
    let tz = berlin();
    let day = ShiftTimes::parse("08:30", "17:30").unwrap();
    // The Saturday before, in winter time (UTC+1); the Sunday, in summer time (UTC+2).
    assert_eq!(
        day.on(date(2027, 3, 27), &tz),
        (ts("2027-03-27T07:30:00Z"), ts("2027-03-27T16:30:00Z"))
    );
    assert_eq!(
        day.on(SPRING, &tz),
        (ts("2027-03-28T06:30:00Z"), ts("2027-03-28T15:30:00Z"))
    );
    assert_eq!(
        day.on(AUTUMN, &tz),
        (ts("2027-10-31T07:30:00Z"), ts("2027-10-31T16:30:00Z"))
    );
    // 08:33 on the spring Sunday is in time; 08:40 is late (5 minutes' grace).
    let now = ts("2027-03-28T20:00:00Z");
    let cin = |hhmm: &str| {
        Some(
            SPRING
                .to_datetime(hhmm.parse().unwrap())
                .to_zoned(tz.clone())
                .unwrap()
                .timestamp(),
        )
    };
    let out = Some(ts("2027-03-28T15:31:00Z"));
    assert_eq!(
        mark(Some(&day), SPRING, &tz, cin("08:33"), out, now),
        Some(Attendance::Present)
    );
    assert_eq!(
        mark(Some(&day), SPRING, &tz, cin("08:40"), out, now),
        Some(Attendance::Late)
    );
    // Leaving at 17:00 local (15:00Z) is early; the UTC hour of 17:30 in
    // winter (16:30Z) is not what the building means.
    assert_eq!(
        mark(
            Some(&day),
            SPRING,
            &tz,
            cin("08:30"),
            Some(ts("2027-03-28T15:00:00Z")),
            now
        ),
        Some(Attendance::LeftEarly)
    );
}

#[test]
fn a_night_shift_is_an_hour_shorter_in_march_and_longer_in_october() {
    let tz = berlin();
    let night = ShiftTimes::parse("22:00", "06:00").unwrap();
    let (s, e) = night.on(date(2027, 3, 27), &tz);
    assert_eq!(
        (s, e),
        (ts("2027-03-27T21:00:00Z"), ts("2027-03-28T04:00:00Z"))
    );
    assert_eq!(e.duration_since(s).as_hours(), 7);
    let (s, e) = night.on(date(2027, 10, 30), &tz);
    assert_eq!(
        (s, e),
        (ts("2027-10-30T20:00:00Z"), ts("2027-10-31T05:00:00Z"))
    );
    assert_eq!(e.duration_since(s).as_hours(), 9);
}

#[test]
fn patrol_windows_keep_their_local_times() {
    let tz = berlin();
    let w = parse_windows("09:00-11:30, 14:00-17:00").unwrap();
    assert_eq!(
        w[0].on(SPRING, &tz),
        (ts("2027-03-28T07:00:00Z"), ts("2027-03-28T09:30:00Z"))
    );
    assert_eq!(
        w[1].on(AUTUMN, &tz),
        (ts("2027-10-31T13:00:00Z"), ts("2027-10-31T16:00:00Z"))
    );
    // A window set in the hour that does not exist in March starts when
    // the clocks say 03:xx (the next existing instant), not an hour early.
    let gap = parse_windows("02:30-04:00").unwrap();
    let (start, end) = gap[0].on(SPRING, &tz);
    assert_eq!(start, ts("2027-03-28T01:30:00Z"));
    assert_eq!(end, ts("2027-03-28T02:00:00Z"));
    assert!(start < end);
    // In October 02:30 happens twice; the window opens at the first.
    let (start, _) = gap[0].on(AUTUMN, &tz);
    assert_eq!(start, ts("2027-10-31T00:30:00Z"));
}

#[test]
fn service_level_deadlines_across_the_switch() {
    let tz = berlin();
    // An urgent repair at 01:55 local on the spring Sunday: dispatched
    // within 10 minutes means 10 real minutes (03:05 on the clock).
    let at = date(2027, 3, 28)
        .to_datetime(time(1, 55, 0, 0))
        .to_zoned(tz.clone())
        .unwrap()
        .timestamp();
    let d = deadlines(
        &default_service_level(Kind::Repair, Priority::Urgent),
        at,
        &tz,
        &DaysOff::default(),
    );
    assert_eq!(d.respond_by.duration_since(at).as_mins(), 10);
    assert_eq!(
        d.respond_by.to_zoned(tz.clone()).time(),
        time(3, 5, 0, 0),
        "the wall clock jumped an hour in between"
    );
    // A complaint at 10:00 on Friday 26 March: two working days is Tuesday
    // 10:00 — in summer time, so one hour less in UTC.
    let friday = ts("2027-03-26T09:00:00Z");
    let due = add_working_days(friday, 2, &tz, &DaysOff::default());
    assert_eq!(due, ts("2027-03-30T08:00:00Z"));
    assert_eq!(due.to_zoned(tz.clone()).time(), time(10, 0, 0, 0));
    // And back in October: Friday 29th 10:00 CEST → Tuesday 2 Nov 10:00 CET.
    let due = add_working_days(ts("2027-10-29T08:00:00Z"), 2, &tz, &DaysOff::default());
    assert_eq!(due, ts("2027-11-02T09:00:00Z"));
    let complaint = default_service_level(Kind::Complaint, Priority::Normal);
    let d = deadlines(
        &complaint,
        ts("2027-10-29T08:00:00Z"),
        &tz,
        &DaysOff::default(),
    );
    assert_eq!(d.resolve_by.to_zoned(tz).time(), time(10, 0, 0, 0));
}

#[test]
fn cleaning_falls_once_a_day_on_the_short_and_the_long_day() {
    let daily = Recurrence::parse(
        lobby_domain::cleaning::Frequency::Daily,
        Some(2),
        None,
        None,
    )
    .unwrap();
    let v = PlanVersion {
        plan_id: 1,
        valid_from: date(2027, 1, 1),
        valid_until: None,
        rule: daily,
    };
    for switch in [SPRING, AUTUMN] {
        let from = switch.yesterday().unwrap();
        let to = switch.tomorrow().unwrap();
        let due = instances(std::slice::from_ref(&v), from, to);
        assert_eq!(due.len(), 6, "{switch}: {due:?}");
        assert_eq!(due.iter().filter(|d| d.day == switch).count(), 2);
    }
}
