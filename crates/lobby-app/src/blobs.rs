//! The blob store: files (photos, signed forms) in the data dir's `blobs/`
//! folder, named by the sha256 of their bytes, so a name can never be a
//! path and the same file is stored once. Writes go to a temporary file
//! that is synced and renamed into place: a blob that exists is whole.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::{AppError, AppResult};

fn path_of(data_dir: &Path, name: &str) -> AppResult<PathBuf> {
    if name.len() != 64 || !name.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound("file"));
    }
    Ok(data_dir.join("blobs").join(&name[..2]).join(name))
}

/// Stores `bytes`; returns their name.
pub async fn put(data_dir: &Path, bytes: &[u8]) -> AppResult<String> {
    let name = hex::encode(Sha256::digest(bytes));
    let path = path_of(data_dir, &name)?;
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(name);
    }
    let io = |e: std::io::Error| AppError::Internal(anyhow::anyhow!("blob store: {e}"));
    let dir = path
        .parent()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("blob path")))?;
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let tmp = dir.join(format!(
        "{name}.tmp-{}",
        crate::auth::random_token().get(..8).unwrap_or("x")
    ));
    let mut f = tokio::fs::File::create(&tmp).await.map_err(io)?;
    f.write_all(bytes).await.map_err(io)?;
    f.sync_all().await.map_err(io)?;
    drop(f);
    tokio::fs::rename(&tmp, &path).await.map_err(io)?;
    Ok(name)
}

pub async fn get(data_dir: &Path, name: &str) -> AppResult<Vec<u8>> {
    let path = path_of(data_dir, name)?;
    tokio::fs::read(&path)
        .await
        .map_err(|_| AppError::NotFound("file"))
}
