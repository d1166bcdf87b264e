//! Announcements and outages (通知/停水停电): what stops during an outage.

string_enum!(
    /// What an outage stops.
    Outage, "outage", {
        Water => "water", Power => "power", Gas => "gas", Lift => "lift",
        Aircon => "aircon", Network => "network", Other => "other",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_parse_by_name() {
        assert_eq!("water".parse::<Outage>().unwrap(), Outage::Water);
        assert!("fire".parse::<Outage>().is_err());
        assert_eq!(Outage::ALL.len(), 7);
    }
}
