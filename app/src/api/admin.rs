//! Admin-only account management. Every function starts with `require_admin()?`.

use cinecloud_vocab::insights::Dashboard;
pub use cinecloud_vocab::{Role, UserSort, insights::Period};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One account as the admin user list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    /// Account id.
    pub id: i64,
    /// Sign-in email.
    pub email: String,
    /// Shown name.
    pub display_name: String,
    /// Viewer or admin.
    pub role: Role,
    /// Whether an admin disabled it (it cannot sign in).
    #[serde(default)]
    pub disabled: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// The last UTC day it was active (a day number), if known.
    #[serde(default)]
    pub last_active_day: Option<i64>,
}

#[cfg(feature = "ssr")]
impl From<cinecloud_core::accounts::User> for AccountSummary {
    fn from(user: cinecloud_core::accounts::User) -> Self {
        AccountSummary {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            disabled: user.disabled_at.is_some(),
            created_at: user.created_at,
            last_active_day: None,
        }
    }
}

/// One page of the accounts an admin looked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    /// The accounts on this page.
    pub users: Vec<AccountSummary>,
    /// How many match in all.
    pub total: i64,
    /// This page, from 1.
    pub page: u32,
    /// Accounts per page.
    pub per_page: i64,
}

/// The accounts whose email or name contains `q`, in `sort` order, page `page` (from 1; admins
/// only).
#[server(prefix = "/api", endpoint = "admin/list_users", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_users(
    #[server(default)] q: String,
    #[server(default)] sort: UserSort,
    #[server(default)] page: u32,
) -> Result<UserPage, AppError> {
    use crate::ssr::*;
    use cinecloud_core::accounts::{self, USERS_PER_PAGE, UserQuery};
    respond(async {
        require_admin().await?;
        let page = page.max(1);
        let query = UserQuery { text: Some(q), sort, page };
        let (found, total) = accounts::find_users(&services()?.db, &query).await?;
        let users = found
            .into_iter()
            .map(|listed| AccountSummary {
                last_active_day: listed.last_active_day,
                ..AccountSummary::from(listed.user)
            })
            .collect();
        Ok(UserPage { users, total, page, per_page: USERS_PER_PAGE })
    })
    .await
}

/// Makes an account a viewer or an admin (admins only; the last admin stays).
#[server(prefix = "/api", endpoint = "admin/set_user_role")]
pub async fn set_user_role(user_id: i64, role: Role) -> Result<AccountSummary, AppError> {
    use crate::ssr::*;
    use cinecloud_core::accounts;
    respond(async {
        let admin = require_admin().await?;
        let client = client_addr();
        let by = accounts::ChangedBy { actor_id: Some(admin.id), client: &client };
        Ok(AccountSummary::from(accounts::set_role(&services()?.db, user_id, role, by).await?))
    })
    .await
}

/// Disables an account, whose open sessions end at their next request and whose sign-ins are
/// refused, or enables it again (admins only; never the last admin who can sign in).
#[server(prefix = "/api", endpoint = "admin/set_user_disabled")]
pub async fn set_user_disabled(user_id: i64, disabled: bool) -> Result<AccountSummary, AppError> {
    use crate::ssr::*;
    use cinecloud_core::accounts;
    respond(async {
        let admin = require_admin().await?;
        let client = client_addr();
        let by = accounts::ChangedBy { actor_id: Some(admin.id), client: &client };
        Ok(AccountSummary::from(accounts::set_disabled(&services()?.db, user_id, disabled, by).await?))
    })
    .await
}

/// Deletes an account with everything it made (its ratings leave the movies' averages); its
/// sessions end with it. `confirm` is the account's email, typed by the admin. Then to the user
/// list (admins only; never the last admin, nor the admin's own account).
#[server(prefix = "/api", endpoint = "admin/delete_user")]
pub async fn delete_user(user_id: i64, confirm: String) -> Result<(), AppError> {
    use crate::ssr::*;
    use cinecloud_core::accounts;
    respond(async {
        let admin = require_admin().await?;
        let client = client_addr();
        let by = accounts::ChangedBy { actor_id: Some(admin.id), client: &client };
        accounts::delete_for_admin(&services()?, user_id, &confirm, by).await?;
        leptos_axum::redirect("/admin/users");
        Ok(())
    })
    .await
}

/// Makes a one-time password-reset link for an account and returns its path (`/reset?token=…`),
/// shown to the admin once to hand over; the account's earlier link stops working (admins only).
#[server(prefix = "/api", endpoint = "admin/password_reset_link")]
pub async fn password_reset_link(user_id: i64) -> Result<String, AppError> {
    use crate::ssr::*;
    use cinecloud_core::accounts;
    respond(async {
        let admin = require_admin().await?;
        let client = client_addr();
        let by = accounts::ChangedBy { actor_id: Some(admin.id), client: &client };
        let token = accounts::issue_reset_link(&services()?.db, user_id, by).await?;
        Ok(format!("/reset?token={token}"))
    })
    .await
}

/// One security event as the admin page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityEventView {
    /// Increasing id (the page's "older" link pages back from the last one shown).
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// `sign_in`, `sign_up`, `sign_out`, `password_change`, `account_deletion`, `role_change`,
    /// `setup_link` or `refused`.
    pub kind: String,
    /// `success`, `failure`, `throttled` or `refused`.
    pub outcome: String,
    /// The account concerned: its email while it exists, else `#id`; empty when unknown.
    pub account: String,
    /// Who acted on it (an admin), the same way; empty when it was the account itself.
    pub actor: String,
    /// Client address.
    pub client: String,
    /// The note (the new role, the refused path).
    pub detail: String,
}

#[cfg(feature = "ssr")]
impl From<cinecloud_core::security_events::StoredEvent> for SecurityEventView {
    fn from(e: cinecloud_core::security_events::StoredEvent) -> Self {
        let name = |email: Option<String>, id: Option<i64>| {
            email.or_else(|| id.map(|id| format!("#{id}"))).unwrap_or_default()
        };
        SecurityEventView {
            id: e.id,
            at: e.at,
            kind: e.kind,
            outcome: e.outcome,
            account: name(e.email, e.user_id),
            actor: name(e.actor_email, e.actor_id),
            client: e.client,
            detail: e.detail,
        }
    }
}

/// The 100 security events before the one with id `before` (the newest, without it), newest
/// first (admins only).
#[server(prefix = "/api", endpoint = "admin/security_events", input = leptos::server_fn::codec::GetUrl)]
pub async fn security_events(#[server(default)] before: Option<i64>) -> Result<Vec<SecurityEventView>, AppError> {
    use crate::ssr::*;
    respond(async {
        require_admin().await?;
        let events = cinecloud_core::security_events::recent(&services()?.db, before).await?;
        Ok(events.into_iter().map(SecurityEventView::from).collect())
    })
    .await
}

/// Ends every session of an account (admins only): it must sign in again everywhere.
#[server(prefix = "/api", endpoint = "admin/end_user_sessions")]
pub async fn end_user_sessions(user_id: i64) -> Result<(), AppError> {
    use crate::ssr::*;
    use cinecloud_core::security_events::{self, Event, EventKind, Outcome};
    respond(async {
        let admin = require_admin().await?;
        let db = services()?.db;
        cinecloud_core::sign_ins::end_sessions(&db, user_id, None).await?;
        let client = client_addr();
        let event = Event::new(EventKind::SessionsEnded, Outcome::Success, Some(user_id), &client).detail("all");
        security_events::record(&db, Event { actor_id: Some(admin.id), ..event }).await;
        Ok(())
    })
    .await
}

/// The dashboard's figures, series, top lists and model history for the `period` that ends
/// today (UTC days; admins only).
#[server(prefix = "/api", endpoint = "admin/dashboard", input = leptos::server_fn::codec::GetUrl)]
pub async fn admin_dashboard(#[server(default)] period: Period) -> Result<Dashboard, AppError> {
    use crate::ssr::*;
    respond(async {
        require_admin().await?;
        let now = cinecloud_core::clock::now_unix();
        Ok(cinecloud_core::insights::dashboard(&services()?.db, period, now).await?)
    })
    .await
}

/// Media storage used by kind (covers, photos, videos, models), measured within the last ten
/// minutes (admins only).
#[server(prefix = "/api", endpoint = "admin/storage", input = leptos::server_fn::codec::GetUrl)]
pub async fn storage_usage() -> Result<cinecloud_vocab::insights::StorageUsage, AppError> {
    use crate::ssr::*;
    respond(async {
        require_admin().await?;
        let now = cinecloud_core::clock::now_unix();
        Ok(cinecloud_core::insights::storage_usage(&services()?.media, now).await?)
    })
    .await
}

/// One account as its page in the admins' user management shows it: who it is, what it has
/// done, where it is signed in, and its audit log (its sign-ins and every admin action on it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// The account.
    pub account: AccountSummary,
    /// Ratings given.
    pub ratings: i64,
    /// Time watched, in milliseconds.
    pub watched_ms: i64,
    /// Lists, the watchlist included.
    pub lists: i64,
    /// Its last successful sign-in (unix seconds), within the log's 90 days.
    pub last_sign_in: Option<i64>,
    /// Its live sessions, the most recently active first.
    pub sessions: Vec<crate::api::auth::SignInView>,
    /// Its newest security events, newest first.
    pub events: Vec<SecurityEventView>,
}

/// An account's page data (admins only); `NotFound` for no such account.
#[server(prefix = "/api", endpoint = "admin/account", input = leptos::server_fn::codec::GetUrl)]
pub async fn account_detail(user_id: i64) -> Result<AccountView, AppError> {
    use crate::ssr::*;
    use cinecloud_core::{accounts, insights, security_events, sign_ins};
    respond(async {
        require_admin().await?;
        let db = services()?.db;
        let user = accounts::find_user(&db, user_id).await?;
        let activity = insights::account_activity(&db, user_id).await?;
        let policy = auth_settings()?.sessions;
        let sessions = sign_ins::live(&db, user_id, policy.idle_secs, policy.absolute_secs).await?;
        let events = security_events::for_account(&db, user_id).await?;
        Ok(AccountView {
            account: AccountSummary { last_active_day: activity.last_active_day, ..AccountSummary::from(user) },
            ratings: activity.ratings,
            watched_ms: activity.watched_ms,
            lists: activity.lists,
            last_sign_in: activity.last_sign_in,
            sessions: sessions
                .into_iter()
                .map(|s| crate::api::auth::SignInView {
                    device: s.device,
                    client: s.client,
                    signed_in_at: s.signed_in_at,
                    seen_at: s.seen_at,
                    current: false,
                })
                .collect(),
            events: events.into_iter().map(SecurityEventView::from).collect(),
        })
    })
    .await
}
