//! Move-in and move-out (入驻/退租): one record per move that several people
//! complete — leasing announces it, engineering reads the meters, customer
//! service and engineering walk the handover checklist item by item, keys
//! go out (or come back), the tenant signs. Completing a move-in makes the
//! unit occupied and starts billing; completing a move-out ends the
//! occupancy, bills the damages and leaves the unit vacant.

use crate::error::required_text;
use crate::FieldError;

string_enum!(
    /// Which way the tenant moves.
    MoveKind, "kind", {
        /// 入驻: the tenant takes the unit.
        In => "in",
        /// 退租: the tenant hands it back.
        Out => "out",
    }
);

string_enum!(
    /// Where a move stands.
    MoveState, "state", {
        /// Being walked: readings, checklist, keys.
        Open => "open",
        /// Signed off: the unit changed hands.
        Completed => "completed",
        /// Called off before completion.
        Cancelled => "cancelled",
    }
);

string_enum!(
    /// One checklist item's finding.
    ItemState, "state", {
        /// Not looked at yet.
        Pending => "pending",
        /// In order.
        Ok => "ok",
        /// Found wrong: at a move-in a work order, at a move-out a damage.
        Defect => "defect",
    }
);

/// The facility handover checklist a site starts with (设施交接), in
/// Chinese and English; the site edits its own.
pub const DEFAULT_CHECKLIST: [(&str, &str); 10] = [
    ("入户门及门锁", "Entrance door and lock"),
    ("室内门", "Inner doors"),
    ("灯具", "Lights"),
    ("开关插座", "Switches and sockets"),
    ("空调", "Air-conditioning"),
    ("卫生洁具", "Sanitary ware"),
    ("门窗玻璃", "Windows and glass"),
    (
        "消防设施（烟感/喷淋）",
        "Fire equipment (smoke detectors, sprinklers)",
    ),
    ("地面、墙面、天花", "Floor, walls and ceiling"),
    ("给排水", "Water supply and drains"),
];

/// The most items one checklist may hold.
pub const MAX_ITEMS: usize = 60;

/// A checklist item's name: required, up to 60 characters.
pub fn item_name(field: &str, s: &str) -> Result<String, FieldError> {
    required_text(field, s, 60)
}

/// A checklist as typed: one item per line, blank lines dropped, the same
/// name once.
pub fn parse_checklist(field: &str, text: &str) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let name = item_name(field, line)?;
        if !out.contains(&name) {
            out.push(name);
        }
    }
    if out.is_empty() {
        return Err(FieldError::required(field));
    }
    if out.len() > MAX_ITEMS {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("a checklist holds at most {MAX_ITEMS} items"),
        ));
    }
    Ok(out)
}

/// Why a move cannot be completed yet, the field that says what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// An item is still pending (its name).
    Pending(String),
    /// A meter of the unit has no reading in this move (its serial).
    Unread(String),
}

impl NotReady {
    pub fn error(&self) -> FieldError {
        match self {
            NotReady::Pending(name) => FieldError::new(
                "handover",
                "pending",
                format!("the checklist item '{name}' needs checking"),
            ),
            NotReady::Unread(serial) => FieldError::new(
                "meter_readings",
                "required",
                format!("meter {serial} needs its reading in this move"),
            ),
        }
    }
}

/// A move may be completed when every item is checked and every meter of
/// the unit was read during it.
pub fn ready(items: &[(String, ItemState)], meters: &[(String, bool)]) -> Result<(), NotReady> {
    if let Some((name, _)) = items.iter().find(|(_, s)| *s == ItemState::Pending) {
        return Err(NotReady::Pending(name.clone()));
    }
    if let Some((serial, _)) = meters.iter().find(|(_, read)| !read) {
        return Err(NotReady::Unread(serial.clone()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checklist_is_one_item_a_line() {
        let v = parse_checklist("checklist", "门锁\n\n 灯具 \n门锁\n").unwrap();
        assert_eq!(v, ["门锁", "灯具"]);
        assert_eq!(
            parse_checklist("checklist", " \n").unwrap_err().field,
            "checklist"
        );
        let long = "x\n".repeat(0) + &(0..61).map(|i| format!("i{i}\n")).collect::<String>();
        assert_eq!(
            parse_checklist("checklist", &long).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn ready_when_every_item_is_checked_and_every_meter_read() {
        let items = vec![
            ("门锁".to_string(), ItemState::Ok),
            ("灯具".to_string(), ItemState::Defect),
        ];
        assert_eq!(ready(&items, &[("E-1".into(), true)]), Ok(()));
        assert_eq!(
            ready(&items, &[("E-1".into(), false)]),
            Err(NotReady::Unread("E-1".into()))
        );
        let mut pending = items.clone();
        pending.push(("空调".into(), ItemState::Pending));
        let e = ready(&pending, &[]).unwrap_err();
        assert_eq!(e, NotReady::Pending("空调".into()));
        assert_eq!(e.error().field, "handover");
    }
}
