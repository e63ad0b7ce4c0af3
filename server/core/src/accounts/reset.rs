//! One-time password-reset links: Cinecloud sends no email, so an admin makes a link for a
//! viewer who forgot their password and hands it over. The link works once, for
//! [`RESET_LINK_LIFETIME_SECS`]; a newer link for the same account replaces it; using it sets a
//! new password and ends every session of the account. Only the token's SHA-256 is stored.

use super::{
    AccountError, ChangedBy, NewPassword, User, find_user, hash_password,
    service::{hash_token, new_token},
};
use crate::{
    Error, FieldError, Result,
    clock::now_unix,
    db::{Db, password_resets},
    security_events::{Event, EventKind, Outcome},
};

/// How long a reset link works after it was made: a day.
pub const RESET_LINK_LIFETIME_SECS: i64 = 24 * 60 * 60;

/// Makes a new reset link's token for the account and returns it (to be shown to the admin once:
/// it is not stored). The account's earlier unused link stops working. Recorded, with the admin,
/// in the same transaction. A disabled account gets none: enable it first.
#[tracing::instrument(skip(db))]
pub async fn issue_reset_link(db: &Db, user_id: i64, by: ChangedBy<'_>) -> Result<String> {
    let user = find_user(db, user_id).await?;
    if user.disabled_at.is_some() {
        return Err(FieldError::new("reset", "This account is disabled: enable it before making a reset link.").into());
    }
    let token = new_token();
    let now = now_unix();
    let audit = Event {
        actor_id: by.actor_id,
        ..Event::new(EventKind::PasswordReset, Outcome::Success, Some(user_id), by.client).detail("link made")
    };
    if !password_resets::issue(db, user_id, &hash_token(&token), now, now - RESET_LINK_LIFETIME_SECS, &audit).await? {
        return Err(Error::NotFound);
    }
    audit.log();
    Ok(token)
}

/// The account this reset link would set a password for, if it still works (unused, not
/// expired, the account enabled). Does not spend it.
pub async fn reset_link_account(db: &Db, token: &str) -> Result<Option<User>> {
    let issued_after = now_unix() - RESET_LINK_LIFETIME_SECS;
    match password_resets::account_of(db, &hash_token(token), issued_after).await? {
        Some(user_id) => Ok(Some(find_user(db, user_id).await?)),
        None => Ok(None),
    }
}

/// Spends the reset link and gives its account `new_password`, ending all its sessions, in one
/// transaction; recorded for the account from `client`. Returns the account as it is now.
/// [`AccountError::ResetLinkSpent`] when the link does not work (any more).
#[tracing::instrument(skip_all)]
pub async fn reset_password(db: &Db, token: &str, new_password: &str, client: &str) -> Result<User, AccountError> {
    let user = reset_link_account(db, token).await?.ok_or(AccountError::ResetLinkSpent)?;
    let password = NewPassword::parse(new_password, "password", &[&user.email, &user.display_name])?;
    let hash = hash_password(password.expose().to_owned()).await?;
    let now = now_unix();
    let audit =
        |user_id| Event::new(EventKind::PasswordReset, Outcome::Success, Some(user_id), client).detail("link used");
    let issued_after = now - RESET_LINK_LIFETIME_SECS;
    let user_id = password_resets::spend(db, &hash_token(token), issued_after, &hash, now, audit)
        .await?
        .ok_or(AccountError::ResetLinkSpent)?;
    audit(user_id).log();
    Ok(find_user(db, user_id).await?)
}
