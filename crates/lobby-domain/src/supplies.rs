//! Supplies (办公用品申购): a monthly requisition — items, quantities,
//! estimated cost — approved by the project manager, then received; the
//! month's cost is what was received, by department and by category.

string_enum!(
    /// Where a requisition stands: submitted → approved → received, or
    /// rejected.
    RequisitionState, "state", {
        Submitted => "submitted", Approved => "approved", Rejected => "rejected", Received => "received",
    }
);

string_enum!(
    /// What is bought: office supplies, or consumables for cleaning.
    SupplyCategory, "category", {
        Office => "office", Cleaning => "cleaning",
    }
);

/// The most lines one requisition holds.
pub const MAX_LINES: usize = 50;

/// The next state for a decision, or why not.
pub fn after(state: RequisitionState, step: &str) -> Result<RequisitionState, &'static str> {
    use RequisitionState::*;
    match (state, step) {
        (Submitted, "approve") => Ok(Approved),
        (Submitted, "reject") => Ok(Rejected),
        (Approved, "receive") => Ok(Received),
        (Submitted, "receive") => Err("approve it first"),
        _ => Err("this requisition has been decided"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requisition_goes_submitted_approved_received() {
        use RequisitionState::*;
        assert_eq!(after(Submitted, "approve"), Ok(Approved));
        assert_eq!(after(Submitted, "reject"), Ok(Rejected));
        assert_eq!(after(Approved, "receive"), Ok(Received));
        assert!(after(Submitted, "receive").is_err());
        assert!(after(Rejected, "approve").is_err());
        assert!(after(Received, "receive").is_err());
        assert!(after(Approved, "approve").is_err());
    }
}
