//! SQL on SQLite and PostgreSQL. One query set: SQL is written once with
//! `$1` placeholders and the syntax both engines share; where a statement
//! must differ the dialect is chosen in this crate, never above it. This
//! crate holds no business rule: it stores and reads what the use cases
//! decided.

pub mod announcements;
pub mod audit;
pub mod bulk;
pub mod cleaning;
mod db;
pub mod delivery;
pub mod department_reports;
pub mod desk;
pub mod digest;
mod error;
pub mod fees;
pub mod golive;
pub mod idempotency;
pub mod inbox;
pub mod keys;
pub mod moves;
pub mod notify;
pub mod numbers;
pub mod patrols;
pub mod permits;
pub mod photos;
pub mod renovations;
pub mod shifts;
pub mod sites;
pub mod sla;
pub mod supervision;
pub mod supplies;
pub mod tenants;
pub mod tickets;
pub mod training;
pub mod users;
pub mod violations;
pub mod work_log;

pub use db::{Conn, Db, Dialect, Held, Leader, ReadConn, Topic, Tx};
pub use error::StoreError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A `LIKE` pattern that finds `text` anywhere: its own `%`, `_` and `\`
/// are matched as themselves (the SQL says `ESCAPE '\'`), so "100%" finds
/// "100%", not everything that starts with 100.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod like_tests {
    #[test]
    fn wildcards_typed_by_people_match_themselves() {
        assert_eq!(super::contains_pattern("100%"), "%100\\%%");
        assert_eq!(super::contains_pattern("a_b\\c"), "%a\\_b\\\\c%");
        assert_eq!(super::contains_pattern("大堂"), "%大堂%");
    }
}
