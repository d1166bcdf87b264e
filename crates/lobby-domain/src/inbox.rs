//! 待我处理: what waits for one person's decision or hand, by kind, so each
//! role's home opens with it.

string_enum!(
    /// A kind of thing that waits for someone.
    WaitingKind, "kind", {
        /// Work orders escalated to the project manager.
        Escalations => "escalations",
        /// Release permits held for arrears (the project manager overrides).
        PermitsHeld => "permits_held",
        /// Renovations held for arrears (the project manager overrides).
        RenovationsHeld => "renovations_held",
        /// Renovations engineering has reviewed: approve or turn down.
        RenovationsToApprove => "renovations_to_approve",
        /// Renovation applications for engineering's review.
        RenovationsToReview => "renovations_to_review",
        /// Supply requisitions to approve.
        Requisitions => "requisitions",
        /// Last month's department report, not yet signed.
        ReportToSign => "report_to_sign",
        /// Staff proposals not yet decided.
        Proposals => "proposals",
        /// Desk-log entries the reader has not acknowledged.
        LogUnread => "log_unread",
        /// New work orders not yet dispatched.
        ToDispatch => "to_dispatch",
        /// Finished work orders to verify.
        ToVerify => "to_verify",
        /// Rectification notices the vendor reports fixed: re-inspect.
        NoticesFixed => "notices_fixed",
        /// Moves due by tomorrow whose meters wait for their readings.
        MoveReadings => "move_readings",
        /// Rounds of the last seven days finished too fast or unscanned.
        RoundsFlagged => "rounds_flagged",
        /// Tenants' 我已付款 waiting for finance to match them.
        PaymentNotices => "payment_notices",
        /// Violations whose notice's deadline has come: re-check them.
        ViolationsDue => "violations_due",
        /// Fines proposed for violations: finance confirms them.
        ViolationFines => "violation_fines",
        /// Violations escalated to the project manager.
        ViolationsEscalated => "violations_escalated",
        /// Tenants with several violations in 90 days.
        RepeatOffenders => "repeat_offenders",
    }
);
