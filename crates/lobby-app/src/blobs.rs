//! The blob store: files (photos, signed forms) named by the sha256 of their
//! bytes, so a name can never be a path and the same file is stored once.
//!
//! Two places can hold them (DESIGN.md §4): a local folder, the data dir's
//! `blobs/` by default — one building on a laptop; or an S3-compatible
//! bucket (AWS S3, MinIO, Ceph, OSS …), which every `lobby serve` process
//! behind a load balancer reads and writes alike. In the folder a write goes
//! to a temporary file that is synced and renamed into place; in a bucket a
//! PUT is acknowledged only when the object is stored. Either way a blob
//! that exists is whole, and a use case records its name only after the put
//! has returned.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::{AppError, AppResult};

/// Where blobs live. Cheap to clone.
#[derive(Clone)]
pub enum Blobs {
    /// A folder on this machine.
    Local(PathBuf),
    /// A bucket of an S3-compatible service; names go under `prefix`.
    S3 {
        store: Arc<dyn ObjectStore>,
        prefix: String,
        url: String,
    },
}

impl std::fmt::Debug for Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

fn io(e: std::io::Error) -> AppError {
    AppError::Internal(anyhow::anyhow!("blob store: {e}"))
}

fn checked(name: &str) -> AppResult<&str> {
    if name.len() == 64 && name.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(name)
    } else {
        Err(AppError::NotFound("file"))
    }
}

/// An object's bytes; NotFound(`what`) when there is none.
async fn s3_read(
    store: &dyn ObjectStore,
    key: &object_store::path::Path,
    what: &'static str,
) -> AppResult<Vec<u8>> {
    let failed = |e: object_store::Error| match e {
        object_store::Error::NotFound { .. } => AppError::NotFound(what),
        e => AppError::Internal(anyhow::anyhow!("{e}")),
    };
    let got = store.get(key).await.map_err(failed)?;
    Ok(got.bytes().await.map_err(failed)?.to_vec())
}

fn checked_token(token: &str) -> AppResult<&str> {
    if token.len() == 32 && token.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(token)
    } else {
        Err(AppError::NotFound("upload"))
    }
}

impl Blobs {
    /// The folder `dir` (created on the first write).
    pub fn local(dir: impl Into<PathBuf>) -> Self {
        Blobs::Local(dir.into())
    }

    /// The `--blob-store` setting: `local` (or empty) for `data_dir/blobs`,
    /// or `s3://bucket[/prefix]`, with the credentials, region and endpoint
    /// read from the standard `AWS_*` variables (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT` for an
    /// S3-compatible service, `AWS_ALLOW_HTTP=true` for one without TLS).
    pub fn from_setting(setting: &str, data_dir: &Path) -> Result<Self, String> {
        match setting.trim() {
            "" | "local" => Ok(Self::local(data_dir.join("blobs"))),
            s if s.starts_with("s3://") => {
                // As object_store's from_env: every AWS_* variable it knows.
                let env: Vec<(String, String)> = std::env::vars()
                    .filter(|(k, _)| k.starts_with("AWS_"))
                    .map(|(k, v)| (k.to_ascii_lowercase(), v))
                    .filter(|(k, _)| k.parse::<AmazonS3ConfigKey>().is_ok())
                    .collect();
                let env: Vec<(&str, &str)> =
                    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                Self::s3_with_options(s, &env)
            }
            other => Err(format!(
                "--blob-store / LOBBY_BLOB_STORE '{other}' is neither `local` nor an s3://bucket/prefix URL"
            )),
        }
    }

    /// An S3 bucket configured by `options`: object_store's S3 keys
    /// (`aws_endpoint`, `aws_access_key_id`, `aws_allow_http` …), over
    /// lobby's defaults (connect within 5 s, a request within 60 s, three
    /// retries within 20 s).
    pub fn s3_with_options(url: &str, options: &[(&str, &str)]) -> Result<Self, String> {
        let rest = url.trim_start_matches("s3://");
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!(
                "--blob-store / LOBBY_BLOB_STORE '{url}' names no bucket (s3://bucket/prefix)"
            ));
        }
        let mut b = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(20),
                ..RetryConfig::default()
            })
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(60)),
            );
        for (k, v) in options {
            let key = k
                .parse()
                .map_err(|e| format!("blob store option {k}: {e}"))?;
            b = b.with_config(key, *v);
        }
        let store = b.build().map_err(|e| format!("blob store {url}: {e}"))?;
        Ok(Blobs::S3 {
            store: Arc::new(store),
            prefix: prefix.trim_matches('/').to_string(),
            url: url.to_string(),
        })
    }

    /// Where the blobs are, for logs and error messages.
    pub fn describe(&self) -> String {
        match self {
            Blobs::Local(dir) => dir.display().to_string(),
            Blobs::S3 { url, .. } => url.clone(),
        }
    }

    /// `rest` under the bucket's prefix (object_store drops empty parts).
    fn under(prefix: &str, rest: &str) -> object_store::path::Path {
        object_store::path::Path::from(format!("{prefix}/{rest}"))
    }

    fn key(prefix: &str, name: &str) -> object_store::path::Path {
        Self::under(prefix, &format!("{}/{name}", &name[..2]))
    }

    fn staged_key(prefix: &str, token: &str) -> object_store::path::Path {
        Self::under(prefix, &format!("staged/{token}"))
    }

    /// Keeps a file between two requests that any server may answer (an
    /// import's preview and its confirmation) under `token`, 32 hex digits.
    pub async fn stage(&self, token: &str, bytes: &[u8]) -> AppResult<()> {
        let token = checked_token(token)?;
        match self {
            Blobs::Local(dir) => {
                let dir = dir.join("staged");
                tokio::fs::create_dir_all(&dir).await.map_err(io)?;
                tokio::fs::write(dir.join(token), bytes).await.map_err(io)?;
            }
            Blobs::S3 { store, prefix, .. } => {
                store
                    .put(
                        &Self::staged_key(prefix, token),
                        PutPayload::from(bytes.to_vec()),
                    )
                    .await
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
            }
        }
        Ok(())
    }

    /// Takes the staged file back and removes it (NotFound when there is none).
    pub async fn take_staged(&self, token: &str) -> AppResult<Vec<u8>> {
        let token = checked_token(token)?;
        match self {
            Blobs::Local(dir) => {
                let path = dir.join("staged").join(token);
                let bytes = tokio::fs::read(&path)
                    .await
                    .map_err(|_| AppError::NotFound("upload"))?;
                let _ = tokio::fs::remove_file(&path).await;
                Ok(bytes)
            }
            Blobs::S3 { store, prefix, .. } => {
                let key = Self::staged_key(prefix, token);
                let bytes = s3_read(store.as_ref(), &key, "upload").await?;
                let _ = store.delete(&key).await;
                Ok(bytes)
            }
        }
    }

    /// Removes staged files older than `max_age_micros` at `now` (an import
    /// previewed and never confirmed: a tenant list with phone numbers should
    /// not linger). Returns how many it removed.
    pub async fn sweep_staged(&self, now: i64, max_age_micros: i64) -> AppResult<usize> {
        let cutoff = now - max_age_micros;
        let mut removed = 0;
        match self {
            Blobs::Local(dir) => {
                let Ok(mut entries) = tokio::fs::read_dir(dir.join("staged")).await else {
                    return Ok(0);
                };
                while let Some(e) = entries.next_entry().await.map_err(io)? {
                    let modified = e
                        .metadata()
                        .await
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map(|d| d.as_micros() as i64);
                    if modified.is_some_and(|m| m < cutoff)
                        && tokio::fs::remove_file(e.path()).await.is_ok()
                    {
                        removed += 1;
                    }
                }
            }
            Blobs::S3 { store, prefix, .. } => {
                use futures_util::TryStreamExt;
                let under = Self::staged_key(prefix, "");
                let old: Vec<_> = store
                    .list(Some(&under))
                    .try_filter(|m| std::future::ready(m.last_modified.timestamp_micros() < cutoff))
                    .try_collect()
                    .await
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
                for m in old {
                    if store.delete(&m.location).await.is_ok() {
                        removed += 1;
                    }
                }
            }
        }
        Ok(removed)
    }

    /// Proves at start that blobs can be written and read back, so a wrong
    /// bucket, key or endpoint stops `lobby serve` instead of the first
    /// photo of the day.
    pub async fn check(&self) -> Result<(), String> {
        let probe = b"lobby blob store probe";
        let why = |e: AppError| match e {
            AppError::Internal(cause) => format!("{cause:#}"),
            e => e.to_string(),
        };
        let name = self.put(probe).await.map_err(|e| {
            format!(
                "cannot write to the blob store {}: {}",
                self.describe(),
                why(e)
            )
        })?;
        let back = self.get(&name).await.map_err(|e| {
            format!(
                "cannot read from the blob store {}: {}",
                self.describe(),
                why(e)
            )
        })?;
        if back != probe {
            return Err(format!(
                "the blob store {} gave back other bytes than were stored",
                self.describe()
            ));
        }
        Ok(())
    }

    /// Stores `bytes`; returns their name.
    pub async fn put(&self, bytes: &[u8]) -> AppResult<String> {
        let name = hex::encode(Sha256::digest(bytes));
        match self {
            Blobs::Local(dir) => {
                let dir = dir.join(&name[..2]);
                let path = dir.join(&name);
                if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                    return Ok(name);
                }
                tokio::fs::create_dir_all(&dir).await.map_err(io)?;
                let tmp = dir.join(format!(
                    "{name}.tmp-{}",
                    crate::auth::random_token().get(..8).unwrap_or("x")
                ));
                let mut f = tokio::fs::File::create(&tmp).await.map_err(io)?;
                f.write_all(bytes).await.map_err(io)?;
                f.sync_all().await.map_err(io)?;
                drop(f);
                tokio::fs::rename(&tmp, &path).await.map_err(io)?;
            }
            Blobs::S3 { store, prefix, .. } => {
                store
                    .put(&Self::key(prefix, &name), PutPayload::from(bytes.to_vec()))
                    .await
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
            }
        }
        Ok(name)
    }

    /// The bytes stored under `name`.
    pub async fn get(&self, name: &str) -> AppResult<Vec<u8>> {
        let name = checked(name)?;
        match self {
            Blobs::Local(dir) => tokio::fs::read(dir.join(&name[..2]).join(name))
                .await
                .map_err(|_| AppError::NotFound("file")),
            Blobs::S3 { store, prefix, .. } => {
                s3_read(store.as_ref(), &Self::key(prefix, name), "file").await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_names_what_is_wrong() {
        let dir = Path::new("/tmp/x");
        assert!(matches!(
            Blobs::from_setting("", dir),
            Ok(Blobs::Local(p)) if p == dir.join("blobs")
        ));
        assert!(matches!(
            Blobs::from_setting("local", dir),
            Ok(Blobs::Local(_))
        ));
        let e = Blobs::from_setting("ftp://files", dir).unwrap_err();
        assert!(
            e.contains("LOBBY_BLOB_STORE") && e.contains("ftp://files"),
            "{e}"
        );
        let e = Blobs::s3_with_options("s3:///photos", &[]).unwrap_err();
        assert!(e.contains("names no bucket"), "{e}");
        let e = Blobs::s3_with_options("s3://b", &[("no_such_option", "1")]).unwrap_err();
        assert!(e.contains("no_such_option"), "{e}");
        let Ok(Blobs::S3 { prefix, .. }) =
            Blobs::s3_with_options("s3://bucket/lobby/photos/", &[("aws_region", "cn-north-1")])
        else {
            panic!("an s3 url with a prefix");
        };
        assert_eq!(prefix, "lobby/photos");
        assert_eq!(
            Blobs::key(&prefix, &"ab".repeat(32)).to_string(),
            format!("lobby/photos/ab/{}", "ab".repeat(32))
        );
        assert_eq!(
            Blobs::key("", &"ab".repeat(32)).to_string(),
            format!("ab/{}", "ab".repeat(32)),
            "no prefix, no leading slash"
        );
    }

    #[tokio::test]
    async fn a_local_blob_is_named_by_its_bytes() {
        let dir = std::env::temp_dir().join(format!("lobby-blobs-{}", crate::auth::random_token()));
        let b = Blobs::local(&dir);
        let name = b.put(b"hello").await.unwrap();
        assert_eq!(name, hex::encode(Sha256::digest(b"hello")));
        assert_eq!(b.put(b"hello").await.unwrap(), name);
        assert_eq!(b.get(&name).await.unwrap(), b"hello");
        assert!(dir.join(&name[..2]).join(&name).exists());
        assert!(matches!(
            b.get("../etc/passwd").await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            b.get(&"0".repeat(64)).await,
            Err(AppError::NotFound(_))
        ));
        b.check().await.unwrap();
        let token = "0123456789abcdef0123456789abcdef";
        b.stage(token, b"name,kind\n").await.unwrap();
        assert_eq!(b.take_staged(token).await.unwrap(), b"name,kind\n");
        assert!(
            matches!(b.take_staged(token).await, Err(AppError::NotFound(_))),
            "taken once"
        );
        assert!(b.stage("../../etc/x", b"x").await.is_err());
        // An abandoned one goes after a day, not before.
        b.stage(token, b"x").await.unwrap();
        use lobby_domain::clock::Clock;
        let now = lobby_domain::clock::SystemClock.now().as_microsecond();
        assert_eq!(b.sweep_staged(now, 86_400_000_000).await.unwrap(), 0);
        let tomorrow = now + 86_400_000_000 + 60_000_000;
        assert_eq!(b.sweep_staged(tomorrow, 86_400_000_000).await.unwrap(), 1);
        assert!(b.take_staged(token).await.is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
