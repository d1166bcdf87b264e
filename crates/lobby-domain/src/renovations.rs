//! Renovation (装修申请): the tenant's application with drawings, the
//! contractor and workers, the period and scope; engineering reviews it
//! with conditions; the project manager approves it and the deposit is
//! taken; inspections during the works record violations; the acceptance
//! inspection ends the works; the deposit is released, or kept in part.
//! The unit is "renovating" from approval to acceptance.

string_enum!(
    /// Where a renovation stands.
    RenovationState, "state", {
        /// Applied for by a tenant with money past due: held until the
        /// project manager overrides (stored as applied, with its hold).
        Held => "held",
        /// Applied for: engineering reviews it.
        Applied => "applied",
        /// Reviewed by engineering, with conditions: the project manager decides.
        Reviewed => "reviewed",
        /// Approved, deposit taken: the works may run (the unit is renovating).
        Approved => "approved",
        /// Accepted at the final inspection: the deposit is to be settled.
        Accepted => "accepted",
        /// Deposit settled.
        Closed => "closed",
        /// Turned down.
        Rejected => "rejected",
    }
);

string_enum!(
    /// An inspection of the works: a routine one while they run, or the
    /// acceptance at their end.
    InspectionKind, "kind", { Routine => "routine", Acceptance => "acceptance" }
);

string_enum!(
    /// What is done to a renovation.
    RenovationAction, "action", {
        /// Engineering's review, with its conditions.
        Review => "review",
        /// The project manager's approval, with the deposit taken.
        Approve => "approve",
        /// Turned down, with a reason.
        Reject => "reject",
        /// An inspection during the works (a violation, if found).
        Inspect => "inspect",
        /// The acceptance inspection.
        Accept => "accept",
        /// The deposit settled: released, or kept in part.
        Close => "close",
    }
);

/// The state an action leads to from `from`, or why it may not be done.
pub fn next(
    from: RenovationState,
    action: RenovationAction,
) -> Result<RenovationState, &'static str> {
    use RenovationAction as A;
    use RenovationState as S;
    match (from, action) {
        (S::Held, A::Reject) => Ok(S::Rejected),
        (S::Held, _) => Err("held for arrears: the project manager overrides it first"),
        (S::Applied, A::Review) => Ok(S::Reviewed),
        (S::Reviewed, A::Approve) => Ok(S::Approved),
        (S::Applied | S::Reviewed, A::Reject) => Ok(S::Rejected),
        (S::Approved, A::Inspect) => Ok(S::Approved),
        (S::Approved, A::Accept) => Ok(S::Accepted),
        (S::Accepted, A::Close) => Ok(S::Closed),
        (S::Applied, A::Approve) => Err("engineering reviews the application first"),
        (S::Closed | S::Rejected, _) => Err("the renovation is over"),
        _ => Err("not at this stage of the renovation"),
    }
}

/// Whether a renovation in `state` still holds its unit (one at a time).
pub fn is_open(state: RenovationState) -> bool {
    !matches!(state, RenovationState::Closed | RenovationState::Rejected)
}

/// The kinds of file a drawing may be, by their first bytes: PDF, JPEG,
/// PNG. Returns the content type.
pub fn drawing_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        Some("image/png")
    } else {
        None
    }
}

/// At most this many bytes a drawing, and this many drawings a renovation.
pub const MAX_DRAWING_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_DRAWINGS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;
    use RenovationAction as A;
    use RenovationState as S;

    #[test]
    fn the_works_run_review_approve_inspect_accept_close() {
        let mut s = S::Applied;
        for a in [
            A::Review,
            A::Approve,
            A::Inspect,
            A::Inspect,
            A::Accept,
            A::Close,
        ] {
            s = next(s, a).unwrap();
        }
        assert_eq!(s, S::Closed);
        assert!(next(S::Applied, A::Approve).is_err());
        assert!(next(S::Approved, A::Reject).is_err());
        assert!(next(S::Closed, A::Inspect).is_err());
        assert_eq!(next(S::Reviewed, A::Reject), Ok(S::Rejected));
        assert!(!is_open(S::Rejected) && is_open(S::Approved));
        // Held for arrears: nothing but a refusal until the override.
        for a in RenovationAction::ALL {
            let want = if *a == A::Reject {
                Ok(S::Rejected)
            } else {
                next(S::Held, *a)
            };
            assert_eq!(next(S::Held, *a), want);
            if *a != A::Reject {
                assert!(next(S::Held, *a).is_err(), "{a:?} on a held application");
            }
        }
        assert!(is_open(S::Held));
    }

    #[test]
    fn drawings_are_pdf_or_pictures() {
        assert_eq!(drawing_type(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(drawing_type(b"MZ\x90\x00"), None);
    }
}
