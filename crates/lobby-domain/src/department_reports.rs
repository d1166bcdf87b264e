//! The monthly department report (部门月报): where a month's report stands.

string_enum!(
    /// Where a month's report stands.
    ReportState, "state", {
        /// Nothing written for the month yet.
        Unwritten => "unwritten",
        /// Written (or being written) by the supervisor; its figures live.
        Draft => "draft",
        /// Signed by the project manager: its figures frozen, never changed.
        Signed => "signed",
    }
);

impl ReportState {
    /// The state of a month's report from its row: none, written, signed.
    pub fn of(written: bool, signed: bool) -> Self {
        match (written, signed) {
            (_, true) => ReportState::Signed,
            (true, false) => ReportState::Draft,
            (false, false) => ReportState::Unwritten,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ReportState;

    #[test]
    fn a_report_is_signed_once_signed_whatever_else() {
        assert_eq!(ReportState::of(false, false), ReportState::Unwritten);
        assert_eq!(ReportState::of(true, false), ReportState::Draft);
        assert_eq!(ReportState::of(true, true), ReportState::Signed);
        assert_eq!(ReportState::Signed.as_str(), "signed");
    }
}
