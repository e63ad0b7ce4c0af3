//! Where an account is signed in: each signed-in session has a row (device, address, when it
//! signed in, when it was last active), so a viewer sees their sessions and ends the others, and
//! an admin ends all of an account's sessions. Ending works through the account's session epoch,
//! which every session is checked against on each request; the rows only describe.

mod service;

pub use service::*;

/// One signed-in session.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SignIn {
    /// The handle the session record keeps.
    pub token: String,
    /// The account.
    pub user_id: i64,
    /// The account's session epoch at sign-in.
    pub epoch: i64,
    /// Browser and system, e.g. "Firefox on Linux".
    pub device: String,
    /// Client address at sign-in.
    pub client: String,
    /// Unix seconds.
    pub signed_in_at: i64,
    /// Unix seconds of the last activity recorded (sessions record it at most once a tenth of the
    /// idle window).
    pub seen_at: i64,
}

/// Rows not seen for this long are pruned (longer than any session may idle).
pub const KEEP_SECS: i64 = 31 * 24 * 60 * 60;
