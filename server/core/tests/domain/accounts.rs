//! Account repository and service tests, run once on SQLite and once on PostgreSQL.

use cinecloud_core::{
    Backend, Db, Error,
    accounts::{self, AccountError, Attempt, ChangedBy, LoginThrottle, Role, SignUp},
    catalog::{self, MovieForm},
    limits::Limit,
    ratings,
    storage::StorageError,
    test_both_backends,
    testing::{self, TestDb, TestServices, stored},
};

const PASSWORD: &str = "a long enough passphrase";

/// Sign-ups per client: plenty for a test, each from its own address.
const SIGN_UPS: Limit = Limit { name: "sign-up", max: 1000, window_secs: 3600 };

async fn sign_up(db: &Db, email: &str) -> accounts::User {
    accounts::sign_up(db, SignUp { email, display_name: "Ada Lovelace", password: PASSWORD }, "10.9.9.9", SIGN_UPS)
        .await
        .expect("sign-up succeeds")
}

/// A throttle with these per-client allowances and no account-wide one for new devices.
fn quick(per_account_client: i64, per_client: i64) -> LoginThrottle {
    LoginThrottle { window_secs: 600, per_account_client, per_client, per_account_new_devices: 1_000 }
}

fn account_field_of(error: AccountError) -> &'static str {
    match error {
        AccountError::Domain(e) => field_of(e),
        other => panic!("expected a field error, got {other:?}"),
    }
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
    let taken = accounts::sign_up(
        &t.db,
        SignUp { email: "ADA@example.com", display_name: "Other", password: PASSWORD },
        "a",
        SIGN_UPS,
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(taken), "email");
    let weak = accounts::sign_up(
        &t.db,
        SignUp { email: "b@example.com", display_name: "B", password: "password1" },
        "a",
        SIGN_UPS,
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(weak), "password");
    let nameless = accounts::sign_up(
        &t.db,
        SignUp { email: "c@example.com", display_name: "  ", password: PASSWORD },
        "a",
        SIGN_UPS,
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(nameless), "display_name");
    assert_eq!(accounts::find_users(&t.db, &Default::default()).await.unwrap().1, 1, "nothing half-written");
}

async fn log_in_accepts_the_right_password_only(backend: Backend) {
    let t = TestDb::new(backend).await;
    let user = sign_up(&t.db, "ada@example.com").await;
    let throttle = LoginThrottle::default();
    let ok =
        accounts::log_in(&t.db, "ADA@example.com", PASSWORD, Attempt::from_addr("10.0.0.1"), throttle).await.unwrap();
    assert_eq!(ok.user.id, user.id);
    let wrong =
        accounts::log_in(&t.db, "ada@example.com", "not the password", Attempt::from_addr("10.0.0.1"), throttle).await;
    let unknown =
        accounts::log_in(&t.db, "nobody@example.com", PASSWORD, Attempt::from_addr("10.0.0.1"), throttle).await;
    assert!(matches!(wrong, Err(AccountError::InvalidCredentials)));
    assert!(matches!(unknown, Err(AccountError::InvalidCredentials)));
    assert_eq!(wrong.unwrap_err().to_string(), unknown.unwrap_err().to_string());
}

async fn log_in_is_throttled_per_account_and_client_and_per_client(backend: Backend) {
    let t = TestDb::new(backend).await;
    sign_up(&t.db, "ada@example.com").await;
    let throttle = quick(3, 5);
    for _ in 0..3 {
        let r = accounts::log_in(&t.db, "ada@example.com", "wrong", Attempt::from_addr("10.0.0.1"), throttle).await;
        assert!(matches!(r, Err(AccountError::InvalidCredentials)));
    }
    // That client is refused for that account, even with the right password…
    let r = accounts::log_in(&t.db, "ada@example.com", PASSWORD, Attempt::from_addr("10.0.0.1"), throttle).await;
    assert!(matches!(r, Err(AccountError::RateLimited)), "{r:?}");
    // …but the owner, elsewhere, is not locked out.
    accounts::log_in(&t.db, "ada@example.com", PASSWORD, Attempt::from_addr("10.0.0.9"), throttle).await.unwrap();

    // One client guessing across many accounts is throttled too.
    for i in 0..5 {
        let r =
            accounts::log_in(&t.db, &format!("guess{i}@example.com"), "x", Attempt::from_addr("192.0.2.7"), throttle)
                .await;
        assert!(matches!(r, Err(AccountError::InvalidCredentials)));
    }
    let r = accounts::log_in(&t.db, "someone@example.com", "x", Attempt::from_addr("192.0.2.7"), throttle).await;
    assert!(matches!(r, Err(AccountError::RateLimited)), "{r:?}");
}

/// Item 2 of #15: failures used to be counted before argon2 and recorded after, so parallel
/// guesses all saw a clean slate and all were verified. Now each is counted first, atomically.
async fn parallel_wrong_guesses_are_counted_before_any_is_verified(backend: Backend) {
    let t = TestDb::new(backend).await;
    sign_up(&t.db, "ada@example.com").await;
    let throttle = quick(5, 1_000);
    let guesses = (0..40).map(|i| {
        let db = t.db.clone();
        tokio::spawn(async move {
            accounts::log_in(
                &db,
                "ada@example.com",
                &format!("guess number {i}"),
                Attempt::from_addr("203.0.113.5"),
                throttle,
            )
            .await
        })
    });
    let mut verified = 0;
    let mut refused = 0;
    for guess in futures::future::join_all(guesses).await {
        match guess.unwrap() {
            Err(AccountError::InvalidCredentials) => verified += 1,
            Err(AccountError::RateLimited) => refused += 1,
            other => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!(verified, 5, "exactly the allowance was verified ({refused} refused)");
    assert_eq!(refused, 35);
}

/// Item 1 of #33: guesses from many addresses share the account's allowance for new devices
/// (40 at once from 8 addresses: at most 10 verified), while the owner's device — a browser that
/// signed in before — keeps its own allowance and gets in during the attack. The owner on a new
/// device is told how long to wait. Counted in the database, so two servers share it.
async fn guesses_from_many_addresses_are_bounded_but_the_owners_device_gets_in(backend: Backend) {
    let t = TestDb::new(backend).await;
    sign_up(&t.db, "ada@example.com").await;
    let throttle = LoginThrottle::default();
    let owner = accounts::log_in(&t.db, "ada@example.com", PASSWORD, Attempt::from_addr("10.0.0.1"), throttle)
        .await
        .expect("the owner signs in from home");
    let device = owner.device_token.clone();
    assert!(device.len() >= 40, "a device token of 256 random bits: {device}");

    let guesses = (0..40).map(|i| {
        let db = t.db.clone();
        tokio::spawn(async move {
            let from = format!("198.51.100.{}", 2 + i % 8);
            accounts::log_in(&db, "ada@example.com", &format!("guess {i}"), Attempt::from_addr(&from), throttle).await
        })
    });
    let (mut verified, mut refused) = (0, 0);
    for guess in futures::future::join_all(guesses).await {
        match guess.unwrap() {
            Err(AccountError::InvalidCredentials) => verified += 1,
            Err(AccountError::NewDevicesLimited { retry_after_secs }) => {
                assert!((1..=throttle.window_secs).contains(&retry_after_secs), "{retry_after_secs}");
                refused += 1;
            }
            other => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!((verified, refused), (10, 30), "the account's allowance for new devices, and no more, was verified");

    // The owner's device gets in from anywhere, and keeps its token…
    let known = Attempt { client_addr: "203.0.113.50", device_token: Some(&device) };
    let again = accounts::log_in(&t.db, "ada@example.com", PASSWORD, known, throttle).await.expect("a known device");
    assert_eq!(again.device_token, device);
    // …a device token of another account, or a made-up one, counts as a new device…
    for token in ["made-up", &owner.device_token[..20]] {
        let unknown = Attempt { client_addr: "203.0.113.51", device_token: Some(token) };
        let r = accounts::log_in(&t.db, "ada@example.com", PASSWORD, unknown, throttle).await;
        assert!(matches!(r, Err(AccountError::NewDevicesLimited { .. })), "{r:?}");
    }
    // …and a guesser's wrong passwords on the owner's device are still limited per device.
    for _ in 0..throttle.per_account_client {
        let _ = accounts::log_in(&t.db, "ada@example.com", "wrong", known, throttle).await;
    }
    let r = accounts::log_in(&t.db, "ada@example.com", PASSWORD, known, throttle).await;
    assert!(matches!(r, Err(AccountError::RateLimited)), "{r:?}");
}

async fn successful_log_in_clears_the_account_failures(backend: Backend) {
    let t = TestDb::new(backend).await;
    sign_up(&t.db, "ada@example.com").await;
    let throttle = quick(3, 100);
    for _ in 0..2 {
        let _ = accounts::log_in(&t.db, "ada@example.com", "wrong", Attempt::from_addr("10.0.0.1"), throttle).await;
    }
    accounts::log_in(&t.db, "ada@example.com", PASSWORD, Attempt::from_addr("10.0.0.1"), throttle).await.unwrap();
    for _ in 0..2 {
        let _ = accounts::log_in(&t.db, "ada@example.com", "wrong", Attempt::from_addr("10.0.0.1"), throttle).await;
    }
    accounts::log_in(&t.db, "ada@example.com", PASSWORD, Attempt::from_addr("10.0.0.1"), throttle).await.unwrap();
}

/// Item 3 of #15: a signed-in session (perhaps a stolen one) cannot guess the password through
/// the password change or the account deletion.
async fn password_rechecks_are_throttled(backend: Backend) {
    let t = TestServices::new(backend).await;
    let s = &t.services;
    let user = sign_up(&s.db, "ada@example.com").await;
    let throttle = quick(3, 100);
    for i in 0..3 {
        let r =
            accounts::change_password(&s.db, user.id, &format!("guess {i}"), "another fine passphrase", throttle).await;
        assert!(
            matches!(r, Err(AccountError::Domain(Error::Invalid(ref e))) if e.field == "current_password"),
            "{r:?}"
        );
    }
    let r = accounts::change_password(&s.db, user.id, PASSWORD, "another fine passphrase", throttle).await;
    assert!(matches!(r, Err(AccountError::RateLimited)), "even the right one is refused now: {r:?}");
    let r = accounts::delete_account(s, user.id, PASSWORD, throttle).await;
    assert!(matches!(r, Err(AccountError::RateLimited)), "deletion shares the allowance: {r:?}");
    assert!(accounts::find_user(&s.db, user.id).await.is_ok(), "nothing was deleted");
}

/// Item 4 of #15: sign-ups are limited per client address.
async fn sign_ups_are_limited_per_client(backend: Backend) {
    let t = TestDb::new(backend).await;
    let limit = Limit { name: "sign-up", max: 2, window_secs: 3600 };
    let form = |email| SignUp { email, display_name: "Ada", password: PASSWORD };
    accounts::sign_up(&t.db, form("a@example.com"), "192.0.2.1", limit).await.unwrap();
    accounts::sign_up(&t.db, form("b@example.com"), "192.0.2.1", limit).await.unwrap();
    let third = accounts::sign_up(&t.db, form("c@example.com"), "192.0.2.1", limit).await;
    assert!(matches!(third, Err(Error::RateLimited)), "{third:?}");
    assert!(accounts::find_by_email(&t.db, "c@example.com").await.unwrap().is_none());
    accounts::sign_up(&t.db, form("c@example.com"), "192.0.2.2", limit).await.expect("another client may");
}

async fn change_password_needs_the_current_one_and_bumps_the_epoch(backend: Backend) {
    let t = TestDb::new(backend).await;
    let user = sign_up(&t.db, "ada@example.com").await;
    let throttle = quick(5, 100);
    let wrong =
        accounts::change_password(&t.db, user.id, "not it", "another fine passphrase", throttle).await.unwrap_err();
    assert_eq!(account_field_of(wrong), "current_password");
    let weak = accounts::change_password(&t.db, user.id, PASSWORD, "12345678", throttle).await.unwrap_err();
    assert_eq!(account_field_of(weak), "new_password");
    let named =
        accounts::change_password(&t.db, user.id, PASSWORD, "lovelace forever 1815", throttle).await.unwrap_err();
    assert_eq!(account_field_of(named), "new_password", "the display name is not a password");
    let epoch = accounts::change_password(&t.db, user.id, PASSWORD, "another fine passphrase", throttle).await.unwrap();
    assert_eq!(epoch, user.session_epoch + 1);
    let throttle = LoginThrottle::default();
    assert!(accounts::log_in(&t.db, "ada@example.com", PASSWORD, Attempt::from_addr("a"), throttle).await.is_err());
    assert!(
        accounts::log_in(&t.db, "ada@example.com", "another fine passphrase", Attempt::from_addr("a"), throttle)
            .await
            .is_ok()
    );
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

    let throttle = LoginThrottle::default();
    let wrong = accounts::delete_account(s, user.id, "not my password", throttle).await.unwrap_err();
    assert_eq!(account_field_of(wrong), "password");
    accounts::delete_account(s, user.id, PASSWORD, throttle).await.unwrap();
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

/// Item 6 of #33: image uploads are limited per account (30 per 10 minutes), counted before
/// anything is decoded, so even refused files count; another account is not affected.
async fn image_uploads_are_limited_per_account(backend: Backend) {
    let t = TestServices::new(backend).await;
    let ada = sign_up(&t.services.db, "ada@example.com").await;
    let bob = sign_up(&t.services.db, "bob@example.com").await;
    let limit = cinecloud_core::limits::IMAGE_UPLOADS.max;
    for _ in 0..limit {
        let r = accounts::set_profile_photo(&t.services, ada.id, b"not an image".to_vec()).await;
        assert!(matches!(r, Err(Error::UploadRefused { .. })), "{r:?}");
    }
    let r = accounts::set_profile_photo(&t.services, ada.id, png_bytes(50, 50, 90)).await;
    assert!(matches!(r, Err(Error::RateLimited)), "a good photo past the allowance: {r:?}");
    accounts::set_profile_photo(&t.services, bob.id, png_bytes(50, 50, 90)).await.expect("another account may");
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

/// Every server of a fleet logs its own setup link at start: each works until one of them creates
/// the first admin, and then none does.
async fn every_setup_link_works_until_the_first_admin_exists(backend: Backend) {
    let t = TestDb::new(backend).await;
    let first = accounts::issue_setup_token(&t.db).await.unwrap().unwrap();
    let second = accounts::issue_setup_token(&t.db).await.unwrap().unwrap();
    assert!(accounts::setup_token_is_valid(&t.db, &first).await.unwrap());
    assert!(accounts::setup_token_is_valid(&t.db, &second).await.unwrap());
    let form = SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD };
    accounts::create_first_admin(&t.db, &first, form).await.unwrap();
    assert!(!accounts::setup_token_is_valid(&t.db, &second).await.unwrap());
    let again = SignUp { email: "two@example.com", display_name: "Two", password: PASSWORD };
    assert!(matches!(accounts::create_first_admin(&t.db, &second, again).await, Err(AccountError::SetupLinkSpent)));
}

async fn roles_change_but_the_last_admin_stays(backend: Backend) {
    let t = TestDb::new(backend).await;
    let admin =
        accounts::create_admin(&t.db, SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD })
            .await
            .unwrap();
    let viewer = sign_up(&t.db, "ada@example.com").await;
    let err = accounts::set_role(&t.db, admin.id, Role::Viewer, ChangedBy::COMMAND_LINE).await.unwrap_err();
    assert_eq!(field_of(err), "role");
    let promoted = accounts::promote(&t.db, "ADA@example.com").await.unwrap();
    assert_eq!((promoted.id, promoted.role), (viewer.id, Role::Admin));
    let demoted = accounts::set_role(&t.db, admin.id, Role::Viewer, ChangedBy::COMMAND_LINE).await.unwrap();
    assert_eq!(demoted.role, Role::Viewer);
    assert!(matches!(accounts::promote(&t.db, "nobody@example.com").await, Err(Error::NotFound)));
    let query = accounts::UserQuery { sort: accounts::UserSort::Oldest, ..Default::default() };
    let listed = accounts::find_users(&t.db, &query).await.unwrap().0;
    assert_eq!(listed.iter().map(|u| u.user.id).collect::<Vec<_>>(), vec![admin.id, viewer.id]);
}

/// Item 10 of #15: a deleted viewer's ratings leave the movies' counts and averages at once,
/// not when someone next rates.
async fn deleting_an_account_takes_its_ratings_out_of_the_averages(backend: Backend) {
    let t = TestServices::new(backend).await;
    let s = &t.services;
    let ada = sign_up(&s.db, "ada@example.com").await;
    let bob = testing::viewer(&s.db, "bob").await;
    let form = |title: &str| MovieForm { title: title.into(), year: "1927".into(), ..MovieForm::default() };
    let shared = catalog::create_movie(&s.db, &form("Metropolis"), None).await.unwrap().id;
    let only_ada = catalog::create_movie(&s.db, &form("Sunrise"), None).await.unwrap().id;
    ratings::rate(&s.db, ada.id, shared, 10).await.unwrap();
    ratings::rate(&s.db, bob, shared, 4).await.unwrap();
    ratings::rate(&s.db, ada.id, only_ada, 8).await.unwrap();

    accounts::delete_account(s, ada.id, PASSWORD, LoginThrottle::default()).await.unwrap();
    let left = ratings::summary(&s.db, shared).await.unwrap();
    assert_eq!((left.count, left.average()), (1, Some(2.0)), "only Bob's 2★ is left");
    let none = ratings::summary(&s.db, only_ada).await.unwrap();
    assert_eq!((none.count, none.average()), (0, None));
    // The sort score is recomputed with them, by the same formula as a single rating.
    assert_eq!(stored::rating_score(&s.db, shared).await, ratings::damped_score(left));
    assert_eq!(stored::rating_score(&s.db, only_ada).await, None);
}

/// Item 10 of #15: the last admin can neither delete their account nor lose the role, and the
/// check holds when two admins remove each other at the same moment.
async fn the_last_admin_cannot_leave(backend: Backend) {
    let t = TestServices::new(backend).await;
    let s = &t.services;
    let root =
        accounts::create_admin(&s.db, SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD })
            .await
            .unwrap();
    let refused = accounts::delete_account(s, root.id, PASSWORD, LoginThrottle::default()).await.unwrap_err();
    assert_eq!(account_field_of(refused), "password");
    assert!(accounts::find_user(&s.db, root.id).await.is_ok(), "still there");

    // Two admins, each demoting the other at once: one must stay.
    for round in 0..5 {
        let other = accounts::create_admin(
            &s.db,
            SignUp { email: &format!("other{round}@example.com"), display_name: "Other", password: PASSWORD },
        )
        .await
        .unwrap();
        let (a, b) = tokio::join!(
            accounts::set_role(&s.db, root.id, Role::Viewer, ChangedBy::COMMAND_LINE),
            accounts::set_role(&s.db, other.id, Role::Viewer, ChangedBy::COMMAND_LINE)
        );
        assert!(a.is_ok() != b.is_ok(), "exactly one demotion succeeds: {a:?} {b:?}");
        assert_eq!(accounts::count_admins(&s.db).await.unwrap(), 1);
        // Put root back as the only admin for the next round.
        if a.is_ok() {
            accounts::set_role(&s.db, root.id, Role::Admin, ChangedBy::COMMAND_LINE).await.unwrap();
            accounts::set_role(&s.db, other.id, Role::Viewer, ChangedBy::COMMAND_LINE).await.unwrap();
        }
    }
}

/// Item 12 of #15: a setup link expires a day after it was issued; a new one works.
async fn a_setup_link_expires_after_a_day(backend: Backend) {
    let t = TestDb::new(backend).await;
    let old = accounts::issue_setup_token(&t.db).await.unwrap().unwrap();
    testing::stored::backdate_setup_tokens(&t.db, accounts::SETUP_LINK_LIFETIME_SECS + 1).await.unwrap();
    assert!(!accounts::setup_token_is_valid(&t.db, &old).await.unwrap());
    let form = SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD };
    assert!(matches!(accounts::create_first_admin(&t.db, &old, form).await, Err(AccountError::SetupLinkSpent)));
    let new = accounts::issue_setup_token(&t.db).await.unwrap().expect("still no admin: a new link");
    let form = SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD };
    assert_eq!(accounts::create_first_admin(&t.db, &new, form).await.unwrap().role, Role::Admin);
}

/// The recorded events, oldest first, as (kind, outcome, user, actor, client, detail).
async fn events(db: &Db) -> Vec<(String, String, Option<i64>, Option<i64>, String, String)> {
    let mut all = cinecloud_core::security_events::recent(db, None).await.unwrap();
    all.reverse();
    all.into_iter().map(|e| (e.kind, e.outcome, e.user_id, e.actor_id, e.client, e.detail)).collect()
}

fn event(
    kind: &str,
    outcome: &str,
    user: Option<i64>,
    actor: Option<i64>,
    client: &str,
    detail: &str,
) -> (String, String, Option<i64>, Option<i64>, String, String) {
    (kind.into(), outcome.into(), user, actor, client.into(), detail.into())
}

/// Item 11 of #15: sign-ups, sign-ins (succeeded, failed, throttled) and role changes are
/// recorded with the account, the client and the outcome; a role change with who made it, in the
/// same transaction (a refused one records nothing).
async fn security_events_are_recorded_with_account_client_and_outcome(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let one = Limit { name: "sign-up", max: 1, window_secs: 3600 };
    let form = |email| SignUp { email, display_name: "Ada", password: PASSWORD };
    let ada = accounts::sign_up(db, form("ada@example.com"), "192.0.2.1", one).await.unwrap();
    accounts::sign_up(db, form("bob@example.com"), "192.0.2.1", one).await.unwrap_err();
    let throttle = quick(2, 100);
    accounts::log_in(db, "ada@example.com", PASSWORD, Attempt::from_addr("192.0.2.7"), throttle).await.unwrap();
    accounts::log_in(db, "ada@example.com", "wrong one", Attempt::from_addr("192.0.2.7"), throttle).await.unwrap_err();
    accounts::log_in(db, "nobody@example.com", "wrong one", Attempt::from_addr("192.0.2.7"), throttle)
        .await
        .unwrap_err();
    accounts::log_in(db, "ada@example.com", "wrong two", Attempt::from_addr("192.0.2.7"), throttle).await.unwrap_err();
    accounts::log_in(db, "ada@example.com", "wrong three", Attempt::from_addr("192.0.2.7"), throttle)
        .await
        .unwrap_err();
    let root =
        accounts::create_admin(db, SignUp { email: "root@example.com", display_name: "Root", password: PASSWORD })
            .await
            .unwrap();
    let by_root = ChangedBy { actor_id: Some(root.id), client: "192.0.2.9" };
    accounts::set_role(db, ada.id, Role::Admin, by_root).await.unwrap();
    accounts::set_role(db, ada.id, Role::Viewer, ChangedBy::COMMAND_LINE).await.unwrap();
    // Refused: root is the last admin. Nothing is recorded for a change that did not happen.
    accounts::set_role(db, root.id, Role::Viewer, by_root).await.unwrap_err();

    let (me, client) = (Some(ada.id), "192.0.2.7");
    assert_eq!(
        events(db).await,
        vec![
            event("sign_up", "success", me, None, "192.0.2.1", ""),
            event("sign_up", "throttled", None, None, "192.0.2.1", ""),
            event("sign_in", "success", me, None, client, ""),
            event("sign_in", "failure", me, None, client, ""),
            event("sign_in", "failure", None, None, client, ""),
            event("sign_in", "failure", me, None, client, ""),
            event("sign_in", "throttled", None, None, client, ""),
            event("role_change", "success", me, Some(root.id), "192.0.2.9", "admin"),
            event("role_change", "success", me, None, "command line", "viewer"),
        ]
    );
    // Newest first, a page at a time: the page before an event holds only older ones.
    let newest = cinecloud_core::security_events::recent(db, None).await.unwrap();
    let older = cinecloud_core::security_events::recent(db, Some(newest[2].id)).await.unwrap();
    assert_eq!(older.len(), newest.len() - 3);
    assert_eq!(
        (newest[0].email.as_deref(), newest[1].actor_email.as_deref()),
        (Some("ada@example.com"), Some("root@example.com"))
    );
}

test_both_backends!(
    image_uploads_are_limited_per_account,
    security_events_are_recorded_with_account_client_and_outcome,
    a_setup_link_expires_after_a_day,
    sign_up_creates_a_viewer_and_normalises_the_email,
    sign_up_refuses_a_taken_email_and_bad_fields,
    log_in_accepts_the_right_password_only,
    log_in_is_throttled_per_account_and_client_and_per_client,
    parallel_wrong_guesses_are_counted_before_any_is_verified,
    guesses_from_many_addresses_are_bounded_but_the_owners_device_gets_in,
    successful_log_in_clears_the_account_failures,
    password_rechecks_are_throttled,
    sign_ups_are_limited_per_client,
    change_password_needs_the_current_one_and_bumps_the_epoch,
    display_name_changes_and_is_validated,
    profile_photo_replaces_the_old_object_and_deletion_removes_it,
    photo_for_a_missing_account_leaves_no_orphan,
    first_admin_setup_token_works_once_only,
    every_setup_link_works_until_the_first_admin_exists,
    roles_change_but_the_last_admin_stays,
    deleting_an_account_takes_its_ratings_out_of_the_averages,
    the_last_admin_cannot_leave,
);
