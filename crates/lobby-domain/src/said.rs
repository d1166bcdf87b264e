//! Words lobby writes itself into records (a missed patrol in the desk
//! log, a tenant in arrears seen leaving, the default shifts and dunning
//! steps, 系统 as an author) are stored as written — in Chinese, the
//! department's language. For an English reader they are shown in English
//! with English punctuation; what people typed is shown as they typed it.

/// Whole names lobby gives (a shift, a dunning step, itself), Chinese and
/// English.
const NAMES: &[(&str, &str)] = &[
    ("系统", "System"),
    ("主管班", "Supervisor shift"),
    ("内勤班", "Office shift"),
    ("外勤班", "Field shift"),
    ("缴费提醒", "Payment reminder"),
    ("催缴通知", "Demand for payment"),
    ("最后催缴通知", "Final demand for payment"),
];

/// How lobby's own sentences begin, Chinese and English: a text that
/// begins so is lobby's, and the rest of it is read for the fragments
/// below.
const OPENINGS: &[(&str, &str)] = &[
    ("漏巡：", "Missed patrol: "),
    ("欠费租户动向：", "Tenant in arrears seen: "),
    ("巡视再次发现", "Found again on patrol "),
    ("入驻交接缺陷：", "Handover defect: "),
];

/// Fragments inside lobby's own sentences, and the punctuation.
const FRAGMENTS: &[(&str, &str)] = &[
    ("（逾期欠款 ¥", " (past due ¥"),
    ("（第 ", "(round "),
    (" 轮）", ")"),
    ("：", ": "),
    ("（", " ("),
    ("）", ") "),
    ("，", ", "),
    ("。", ". "),
];

/// `text` for a reader of `locale`: as stored for Chinese; for English,
/// lobby's own names and sentences in English (anything else untouched).
pub fn for_reader(text: &str, locale: &str) -> String {
    if !locale.starts_with("en") {
        return text.to_string();
    }
    if let Some((_, en)) = NAMES.iter().find(|(zh, _)| *zh == text) {
        return (*en).to_string();
    }
    let Some((zh, en)) = OPENINGS.iter().find(|(zh, _)| text.starts_with(zh)) else {
        return text.to_string();
    };
    let mut rest = text[zh.len()..].to_string();
    for (z, e) in FRAGMENTS {
        rest = rest.replace(z, e);
    }
    format!("{en}{}", rest.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lobby_s_words_follow_the_reader() {
        assert_eq!(for_reader("系统", "en"), "System");
        assert_eq!(for_reader("系统", "zh-CN"), "系统");
        assert_eq!(for_reader("外勤班", "en"), "Field shift");
        assert_eq!(
            for_reader("漏巡：客服日巡 2026-12-01 09:00–11:30", "en"),
            "Missed patrol: 客服日巡 2026-12-01 09:00–11:30"
        );
        assert_eq!(
            for_reader("欠费租户动向：博雅（逾期欠款 ¥1203.00）搬运家具", "en"),
            "Tenant in arrears seen: 博雅 (past due ¥1203.00) 搬运家具"
        );
        assert_eq!(
            for_reader("巡视再次发现（第 12 轮）：积水", "en"),
            "Found again on patrol (round 12): 积水"
        );
        // What people typed stays as typed.
        assert_eq!(for_reader("王先生来电：灯不亮", "en"), "王先生来电：灯不亮");
    }
}
