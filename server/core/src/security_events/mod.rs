//! Security events: who signed in (or failed to, or was throttled), signed up, signed out,
//! changed a password, deleted an account, changed someone's role, used the setup link, or was
//! refused an admin call — with the account, the client address and the outcome. Each is written
//! to the log (target `security`) and kept in the database for [`KEEP_SECS`], where admins read
//! the recent ones. Recording never fails the action it describes: a database error is logged.

mod service;

pub use service::*;

cinecloud_vocab::spelled_enum! {
    /// What happened.
    pub enum EventKind as "security event" {
        /// A sign-in attempt.
        SignIn = "sign_in",
        /// An account was created by signing up.
        SignUp = "sign_up",
        /// A viewer signed out.
        SignOut = "sign_out",
        /// A password change (the current password re-checked).
        PasswordChange = "password_change",
        /// An account deleted by its owner, or by an admin (with the admin as actor).
        AccountDeletion = "account_deletion",
        /// An admin changed an account's role.
        RoleChange = "role_change",
        /// The setup link was used to create the first admin.
        SetupLink = "setup_link",
        /// A signed-in viewer was refused an admin call (403).
        Refused = "refused",
        /// Sessions were ended: a viewer's other sessions, or all of an account's by an admin.
        SessionsEnded = "sessions_ended",
        /// An admin disabled an account (its sessions end) or enabled it again.
        AccountDisabled = "account_disabled",
        /// An admin made a password-reset link for an account, or the link was used.
        PasswordReset = "password_reset",
    }
}

cinecloud_vocab::spelled_enum! {
    /// How it ended.
    pub enum Outcome as "outcome" {
        /// Done.
        Success = "success",
        /// Wrong password, spent link, bad form.
        Failure = "failure",
        /// Refused by a rate limit.
        Throttled = "throttled",
        /// Not allowed.
        Refused = "refused",
    }
}

/// One event as it is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// What happened.
    pub kind: EventKind,
    /// How it ended.
    pub outcome: Outcome,
    /// The account concerned, when known.
    pub user_id: Option<i64>,
    /// Who acted on it, when that was someone else (an admin).
    pub actor_id: Option<i64>,
    /// The client address.
    pub client: &'a str,
    /// A short note (the new role, the refused path); never a secret.
    pub detail: &'a str,
}

impl<'a> Event<'a> {
    /// An event about `user_id`'s own action from `client`, without a note.
    pub fn new(kind: EventKind, outcome: Outcome, user_id: Option<i64>, client: &'a str) -> Self {
        Event { kind, outcome, user_id, actor_id: None, client, detail: "" }
    }

    /// The same event with a note.
    pub fn detail(self, detail: &'a str) -> Self {
        Event { detail, ..self }
    }

    /// Writes it to the log: successes at info, the rest at warn.
    pub(crate) fn log(&self) {
        let (kind, outcome, client, detail) = (self.kind.as_str(), self.outcome.as_str(), self.client, self.detail);
        let (user_id, actor_id) = (self.user_id, self.actor_id);
        if self.outcome == Outcome::Success {
            tracing::info!(target: "security", kind, outcome, user_id, actor_id, client, detail, "security event");
        } else {
            tracing::warn!(target: "security", kind, outcome, user_id, actor_id, client, detail, "security event");
        }
    }
}

/// An event as stored, with the emails of the accounts it names (while they exist).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEvent {
    /// Increasing id (for paging back).
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// [`EventKind`]'s spelling.
    pub kind: String,
    /// [`Outcome`]'s spelling.
    pub outcome: String,
    /// The account concerned.
    pub user_id: Option<i64>,
    /// Who acted on it.
    pub actor_id: Option<i64>,
    /// The client address.
    pub client: String,
    /// The note.
    pub detail: String,
    /// The concerned account's email, if it still exists.
    pub email: Option<String>,
    /// The actor's email, if the account still exists.
    pub actor_email: Option<String>,
}

/// How long events are kept: 90 days.
pub const KEEP_SECS: i64 = 90 * 24 * 60 * 60;

/// Most events one read returns.
pub const PAGE: i64 = 100;
