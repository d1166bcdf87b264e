//! Photos: whose they are. Every photo (a work order's, a patrol
//! checkpoint's, an inspection's, a rectification notice's) is one kind of
//! record, told apart by its owner.

string_enum!(
    /// What a photo belongs to.
    Owner, "owner", {
        Ticket => "ticket",
        PatrolResult => "patrol_result",
        Inspection => "inspection",
        Notice => "notice",
        /// The dial at a meter reading (抄表).
        MeterReading => "meter_reading",
        /// A handover checklist item at a move-in or move-out (a defect,
        /// a damage).
        MoveItem => "move_item",
        /// The transfer slip a tenant sends with its 我已付款.
        PaymentNotice => "payment_notice",
        /// A site's collection QR code (收款码); owner_id is the site.
        SitePayee => "site_payee",
        /// A tenant rule violation as it was seen (违章).
        Violation => "violation",
        /// A tenant's answer to a violation notice (已整改 or an objection).
        ViolationReply => "violation_reply",
    }
);
