//! The front desk and the shift (前台): the daily log book, visitors, mail,
//! emergencies, lift and lobby checks, shifts and attendance. Pure rules:
//! categories, the default shifts and emergency checklists of the manual,
//! and how a clock-in is marked against the roster.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Serialize;

use crate::tickets::Department;
use crate::FieldError;

string_enum!(
    /// What a log-book entry is about (前台日常事项记录本).
    LogCategory, "category", {
        Tenant => "tenant", Facility => "facility", Security => "security",
        Lift => "lift", Lobby => "lobby", Other => "other",
    }
);

string_enum!(
    /// Where an entry's follow-up stands: none needed, waiting, turned into
    /// a work order, or closed with a note.
    FollowUp, "follow_up", { None => "none", Open => "open", Ticketed => "ticketed", Closed => "closed" }
);

string_enum!(
    /// A check made from the desk: a lift, the lobby, a public area.
    CheckKind, "kind", { Lift => "lift", Lobby => "lobby", PublicArea => "public_area" }
);

string_enum!(
    /// A day's attendance against the roster.
    Attendance, "attendance", {
        /// Rostered, the shift has not started.
        Pending => "pending",
        /// Rostered, started, not clocked in yet.
        Missing => "missing",
        Present => "present",
        Late => "late",
        LeftEarly => "left_early",
        /// Late in and early out.
        LateLeftEarly => "late_left_early",
        /// The shift is over without a clock-in.
        Absent => "absent",
        /// Clocked in on a day without a rostered shift.
        Unrostered => "unrostered",
    }
);

/// Minutes of grace before a clock-in counts as late.
pub const LATE_GRACE_MINS: i64 = 5;

/// A shift definition (班次): its times of day in the site's zone. A shift
/// whose end is not after its start runs past midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftTimes {
    pub starts: Time,
    pub ends: Time,
}

impl ShiftTimes {
    pub fn parse(starts: &str, ends: &str) -> Result<Self, FieldError> {
        Ok(ShiftTimes {
            starts: parse_hhmm("starts", starts)?,
            ends: parse_hhmm("ends", ends)?,
        })
    }

    /// The shift's start and end instants on `day` in `tz`.
    pub fn on(&self, day: Date, tz: &TimeZone) -> (Timestamp, Timestamp) {
        let start = day
            .to_datetime(self.starts)
            .to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let end_day = if self.ends <= self.starts {
            day.tomorrow().unwrap_or(day)
        } else {
            day
        };
        let end = end_day
            .to_datetime(self.ends)
            .to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH);
        (start, end)
    }
}

/// `08:30` → 08:30:00.
pub fn parse_hhmm(field: &str, s: &str) -> Result<Time, FieldError> {
    let bad = || {
        FieldError::new(
            field,
            "invalid",
            format!("{field} must be a time like 08:30"),
        )
    };
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = m.parse().map_err(|_| bad())?;
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

/// How a rostered (or unrostered) day is marked.
pub fn mark(
    shift: Option<&ShiftTimes>,
    day: Date,
    tz: &TimeZone,
    clock_in: Option<Timestamp>,
    clock_out: Option<Timestamp>,
    now: Timestamp,
) -> Option<Attendance> {
    let Some(shift) = shift else {
        return clock_in.map(|_| Attendance::Unrostered);
    };
    let (start, end) = shift.on(day, tz);
    let Some(cin) = clock_in else {
        return Some(if now < start {
            Attendance::Pending
        } else if now < end {
            Attendance::Missing
        } else {
            Attendance::Absent
        });
    };
    let late = cin.as_second() - start.as_second() > LATE_GRACE_MINS * 60;
    let early = clock_out.is_some_and(|out| out < end);
    Some(match (late, early) {
        (true, true) => Attendance::LateLeftEarly,
        (true, false) => Attendance::Late,
        (false, true) => Attendance::LeftEarly,
        (false, false) => Attendance::Present,
    })
}

/// A default shift of the manual: 主管 8:30–17:30, 内勤 8:30–17:30,
/// 外勤 8:00–18:30.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DefaultShift {
    pub code: &'static str,
    pub name: &'static str,
    pub starts: &'static str,
    pub ends: &'static str,
}

pub const DEFAULT_SHIFTS: [DefaultShift; 3] = [
    DefaultShift {
        code: "supervisor",
        name: "主管班",
        starts: "08:30",
        ends: "17:30",
    },
    DefaultShift {
        code: "office",
        name: "内勤班",
        starts: "08:30",
        ends: "17:30",
    },
    DefaultShift {
        code: "field",
        name: "外勤班",
        starts: "08:00",
        ends: "18:30",
    },
];

/// A default emergency type with the departments it calls and its
/// response checklist (紧急事件).
#[derive(Debug, Clone, Copy)]
pub struct DefaultIncidentType {
    pub code: &'static str,
    pub name: &'static str,
    pub departments: &'static [Department],
    pub checklist: &'static [&'static str],
}

pub const DEFAULT_INCIDENT_TYPES: [DefaultIncidentType; 6] = [
    DefaultIncidentType {
        code: "fire_alarm",
        name: "火警",
        departments: &[Department::Security, Department::Engineering],
        checklist: &[
            "通知中控室确认报警区域",
            "派人到场核实",
            "如属实：拨打119，启动疏散广播",
            "电梯归首层，引导住户从安全通道疏散",
            "报告项目经理",
            "消防到场后配合并记录",
        ],
    },
    DefaultIncidentType {
        code: "water_leak",
        name: "漏水/水浸",
        departments: &[Department::Engineering, Department::Cleaning],
        checklist: &[
            "通知工程部关闭相关阀门",
            "通知受影响租户",
            "转移/遮盖贵重物品，放置警示牌",
            "通知保洁清理积水",
            "拍照记录损失",
        ],
    },
    DefaultIncidentType {
        code: "lift_entrapment",
        name: "电梯困人",
        departments: &[Department::Engineering, Department::Security],
        checklist: &[
            "通过对讲安抚被困人员，了解人数与身体状况",
            "通知工程部与电梯维保单位",
            "派保安到电梯厅守候",
            "记录维保单位到场时间",
            "解困后询问被困人员情况并记录",
        ],
    },
    DefaultIncidentType {
        code: "power_cut",
        name: "停电",
        departments: &[Department::Engineering, Department::Security],
        checklist: &[
            "确认停电范围（单元/楼层/全楼）",
            "通知工程部查明原因",
            "检查电梯是否有人被困",
            "通知受影响租户预计恢复时间",
            "恢复供电后逐层检查",
        ],
    },
    DefaultIncidentType {
        code: "injury",
        name: "人员受伤",
        departments: &[Department::Security, Department::CustomerService],
        checklist: &[
            "到场查看伤情，必要时拨打120",
            "保护现场并拍照",
            "联系伤者家属或所在单位",
            "记录目击者及经过",
            "报告项目经理",
        ],
    },
    DefaultIncidentType {
        code: "security_incident",
        name: "治安事件",
        departments: &[Department::Security],
        checklist: &[
            "通知秩序维护部到场",
            "必要时拨打110",
            "保护现场，调取监控",
            "记录当事人与经过",
            "报告项目经理",
        ],
    },
];

/// A six-digit parcel pickup code from a random number.
pub fn pickup_code(random: u32) -> String {
    format!("{:06}", random % 1_000_000)
}

/// The letters of a visitor pass code: no 0/O, 1/I/L to misread.
pub const PASS_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// How long a pass code is: 31^8 codes, and a code works only on its day.
pub const PASS_LEN: usize = 8;

/// A pass code as typed or scanned (`ab3k-9mzq`, a scanner's trailing
/// newline): upper case, without spaces and dashes; `None` when it cannot
/// be one.
pub fn pass_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == PASS_LEN && code.bytes().all(|b| PASS_ALPHABET.contains(&b))).then_some(code)
}

/// Where a log entry happened, read from its text: the public area of the
/// site it names (`2号梯` names `2号电梯`: a lift's number and 梯), the
/// longest name first; `None` when it names none.
pub fn place_in<'a>(text: &str, areas: &'a [(String, crate::sites::AreaKind)]) -> Option<&'a str> {
    let mut best: Option<&'a str> = None;
    for (name, kind) in areas {
        let named = mentions(text, name)
            || (*kind == crate::sites::AreaKind::Lift
                && lift_number(name).is_some_and(|n| {
                    mentions(text, &format!("{n}号梯")) || mentions(text, &format!("{n}号电梯"))
                }));
        if named && best.is_none_or(|b| name.chars().count() > b.chars().count()) {
            best = Some(name.as_str());
        }
    }
    best
}

/// Does `text` name `what` on its own (`2号梯` is not in `12号梯`)?
fn mentions(text: &str, what: &str) -> bool {
    text.match_indices(what).any(|(at, _)| {
        !text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// A lift's number in its name (`2号电梯` → `2`).
fn lift_number(name: &str) -> Option<&str> {
    let end = name.find('号')?;
    let n = &name[..end];
    (!n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric())).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn sh() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap()
    }

    #[test]
    fn times_parse_and_refuse_nonsense() {
        let s = ShiftTimes::parse("08:30", "17:30").unwrap();
        assert_eq!(s.starts, Time::constant(8, 30, 0, 0));
        for bad in ["8", "24:00", "08:61", "ab:cd", ""] {
            let e = ShiftTimes::parse(bad, "17:30").unwrap_err();
            assert_eq!(e.field, "starts", "{bad}");
        }
    }

    #[test]
    fn a_shift_is_placed_in_the_site_zone() {
        let s = ShiftTimes::parse("08:30", "17:30").unwrap();
        let (a, b) = s.on(Date::constant(2026, 11, 26), &sh());
        assert_eq!(a, ts("2026-11-26T00:30:00Z"));
        assert_eq!(b, ts("2026-11-26T09:30:00Z"));
        let night = ShiftTimes::parse("22:00", "08:00").unwrap();
        let (a, b) = night.on(Date::constant(2026, 11, 30), &sh());
        assert_eq!(a, ts("2026-11-30T14:00:00Z"));
        assert_eq!(b, ts("2026-12-01T00:00:00Z"));
    }

    #[test]
    fn attendance_marks() {
        let s = ShiftTimes::parse("08:30", "17:30").unwrap();
        let day = Date::constant(2026, 11, 26);
        let tz = sh();
        let m = |cin: Option<&str>, cout: Option<&str>, now: &str| {
            mark(Some(&s), day, &tz, cin.map(ts), cout.map(ts), ts(now))
        };
        // 08:34 local is within the grace; 08:36 is late.
        assert_eq!(
            m(Some("2026-11-26T00:34:00Z"), None, "2026-11-26T02:00:00Z"),
            Some(Attendance::Present)
        );
        assert_eq!(
            m(Some("2026-11-26T00:36:00Z"), None, "2026-11-26T02:00:00Z"),
            Some(Attendance::Late)
        );
        assert_eq!(
            m(
                Some("2026-11-26T00:20:00Z"),
                Some("2026-11-26T09:00:00Z"),
                "2026-11-26T12:00:00Z"
            ),
            Some(Attendance::LeftEarly)
        );
        assert_eq!(
            m(
                Some("2026-11-26T01:00:00Z"),
                Some("2026-11-26T09:00:00Z"),
                "2026-11-26T12:00:00Z"
            ),
            Some(Attendance::LateLeftEarly)
        );
        assert_eq!(
            m(None, None, "2026-11-26T00:00:00Z"),
            Some(Attendance::Pending)
        );
        assert_eq!(
            m(None, None, "2026-11-26T01:00:00Z"),
            Some(Attendance::Missing)
        );
        assert_eq!(
            m(None, None, "2026-11-26T10:00:00Z"),
            Some(Attendance::Absent)
        );
        assert_eq!(
            mark(None, day, &tz, None, None, ts("2026-11-26T10:00:00Z")),
            None
        );
        assert_eq!(
            mark(
                None,
                day,
                &tz,
                Some(ts("2026-11-26T01:00:00Z")),
                None,
                ts("2026-11-26T10:00:00Z")
            ),
            Some(Attendance::Unrostered)
        );
    }

    #[test]
    fn defaults_are_the_manuals() {
        assert_eq!(DEFAULT_SHIFTS[2].starts, "08:00");
        assert_eq!(DEFAULT_SHIFTS[2].ends, "18:30");
        let lift = DEFAULT_INCIDENT_TYPES
            .iter()
            .find(|t| t.code == "lift_entrapment")
            .unwrap();
        assert!(lift.departments.contains(&Department::Engineering));
        assert!(lift.departments.contains(&Department::Security));
        for t in DEFAULT_INCIDENT_TYPES {
            assert!(!t.checklist.is_empty(), "{}", t.code);
        }
        assert_eq!(pickup_code(42), "000042");
        assert_eq!(pickup_code(1_234_567), "234567");
    }

    #[test]
    fn a_log_entry_names_its_place() {
        use crate::sites::AreaKind;
        let areas = vec![
            ("1号电梯".to_string(), AreaKind::Lift),
            ("2号电梯".to_string(), AreaKind::Lift),
            ("大堂".to_string(), AreaKind::Lobby),
            ("一层大堂东侧".to_string(), AreaKind::Lobby),
        ];
        assert_eq!(place_in("2号梯运行中有异响", &areas), Some("2号电梯"));
        assert_eq!(place_in("1号电梯困人", &areas), Some("1号电梯"));
        assert_eq!(
            place_in("一层大堂东侧地面湿滑", &areas),
            Some("一层大堂东侧")
        );
        assert_eq!(place_in("12号梯", &areas), None, "no lift 12");
        assert_eq!(place_in("快递车辆占用通道", &areas), None);
    }

    #[test]
    fn a_pass_code_reads_as_typed() {
        assert_eq!(pass_code(" ab3k-9mzq\n").as_deref(), Some("AB3K9MZQ"));
        assert_eq!(pass_code("AB3K9MZ"), None, "short");
        assert_eq!(pass_code("AB3K9MZ0"), None, "0 is not in a code");
    }
}
