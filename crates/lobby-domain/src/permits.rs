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

/// Why the gate turns a permit away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateRefusal {
    AlreadyUsed,
    Held,
    Cancelled,
    WrongDay,
}

impl GateRefusal {
    /// The error code the API answers with.
    pub fn code(self) -> &'static str {
        match self {
            GateRefusal::AlreadyUsed => "already_used",
            GateRefusal::Held => "permit_held",
            GateRefusal::Cancelled => "permit_cancelled",
            GateRefusal::WrongDay => "wrong_day",
        }
    }
}

/// The gate's check: a valid permit on its own day passes once.
pub fn gate_check(
    state: PermitState,
    date: jiff::civil::Date,
    today: jiff::civil::Date,
) -> Result<(), GateRefusal> {
    match state {
        PermitState::Used => Err(GateRefusal::AlreadyUsed),
        PermitState::Held => Err(GateRefusal::Held),
        PermitState::Cancelled => Err(GateRefusal::Cancelled),
        PermitState::Valid if date != today => Err(GateRefusal::WrongDay),
        PermitState::Valid => Ok(()),
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
    fn a_valid_permit_passes_once_on_its_day() {
        let d = date(2026, 12, 3);
        assert_eq!(gate_check(PermitState::Valid, d, d), Ok(()));
        assert_eq!(
            gate_check(PermitState::Valid, d, date(2026, 12, 4)),
            Err(GateRefusal::WrongDay)
        );
        assert_eq!(
            gate_check(PermitState::Used, d, d),
            Err(GateRefusal::AlreadyUsed)
        );
        assert_eq!(gate_check(PermitState::Held, d, d), Err(GateRefusal::Held));
        assert_eq!(
            gate_check(PermitState::Cancelled, d, d),
            Err(GateRefusal::Cancelled)
        );
    }

    #[test]
    fn codes_read_aloud_and_typed_back() {
        let c = code_from(&[0, 1, 2, 30, 31, 255, 100, 7, 8, 9]);
        assert_eq!(c.len(), CODE_LEN);
        assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert_eq!(normalize_code(" abk-7m2 q "), "ABK7M2Q");
    }
}
