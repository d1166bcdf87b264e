//! Supervising the other departments and the outsourced services
//! (监督保安、工程、外包服务单位…评审): each month's evaluation of the
//! security and engineering departments and of every contractor — lifts,
//! fire systems, pest control, landscaping — against its service's
//! criteria; and proposals (合理化建议) decided by the project manager and
//! followed up until done.

string_enum!(
    /// What is supervised: an in-house department or an outsourced service.
    Service, "service", {
        Security => "security", Engineering => "engineering", Lift => "lift",
        FireSystem => "fire_system", PestControl => "pest_control", Landscaping => "landscaping",
        Other => "other",
    }
);

string_enum!(
    /// A proposal's way: open → adopted → done, or declined.
    ProposalState, "state", {
        Open => "open", Adopted => "adopted", Declined => "declined", Done => "done",
    }
);

/// A service's criteria: (code, weight in percent); the weights add up to
/// 100. The words are the catalogue's `sv_criterion.<code>`.
pub fn criteria(service: Service) -> &'static [(&'static str, i64)] {
    use Service::*;
    match service {
        Security => &[
            ("patrol", 25),
            ("post_discipline", 25),
            ("emergency", 20),
            ("access_control", 15),
            ("courtesy", 15),
        ],
        Engineering => &[
            ("response", 25),
            ("repair_quality", 25),
            ("maintenance_plan", 20),
            ("energy", 15),
            ("courtesy", 15),
        ],
        Lift => &[
            ("maintenance_plan", 30),
            ("breakdowns", 25),
            ("response", 25),
            ("records", 20),
        ],
        FireSystem => &[
            ("maintenance_plan", 30),
            ("equipment_ready", 30),
            ("response", 20),
            ("records", 20),
        ],
        PestControl => &[
            ("treatment_plan", 35),
            ("effect", 35),
            ("records", 15),
            ("courtesy", 15),
        ],
        Landscaping => &[
            ("plant_condition", 40),
            ("maintenance_plan", 30),
            ("tidiness", 15),
            ("courtesy", 15),
        ],
        Other => &[
            ("quality", 40),
            ("response", 30),
            ("records", 15),
            ("courtesy", 15),
        ],
    }
}

/// The next state of a proposal for a step, or why not.
pub fn after(state: ProposalState, step: &str) -> Result<ProposalState, &'static str> {
    use ProposalState::*;
    match (state, step) {
        (Open, "adopt") => Ok(Adopted),
        (Open, "decline") => Ok(Declined),
        (Adopted, "done") => Ok(Done),
        (Open, "done") => Err("adopt it first"),
        _ => Err("this proposal has been decided"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_services_weights_add_up_to_a_hundred() {
        for s in Service::ALL {
            let w: i64 = criteria(*s).iter().map(|(_, w)| w).sum();
            assert_eq!(w, 100, "{s:?}");
        }
    }

    #[test]
    fn a_proposal_is_adopted_then_done_or_declined() {
        use ProposalState::*;
        assert_eq!(after(Open, "adopt"), Ok(Adopted));
        assert_eq!(after(Adopted, "done"), Ok(Done));
        assert_eq!(after(Open, "decline"), Ok(Declined));
        assert!(after(Open, "done").is_err());
        assert!(after(Declined, "adopt").is_err());
        assert!(after(Done, "done").is_err());
    }
}
