//! Media on the local disk: the embedded default, one file per key under a root folder.

use std::{
    io::SeekFrom,
    path::{Path, PathBuf},
};

use anyhow::Context;
use bytes::Bytes;
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio_util::io::ReaderStream;

use super::{ByteRange, MediaObject, StorageError, StoredObject, UploadStream, content_type_for};

/// How the temporary file of a write in progress is named (in the object's folder), until it is
/// renamed to the object.
const TEMPORARY: &str = ".tmp-";

/// A folder that holds one file per key.
#[derive(Clone, Debug)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// Uses (and creates, if needed) `root`.
    pub fn open(root: impl Into<PathBuf>) -> anyhow::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root).with_context(|| format!("creating the media folder {}", root.display()))?;
        Ok(Self { root })
    }

    /// The folder objects are stored in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    pub(super) async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        let path = self.path(key);
        let parent = path.parent().context("a key always has a parent folder")?;
        tokio::fs::create_dir_all(parent).await.context("creating the object's folder")?;
        // Write beside the target, then rename: readers see the old object or the whole new one.
        let tmp = parent.join(format!("{TEMPORARY}{}", uuid::Uuid::new_v4()));
        let written = async {
            let mut file = tokio::fs::File::create(&tmp).await?;
            file.write_all(&bytes).await?;
            file.sync_all().await?;
            tokio::fs::rename(&tmp, &path).await
        }
        .await;
        if let Err(e) = written {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(anyhow::Error::new(e).context(format!("writing {key}")).into());
        }
        Ok(())
    }

    pub(super) async fn put_stream(&self, key: &str, mut body: UploadStream, limit: u64) -> Result<u64, StorageError> {
        let path = self.path(key);
        let parent = path.parent().context("a key always has a parent folder")?;
        tokio::fs::create_dir_all(parent).await.context("creating the object's folder")?;
        let tmp = parent.join(format!("{TEMPORARY}{}", uuid::Uuid::new_v4()));
        let io = |e: std::io::Error| StorageError::from(anyhow::Error::new(e).context(format!("writing {key}")));
        let written = async {
            let mut file = tokio::fs::File::create(&tmp).await.map_err(io)?;
            let mut written = 0u64;
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(StorageError::Interrupted)?;
                written += chunk.len() as u64;
                if written > limit {
                    return Err(StorageError::TooLarge { limit });
                }
                file.write_all(&chunk).await.map_err(io)?;
            }
            file.sync_all().await.map_err(io)?;
            tokio::fs::rename(&tmp, &path).await.map_err(io)?;
            Ok(written)
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        written
    }

    pub(super) async fn get(&self, key: &str, range: Option<ByteRange>) -> Result<MediaObject, StorageError> {
        let mut file = match tokio::fs::File::open(self.path(key)).await {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StorageError::NotFound(key.to_owned()));
            }
            Err(e) => return Err(anyhow::Error::new(e).context(format!("opening {key}")).into()),
        };
        let meta = file.metadata().await.context("reading object metadata")?;
        // A folder is not an object (on S3 a "folder" key simply does not exist).
        if !meta.is_file() {
            return Err(StorageError::NotFound(key.to_owned()));
        }
        let total_len = meta.len();
        let resolved = match range {
            Some(r) => Some(r.resolve(total_len).ok_or(StorageError::RangeNotSatisfiable { total: total_len })?),
            None => None,
        };
        let (start, len) = match resolved {
            Some((first, last)) => (first, last - first + 1),
            None => (0, total_len),
        };
        file.seek(SeekFrom::Start(start)).await.context("seeking in the object")?;
        Ok(MediaObject {
            body: Box::pin(ReaderStream::new(file.take(len))),
            content_type: content_type_for(key),
            total_len,
            range: resolved,
        })
    }

    pub(super) async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match tokio::fs::remove_file(self.path(key)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(anyhow::Error::new(e).context(format!("deleting {key}")).into()),
        }
    }

    pub(super) async fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let mut keys: Vec<String> = self
            .walk()
            .await?
            .into_iter()
            .filter(|o| !o.unfinished && o.key.starts_with(prefix))
            .map(|o| o.key)
            .collect();
        keys.sort();
        Ok(keys)
    }

    /// Every file under the folder: objects, and the temporary files of writes that never
    /// finished (a server killed mid-upload), which readers never see.
    pub(super) async fn walk(&self) -> Result<Vec<StoredObject>, StorageError> {
        let mut objects = Vec::new();
        let mut folders = vec![self.root.clone()];
        while let Some(folder) = folders.pop() {
            let mut entries =
                tokio::fs::read_dir(&folder).await.with_context(|| format!("listing {}", folder.display()))?;
            while let Some(entry) = entries.next_entry().await.context("listing the media folder")? {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                let unfinished = name.starts_with(TEMPORARY);
                if name.starts_with('.') && !unfinished {
                    continue; // not ours
                }
                let meta = entry.metadata().await.context("listing the media folder")?;
                if meta.is_dir() {
                    folders.push(path);
                } else if let Ok(relative) = path.strip_prefix(&self.root) {
                    let modified = meta
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map_or(0, |d| d.as_secs() as i64);
                    objects.push(StoredObject {
                        key: relative.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/"),
                        modified,
                        size: meta.len(),
                        unfinished,
                    });
                }
            }
        }
        Ok(objects)
    }

    /// Removes a temporary file that [`Self::walk`] found (its key's last segment is one).
    pub(super) async fn delete_unfinished(&self, key: &str) -> Result<(), StorageError> {
        let (folder, name) = key.rsplit_once('/').unwrap_or(("", key));
        if !name.starts_with(TEMPORARY) || name.contains(['/', '\\']) {
            return Err(StorageError::InvalidKey(key.to_owned()));
        }
        if !folder.is_empty() {
            super::check_key(folder)?;
        }
        match tokio::fs::remove_file(self.path(folder).join(name)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(anyhow::Error::new(e).context(format!("deleting {key}")).into()),
        }
    }

    pub(super) async fn ping(&self) -> Result<(), StorageError> {
        let meta = tokio::fs::metadata(&self.root).await.context("reading the media folder")?;
        if meta.is_dir() { Ok(()) } else { Err(anyhow::anyhow!("{} is not a folder", self.root.display()).into()) }
    }
}
