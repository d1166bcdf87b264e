//! The `lobby` binary run as separate processes: the command line, serving,
//! crashes, backups and restores, upgrades, a proxy in front. One test
//! binary (one link) with one set of helpers in `common`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod cli;
mod crash;
mod proxy;
mod restore;
mod upgrade;
