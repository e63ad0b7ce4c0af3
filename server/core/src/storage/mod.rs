//! Media storage: one interface over a local folder (default) and an S3 bucket.
//!
//! Keys are slash-separated paths such as `profiles/7/3fa2….jpg`. Public images live under
//! `profiles/` and `covers/`; everything else (videos) stays private.

mod local;
mod range;
mod s3;

use std::pin::Pin;

use bytes::Bytes;
use futures::Stream;

pub use local::LocalStore;
pub use range::ByteRange;
pub use s3::{S3Settings, S3Store};

/// A stream of an object's bytes.
pub type ByteStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

/// The bytes of an upload as they arrive; an `Err` means the sender went away or the body broke
/// off (the text says how).
pub type UploadStream = Pin<Box<dyn Stream<Item = Result<Bytes, String>> + Send>>;

/// One object (or the requested part of it) being read.
pub struct MediaObject {
    /// The bytes, streamed.
    pub body: ByteStream,
    /// MIME type.
    pub content_type: String,
    /// Length of the whole object.
    pub total_len: u64,
    /// The inclusive byte range being returned, when a range was asked for.
    pub range: Option<(u64, u64)>,
}

impl MediaObject {
    /// How many bytes `body` yields.
    pub fn body_len(&self) -> u64 {
        match self.range {
            Some((start, end)) => end - start + 1,
            None => self.total_len,
        }
    }

    /// Reads the whole body into memory (small objects and tests only).
    pub async fn into_bytes(self) -> std::io::Result<Vec<u8>> {
        use futures::TryStreamExt;
        let mut out = Vec::with_capacity(self.body_len() as usize);
        let mut body = self.body;
        while let Some(chunk) = body.try_next().await? {
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}

/// One stored file, as [`MediaStore::inventory`] finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredObject {
    /// Its key (for an unfinished write, the temporary file's path in the same form).
    pub key: String,
    /// When it was last written, in Unix seconds.
    pub modified: i64,
    /// Its size in bytes.
    pub size: u64,
    /// The temporary file of a write that never finished, not an object.
    pub unfinished: bool,
}

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No object has this key.
    #[error("no media object at {0}")]
    NotFound(String),
    /// The key contains characters or segments that are never valid.
    #[error("invalid media key {0:?}")]
    InvalidKey(String),
    /// The requested range lies outside the object.
    #[error("range not satisfiable for an object of {total} bytes")]
    RangeNotSatisfiable {
        /// The object's length, for the `Content-Range: bytes */N` header.
        total: u64,
    },
    /// A streamed upload grew past its limit; nothing was stored.
    #[error("the upload is larger than {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// A streamed upload broke off before its end; nothing was stored.
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    /// The backend failed (I/O, network, credentials…).
    #[error(transparent)]
    Backend(#[from] anyhow::Error),
}

/// Where media objects live.
#[derive(Clone, Debug)]
pub enum MediaStore {
    /// A folder on the local disk.
    Local(LocalStore),
    /// An S3 bucket (or any S3-compatible server).
    S3(S3Store),
}

impl MediaStore {
    /// Which store this is, as a short name: the folder, or the bucket and prefix (a cache key;
    /// no credentials).
    pub fn identity(&self) -> String {
        match self {
            MediaStore::Local(s) => format!("local:{}", s.root().display()),
            MediaStore::S3(s) => s.identity(),
        }
    }

    /// Writes an object whole; readers never see a partial object.
    pub async fn put(&self, key: &str, bytes: Bytes, content_type: &str) -> Result<(), StorageError> {
        check_key(key)?;
        match self {
            MediaStore::Local(s) => s.put(key, bytes).await,
            MediaStore::S3(s) => s.put(key, bytes, content_type).await,
        }
    }

    /// Writes an object from a stream without holding it in memory, and returns its length. The
    /// object appears whole or not at all: a body that breaks off or grows past `limit` bytes
    /// leaves nothing behind (a temporary file is removed, an S3 multipart upload aborted).
    pub async fn put_stream(
        &self,
        key: &str,
        body: UploadStream,
        content_type: &str,
        limit: u64,
    ) -> Result<u64, StorageError> {
        check_key(key)?;
        match self {
            MediaStore::Local(s) => s.put_stream(key, body, limit).await,
            MediaStore::S3(s) => s.put_stream(key, body, content_type, limit).await,
        }
    }

    /// A URL a browser can read the object from for `ttl` without credentials, when the backend
    /// can sign one (S3). `None` for the local folder: the server streams those itself.
    pub async fn presigned_get(&self, key: &str, ttl: std::time::Duration) -> Result<Option<String>, StorageError> {
        check_key(key)?;
        match self {
            MediaStore::Local(_) => Ok(None),
            MediaStore::S3(s) => s.presigned_get(key, ttl).await.map(Some),
        }
    }

    /// The origin browsers fetch presigned URLs from (for the pages' `media-src` policy); `None`
    /// when media is served by Cinecloud itself.
    pub fn browser_origin(&self) -> Option<String> {
        match self {
            MediaStore::Local(_) => None,
            MediaStore::S3(s) => Some(s.browser_origin()),
        }
    }

    /// Opens an object, or the part of it that `range` names.
    pub async fn get(&self, key: &str, range: Option<ByteRange>) -> Result<MediaObject, StorageError> {
        check_key(key)?;
        match self {
            MediaStore::Local(s) => s.get(key, range).await,
            MediaStore::S3(s) => s.get(key, range).await,
        }
    }

    /// Deletes an object; deleting a missing object is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        check_key(key)?;
        match self {
            MediaStore::Local(s) => s.delete(key).await,
            MediaStore::S3(s) => s.delete(key).await,
        }
    }

    /// The keys that start with `prefix`, sorted (for clean-up jobs and tests).
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        match self {
            MediaStore::Local(s) => s.list(prefix).await,
            MediaStore::S3(s) => s.list(prefix).await,
        }
    }

    /// Every object in the store, with when it was written, and (in a local folder) the
    /// temporary files of writes that never finished; for `cinecloud check`.
    pub async fn inventory(&self) -> Result<Vec<StoredObject>, StorageError> {
        let mut objects = match self {
            MediaStore::Local(s) => s.walk().await?,
            // An interrupted multipart upload is no object; the bucket's lifecycle rule aborts it.
            MediaStore::S3(s) => s.inventory().await?,
        };
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(objects)
    }

    /// Removes the temporary file of a write that never finished, as [`Self::inventory`] named it.
    pub async fn delete_unfinished(&self, key: &str) -> Result<(), StorageError> {
        match self {
            MediaStore::Local(s) => s.delete_unfinished(key).await,
            MediaStore::S3(_) => Err(StorageError::InvalidKey(key.to_owned())),
        }
    }

    /// Whether the store is reachable and usable, for readiness checks.
    pub async fn ping(&self) -> Result<(), StorageError> {
        match self {
            MediaStore::Local(s) => s.ping().await,
            MediaStore::S3(s) => s.ping().await,
        }
    }
}

/// Keys are relative paths of `[A-Za-z0-9._-]` segments: no `..`, no empty or hidden segments.
fn check_key(key: &str) -> Result<(), StorageError> {
    let valid = !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|segment| {
            !segment.is_empty()
                && !segment.starts_with('.')
                && segment.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        });
    if valid { Ok(()) } else { Err(StorageError::InvalidKey(key.to_owned())) }
}

/// The MIME type for a key, from its extension.
pub fn content_type_for(key: &str) -> String {
    mime_guess::from_path(key).first_or_octet_stream().essence_str().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_could_escape_the_store_are_invalid() {
        for bad in ["", "/etc/passwd", "../x", "a/../b", "a//b", ".hidden", "a/.b", "a b", "a\\b", "ä"] {
            assert!(check_key(bad).is_err(), "{bad:?}");
        }
        for good in ["profiles/7/abc.jpg", "covers/x-y_z.webp", "a"] {
            assert!(check_key(good).is_ok(), "{good:?}");
        }
    }
}
