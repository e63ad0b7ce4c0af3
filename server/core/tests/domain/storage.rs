//! Media storage tests: the same behaviour on a local folder and on a real S3 protocol server.

use bytes::Bytes;
use cinecloud_core::{
    storage::{ByteRange, LocalStore, MediaStore, StorageError},
    testing::TestS3,
};

async fn exercise(store: &MediaStore) {
    let body: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    store.put("profiles/1/a.jpg", Bytes::from(body.clone()), "image/jpeg").await.unwrap();

    let whole = store.get("profiles/1/a.jpg", None).await.unwrap();
    assert_eq!((whole.total_len, whole.range, whole.content_type.as_str()), (1000, None, "image/jpeg"));
    assert_eq!(whole.into_bytes().await.unwrap(), body);

    let part = store.get("profiles/1/a.jpg", Some(ByteRange::Closed(10, 19))).await.unwrap();
    assert_eq!((part.total_len, part.range, part.body_len()), (1000, Some((10, 19)), 10));
    assert_eq!(part.into_bytes().await.unwrap(), body[10..20]);

    let tail = store.get("profiles/1/a.jpg", Some(ByteRange::Suffix(5))).await.unwrap();
    assert_eq!(tail.into_bytes().await.unwrap(), body[995..]);
    let open = store.get("profiles/1/a.jpg", Some(ByteRange::From(990))).await.unwrap();
    assert_eq!(open.range, Some((990, 999)));
    assert_eq!(open.into_bytes().await.unwrap(), body[990..]);

    let beyond = store.get("profiles/1/a.jpg", Some(ByteRange::From(1000))).await;
    assert!(matches!(beyond, Err(StorageError::RangeNotSatisfiable { total: 1000 })));

    // Overwrite is whole.
    store.put("profiles/1/a.jpg", Bytes::from_static(b"new"), "image/jpeg").await.unwrap();
    assert_eq!(store.get("profiles/1/a.jpg", None).await.unwrap().into_bytes().await.unwrap(), b"new");

    store.delete("profiles/1/a.jpg").await.unwrap();
    let missing = store.get("profiles/1/a.jpg", None).await;
    assert!(matches!(missing, Err(StorageError::NotFound(ref k)) if k == "profiles/1/a.jpg"));
    store.delete("profiles/1/a.jpg").await.expect("deleting a missing object is fine");

    assert!(matches!(store.get("../etc/passwd", None).await, Err(StorageError::InvalidKey(_))));
    assert!(matches!(store.put("a/../b", Bytes::new(), "x").await, Err(StorageError::InvalidKey(_))));
    store.ping().await.unwrap();
}

#[tokio::test]
async fn local_folder_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = MediaStore::Local(LocalStore::open(dir.path().join("media")).unwrap());
    exercise(&store).await;
    // A folder is not an object (#15: `/media/profiles/1` used to answer 200 with a broken body).
    store.put("profiles/1/b.jpg", Bytes::from_static(b"x"), "image/jpeg").await.unwrap();
    assert!(matches!(store.get("profiles/1", None).await, Err(StorageError::NotFound(_))));
    assert!(matches!(store.get("profiles", None).await, Err(StorageError::NotFound(_))));
}

#[tokio::test]
async fn s3_store_on_an_in_process_s3_server() {
    let s3 = TestS3::start().await;
    let store = s3.store("cinecloud/");
    exercise(&store).await;
    // The key prefix is honoured: the object lives under it in the bucket.
    store.put("profiles/2/b.jpg", Bytes::from_static(b"x"), "image/jpeg").await.unwrap();
    let listed = s3.client().list_objects_v2().bucket(&s3.bucket).send().await.unwrap();
    let keys: Vec<_> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, vec!["cinecloud/profiles/2/b.jpg"]);
}

#[tokio::test]
async fn s3_store_with_wrong_credentials_is_a_clear_backend_error() {
    let mut s3 = TestS3::start().await;
    s3.secret_key = "wrong".into();
    let store = s3.store("");
    let err = store.put("profiles/1/x.jpg", Bytes::from_static(b"x"), "image/jpeg").await.unwrap_err();
    assert!(matches!(err, StorageError::Backend(_)), "{err:?}");
    assert!(store.ping().await.is_err());
}

/// #20: the dashboard's storage by kind — counted by folder, sized in bytes, the same on a folder
/// and on S3 — and measured again only once ten minutes have passed.
async fn usage_by_kind(store: &MediaStore) {
    use cinecloud_core::insights::{STORAGE_CACHE_SECS, storage_usage};
    for (key, len) in [
        ("covers/1/a-360.webp", 10),
        ("covers/1/a-480.webp", 15),
        ("profiles/2/p.jpg", 20),
        ("videos/3/v.mp4", 30),
        ("models/recommender-1.ccrm", 40),
        ("stray/file.bin", 5),
    ] {
        store.put(key, Bytes::from(vec![7u8; len]), "application/octet-stream").await.unwrap();
    }
    let now = 1_800_000_000;
    let usage = storage_usage(store, now).await.unwrap();
    let rows: Vec<(&str, i64, i64)> = usage.kinds.iter().map(|k| (k.kind.as_str(), k.objects, k.bytes)).collect();
    assert_eq!(rows, [("covers", 2, 25), ("photos", 1, 20), ("videos", 1, 30), ("models", 1, 40), ("other", 1, 5)]);
    assert_eq!(usage.measured_at, now);

    store.put("videos/4/w.mp4", Bytes::from(vec![1u8; 100]), "video/mp4").await.unwrap();
    let kept = storage_usage(store, now + STORAGE_CACHE_SECS - 1).await.unwrap();
    assert_eq!(kept, usage, "kept for ten minutes");
    let fresh = storage_usage(store, now + STORAGE_CACHE_SECS).await.unwrap();
    assert_eq!((fresh.kinds[2].objects, fresh.kinds[2].bytes), (2, 130));
}

#[tokio::test]
async fn storage_usage_by_kind_on_a_folder_and_on_s3() {
    let dir = tempfile::tempdir().unwrap();
    usage_by_kind(&MediaStore::Local(LocalStore::open(dir.path().join("media")).unwrap())).await;
    let s3 = TestS3::start().await;
    usage_by_kind(&s3.store("usage/")).await;
}
