//! #20, user management: an admin deletes an account with everything it made, and makes a
//! one-time password-reset link for one that forgot its password; on SQLite and PostgreSQL.

use cinecloud_core::{
    Backend, Db, Error,
    accounts::{self, AccountError, Attempt, ChangedBy, LoginThrottle, Role, SignUp},
    catalog::{self, MovieForm},
    clock::now_unix,
    insights,
    lists::{self, ListForm},
    playback::{self, PlaybackEvent},
    ratings,
    security_events::{self, StoredEvent},
    storage::StorageError,
    test_both_backends,
    testing::{TestDb, TestServices, stored},
};

const PASSWORD: &str = "a long enough passphrase";
const NEW_PASSWORD: &str = "another fine passphrase";

async fn account(db: &Db, email: &str, role: Role) -> accounts::User {
    let form = SignUp { email, display_name: "Ada Lovelace", password: PASSWORD };
    let user = accounts::create_admin(db, form).await.unwrap();
    if role == Role::Admin {
        user
    } else {
        accounts::set_role(db, user.id, role, ChangedBy::COMMAND_LINE).await.unwrap()
    }
}

fn field_of(error: Error) -> &'static str {
    match error {
        Error::Invalid(e) => e.field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn log_in(db: &Db, email: &str, password: &str) -> Result<accounts::User, AccountError> {
    let attempt = Attempt::from_addr("10.0.0.1");
    accounts::log_in(db, email, password, attempt, LoginThrottle::default()).await.map(|s| s.user)
}

async fn events_of(db: &Db, kind: &str) -> Vec<StoredEvent> {
    security_events::recent(db, None).await.unwrap().into_iter().filter(|e| e.kind == kind).collect()
}

fn png() -> Vec<u8> {
    let image = image::RgbImage::from_fn(64, 64, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Deleting an account for an admin takes everything it made with it — its ratings leave the
/// movies' averages and the dashboard's figures, its time watched and its lists go, and its
/// photo is deleted — and records who did it. It needs the account's email typed to confirm,
/// and refuses the admin's own account and a missing one.
async fn an_admin_deletes_an_account_with_all_it_made(backend: Backend) {
    let t = TestServices::new(backend).await;
    let s = &t.services;
    let db = &s.db;
    let root = account(db, "root@example.com", Role::Admin).await;
    let ada = account(db, "ada@example.com", Role::Viewer).await;
    let bob = account(db, "bob@example.com", Role::Viewer).await;
    let movie = catalog::create_movie(db, &MovieForm { title: "Sunrise".into(), ..MovieForm::default() }, None)
        .await
        .unwrap()
        .id;
    ratings::rate(db, ada.id, movie, 10).await.unwrap();
    ratings::rate(db, bob.id, movie, 4).await.unwrap();
    playback::report(db, ada.id, movie, PlaybackEvent::Start, 0, 7_200_000).await.unwrap();
    playback::report(db, ada.id, movie, PlaybackEvent::Progress, 1_000, 7_200_000).await.unwrap();
    lists::create_playlist(db, ada.id, &ListForm { name: "Silents".into(), ..ListForm::default() }).await.unwrap();
    let photo = accounts::set_profile_photo(s, ada.id, png()).await.unwrap();
    let before = insights::dashboard(db, Default::default(), now_unix()).await.unwrap().figures;
    assert_eq!((before.viewers, before.ratings), (2, 2));
    assert!(before.watched_ms > 0, "Ada's second of watching counts: {before:?}");

    let by_root = ChangedBy { actor_id: Some(root.id), client: "192.0.2.9" };
    let wrong = accounts::delete_for_admin(s, ada.id, "bob@example.com", by_root).await.unwrap_err();
    assert_eq!(field_of(wrong), "confirm");
    let own = accounts::delete_for_admin(s, root.id, "root@example.com", by_root).await.unwrap_err();
    assert_eq!(field_of(own), "confirm", "an admin's own account goes through the profile");
    assert!(matches!(accounts::delete_for_admin(s, 999_999, "x@example.com", by_root).await, Err(Error::NotFound)));
    assert!(accounts::find_user(db, ada.id).await.is_ok(), "nothing deleted yet");

    let gone = accounts::delete_for_admin(s, ada.id, "  ADA@example.com ", by_root).await.unwrap();
    assert_eq!(gone.id, ada.id);
    assert!(matches!(accounts::find_user(db, ada.id).await, Err(Error::NotFound)));
    let summary = ratings::summary(db, movie).await.unwrap();
    assert_eq!((summary.count, summary.average()), (1, Some(2.0)), "only Bob's 2★ is left");
    assert_eq!(stored::count_lists(db, ada.id).await.unwrap(), 0);
    assert!(matches!(s.media.get(&photo, None).await, Err(StorageError::NotFound(_))), "photo deleted");
    let after = insights::dashboard(db, Default::default(), now_unix()).await.unwrap().figures;
    assert_eq!((after.viewers, after.ratings, after.watched_ms), (1, 1, 0), "{after:?}");
    assert!(matches!(log_in(db, "ada@example.com", PASSWORD).await, Err(AccountError::InvalidCredentials)));

    let deletions = events_of(db, "account_deletion").await;
    assert_eq!(deletions.len(), 1);
    let e = &deletions[0];
    assert_eq!(
        (e.user_id, e.actor_id, e.detail.as_str(), e.client.as_str()),
        (Some(ada.id), Some(root.id), "by an admin", "192.0.2.9")
    );
}

/// The last admin who can sign in cannot be deleted by another (disabled) admin either.
async fn the_last_admin_cannot_be_deleted(backend: Backend) {
    let t = TestServices::new(backend).await;
    let s = &t.services;
    let root = account(&s.db, "root@example.com", Role::Admin).await;
    let old = account(&s.db, "old@example.com", Role::Admin).await;
    accounts::set_disabled(&s.db, old.id, true, ChangedBy::COMMAND_LINE).await.unwrap();
    let by_old = ChangedBy { actor_id: Some(old.id), client: "192.0.2.9" };
    let err = accounts::delete_for_admin(s, root.id, "root@example.com", by_old).await.unwrap_err();
    assert_eq!(field_of(err), "confirm");
    assert!(accounts::find_user(&s.db, root.id).await.is_ok());
    assert!(events_of(&s.db, "account_deletion").await.is_empty(), "a refusal records no deletion");
}

/// A reset link sets a new password once: it ends the account's sessions (the epoch moves on),
/// the old password stops working, a weak password leaves the link unspent, and a second use is
/// refused. Making and using it are both recorded.
async fn a_reset_link_sets_a_new_password_once(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let root = account(db, "root@example.com", Role::Admin).await;
    let ada = account(db, "ada@example.com", Role::Viewer).await;
    let by_root = ChangedBy { actor_id: Some(root.id), client: "192.0.2.9" };
    let token = accounts::issue_reset_link(db, ada.id, by_root).await.unwrap();
    assert!(token.len() >= 43, "256 random bits: {token}");
    assert_eq!(accounts::reset_link_account(db, &token).await.unwrap().map(|u| u.id), Some(ada.id));
    assert_eq!(accounts::reset_link_account(db, "not-a-token").await.unwrap().map(|u| u.id), None);

    let weak = accounts::reset_password(db, &token, "12345678", "10.0.0.2").await.unwrap_err();
    assert!(matches!(weak, AccountError::Domain(Error::Invalid(ref e)) if e.field == "password"), "{weak:?}");
    assert!(accounts::reset_link_account(db, &token).await.unwrap().is_some(), "a refused password spends nothing");

    let reset = accounts::reset_password(db, &token, NEW_PASSWORD, "10.0.0.2").await.unwrap();
    assert_eq!(reset.session_epoch, ada.session_epoch + 1, "every session of the account ends");
    assert!(matches!(log_in(db, "ada@example.com", PASSWORD).await, Err(AccountError::InvalidCredentials)));
    assert_eq!(log_in(db, "ada@example.com", NEW_PASSWORD).await.unwrap().id, ada.id);
    let again = accounts::reset_password(db, &token, "yet another passphrase", "10.0.0.2").await;
    assert!(matches!(again, Err(AccountError::ResetLinkSpent)), "{again:?}");
    assert!(accounts::reset_link_account(db, &token).await.unwrap().is_none());

    let recorded: Vec<_> = events_of(db, "password_reset")
        .await
        .into_iter()
        .map(|e| (e.detail, e.user_id, e.actor_id, e.client))
        .collect();
    assert_eq!(
        recorded,
        [
            ("link used".to_owned(), Some(ada.id), None, "10.0.0.2".to_owned()),
            ("link made".to_owned(), Some(ada.id), Some(root.id), "192.0.2.9".to_owned()),
        ]
    );
}

/// Only the newest link of an account works; a link expires after a day; a disabled account
/// gets no link, and one made before it was disabled stops working; a missing account gets none.
async fn reset_links_are_replaced_expire_and_skip_disabled_accounts(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    account(db, "root@example.com", Role::Admin).await;
    let ada = account(db, "ada@example.com", Role::Viewer).await;
    let bob = account(db, "bob@example.com", Role::Viewer).await;
    let by = ChangedBy::COMMAND_LINE;
    let first = accounts::issue_reset_link(db, ada.id, by).await.unwrap();
    let second = accounts::issue_reset_link(db, ada.id, by).await.unwrap();
    assert_ne!(first, second);
    assert!(accounts::reset_link_account(db, &first).await.unwrap().is_none(), "replaced by the newer link");
    assert!(accounts::reset_link_account(db, &second).await.unwrap().is_some());

    let bobs = accounts::issue_reset_link(db, bob.id, by).await.unwrap();
    assert!(accounts::reset_link_account(db, &second).await.unwrap().is_some(), "another account's link is apart");
    stored::backdate_password_resets(db, accounts::RESET_LINK_LIFETIME_SECS).await.unwrap();
    let late = accounts::reset_password(db, &bobs, NEW_PASSWORD, "10.0.0.2").await;
    assert!(matches!(late, Err(AccountError::ResetLinkSpent)), "expired: {late:?}");

    let fresh = accounts::issue_reset_link(db, ada.id, by).await.unwrap();
    accounts::set_disabled(db, ada.id, true, by).await.unwrap();
    assert!(accounts::reset_link_account(db, &fresh).await.unwrap().is_none(), "a disabled account's link is off");
    let refused = accounts::reset_password(db, &fresh, NEW_PASSWORD, "10.0.0.2").await;
    assert!(matches!(refused, Err(AccountError::ResetLinkSpent)), "{refused:?}");
    assert_eq!(field_of(accounts::issue_reset_link(db, ada.id, by).await.unwrap_err()), "reset");
    assert!(matches!(accounts::issue_reset_link(db, 999_999, by).await, Err(Error::NotFound)));
}

test_both_backends!(
    an_admin_deletes_an_account_with_all_it_made,
    the_last_admin_cannot_be_deleted,
    a_reset_link_sets_a_new_password_once,
    reset_links_are_replaced_expire_and_skip_disabled_accounts,
);
