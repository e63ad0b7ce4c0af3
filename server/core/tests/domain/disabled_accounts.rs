//! #20, user management: an admin disables an account and enables it again, on SQLite and
//! PostgreSQL.

use cinecloud_core::{
    Backend, Error,
    accounts::{self, AccountError, Attempt, ChangedBy, LoginThrottle, Role, SignUp},
    test_both_backends,
    testing::TestDb,
};

const PASSWORD: &str = "a long enough passphrase";

fn form<'a>(email: &'a str, name: &'a str) -> SignUp<'a> {
    SignUp { email, display_name: name, password: PASSWORD }
}

fn field_of(error: Error) -> &'static str {
    match error {
        Error::Invalid(e) => e.field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

/// A disabled account is refused at sign-in (only once the password is right, so a guesser
/// learns nothing), its session epoch moves on (which ends its open sessions at their next
/// request), and enabling it lets it back in without ending anything more.
async fn a_disabled_account_cannot_sign_in_until_it_is_enabled(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let root = accounts::create_admin(db, form("root@example.com", "Root")).await.unwrap();
    let ada = accounts::create_admin(db, form("ada@example.com", "Ada")).await.unwrap();
    let ada = accounts::set_role(db, ada.id, Role::Viewer, ChangedBy::COMMAND_LINE).await.unwrap();
    let by_root = ChangedBy { actor_id: Some(root.id), client: "192.0.2.9" };
    let log_in = |password: &'static str| {
        accounts::log_in(db, "ada@example.com", password, Attempt::from_addr("10.0.0.1"), LoginThrottle::default())
    };

    let disabled = accounts::set_disabled(db, ada.id, true, by_root).await.unwrap();
    assert!(disabled.disabled_at.is_some());
    assert_eq!(disabled.session_epoch, ada.session_epoch + 1, "its sessions end");
    assert!(matches!(log_in("not the password").await, Err(AccountError::InvalidCredentials)));
    assert!(matches!(log_in(PASSWORD).await, Err(AccountError::Disabled)));

    let enabled = accounts::set_disabled(db, ada.id, false, by_root).await.unwrap();
    assert_eq!((enabled.disabled_at, enabled.session_epoch), (None, disabled.session_epoch));
    assert_eq!(log_in(PASSWORD).await.unwrap().user.id, ada.id);

    // Both changes are in the security log with the admin who made them.
    let events = cinecloud_core::security_events::recent(db, None).await.unwrap();
    let changes: Vec<(&str, Option<i64>, &str)> = events
        .iter()
        .filter(|e| e.kind == "account_disabled")
        .map(|e| (e.detail.as_str(), e.actor_id, e.outcome.as_str()))
        .collect();
    assert_eq!(changes, [("enabled", Some(root.id), "success"), ("disabled", Some(root.id), "success")]);
    assert!(matches!(accounts::set_disabled(db, 999_999, true, by_root).await, Err(Error::NotFound)));
}

/// Cinecloud keeps an admin who can sign in: the last one cannot be disabled, and once all but
/// one admin are disabled, that one cannot be made a viewer either.
async fn the_last_admin_who_can_sign_in_cannot_be_disabled(backend: Backend) {
    let t = TestDb::new(backend).await;
    let db = &t.db;
    let root = accounts::create_admin(db, form("root@example.com", "Root")).await.unwrap();
    let err = accounts::set_disabled(db, root.id, true, ChangedBy::COMMAND_LINE).await.unwrap_err();
    assert_eq!(field_of(err), "disabled");
    assert!(accounts::find_user(db, root.id).await.unwrap().disabled_at.is_none());

    let ada = accounts::create_admin(db, form("ada@example.com", "Ada")).await.unwrap();
    accounts::set_disabled(db, root.id, true, ChangedBy::COMMAND_LINE).await.unwrap();
    let err = accounts::set_role(db, ada.id, Role::Viewer, ChangedBy::COMMAND_LINE).await.unwrap_err();
    assert_eq!(field_of(err), "role", "a disabled admin cannot stand in for the last one");
    let err = accounts::set_disabled(db, ada.id, true, ChangedBy::COMMAND_LINE).await.unwrap_err();
    assert_eq!(field_of(err), "disabled");
}

test_both_backends!(
    a_disabled_account_cannot_sign_in_until_it_is_enabled,
    the_last_admin_who_can_sign_in_cannot_be_disabled,
);
