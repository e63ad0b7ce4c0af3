//! What a viewer or admin does with an account. Each function takes the handles it needs and is
//! what both the server functions and the tests call.

use anyhow::Context;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::{AccountError, DisplayName, Email, NewPassword, Role, User};
use crate::{
    Error, FieldError, Result, Services,
    accounts::{hash_password, verify_password},
    blocking::spawn_blocking,
    clock::now_unix,
    db::{
        Db,
        setup_tokens::{self, FirstAdminError},
        users::{self, InsertUserError, NewUser},
    },
    images,
};

/// How many failed sign-ins are tolerated, and over what window.
#[derive(Clone, Copy, Debug)]
pub struct LoginThrottle {
    /// Length of the sliding window, in seconds.
    pub window_secs: i64,
    /// Failures allowed for one email within the window.
    pub per_account: i64,
    /// Failures allowed from one client address within the window.
    pub per_client: i64,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self { window_secs: 15 * 60, per_account: 5, per_client: 30 }
    }
}

/// The fields of the sign-up form, as typed.
pub struct SignUp<'a> {
    /// Email as typed.
    pub email: &'a str,
    /// Display name as typed.
    pub display_name: &'a str,
    /// Password as typed.
    pub password: &'a str,
}

/// Validates the form and creates a viewer account.
#[tracing::instrument(skip_all)]
pub async fn sign_up(db: &Db, form: SignUp<'_>) -> Result<User> {
    let (email, name, password) = validate_new_account(&form)?;
    let hash = hash_password(password.expose().to_owned()).await?;
    let new = NewUser { email: email.as_str(), display_name: name.as_str(), password_hash: &hash, role: Role::Viewer };
    users::insert(db, &new, now_unix()).await.map_err(|e| match e {
        InsertUserError::EmailTaken => email_taken(),
        InsertUserError::Database(e) => e.into(),
    })
}

fn validate_new_account(form: &SignUp<'_>) -> Result<(Email, DisplayName, NewPassword), FieldError> {
    Ok((
        Email::parse(form.email)?,
        DisplayName::parse(form.display_name)?,
        NewPassword::parse(form.password, "password")?,
    ))
}

fn email_taken() -> Error {
    FieldError::new("email", "An account with this email already exists. Sign in instead.").into()
}

/// Checks credentials under the throttle. Unknown email and wrong password take the same time
/// and return the same error; every failure is counted against the email and the client.
#[tracing::instrument(skip(db, password, throttle))]
pub async fn log_in(
    db: &Db,
    email: &str,
    password: &str,
    client_addr: &str,
    throttle: LoginThrottle,
) -> Result<User, AccountError> {
    let email = Email::normalize(email);
    let now = now_unix();
    let since = now - throttle.window_secs;
    let (by_account, by_client) = users::count_login_failures(db, &email, client_addr, since).await?;
    if by_account >= throttle.per_account || by_client >= throttle.per_client {
        tracing::warn!(by_account, by_client, "sign-in throttled");
        return Err(AccountError::RateLimited);
    }
    let user = users::find_by_email(db, &email).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    if verify_password(password.to_owned(), hash).await? {
        users::clear_login_failures(db, &email, since).await?;
        // `verify_password` is only true when the account exists.
        user.ok_or(AccountError::InvalidCredentials)
    } else {
        users::record_login_failure(db, &email, client_addr, now).await?;
        Err(AccountError::InvalidCredentials)
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

/// Changes the password after checking the current one. Returns the new session epoch: every
/// session signed in under an older epoch is thereby ended.
#[tracing::instrument(skip(db, current, new))]
pub async fn change_password(db: &Db, user_id: i64, current: &str, new: &str) -> Result<i64> {
    let user = find_user(db, user_id).await?;
    if !verify_password(current.to_owned(), Some(user.password_hash)).await? {
        return Err(FieldError::new("current_password", "Your current password is not correct.").into());
    }
    let new = NewPassword::parse(new, "new_password")?;
    let hash = hash_password(new.expose().to_owned()).await?;
    users::set_password(db, user_id, &hash, now_unix()).await?.ok_or(Error::NotFound)
}

/// Deletes the account once `password` confirms it, then its profile photo. The photo goes only
/// after the row is gone, so a crash in between leaves an unreferenced object, never a dangling
/// reference.
#[tracing::instrument(skip(services, password))]
pub async fn delete_account(services: &Services, user_id: i64, password: &str) -> Result<()> {
    let user = find_user(&services.db, user_id).await?;
    if !verify_password(password.to_owned(), Some(user.password_hash)).await? {
        return Err(FieldError::new("password", "Your password is not correct.").into());
    }
    let user = users::delete(&services.db, user_id).await?.ok_or(Error::NotFound)?;
    if let Some(key) = user.photo_key {
        remove_media_quietly(services, &key).await;
    }
    Ok(())
}

/// Largest profile-photo upload accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

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
    let jpeg = spawn_blocking(move || images::profile_photo(&upload))
        .await
        .context("photo processing task")?
        .map_err(|e| Error::upload_refused("photo", e.to_string()))?;
    let digest = hex::encode(Sha256::digest(&jpeg));
    let key = format!("profiles/{user_id}/{}.jpg", &digest[..32]);
    services.media.put(&key, jpeg.into(), "image/jpeg").await.context("storing the profile photo")?;
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

/// Lists accounts for the admin user page.
pub async fn list_users(db: &Db, limit: i64, offset: i64) -> Result<Vec<User>> {
    Ok(users::list(db, limit.clamp(1, 200), offset.max(0)).await?)
}

/// Changes an account's role; refuses to remove the last admin.
#[tracing::instrument(skip(db))]
pub async fn set_role(db: &Db, user_id: i64, role: Role) -> Result<User> {
    let user = find_user(db, user_id).await?;
    if user.role == Role::Admin && role == Role::Viewer && users::count_admins(db).await? <= 1 {
        return Err(FieldError::new("role", "Cinecloud needs at least one admin.").into());
    }
    users::set_role(db, user_id, role, now_unix()).await?;
    find_user(db, user_id).await
}

/// Gives the admin role to the account with this email (`cinecloud admin promote`).
pub async fn promote(db: &Db, email: &str) -> Result<User> {
    let user = find_by_email(db, email).await?.ok_or(Error::NotFound)?;
    set_role(db, user.id, Role::Admin).await
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

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// While no admin exists, issues a new one-time setup token (replacing any unused one) and
/// returns it; `None` once an admin exists. Only the token's hash is stored.
pub async fn issue_setup_token(db: &Db) -> Result<Option<String>> {
    if users::count_admins(db).await? > 0 {
        return Ok(None);
    }
    let bytes: [u8; 32] = rand::random();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    setup_tokens::replace_unused(db, &hash_token(&token), now_unix()).await?;
    Ok(Some(token))
}

/// Whether this setup token can still create the first admin.
pub async fn setup_token_is_valid(db: &Db, token: &str) -> Result<bool> {
    Ok(users::count_admins(db).await? == 0 && setup_tokens::is_unused(db, &hash_token(token)).await?)
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
    let id = setup_tokens::create_first_admin(db, &hash_token(token), &new, now_unix()).await.map_err(|e| match e {
        FirstAdminError::LinkSpent => AccountError::SetupLinkSpent,
        FirstAdminError::EmailTaken => email_taken().into(),
        FirstAdminError::Database(e) => e.into(),
    })?;
    Ok(find_user(db, id).await?)
}
