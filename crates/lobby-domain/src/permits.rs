//! Moving and goods-release permits (搬家/放行条): a tenant or the desk
//! applies for a day and a time window; a tenant with money past due is
//! held until the project manager overrides; security checks the permit's
//! code at the gate once, on its day.

string_enum!(
    /// What the permit lets through.
    PermitKind, "kind", {
        /// Moving in or out (搬家): the lift is booked.
        Move => "move",
        /// Goods carried out (放行条).
        Goods => "goods",
    }
);

string_enum!(
    /// Where a permit stands.
    PermitState, "state", {
        /// Refused for arrears; valid only when the project manager overrides.
        Held => "held",
        /// May pass the gate on its day.
        Valid => "valid",
        /// Passed the gate: a second scan is refused.
        Used => "used",
        /// Withdrawn before use.
        Cancelled => "cancelled",
    }
);

string_enum!(
    /// What the gate's look-up says of a permit now.
    GateVerdict, "verdict", {
        /// On its day, inside its window: release it after checking the goods.
        Valid => "valid",
        /// Before its window (or its day): the supervisor may release it.
        Early => "early",
        /// After its window (or its day): the supervisor may release it.
        Late => "late",
        /// Held for arrears until the project manager overrides.
        Held => "held",
        /// Withdrawn before use.
        Withdrawn => "withdrawn",
        /// Released already: a second release is refused.
        AlreadyUsed => "already_used",
    }
);

impl GateVerdict {
    /// Early or late: only the supervisor releases it.
    pub fn out_of_window(self) -> bool {
        matches!(self, GateVerdict::Early | GateVerdict::Late)
    }

    /// The error code a release answers with when it does not release.
    pub fn refusal_code(self) -> &'static str {
        match self {
            GateVerdict::Valid => "valid",
            GateVerdict::Early | GateVerdict::Late => "wrong_time",
            GateVerdict::Held => "permit_held",
            GateVerdict::Withdrawn => "permit_cancelled",
            GateVerdict::AlreadyUsed => "already_used",
        }
    }
}

/// The gate's verdict on a permit of `state` for `date` from `from` to
/// `to` (site time, both inclusive) at the site's local time `now`.
pub fn gate_verdict(
    state: PermitState,
    date: jiff::civil::Date,
    from: jiff::civil::Time,
    to: jiff::civil::Time,
    now: jiff::civil::DateTime,
) -> GateVerdict {
    match state {
        PermitState::Used => GateVerdict::AlreadyUsed,
        PermitState::Held => GateVerdict::Held,
        PermitState::Cancelled => GateVerdict::Withdrawn,
        PermitState::Valid if now < date.to_datetime(from) => GateVerdict::Early,
        PermitState::Valid if now > date.to_datetime(to) => GateVerdict::Late,
        PermitState::Valid => GateVerdict::Valid,
    }
}

/// The letters of a permit code: no 0/O, 1/I/L, so it can be read aloud
/// and typed from paper.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Ten letters of 31: about 49 bits, too many to guess at the gate's
/// throttled pace.
pub const CODE_LEN: usize = 10;

/// A code from random bytes (one byte per letter, reduced to the alphabet;
/// the slight bias is far below what a throttled guesser could use).
pub fn code_from(bytes: &[u8; CODE_LEN]) -> String {
    bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// A code as typed at the gate: spaces and dashes dropped, upper case.
pub fn normalize_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .take(40)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_gate_says_valid_only_in_the_window_of_the_day() {
        use jiff::civil::time;
        let d = date(2026, 12, 3);
        let (from, to) = (time(13, 0, 0, 0), time(18, 0, 0, 0));
        let at = |day: jiff::civil::Date, h, m| day.at(h, m, 0, 0);
        let v = |state, now| gate_verdict(state, d, from, to, now);
        assert_eq!(v(PermitState::Valid, at(d, 11, 51)), GateVerdict::Early);
        assert_eq!(v(PermitState::Valid, at(d, 13, 0)), GateVerdict::Valid);
        assert_eq!(v(PermitState::Valid, at(d, 18, 0)), GateVerdict::Valid);
        assert_eq!(v(PermitState::Valid, at(d, 18, 1)), GateVerdict::Late);
        assert_eq!(
            v(PermitState::Valid, at(date(2026, 12, 2), 14, 0)),
            GateVerdict::Early
        );
        assert_eq!(
            v(PermitState::Valid, at(date(2026, 12, 4), 14, 0)),
            GateVerdict::Late
        );
        assert_eq!(v(PermitState::Used, at(d, 14, 0)), GateVerdict::AlreadyUsed);
        assert_eq!(v(PermitState::Held, at(d, 14, 0)), GateVerdict::Held);
        assert_eq!(
            v(PermitState::Cancelled, at(d, 14, 0)),
            GateVerdict::Withdrawn
        );
        assert!(GateVerdict::Early.out_of_window() && GateVerdict::Late.out_of_window());
        assert!(!GateVerdict::Valid.out_of_window());
        assert_eq!(GateVerdict::Late.refusal_code(), "wrong_time");
    }

    #[test]
    fn codes_read_aloud_and_typed_back() {
        let c = code_from(&[0, 1, 2, 30, 31, 255, 100, 7, 8, 9]);
        assert_eq!(c.len(), CODE_LEN);
        assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert_eq!(normalize_code(" abk-7m2 q "), "ABK7M2Q");
    }
}
