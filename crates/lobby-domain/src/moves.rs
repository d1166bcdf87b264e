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

string_enum!(
    /// Whose part of a move a step is.
    Party, "whose", {
        /// 工程部: reads the meters.
        Engineering => "engineering",
        /// 客服部: walks the checklist with engineering, hands the keys.
        CustomerService => "customer_service",
        /// 租户: signs the handover sheet.
        Tenant => "tenant",
    }
);

string_enum!(
    /// A step of a move not done yet.
    Lacking, "what", {
        /// Meters of the unit without a reading in this move.
        Readings => "readings",
        /// Checklist items not checked.
        Checklist => "checklist",
        /// Keys: none handed over yet (a move-in), or copies still out (a
        /// move-out).
        Keys => "keys",
        /// The tenant's signature, given when the move is completed.
        Signature => "signature",
    }
);

/// One step a move still lacks: what, whose, the names it concerns (meter
/// serials, items, key copies), and whether completing waits for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outstanding {
    pub what: Lacking,
    pub whose: Party,
    pub names: Vec<String>,
    pub blocks: bool,
}

/// What a move still lacks, in the order it is usually done: the meters
/// (engineering), the checklist (customer service with engineering), the
/// keys (the desk) and the tenant's signature. `keys_to_hand` are key sets
/// of the unit the desk may still hand over at a move-in (nothing handed
/// yet); `keys_out` are copies still with the tenant at a move-out. Only
/// the meters, the checklist and a move-out's keys hold completion back.
pub fn outstanding(
    kind: MoveKind,
    items: &[(String, ItemState)],
    meters: &[(String, bool)],
    keys_to_hand: &[String],
    keys_out: &[String],
) -> Vec<Outstanding> {
    let mut out = Vec::new();
    let unread: Vec<String> = meters
        .iter()
        .filter(|(_, read)| !read)
        .map(|(s, _)| s.clone())
        .collect();
    if !unread.is_empty() {
        out.push(Outstanding {
            what: Lacking::Readings,
            whose: Party::Engineering,
            names: unread,
            blocks: true,
        });
    }
    let pending: Vec<String> = items
        .iter()
        .filter(|(_, s)| *s == ItemState::Pending)
        .map(|(n, _)| n.clone())
        .collect();
    if !pending.is_empty() {
        out.push(Outstanding {
            what: Lacking::Checklist,
            whose: Party::CustomerService,
            names: pending,
            blocks: true,
        });
    }
    match kind {
        MoveKind::In if !keys_to_hand.is_empty() => out.push(Outstanding {
            what: Lacking::Keys,
            whose: Party::CustomerService,
            names: keys_to_hand.to_vec(),
            blocks: false,
        }),
        MoveKind::Out if !keys_out.is_empty() => out.push(Outstanding {
            what: Lacking::Keys,
            whose: Party::CustomerService,
            names: keys_out.to_vec(),
            blocks: true,
        }),
        _ => {}
    }
    out.push(Outstanding {
        what: Lacking::Signature,
        whose: Party::Tenant,
        names: Vec::new(),
        blocks: false,
    });
    out
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
    #[test]
    fn outstanding_says_what_and_whose() {
        let items = vec![
            ("门锁".to_string(), ItemState::Ok),
            ("空调".to_string(), ItemState::Pending),
        ];
        let meters = vec![("E-1".to_string(), false), ("W-1".to_string(), true)];
        let o = outstanding(MoveKind::In, &items, &meters, &["入户门".into()], &[]);
        let got: Vec<_> = o.iter().map(|x| (x.what, x.whose, x.blocks)).collect();
        assert_eq!(
            got,
            [
                (Lacking::Readings, Party::Engineering, true),
                (Lacking::Checklist, Party::CustomerService, true),
                (Lacking::Keys, Party::CustomerService, false),
                (Lacking::Signature, Party::Tenant, false),
            ]
        );
        assert_eq!(o[0].names, ["E-1"]);
        assert_eq!(o[1].names, ["空调"]);
        // A move-out's keys still out hold it back; nothing else left.
        let done = vec![("门锁".to_string(), ItemState::Ok)];
        let o = outstanding(MoveKind::Out, &done, &[], &[], &["入户门 #1".into()]);
        assert_eq!(o.len(), 2);
        assert!(o[0].blocks && o[0].what == Lacking::Keys);
        let o = outstanding(MoveKind::In, &done, &[("E-1".into(), true)], &[], &[]);
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].what, Lacking::Signature);
    }
}
