//! lobby's integration tests: one binary (link time on 2 cores), every case
//! run against SQLite and PostgreSQL through `lobby_testkit::both!`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod announcements;
mod auth;
mod browser;
mod browser_flows;
mod browser_moves;
mod browser_paying;
mod browser_portal;
mod browser_reports;
mod browser_violations;
mod cleaning;
mod concurrency;
mod delivery;
mod demo;
mod department_reports;
mod desk;
mod digest;
mod directory;
mod fees;
mod golive;
mod golive_import;
mod kept;
mod keys;
mod matrix;
mod meters;
mod moves;
mod ops;
mod outgoing_mail;
mod patrols;
mod paying;
mod permits;
mod portal;
mod renovations;
mod security;

mod supervision;
mod supplies;
mod tenant_accounts;
mod tenant_visits;
mod tenants;
mod tickets;
mod tickets_records;
mod tickets_sla;
mod training;
mod trust;
mod ui;
mod ui_forms;
mod ui_language;
mod ui_tickets;
mod ui_units;
mod violations;
mod walks;
mod work_log;
mod write_path;
