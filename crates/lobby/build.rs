//! Stamps the binary with the git commit it was built from, for
//! `lobby --version` and `/healthz`. `LOBBY_GIT_COMMIT` wins (a container
//! build has no `.git`); without either the commit is `unknown`.
//!
//! Cargo reruns a build script on every build while a file it was told to
//! watch is missing, so this names only paths that exist now: git itself
//! says where its directory is (a worktree's `.git` is a file), and the
//! branch is watched through the folder that holds its loose ref (present
//! whether or not the refs are packed; a commit after `git pack-refs`
//! writes a new file there) and `packed-refs` only when there is one.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

fn main() {
    println!("cargo:rerun-if-env-changed=LOBBY_GIT_COMMIT");
    let stamped = std::env::var("LOBBY_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty());
    if stamped.is_none() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let absolute = |p: String| -> PathBuf {
            let p = PathBuf::from(p);
            if p.is_absolute() {
                p
            } else {
                root.join(p)
            }
        };
        // HEAD lives in the checkout's own git directory; refs and
        // packed-refs in the common one (they differ only in a worktree).
        if let Some(dir) = git(&["rev-parse", "--git-dir"]).map(absolute) {
            watch(&dir.join("HEAD"));
        }
        if let Some(common) = git(&["rev-parse", "--git-common-dir"]).map(absolute) {
            watch(&common.join("packed-refs"));
            if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
                let loose = common.join(&branch);
                watch(&loose);
                if let Some(folder) = loose.parent() {
                    watch(folder);
                }
            }
        }
    }
    let commit = stamped
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=LOBBY_GIT_COMMIT={commit}");
}
