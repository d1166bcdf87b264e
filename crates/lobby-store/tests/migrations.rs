//! The rule that makes rolling upgrades safe (docs/operations.md,
//! "Upgrade"): a migration only **expands** the schema — new tables,
//! indexes, nullable or defaulted columns — so the release before it runs
//! unchanged on the migrated database. Removing or renaming what an older
//! release reads (the **contract** step) comes a release later, in a file
//! that says so on a line `-- contract: <what, and the release that stopped
//! using it>`. A SQLite table rebuild that keeps every column (the only way
//! to change a CHECK there) says `-- rebuild: <why>`. Both engines carry the
//! same migrations, by number and name.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

/// Migrations up to this one were written before the rule (and before a
/// release was run beside another); they are not checked.
const RULE_FROM: u32 = 35;

/// What a statement does that an older release would trip over.
fn breaking(sql: &str) -> Option<&'static str> {
    // Comments out, one line, upper case, single spaces.
    let text: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for stmt in text.split(';') {
        let s = stmt.trim();
        if s.starts_with("DROP TABLE") {
            return Some("drops a table");
        }
        if s.contains(" DROP COLUMN ") {
            return Some("drops a column");
        }
        if s.contains(" RENAME ") {
            return Some("renames");
        }
        if s.contains(" ALTER COLUMN ") {
            return Some("changes a column (type or NOT NULL)");
        }
        if s.contains(" ADD COLUMN ") && s.contains("NOT NULL") && !s.contains("DEFAULT") {
            return Some("adds a NOT NULL column without a default");
        }
    }
    None
}

fn migrations(engine: &str) -> Vec<(u32, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(engine);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let version: u32 = name.split('_').next().unwrap().parse().unwrap();
            (version, name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn migrations_only_expand() {
    for engine in ["sqlite", "postgres"] {
        for (version, name, sql) in migrations(engine) {
            if version < RULE_FROM {
                continue;
            }
            let marked = sql
                .lines()
                .any(|l| l.starts_with("-- contract:") || l.starts_with("-- rebuild:"));
            if let Some(why) = breaking(&sql) {
                assert!(
                    marked,
                    "{engine}/{name} {why}: an older release still running beside it \
                     (a rolling upgrade) would fail. Expand now and contract a release \
                     later, in a file marked `-- contract: …` (see docs/operations.md)"
                );
            }
        }
    }
}

#[test]
fn both_engines_carry_the_same_migrations() {
    let names = |e| {
        migrations(e)
            .into_iter()
            .map(|(_, n, _)| n)
            .collect::<Vec<_>>()
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

#[test]
fn the_rule_sees_what_breaks() {
    assert_eq!(breaking("CREATE TABLE x (id BIGINT);"), None);
    assert_eq!(
        breaking("ALTER TABLE tickets ADD COLUMN note TEXT;"),
        None,
        "a nullable column expands"
    );
    assert_eq!(
        breaking("ALTER TABLE tickets ADD COLUMN n BIGINT NOT NULL DEFAULT 0;"),
        None
    );
    assert_eq!(breaking("CREATE INDEX a ON b (c);\nDROP INDEX a;"), None);
    assert!(breaking("drop table tickets;").is_some());
    assert!(breaking("ALTER TABLE t\n  DROP COLUMN c;").is_some());
    assert!(breaking("ALTER TABLE t RENAME TO u;").is_some());
    assert!(breaking("ALTER TABLE t RENAME COLUMN a TO b;").is_some());
    assert!(breaking("ALTER TABLE t ALTER COLUMN a SET NOT NULL;").is_some());
    assert!(breaking("ALTER TABLE t ADD COLUMN a TEXT NOT NULL;").is_some());
    assert_eq!(breaking("-- DROP TABLE x; in a comment\nSELECT 1;"), None);
}
