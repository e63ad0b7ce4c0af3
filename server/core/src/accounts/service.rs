//! What a viewer or admin does with an account. Each function takes the handles it needs and is
//! what both the server functions and the tests call.

use anyhow::Context;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::{AccountError, DisplayName, Email, ListedUser, NewPassword, Role, USERS_PER_PAGE, User, UserQuery};
use crate::{
    Error, FieldError, Result, Services,
    accounts::{hash_password, verify_password},
    blocking::spawn_blocking,
    clock::now_unix,
    db::{
        Db, known_devices,
        setup_tokens::{self, FirstAdminError},
        users::{self, Guarded, InsertUserError, NewUser},
    },
    images, limits,
    security_events::{self, Event, EventKind, Outcome},
};

/// How many sign-in attempts are tolerated, and over what window. Every attempt is counted
/// before its password is verified, in one atomic step, so parallel guesses cannot outrun it.
///
/// A browser that has signed in to an account before carries a device token ([`log_in`]) and
/// has an allowance of its own there; every other browser shares the account's allowance for
/// new devices (OWASP's "device cookies"), so guessing from many addresses is bounded, and the
/// owner keeps signing in on the devices they use while someone guesses.
#[derive(Clone, Copy, Debug)]
pub struct LoginThrottle {
    /// Length of the window, in seconds.
    pub window_secs: i64,
    /// Attempts allowed for one account from one client address, or from one known device:
    /// past it, that client is refused for that account (and a signed-in password re-check
    /// ends the session).
    pub per_account_client: i64,
    /// Attempts allowed from one client address across all accounts: past it, refused.
    pub per_client: i64,
    /// Attempts on one account from browsers that never signed in to it, from anywhere
    /// together: past it, such browsers are refused until the window ends. Known devices are
    /// not counted here and not refused by it.
    pub per_account_new_devices: i64,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self { window_secs: 15 * 60, per_account_client: 5, per_client: 30, per_account_new_devices: 10 }
    }
}

/// A successful sign-in: the account, and the device token the browser should keep (a new one
/// unless it presented a valid token of this account).
#[derive(Debug)]
pub struct SignedIn {
    /// The account signed in to.
    pub user: User,
    /// The browser's device token for this account (a credential of sorts: never log it).
    pub device_token: String,
}

/// Where a sign-in attempt comes from.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    /// The client address.
    pub client_addr: &'a str,
    /// The device token the browser presented, if any (unchecked).
    pub device_token: Option<&'a str>,
}

impl<'a> Attempt<'a> {
    /// An attempt from `client_addr` by a browser that presents no device token.
    pub fn from_addr(client_addr: &'a str) -> Self {
        Self { client_addr, device_token: None }
    }
}

const PAIR: &str = "login:account-client";
const CLIENT: &str = "login:client";
const DEVICE: &str = "login:account-device";
const NEW_DEVICES: &str = "login:account-new-devices";
const RECHECK: &str = "password-recheck";

/// The fields of the sign-up form, as typed.
pub struct SignUp<'a> {
    /// Email as typed.
    pub email: &'a str,
    /// Display name as typed.
    pub display_name: &'a str,
    /// Password as typed.
    pub password: &'a str,
}

/// Makes the browser that just created `user_id`'s account one of its known devices: returns
/// the token for its device cookie. Without it the owner's own browser would count as a new
/// device until its first sign-in, and could be shut out while someone guesses the password.
pub async fn remember_new_device(db: &Db, user_id: i64) -> Result<String> {
    let token = new_token();
    known_devices::remember(db, user_id, &hash_token(&token), now_unix()).await?;
    Ok(token)
}

/// Validates the form and creates a viewer account; at most `limit` per client address (the
/// server's default is [`limits::SIGN_UPS`]).
#[tracing::instrument(skip_all)]
pub async fn sign_up(db: &Db, form: SignUp<'_>, client_addr: &str, limit: limits::Limit) -> Result<User> {
    let (email, name, password) = validate_new_account(&form)?;
    let event = |outcome, user_id| Event::new(EventKind::SignUp, outcome, user_id, client_addr);
    if let Err(e) = limits::hit(db, limit, client_addr).await {
        if matches!(e, Error::RateLimited) {
            security_events::record(db, event(Outcome::Throttled, None)).await;
        }
        return Err(e);
    }
    let hash = hash_password(password.expose().to_owned()).await?;
    let new = NewUser { email: email.as_str(), display_name: name.as_str(), password_hash: &hash, role: Role::Viewer };
    let user = users::insert(db, &new, now_unix()).await.map_err(|e| match e {
        InsertUserError::EmailTaken => email_taken(),
        InsertUserError::Database(e) => e.into(),
    })?;
    security_events::record(db, event(Outcome::Success, Some(user.id))).await;
    Ok(user)
}

fn validate_new_account(form: &SignUp<'_>) -> Result<(Email, DisplayName, NewPassword), FieldError> {
    Ok((
        Email::parse(form.email)?,
        DisplayName::parse(form.display_name)?,
        NewPassword::parse(form.password, "password", &[form.email, form.display_name])?,
    ))
}

fn email_taken() -> Error {
    FieldError::new("email", "An account with this email already exists. Sign in instead.").into()
}

/// Checks credentials under the throttle. Unknown email and wrong password take the same time
/// and return the same error. The attempt is counted — per account and client (or known device),
/// per client, and per account from new devices — before the password is verified; a success
/// takes it back.
#[tracing::instrument(skip(db, password, throttle, attempt), fields(client = attempt.client_addr))]
pub async fn log_in(
    db: &Db,
    email: &str,
    password: &str,
    attempt: Attempt<'_>,
    throttle: LoginThrottle,
) -> Result<SignedIn, AccountError> {
    let email = Email::normalize(email);
    let client_addr = attempt.client_addr;
    let window = throttle.window_secs;
    let event = |outcome, user_id| Event::new(EventKind::SignIn, outcome, user_id, client_addr);
    let user = users::find_by_email(db, &email).await?;
    let device_hash = attempt.device_token.map(hash_token);
    let known_device = match (&device_hash, &user) {
        (Some(hash), Some(user)) => known_devices::owner(db, hash).await? == Some(user.id),
        _ => false,
    };
    // A known device's allowance goes with the device wherever it connects from.
    let (pair_name, pair) = match (&device_hash, known_device) {
        (Some(hash), true) => (DEVICE, format!("{email}\n{hash}")),
        _ => (PAIR, format!("{email}\n{client_addr}")),
    };
    let by_pair = limits::count(db, pair_name, &pair, window).await?;
    let by_client = limits::count(db, CLIENT, client_addr, window).await?;
    if by_pair > throttle.per_account_client || by_client > throttle.per_client {
        tracing::warn!(by_pair, by_client, known_device, "sign-in throttled");
        security_events::record(db, event(Outcome::Throttled, None)).await;
        return Err(AccountError::RateLimited);
    }
    if !known_device {
        let (by_account, retry_after_secs) = limits::count_in_window(db, NEW_DEVICES, &email, window).await?;
        if by_account > throttle.per_account_new_devices {
            tracing::warn!(by_account, "sign-in from a new device refused: the account's allowance is used up");
            security_events::record(db, event(Outcome::Throttled, user.as_ref().map(|u| u.id))).await;
            return Err(AccountError::NewDevicesLimited { retry_after_secs });
        }
    }
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    if !verify_password(password.to_owned(), hash).await? {
        security_events::record(db, event(Outcome::Failure, user.map(|u| u.id))).await;
        return Err(AccountError::InvalidCredentials);
    }
    // `verify_password` is only true when the account exists.
    let user = user.ok_or(AccountError::InvalidCredentials)?;
    // Said only to whoever knows the password, so it tells a guesser nothing.
    if user.disabled_at.is_some() {
        security_events::record(db, event(Outcome::Refused, Some(user.id))).await;
        return Err(AccountError::Disabled);
    }
    limits::forget(db, pair_name, &pair).await?;
    limits::take_back(db, CLIENT, client_addr).await?;
    let now = now_unix();
    let device_token = match (attempt.device_token, device_hash) {
        (Some(token), Some(hash)) if known_device => {
            known_devices::touch(db, &hash, now).await?;
            token.to_owned()
        }
        _ => {
            limits::take_back(db, NEW_DEVICES, &email).await?;
            let token = new_token();
            known_devices::remember(db, user.id, &hash_token(&token), now).await?;
            token
        }
    };
    security_events::record(db, event(Outcome::Success, Some(user.id))).await;
    Ok(SignedIn { user, device_token })
}

/// Re-checks a signed-in account's password (before a password change or a deletion), under the
/// sign-in throttle's per-account-and-client allowance: [`AccountError::RateLimited`] once it is
/// used up, and the caller should then end the session, which may have been stolen.
async fn recheck_password(
    db: &Db,
    user: &User,
    password: &str,
    (field, wrong): (&'static str, &'static str),
    throttle: LoginThrottle,
) -> Result<(), AccountError> {
    let who = user.id.to_string();
    let tries = limits::count(db, RECHECK, &who, throttle.window_secs).await?;
    if tries > throttle.per_account_client {
        tracing::warn!(user_id = user.id, tries, "password re-check throttled");
        return Err(AccountError::RateLimited);
    }
    if verify_password(password.to_owned(), Some(user.password_hash.clone())).await? {
        limits::forget(db, RECHECK, &who).await?;
        Ok(())
    } else {
        tracing::warn!(user_id = user.id, tries, "password re-check failed");
        Err(FieldError::new(field, wrong).into())
    }
}

/// The signed-in account, if it still exists.
pub async fn find_user(db: &Db, user_id: i64) -> Result<User> {
    users::find_by_id(db, user_id).await?.ok_or(Error::NotFound)
}

/// The account with this email (as typed: it is normalised first), if any.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<User>> {
    Ok(users::find_by_email(db, &Email::normalize(email)).await?)
}

/// How many accounts have the admin role.
pub async fn count_admins(db: &Db) -> Result<i64> {
    Ok(users::count_admins(db).await?)
}

/// Changes the display name and returns the updated account.
pub async fn change_display_name(db: &Db, user_id: i64, name: &str) -> Result<User> {
    let name = DisplayName::parse(name)?;
    if !users::set_display_name(db, user_id, name.as_str(), now_unix()).await? {
        return Err(Error::NotFound);
    }
    find_user(db, user_id).await
}

/// Changes the password after checking the current one (throttled like sign-in). Returns the
/// new session epoch: every session signed in under an older epoch is thereby ended.
#[tracing::instrument(skip(db, current, new, throttle))]
pub async fn change_password(
    db: &Db,
    user_id: i64,
    current: &str,
    new: &str,
    throttle: LoginThrottle,
) -> Result<i64, AccountError> {
    let user = find_user(db, user_id).await?;
    let wrong = ("current_password", "Your current password is not correct.");
    recheck_password(db, &user, current, wrong, throttle).await?;
    let new = NewPassword::parse(new, "new_password", &[&user.email, &user.display_name])?;
    let hash = hash_password(new.expose().to_owned()).await?;
    Ok(users::set_password(db, user_id, &hash, now_unix()).await?.ok_or(Error::NotFound)?)
}

/// Deletes the account once `password` confirms it (throttled like sign-in), then its profile
/// photo. The photo goes only after the row is gone, so a crash in between leaves an
/// unreferenced object, never a dangling reference.
#[tracing::instrument(skip(services, password, throttle))]
pub async fn delete_account(
    services: &Services,
    user_id: i64,
    password: &str,
    throttle: LoginThrottle,
) -> Result<(), AccountError> {
    let user = find_user(&services.db, user_id).await?;
    recheck_password(&services.db, &user, password, ("password", "Your password is not correct."), throttle).await?;
    let user = match users::delete(&services.db, user_id, None, now_unix()).await? {
        Guarded::Done(user) => user,
        Guarded::NotFound => return Err(Error::NotFound.into()),
        Guarded::LastAdmin => return Err(last_admin("password").into()),
    };
    forget_deleted(services, &user).await;
    Ok(())
}

/// Deletes an account for an admin, with everything it made: ratings (the movies' counts and
/// scores recomputed in the same transaction), lists, history, viewing statistics, sessions and
/// known devices, then its profile photo. The deletion is recorded, with the admin, in the same
/// transaction. Never the last admin, and never the admin's own account: that goes through the
/// profile, with the password. The admin confirms by typing the account's email as `confirm`
/// (any case). Returns the account as it was.
#[tracing::instrument(skip(services, confirm))]
pub async fn delete_for_admin(services: &Services, user_id: i64, confirm: &str, by: ChangedBy<'_>) -> Result<User> {
    if by.actor_id == Some(user_id) {
        return Err(FieldError::new("confirm", "Delete your own account from your profile, with your password.").into());
    }
    let user = find_user(&services.db, user_id).await?;
    if Email::normalize(confirm) != user.email {
        return Err(FieldError::new("confirm", "Type the account's email exactly to confirm.").into());
    }
    let audit = Event {
        actor_id: by.actor_id,
        ..Event::new(EventKind::AccountDeletion, Outcome::Success, Some(user_id), by.client).detail("by an admin")
    };
    let user = match users::delete(&services.db, user_id, Some(&audit), now_unix()).await? {
        Guarded::Done(user) => user,
        Guarded::NotFound => return Err(Error::NotFound),
        Guarded::LastAdmin => return Err(last_admin("confirm").into()),
    };
    audit.log();
    forget_deleted(services, &user).await;
    Ok(user)
}

/// What goes after a deleted account's row: its profile photo (only now, so a crash in between
/// leaves an unreferenced object, never a dangling reference) and its sign-in counter.
async fn forget_deleted(services: &Services, user: &User) {
    if let Some(key) = &user.photo_key {
        remove_media_quietly(services, key).await;
    }
    // The account is gone: failing to forget its (hashed, day-long) counter must not say otherwise.
    if let Err(e) = limits::forget(&services.db, NEW_DEVICES, &user.email).await {
        tracing::warn!(error = %format!("{e:#}"), "could not forget a deleted account's sign-in count");
    }
}

/// Largest profile-photo upload accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = cinecloud_vocab::limits::PHOTO_BYTES;

/// Decodes and re-encodes a photo upload off the async runtime, with a turn of `gate`.
async fn profile_photo_through(gate: &limits::Gate, upload: Vec<u8>) -> Result<Vec<u8>> {
    let turn = gate.enter().await?;
    spawn_blocking(move || {
        let _turn = turn;
        images::profile_photo(&upload)
    })
    .await
    .context("photo processing task")?
    .map_err(|e| Error::upload_refused("photo", e.to_string()))
}

/// Stores a new profile photo and points the account at it. Order: the new object is written
/// first, then the database is switched in one transaction, then the old object is deleted. If
/// the database step fails, the new object is removed and the old photo stays.
#[tracing::instrument(skip(services, upload), fields(bytes = upload.len()))]
pub async fn set_profile_photo(services: &Services, user_id: i64, upload: Vec<u8>) -> Result<String> {
    if upload.len() > MAX_PHOTO_BYTES {
        return Err(Error::upload_refused(
            "photo",
            format!("The photo is larger than {} MB.", MAX_PHOTO_BYTES / 1024 / 1024),
        ));
    }
    limits::hit(&services.db, limits::IMAGE_UPLOADS, &user_id.to_string()).await?;
    let jpeg = profile_photo_through(&limits::IMAGE_DECODING, upload).await?;
    let digest = hex::encode(Sha256::digest(&jpeg));
    let key = format!("profiles/{user_id}/{}.jpg", &digest[..32]);
    services
        .media
        .put(&key, jpeg.into(), "image/jpeg")
        .await
        .map_err(|e| Error::media_unavailable("a profile photo", format!("{e:#}")))?;
    let old = match users::swap_photo_key(&services.db, user_id, Some(&key), now_unix()).await {
        Ok(old) => old,
        Err(e) => {
            remove_media_quietly(services, &key).await;
            return Err(match e {
                sqlx::Error::RowNotFound => Error::NotFound,
                e => e.into(),
            });
        }
    };
    if let Some(old) = old.filter(|old| *old != key) {
        remove_media_quietly(services, &old).await;
    }
    Ok(key)
}

async fn remove_media_quietly(services: &Services, key: &str) {
    if let Err(e) = services.media.delete(key).await {
        // An unreferenced object costs storage, not correctness; log it for clean-up.
        tracing::warn!(key, error = %format!("{e:#}"), "could not delete an unreferenced object");
    }
}

/// One page of the accounts `query` asks for, and how many match in all.
pub async fn find_users(db: &Db, query: &UserQuery) -> Result<(Vec<ListedUser>, i64)> {
    if query.text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(FieldError::new("q", "Search for at most 200 characters.").into());
    }
    Ok(users::find(db, query, USERS_PER_PAGE).await?)
}

/// Who changes a role: an admin from a client address, or the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangedBy<'a> {
    /// The admin's account; `None` from the command line.
    pub actor_id: Option<i64>,
    /// Their client address (`command line` from there).
    pub client: &'a str,
}

impl ChangedBy<'static> {
    /// `cinecloud admin …` on the server itself.
    pub const COMMAND_LINE: ChangedBy<'static> = ChangedBy { actor_id: None, client: "command line" };
}

/// Changes an account's role; refuses to remove the last admin (checked and changed in one
/// transaction, so two admins demoting each other at once cannot both succeed). The change is
/// recorded as a security event, with who made it, in the same transaction.
#[tracing::instrument(skip(db))]
pub async fn set_role(db: &Db, user_id: i64, role: Role, by: ChangedBy<'_>) -> Result<User> {
    let audit = Event {
        actor_id: by.actor_id,
        ..Event::new(EventKind::RoleChange, Outcome::Success, Some(user_id), by.client).detail(role.as_str())
    };
    match users::set_role(db, user_id, role, &audit, now_unix()).await? {
        Guarded::Done(_) => {
            audit.log();
            find_user(db, user_id).await
        }
        Guarded::NotFound => Err(Error::NotFound),
        Guarded::LastAdmin => Err(last_admin("role").into()),
    }
}

/// Disables an account, which ends its sessions at their next request and refuses its sign-ins,
/// or enables it again; never the last admin who can sign in. Returns the account as it is now.
pub async fn set_disabled(db: &Db, user_id: i64, disabled: bool, by: ChangedBy<'_>) -> Result<User> {
    let audit = Event {
        actor_id: by.actor_id,
        ..Event::new(EventKind::AccountDisabled, Outcome::Success, Some(user_id), by.client).detail(if disabled {
            "disabled"
        } else {
            "enabled"
        })
    };
    match users::set_disabled(db, user_id, disabled, &audit, now_unix()).await? {
        Guarded::Done(_) => {
            audit.log();
            find_user(db, user_id).await
        }
        Guarded::NotFound => Err(Error::NotFound),
        Guarded::LastAdmin => Err(last_admin("disabled").into()),
    }
}

fn last_admin(field: &'static str) -> FieldError {
    FieldError::new(field, "Cinecloud needs at least one admin: make another account an admin first.")
}

/// Gives the admin role to the account with this email (`cinecloud admin promote`).
pub async fn promote(db: &Db, email: &str) -> Result<User> {
    let user = find_by_email(db, email).await?.ok_or(Error::NotFound)?;
    set_role(db, user.id, Role::Admin, ChangedBy::COMMAND_LINE).await
}

/// Creates an admin account directly (`cinecloud admin create`).
pub async fn create_admin(db: &Db, form: SignUp<'_>) -> Result<User> {
    let (email, name, password) = validate_new_account(&form)?;
    let hash = hash_password(password.expose().to_owned()).await?;
    let new = NewUser { email: email.as_str(), display_name: name.as_str(), password_hash: &hash, role: Role::Admin };
    users::insert(db, &new, now_unix()).await.map_err(|e| match e {
        InsertUserError::EmailTaken => email_taken(),
        InsertUserError::Database(e) => e.into(),
    })
}

/// A new secret token (setup links, device tokens): 256 random bits, URL-safe base64.
pub(crate) fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(super) fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// While no admin exists, issues a new one-time setup token and returns it; `None` once an admin
/// exists. Only the token's hash is stored. Tokens issued before stay valid for their lifetime
/// (each server of a fleet logs its own at start); whichever is used first creates the admin,
/// and that ends them all.
pub async fn issue_setup_token(db: &Db) -> Result<Option<String>> {
    if users::count_admins(db).await? > 0 {
        return Ok(None);
    }
    let token = new_token();
    let now = now_unix();
    setup_tokens::add(db, &hash_token(&token), now, now - SETUP_LINK_LIFETIME_SECS).await?;
    Ok(Some(token))
}

/// How long a setup link works after it was issued. A new one is logged at every start while no
/// admin exists, and `cinecloud admin setup-link` prints one on request.
pub const SETUP_LINK_LIFETIME_SECS: i64 = 24 * 60 * 60;

/// Whether this setup token can still create the first admin (unused, not expired, no admin yet).
pub async fn setup_token_is_valid(db: &Db, token: &str) -> Result<bool> {
    let issued_after = now_unix() - SETUP_LINK_LIFETIME_SECS;
    Ok(users::count_admins(db).await? == 0 && setup_tokens::is_unused(db, &hash_token(token), issued_after).await?)
}

/// Spends the setup token and creates the first admin, atomically; works once only.
#[tracing::instrument(skip_all)]
pub async fn create_first_admin(db: &Db, token: &str, form: SignUp<'_>) -> Result<User, AccountError> {
    if !setup_token_is_valid(db, token).await? {
        return Err(AccountError::SetupLinkSpent);
    }
    let (email, name, password) = validate_new_account(&form)?;
    let hash = hash_password(password.expose().to_owned()).await?;
    let new = NewUser { email: email.as_str(), display_name: name.as_str(), password_hash: &hash, role: Role::Admin };
    let now = now_unix();
    let issued_after = now - SETUP_LINK_LIFETIME_SECS;
    let id =
        setup_tokens::create_first_admin(db, &hash_token(token), issued_after, &new, now).await.map_err(
            |e| match e {
                FirstAdminError::LinkSpent => AccountError::SetupLinkSpent,
                FirstAdminError::EmailTaken => email_taken().into(),
                FirstAdminError::Database(e) => e.into(),
            },
        )?;
    Ok(find_user(db, id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 128]));
        let mut out = std::io::Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[tokio::test]
    async fn photos_are_decoded_only_with_a_turn_of_the_decoding_gate() {
        let gate = limits::Gate::new("test decoding", 1, std::time::Duration::from_millis(50));
        let held = gate.enter().await.unwrap();
        let busy = profile_photo_through(&gate, png(640, 480)).await;
        assert!(matches!(busy, Err(Error::Busy)), "a saturated gate refuses: {:?}", busy.map(|j| j.len()));
        drop(held);
        let jpeg = profile_photo_through(&gate, png(640, 480)).await.expect("a free turn");
        assert!(jpeg.starts_with(&[0xFF, 0xD8]), "a JPEG");
        assert_eq!(gate.available(), 1, "the turn is given back once the photo is encoded");
    }
}
