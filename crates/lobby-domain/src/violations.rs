//! Tenant rule violations (违章处理): a breach of the house rules seen by
//! the desk, a field assistant, security or a patrol; a written notice
//! (违章整改通知书) with a deadline; the tenant's answer; the re-check at
//! the deadline — fixed, or a second notice, a fine (a one-off charge that
//! finance confirms) or escalation to the project manager.

string_enum!(
    /// Where a violation stands.
    ViolationState, "state", {
        /// Recorded: no notice served yet.
        Recorded => "recorded",
        /// A notice is served; the tenant has until its deadline.
        Noticed => "noticed",
        /// The tenant answered the notice (fixed, or an objection): re-check.
        Answered => "answered",
        /// Re-checked and not fixed: a second notice, a fine or escalation.
        Unfixed => "unfixed",
        /// Handed to the project manager.
        Escalated => "escalated",
        /// A fine is proposed: finance confirms it as a one-off charge.
        FineProposed => "fine_proposed",
        /// Settled (see its outcome).
        Closed => "closed",
    }
);

string_enum!(
    /// How a closed violation ended.
    Outcome, "outcome", {
        /// Re-checked and found fixed.
        Fixed => "fixed",
        /// Fined: the charge is on the tenant's account.
        Fined => "fined",
        /// Closed by the supervisor without a fix or fine (withdrawn, the
        /// objection upheld, the tenant gone).
        Withdrawn => "withdrawn",
    }
);

string_enum!(
    /// What is done to a violation.
    ViolationAction, "action", {
        /// Serve a notice (a second one after a failed re-check), with its deadline.
        Notice => "notice",
        /// The tenant's answer: fixed, or an objection, with a note and photos.
        Reply => "reply",
        /// The re-check: `fixed` closes it; not fixed waits for the next step.
        Recheck => "recheck",
        /// Propose a fine of `amount_fen` (finance confirms).
        Fine => "fine",
        /// Finance confirms the proposed fine: a one-off charge on the next statement.
        ConfirmFine => "confirm_fine",
        /// Hand it to the project manager.
        Escalate => "escalate",
        /// Close it with a note (withdrawn).
        Close => "close",
    }
);

/// The state `action` leads to from `from` (a re-check's result picks
/// between fixed and not), or why it may not be done now.
pub fn next(
    from: ViolationState,
    action: ViolationAction,
    fixed: bool,
) -> Result<ViolationState, &'static str> {
    use ViolationAction as A;
    use ViolationState as S;
    match (from, action) {
        (S::Closed, _) => Err("the violation is closed"),
        (S::Recorded | S::Unfixed | S::Escalated, A::Notice) => Ok(S::Noticed),
        (S::Noticed, A::Reply) => Ok(S::Answered),
        (S::Answered, A::Reply) => Err("the notice is answered already"),
        (S::Noticed | S::Answered | S::Escalated, A::Recheck) => {
            Ok(if fixed { S::Closed } else { S::Unfixed })
        }
        (S::Unfixed, A::Recheck) => Err("re-checked already: serve a notice, fine or escalate"),
        (S::Unfixed | S::Escalated, A::Fine) => Ok(S::FineProposed),
        (S::FineProposed, A::ConfirmFine) => Ok(S::Closed),
        (S::Unfixed, A::Escalate) => Ok(S::Escalated),
        (_, A::Close) => Ok(S::Closed),
        (S::Recorded, _) => Err("serve the notice first"),
        _ => Err("not at this stage of the violation"),
    }
}

/// The outcome of closing by `action` (none while open).
pub fn outcome_of(action: ViolationAction, to: ViolationState) -> Option<Outcome> {
    match (to, action) {
        (ViolationState::Closed, ViolationAction::Recheck) => Some(Outcome::Fixed),
        (ViolationState::Closed, ViolationAction::ConfirmFine) => Some(Outcome::Fined),
        (ViolationState::Closed, _) => Some(Outcome::Withdrawn),
        _ => None,
    }
}

/// Whether a violation in `state` waits for its re-check once its deadline
/// has come (the supervisor's home lists it).
pub fn awaits_recheck(state: ViolationState) -> bool {
    matches!(state, ViolationState::Noticed | ViolationState::Answered)
}

/// A tenant with this many violations recorded in [`REPEAT_DAYS`] days is a
/// repeat offender: the supervisor is told.
pub const REPEAT_COUNT: i64 = 3;
pub const REPEAT_DAYS: i64 = 90;

/// The most photos a violation's record or a tenant's answer carries.
pub const MAX_PHOTOS: usize = 6;

/// A notice's deadline: 1 to 90 days.
pub const MAX_DEADLINE_DAYS: i64 = 90;

#[cfg(test)]
mod tests {
    use super::*;
    use ViolationAction as A;
    use ViolationState as S;

    #[test]
    fn noticed_answered_rechecked_then_fined_or_fixed() {
        let s = next(S::Recorded, A::Notice, false).unwrap();
        let s = next(s, A::Reply, false).unwrap();
        assert_eq!(s, S::Answered);
        assert!(next(s, A::Reply, false).is_err());
        let s = next(s, A::Recheck, false).unwrap();
        assert_eq!(s, S::Unfixed);
        // The same step twice is refused.
        assert!(next(s, A::Recheck, true).is_err());
        assert_eq!(next(s, A::Notice, false), Ok(S::Noticed));
        assert_eq!(next(s, A::Escalate, false), Ok(S::Escalated));
        let s = next(s, A::Fine, false).unwrap();
        assert!(next(s, A::Fine, false).is_err());
        let s = next(s, A::ConfirmFine, false).unwrap();
        assert_eq!(outcome_of(A::ConfirmFine, s), Some(Outcome::Fined));
        for a in ViolationAction::ALL {
            assert!(next(S::Closed, *a, true).is_err(), "{a:?} on a closed one");
        }
        assert_eq!(next(S::Noticed, A::Recheck, true), Ok(S::Closed));
        assert_eq!(outcome_of(A::Recheck, S::Closed), Some(Outcome::Fixed));
        assert_eq!(outcome_of(A::Recheck, S::Unfixed), None);
        assert!(next(S::Recorded, A::Fine, false).is_err());
        assert!(next(S::Noticed, A::Fine, false).is_err());
        assert_eq!(next(S::Recorded, A::Close, false), Ok(S::Closed));
    }
}
