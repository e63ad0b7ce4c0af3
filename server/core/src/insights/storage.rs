//! Media storage used by kind, for the admin dashboard (#20): covers, profile photos, videos and
//! recommender models, by listing the store (a folder walk or a bucket listing). A listing of a
//! large bucket takes seconds, so each store's answer is kept for [`STORAGE_CACHE_SECS`].

use std::{
    collections::HashMap,
    sync::{LazyLock, Mutex},
};

use cinecloud_vocab::insights::{StorageFigure, StorageUsage};

use crate::{Error, Result, storage::MediaStore};

/// How long a measurement is shown before the store is listed again.
pub const STORAGE_CACHE_SECS: i64 = 10 * 60;

/// The kinds, by the folder their keys start with.
const KINDS: [(&str, &str); 4] =
    [("covers/", "covers"), ("profiles/", "photos"), ("videos/", "videos"), ("models/", "models")];

static MEASURED: LazyLock<Mutex<HashMap<String, StorageUsage>>> = LazyLock::new(Default::default);

/// What `media` holds by kind, measured within the last [`STORAGE_CACHE_SECS`] before `now`.
/// Unfinished writes are left out.
pub async fn storage_usage(media: &MediaStore, now: i64) -> Result<StorageUsage> {
    let identity = media.identity();
    let kept = MEASURED.lock().expect("storage cache").get(&identity).cloned();
    if let Some(kept) = kept.filter(|k| now - k.measured_at < STORAGE_CACHE_SECS && k.measured_at <= now) {
        return Ok(kept);
    }
    let objects = media.inventory().await.map_err(|e| Error::media_unavailable("media storage", format!("{e:#}")))?;
    let mut kinds: Vec<StorageFigure> = KINDS
        .iter()
        .map(|(_, kind)| *kind)
        .chain(["other"])
        .map(|kind| StorageFigure { kind: kind.to_owned(), objects: 0, bytes: 0 })
        .collect();
    for object in objects.iter().filter(|o| !o.unfinished) {
        let at = KINDS.iter().position(|(prefix, _)| object.key.starts_with(prefix)).unwrap_or(KINDS.len());
        kinds[at].objects += 1;
        kinds[at].bytes += object.size as i64;
    }
    let usage = StorageUsage { kinds, measured_at: now };
    MEASURED.lock().expect("storage cache").insert(identity, usage.clone());
    Ok(usage)
}
