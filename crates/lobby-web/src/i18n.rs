//! Message catalogues: every string the UI shows lives in
//! `locales/zh-CN.json` and `locales/en.json` under the same key; templates
//! hold keys. zh-CN is the default. A test fails when a key is missing in
//! either catalogue or a template uses a key neither has.

use std::collections::HashMap;
use std::sync::OnceLock;

pub const ZH: &str = "zh-CN";
pub const EN: &str = "en";

const ZH_JSON: &str = include_str!("../locales/zh-CN.json");
const EN_JSON: &str = include_str!("../locales/en.json");

type Catalogue = HashMap<String, String>;

fn catalogues() -> &'static (Catalogue, Catalogue) {
    static C: OnceLock<(Catalogue, Catalogue)> = OnceLock::new();
    C.get_or_init(|| {
        (
            serde_json::from_str(ZH_JSON).unwrap_or_default(),
            serde_json::from_str(EN_JSON).unwrap_or_default(),
        )
    })
}

/// The catalogues' names of fixed values, in either language: what a
/// go-live workbook's drop-downs offer and its import reads back.
pub struct Labels;

impl lobby_app::golive::Labels for Labels {
    fn label(&self, prefix: &str, value: &str, en: bool) -> String {
        Tr::new(if en { EN } else { ZH }).e(prefix, value)
    }
}

/// The words of the month's violations workbook, in `tr`'s language.
pub fn violation_words(tr: &Tr) -> lobby_app::violations::MonthWords {
    let tr = *tr;
    let h = |k: &str| tr.t(k).to_string();
    lobby_app::violations::MonthWords {
        sheet: h("violations.title"),
        headers: [
            h("violations.number"),
            h("violations.recorded_at"),
            h("violations.kind"),
            h("violations.place"),
            h("violations.tenant"),
            h("violations.description"),
            h("violations.state"),
            h("violations.deadline"),
            h("violations.notices"),
            h("violations.fine"),
            h("violations.recorded_by"),
        ],
        state: Box::new(move |s| {
            if matches!(s, "fixed" | "fined" | "withdrawn") {
                tr.e("violation_outcome", s)
            } else {
                tr.e("violation_state", s)
            }
        }),
    }
}

/// The translator of one request.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub locale: &'static str,
}

impl Tr {
    pub fn new(locale: &str) -> Self {
        Self {
            locale: if locale == EN { EN } else { ZH },
        }
    }

    /// The message for `key`; the key itself if missing (the catalogue test
    /// keeps that from shipping).
    pub fn t<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        let (zh, en) = catalogues();
        let cat = if self.locale == EN { en } else { zh };
        cat.get(key).map(String::as_str).unwrap_or(key)
    }

    /// `t(prefix + "." + value)`, for enum values (`role.front_desk`).
    pub fn e(&self, prefix: &str, value: &str) -> String {
        let key = format!("{prefix}.{value}");
        let (zh, en) = catalogues();
        let cat = if self.locale == EN { en } else { zh };
        cat.get(&key).cloned().unwrap_or(key)
    }

    /// `t` for a key made at run time; the key itself if missing.
    pub fn e_key(&self, key: &str) -> String {
        let (zh, en) = catalogues();
        let cat = if self.locale == EN { en } else { zh };
        cat.get(key).cloned().unwrap_or_else(|| key.to_string())
    }

    /// The values under `prefix` the catalogue names (`audit_action.` →
    /// `create`, `update` …), sorted: the choices of a filter.
    pub fn values_of(&self, prefix: &str) -> Vec<&'static str> {
        let (zh, _) = catalogues();
        let p = format!("{prefix}.");
        let mut v: Vec<&'static str> = zh
            .keys()
            .filter_map(|k| k.strip_prefix(p.as_str()))
            .collect();
        v.sort_unstable();
        v
    }

    pub fn is_en(&self) -> bool {
        self.locale == EN
    }
}

/// The catalogues for the sender (e-mail subjects and bodies, group
/// messages): a key's words in a language, or the key itself.
pub fn notification_label() -> lobby_app::delivery::Label {
    std::sync::Arc::new(|locale: &str, key: &str| Tr::new(locale).e_key(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(json: &str) -> std::collections::BTreeSet<String> {
        let m: Catalogue =
            serde_json::from_str(json).expect("catalogue is a flat JSON object of strings");
        m.into_keys().collect()
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let zh = keys(ZH_JSON);
        let en = keys(EN_JSON);
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(only_zh.is_empty(), "missing in en.json: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN.json: {only_en:?}");
    }

    /// Every `t("…")` in a template or a Rust file of this crate, and every
    /// enum value shown through `e(…)`, has a message.
    #[test]
    fn every_used_key_is_in_the_catalogue() {
        let zh = keys(ZH_JSON);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        let mut files = Vec::new();
        for dir in ["templates", "src", "src/ui", "src/api"] {
            for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
                let p = e.path();
                if p.is_file() {
                    files.push(p);
                }
            }
        }
        for p in files {
            let text = std::fs::read_to_string(&p).unwrap();
            for part in text.split("t(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                if key.contains('.') && !key.contains(' ') && !zh.contains(key) {
                    missing.push(format!("{}: {key}", p.display()));
                }
            }
        }
        use lobby_domain::roles::Role;
        for r in Role::ALL {
            if !zh.contains(&format!("role.{r}")) {
                missing.push(format!("role.{r}"));
            }
        }
        for s in lobby_domain::sites::UnitStatus::ALL {
            if !zh.contains(&format!("unit_status.{s}")) {
                missing.push(format!("unit_status.{s}"));
            }
        }
        use lobby_domain::tickets as tk;
        let enums: [(&str, Vec<&str>); 6] = [
            (
                "ticket_kind",
                tk::Kind::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "priority",
                tk::Priority::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "channel",
                tk::Channel::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "department",
                tk::Department::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "ticket_state",
                tk::State::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "ticket_action",
                tk::Action::ALL.iter().map(|x| x.as_str()).collect(),
            ),
        ];
        for (prefix, values) in enums {
            for v in values {
                if !zh.contains(&format!("{prefix}.{v}")) {
                    missing.push(format!("{prefix}.{v}"));
                }
            }
        }
        use lobby_domain::desk as dk;
        let desk_enums: [(&str, Vec<&str>); 5] = [
            (
                "log_category",
                dk::LogCategory::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "follow_up",
                dk::FollowUp::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "check_kind",
                dk::CheckKind::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "attendance",
                dk::Attendance::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "incident_type",
                dk::DEFAULT_INCIDENT_TYPES.iter().map(|x| x.code).collect(),
            ),
        ];
        use lobby_domain::cleaning as cl;
        let patrol_enums: [(&str, Vec<&str>); 5] = [
            (
                "patrol_category",
                lobby_domain::patrols::Category::ALL
                    .iter()
                    .map(|x| x.as_str())
                    .collect(),
            ),
            (
                "vendor_kind",
                cl::VendorKind::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "frequency",
                cl::Frequency::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "notice_state",
                cl::NoticeState::ALL.iter().map(|x| x.as_str()).collect(),
            ),
            (
                "notice_action",
                cl::NoticeAction::ALL.iter().map(|x| x.as_str()).collect(),
            ),
        ];
        for (prefix, values) in desk_enums.into_iter().chain(patrol_enums) {
            for v in values {
                if !zh.contains(&format!("{prefix}.{v}")) {
                    missing.push(format!("{prefix}.{v}"));
                }
            }
        }
        for k in lobby_domain::sites::AreaKind::ALL {
            if !zh.contains(&format!("area_kind.{k}")) {
                missing.push(format!("area_kind.{k}"));
            }
        }
        assert!(missing.is_empty(), "keys without a message: {missing:#?}");
    }
}
