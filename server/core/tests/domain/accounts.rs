//! Account repository and service tests, run once on SQLite and once on PostgreSQL.

use cinecloud_core::{
    Backend, Db, Error,
    accounts::{self, AccountError, LoginThrottle, Role, SignUp},
    storage::StorageError,
    test_both_backends,
    testing::{TestDb, TestServices},
};

const PASSWORD: &str = "a long enough passphrase";

async fn sign_up(db: &Db, email: &str) -> accounts::User {
    accounts::sign_up(db, SignUp { email, display_name: "Ada Lovelace", password: PASSWORD })
        .await
        .expect("sign-up succeeds")
}

fn field_of(error: Error) -> &'static str {
    match error {
        Error::Invalid(e) => e.field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn sign_up_creates_a_viewer_and_normalises_the_email(backend: Backend) {
    let t = TestDb::new(backend).await;
    let user = sign_up(&t.db, "  Ada@Example.com ").await;
    assert_eq!(user.email, "ada@example.com");
    assert_eq!(user.role, Role::Viewer);
    assert!(user.password_hash.as_str().starts_with("$argon2id$"));
    let found = accounts::find_by_email(&t.db, "ada@example.com").await.unwrap().unwrap();
    assert_eq!(found.id, user.id);
    assert_eq!(accounts::find_user(&t.db, user.id).await.unwrap().email, "ada@example.com");
}

async fn sign_up_refuses_a_taken_email_and_bad_fields(backend: Backend) {
    let t = TestDb::new(backend).await;
    sign_up(&t.db, "ada@example.com").await;
    let taken =
        accounts::sign_up(&t.db, SignUp { email: "ADA@example.com", display_name: "Other", password: PASSWORD })
            .await
            .unwrap_err();
    assert_eq!(field_of(taken), "email");
    let weak = accounts::sign_up(&t.db, SignUp { email: "b@example.com", display_name: "B", password: "password1" })
        .await
        .unwrap_err();
    assert_eq!(field_of(weak), "password");
    let nameless = accounts::sign_up(&t.db, SignUp { email: "c@example.com", display_name: "  ", password: PASSWORD })
        .await
        .unwrap_err();
    assert_eq!(field_of(nameless), "display_name");
    assert_eq!(accounts::list_users(&t.db, 10, 0).await.unwrap().len(), 1, "nothing half-written");
}

async fn log_in_accepts_the_right_password_only(backend: Backend) {
    let t = TestDb::new(backend).await;
    let user = sign_up(&t.db, "ada@example.com").await;
    let throttle = LoginThrottle::default();
    let ok = accounts::log_in(&t.db, "ADA@example.com", PASSWORD, "10.0.0.1", throttle).await.unwrap();
    assert_eq!(ok.id, user.id);
    let wrong = accounts::log_in(&t.db, "ada@example.com", "not the password", "10.0.0.1", throttle).await;
    let unknown = accounts::log_in(&t.db, "nobody@example.com", PASSWORD, "10.0.0.1", throttle).await;
    assert!(matches!(wrong, Err(AccountError::InvalidCredentials)));
    assert!(matches!(unknown, Err(AccountError::InvalidCredentials)));
    assert_eq!(wrong.unwrap_err().to_string(), unknown.unwrap_err().to_string());
}

async fn log_in_is_throttled_per_account_and_per_client(backend: Backend) {
    let t = TestDb::new(backend).await;
    sign_up(&t.db, "ada@example.com").await;
    let throttle = LoginThrottle { window_secs: 600, per_account: 3, per_client: 5 };
    for i in 0..3 {
        let r = accounts::log_in(&t.db, "ada@example.com", "wrong", &format!("10.0.0.{i}"), throttle).await;
        assert!(matches!(r, Err(AccountError::InvalidCredentials)));
    }
    // Even the right password is refused while the account is throttled.
    let r = accounts::log_in(&t.db, "ada@example.com", PASSWORD, "10.0.0.9", throttle).await;
    assert!(matches!(r, Err(AccountError::RateLimited)), "{r:?}");

    // One client guessing across many accounts is throttled too.
    for i in 0..5 {
        let r = accounts::log_in(&t.db, &format!("guess{i}@example.com"), "x", "192.0.2.7", throttle).await;
        assert!(matches!(r, Err(AccountError::InvalidCredentials)));
    }
    let r = accounts::log_in(&t.db, "someone@example.com", "x", "192.0.2.7", throttle).await;
    assert!(matches!(r, Err(AccountError::RateLimited)), "{r:?}");
}

async fn successful_log_in_clears_the_account_failures(backend: Backend) {
    let t = TestDb::new(backend).await;
    sign_up(&t.db, "ada@example.com").await;
    let throttle = LoginThrottle { window_secs: 600, per_account: 3, per_client: 100 };
    for _ in 0..2 {
        let _ = accounts::log_in(&t.db, "ada@example.com", "wrong", "10.0.0.1", throttle).await;
    }
    accounts::log_in(&t.db, "ada@example.com", PASSWORD, "10.0.0.1", throttle).await.unwrap();
    for _ in 0..2 {
        let _ = accounts::log_in(&t.db, "ada@example.com", "wrong", "10.0.0.1", throttle).await;
    }
    accounts::log_in(&t.db, "ada@example.com", PASSWORD, "10.0.0.1", throttle).await.unwrap();
}

async fn change_password_needs_the_current_one_and_bumps_the_epoch(backend: Backend) {
    let t = TestDb::new(backend).await;
    let user = sign_up(&t.db, "ada@example.com").await;
    let wrong = accounts::change_password(&t.db, user.id, "not it", "another fine passphrase").await.unwrap_err();
    assert_eq!(field_of(wrong), "current_password");
    let weak = accounts::change_password(&t.db, user.id, PASSWORD, "12345678").await.unwrap_err();
    assert_eq!(field_of(weak), "new_password");
    let epoch = accounts::change_password(&t.db, user.id, PASSWORD, "another fine passphrase").await.unwrap();
    assert_eq!(epoch, user.session_epoch + 1);
    let throttle = LoginThrottle::default();
    assert!(accounts::log_in(&t.db, "ada@example.com", PASSWORD, "a", throttle).await.is_err());
    assert!(accounts::log_in(&t.db, "ada@example.com", "another fine passphrase", "a", throttle).await.is_ok());
}

async fn display_name_changes_and_is_validated(backend: Backend) {
    let t = TestDb::new(backend).await;
    let user = sign_up(&t.db, "ada@example.com").await;
    let changed = accounts::change_display_name(&t.db, user.id, "  Countess   of Lovelace ").await.unwrap();
    assert_eq!(changed.display_name, "Countess of Lovelace");
    assert_eq!(field_of(accounts::change_display_name(&t.db, user.id, "").await.unwrap_err()), "display_name");
    assert!(matches!(accounts::change_display_name(&t.db, 9999, "X").await, Err(Error::NotFound)));
}

fn png_bytes(width: u32, height: u32, red: u8) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([red, 40, 40]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

async fn profile_photo_replaces_the_old_object_and_deletion_removes_it(backend: Backend) {
    let t = TestServices::new(backend).await;
    let s = &t.services;
    let user = sign_up(&s.db, "ada@example.com").await;
    let first = accounts::set_profile_photo(s, user.id, png_bytes(300, 200, 200)).await.unwrap();
    assert!(first.starts_with(&format!("profiles/{}/", user.id)) && first.ends_with(".jpg"));
    assert!(s.media.get(&first, None).await.is_ok());

    // The same picture again maps to the same content-addressed key and keeps it.
    let same = accounts::set_profile_photo(s, user.id, png_bytes(300, 200, 200)).await.unwrap();
    assert_eq!(same, first);
    assert!(s.media.get(&first, None).await.is_ok());

    let second = accounts::set_profile_photo(s, user.id, png_bytes(100, 100, 10)).await.unwrap();
    assert_ne!(first, second);
    assert!(matches!(s.media.get(&first, None).await, Err(StorageError::NotFound(_))), "old photo deleted");
    assert_eq!(accounts::find_user(&s.db, user.id).await.unwrap().photo_key.as_deref(), Some(second.as_str()));

    // A bad upload changes nothing.
    let bad = accounts::set_profile_photo(s, user.id, b"not an image".to_vec()).await;
    assert!(matches!(bad, Err(Error::UploadRefused { field: "photo", .. })));
    assert_eq!(accounts::find_user(&s.db, user.id).await.unwrap().photo_key.as_deref(), Some(second.as_str()));
    let too_big = accounts::set_profile_photo(s, user.id, vec![0u8; accounts::MAX_PHOTO_BYTES + 1]).await;
    assert!(matches!(too_big, Err(Error::UploadRefused { field: "photo", .. })));

    let wrong = accounts::delete_account(s, user.id, "not my password").await.unwrap_err();
    assert_eq!(field_of(wrong), "password");
    accounts::delete_account(s, user.id, PASSWORD).await.unwrap();
    assert!(matches!(accounts::find_user(&s.db, user.id).await, Err(Error::NotFound)));
    assert!(
        matches!(s.media.get(&second, None).await, Err(StorageError::NotFound(_))),
        "photo deleted with the account"
    );
}

async fn photo_for_a_missing_account_leaves_no_orphan(backend: Backend) {
    let t = TestServices::new(backend).await;
    let r = accounts::set_profile_photo(&t.services, 4242, png_bytes(50, 50, 90)).await;
    assert!(matches!(r, Err(Error::NotFound)), "{r:?}");
    let MediaStoreDir(dir) = media_dir(&t);
    let leftover = walk(&dir);
    assert!(leftover.is_empty(), "orphaned objects: {leftover:?}");
}

struct MediaStoreDir(std::path::PathBuf);

fn media_dir(t: &TestServices) -> MediaStoreDir {
    match &t.services.media {
        cinecloud_core::storage::MediaStore::Local(l) => MediaStoreDir(l.root().to_owned()),
        _ => unreachable!("these tests use local media"),
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

async fn first_admin_setup_token_works_once_only(backend: Backend) {
    let t = TestDb::new(backend).await;
    let token = accounts::issue_setup_token(&t.db).await.unwrap().expect("no admin yet");
    assert!(accounts::setup_token_is_valid(&t.db, &token).await.unwrap());
    assert!(!accounts::setup_token_is_valid(&t.db, "forged").await.unwrap());

    let form = || SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD };
    let bad = accounts::create_first_admin(&t.db, "forged", form()).await;
    assert!(matches!(bad, Err(AccountError::SetupLinkSpent)));
    let admin = accounts::create_first_admin(&t.db, &token, form()).await.unwrap();
    assert_eq!(admin.role, Role::Admin);

    let again = accounts::create_first_admin(&t.db, &token, SignUp { email: "two@example.com", ..form() }).await;
    assert!(matches!(again, Err(AccountError::SetupLinkSpent)));
    assert!(!accounts::setup_token_is_valid(&t.db, &token).await.unwrap());
    assert!(accounts::issue_setup_token(&t.db).await.unwrap().is_none(), "no new link once an admin exists");
    assert_eq!(accounts::count_admins(&t.db).await.unwrap(), 1);
}

async fn a_newer_setup_token_replaces_the_unused_one(backend: Backend) {
    let t = TestDb::new(backend).await;
    let old = accounts::issue_setup_token(&t.db).await.unwrap().unwrap();
    let new = accounts::issue_setup_token(&t.db).await.unwrap().unwrap();
    assert!(!accounts::setup_token_is_valid(&t.db, &old).await.unwrap());
    assert!(accounts::setup_token_is_valid(&t.db, &new).await.unwrap());
}

async fn roles_change_but_the_last_admin_stays(backend: Backend) {
    let t = TestDb::new(backend).await;
    let admin =
        accounts::create_admin(&t.db, SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD })
            .await
            .unwrap();
    let viewer = sign_up(&t.db, "ada@example.com").await;
    let err = accounts::set_role(&t.db, admin.id, Role::Viewer).await.unwrap_err();
    assert_eq!(field_of(err), "role");
    let promoted = accounts::promote(&t.db, "ADA@example.com").await.unwrap();
    assert_eq!((promoted.id, promoted.role), (viewer.id, Role::Admin));
    let demoted = accounts::set_role(&t.db, admin.id, Role::Viewer).await.unwrap();
    assert_eq!(demoted.role, Role::Viewer);
    assert!(matches!(accounts::promote(&t.db, "nobody@example.com").await, Err(Error::NotFound)));
    let listed = accounts::list_users(&t.db, 50, 0).await.unwrap();
    assert_eq!(listed.iter().map(|u| u.id).collect::<Vec<_>>(), vec![admin.id, viewer.id]);
}

test_both_backends!(
    sign_up_creates_a_viewer_and_normalises_the_email,
    sign_up_refuses_a_taken_email_and_bad_fields,
    log_in_accepts_the_right_password_only,
    log_in_is_throttled_per_account_and_per_client,
    successful_log_in_clears_the_account_failures,
    change_password_needs_the_current_one_and_bumps_the_epoch,
    display_name_changes_and_is_validated,
    profile_photo_replaces_the_old_object_and_deletion_removes_it,
    photo_for_a_missing_account_leaves_no_orphan,
    first_admin_setup_token_works_once_only,
    a_newer_setup_token_replaces_the_unused_one,
    roles_change_but_the_last_admin_stays,
);
