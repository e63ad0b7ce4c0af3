//! Viewer and admin accounts: validated sign-up fields, argon2id passwords, sign-in throttling,
//! profile photos, the first-admin setup link and admins' password-reset links.

mod error;
mod fields;
mod password;
mod reset;
mod service;

pub use cinecloud_vocab::{Role, UserSort};
pub use error::AccountError;
pub use fields::{DisplayName, Email, NewPassword};
pub use password::{PasswordHash, argon2id, hash_password, verify_password};
pub use reset::*;
pub use service::*;

/// An account as stored. Deliberately not `Serialize`: it carries the password hash.
#[derive(Clone, Debug)]
pub struct User {
    /// Primary key.
    pub id: i64,
    /// Normalised email, the sign-in name.
    pub email: String,
    /// The name shown in the header and on ratings.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: PasswordHash,
    /// Viewer or admin.
    pub role: Role,
    /// Media-storage key of the profile photo, if one was uploaded.
    pub photo_key: Option<String>,
    /// Sessions signed in under an older epoch are no longer valid.
    pub session_epoch: i64,
    /// When an admin disabled it (Unix seconds); `None` while it may sign in.
    pub disabled_at: Option<i64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// Accounts on one page of [`find_users`].
pub const USERS_PER_PAGE: i64 = 50;

/// What an admin looks for in the list of accounts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// Part of an email or display name; empty or `None` for every account.
    pub text: Option<String>,
    /// The order.
    pub sort: UserSort,
    /// The page, from 1.
    pub page: u32,
}

/// An account as the admins' list shows it.
#[derive(Clone, Debug)]
pub struct ListedUser {
    /// The account.
    pub user: User,
    /// The last UTC day it was active (day number), if ever.
    pub last_active_day: Option<i64>,
}
