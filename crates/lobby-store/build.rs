//! `sqlx::migrate!` embeds the migration files at compile time; a new file
//! changes no Rust source, so tell cargo to rebuild when the folders change.
fn main() {
    println!("cargo:rerun-if-changed=migrations/sqlite");
    println!("cargo:rerun-if-changed=migrations/postgres");
}
