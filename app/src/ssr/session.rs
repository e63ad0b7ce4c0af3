//! Server-side sessions: what is stored, when they end, and who the caller is.

use cinecloud_core::{
    accounts::{self, Role, User},
    clock::now_unix,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{auth_settings, internal, services};
use crate::error::AppError;

const AUTH_KEY: &str = "auth";

/// How long sessions live.
#[derive(Clone, Debug)]
pub struct SessionPolicy {
    /// A session unused this long ends (enforced by the session store's expiry).
    pub idle_secs: i64,
    /// A session ends this long after sign-in, however active (tower-sessions has no such limit).
    pub absolute_secs: i64,
}

impl SessionPolicy {
    /// How long after its last refresh an active session is refreshed again: a tenth of the
    /// idle window (at least a second).
    pub fn refresh_after_secs(&self) -> i64 {
        (self.idle_secs / 10).max(1)
    }
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle_secs: 2 * 60 * 60, absolute_secs: 7 * 24 * 60 * 60 }
    }
}

/// What the session remembers about the signed-in account.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SignedIn {
    user_id: i64,
    /// The account's session epoch at sign-in; a password change bumps it.
    epoch: i64,
    /// Unix seconds, for the absolute timeout.
    signed_in_at: i64,
    /// Unix seconds of the last refresh of the session's expiry (see [`slide`]).
    #[serde(default)]
    seen_at: i64,
    /// Its row in `sign_ins` (where the account is signed in); `None` for sessions from before
    /// that list existed.
    #[serde(default)]
    sign_in: Option<String>,
}

/// The caller's session (from the session layer).
pub async fn session() -> Result<Session, AppError> {
    if super::request_gone() {
        return Err(super::missing_context("the request's Parts"));
    }
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// Starts a signed-in session for `user` under a fresh session id (no fixation), and records
/// where it signed in from (the browser named by its User-Agent, the client address).
pub async fn sign_in(session: &Session, user: &User) -> Result<(), AppError> {
    session.cycle_id().await.map_err(internal)?;
    let user_agent = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| p.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned))
        .unwrap_or_default();
    let db = services()?.db;
    let token =
        cinecloud_core::sign_ins::record(&db, user.id, user.session_epoch, &user_agent, &super::client_addr()).await?;
    let now = now_unix();
    let state =
        SignedIn { user_id: user.id, epoch: user.session_epoch, signed_in_at: now, seen_at: now, sign_in: Some(token) };
    session.insert(AUTH_KEY, state).await.map_err(internal)
}

/// The device cookie's name: over HTTPS with the `__Host-` prefix, as the session cookie.
fn device_cookie_name(https: bool) -> &'static str {
    if https { "__Host-cinecloud_device" } else { "cinecloud_device" }
}

/// The device token this browser presents, if any: it got one at its last sign-in (see
/// [`cinecloud_core::accounts::LoginThrottle`]). Anything that cannot be a token is ignored.
pub fn device_token() -> Option<String> {
    let https = auth_settings().ok()?.https;
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let prefix = format!("{}=", device_cookie_name(https));
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix(prefix.as_str()))
        .find(|token| token.len() <= 64 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .map(str::to_owned)
}

/// Has the browser keep `token` as its device token for a year. It is not a session and signs
/// nobody in; it only gives this browser its own sign-in allowance. Sign-out leaves it.
pub fn remember_device(token: &str) -> Result<(), AppError> {
    let https = auth_settings()?.https;
    let options = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        .ok_or_else(|| super::missing_context("ResponseOptions"))?;
    let secure = if https { "; Secure" } else { "" };
    let cookie = format!(
        "{}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
        device_cookie_name(https),
        cinecloud_core::maintenance::KEEP_DEVICES_SECS
    );
    options.append_header(http::header::SET_COOKIE, http::HeaderValue::from_str(&cookie).map_err(internal)?);
    Ok(())
}

/// After a change that moved the account's session epoch on (a password change, "sign out other
/// sessions"): keep this session signed in under the new epoch and a new id.
pub async fn renew_under_epoch(session: &Session, epoch: i64) -> Result<(), AppError> {
    let mut state: SignedIn = session.get(AUTH_KEY).await.map_err(internal)?.ok_or(AppError::Unauthorized)?;
    state.epoch = epoch;
    if let Some(token) = &state.sign_in {
        cinecloud_core::sign_ins::follow_epoch(&services()?.db, token, epoch).await?;
    }
    session.cycle_id().await.map_err(internal)?;
    session.insert(AUTH_KEY, state).await.map_err(internal)
}

/// This session's row in the list of where the account is signed in, if it has one.
pub async fn sign_in_token(session: &Session) -> Result<Option<String>, AppError> {
    Ok(session.get::<SignedIn>(AUTH_KEY).await.map_err(internal)?.and_then(|s| s.sign_in))
}

/// Ends the session server-side: its record is deleted from the store.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(internal)
}

/// Keeps an active signed-in session alive: tower-sessions re-saves a session (with a new
/// expiry, and re-issues its cookie) only when it was modified, so without this the idle timeout
/// would end even a busy session. To spare the database a write per request, the session is
/// touched only once a tenth of the idle window has passed since the last touch. Call it before
/// the handler runs, so the session layer saves the change with this response.
/// The same refresh marks the session's row in `sign_ins` as active.
pub async fn slide(session: &Session, policy: &SessionPolicy, db: &cinecloud_core::Db) -> Result<(), AppError> {
    let Some(mut state) = session.get::<SignedIn>(AUTH_KEY).await.map_err(internal)? else {
        return Ok(());
    };
    let now = now_unix();
    if now - state.seen_at >= policy.refresh_after_secs() {
        state.seen_at = now;
        if let Some(token) = &state.sign_in {
            cinecloud_core::sign_ins::touch(db, token).await?;
        }
        session.insert(AUTH_KEY, state).await.map_err(internal)?;
    }
    Ok(())
}

/// The signed-in account, or `None`. A session past its absolute lifetime, or signed in before
/// the account's last password change, or whose account is gone or disabled, is ended here.
pub async fn current_user() -> Result<Option<User>, AppError> {
    signed_in_user(&session().await?, &services()?, &auth_settings()?.sessions).await
}

/// [`current_user`] for plain axum handlers, which have the session but no Leptos context.
pub async fn signed_in_user(
    session: &Session,
    services: &cinecloud_core::Services,
    policy: &SessionPolicy,
) -> Result<Option<User>, AppError> {
    let Some(state) = session.get::<SignedIn>(AUTH_KEY).await.map_err(internal)? else {
        return Ok(None);
    };
    if now_unix() - state.signed_in_at > policy.absolute_secs {
        forget_sign_in(session).await?;
        return Ok(None);
    }
    match accounts::find_user(&services.db, state.user_id).await {
        Ok(user) if user.session_epoch == state.epoch && user.disabled_at.is_none() => Ok(Some(user)),
        Ok(_) | Err(cinecloud_core::Error::NotFound) => {
            forget_sign_in(session).await?;
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Ends a session found stale while a page is drawn: its sign-in is removed, the session itself
/// is left for the session layer (which drops an empty one's cookie).
///
/// Not [`sign_out`]: a streamed page's resources run after the session layer has looked at the
/// session, and a flush there (which forgets the session's id) made the layer answer an empty
/// 500 ("missing session id") for a viewer whose session an admin had just ended. Removing the
/// key cannot race that way, and the ended session stays refused: its epoch is checked on every
/// request.
async fn forget_sign_in(session: &Session) -> Result<(), AppError> {
    session.remove::<SignedIn>(AUTH_KEY).await.map_err(internal).map(drop)
}

/// Passes a password re-check's result through; when it was throttled (too many wrong passwords
/// from this signed-in session, which may be a stolen one), ends the session first.
pub async fn end_session_if_throttled<T>(result: Result<T, accounts::AccountError>) -> Result<T, AppError> {
    if let Err(accounts::AccountError::RateLimited) = &result {
        tracing::warn!(client = %super::client_addr(), "too many wrong passwords from a signed-in session: ending it");
        sign_out(&session().await?).await?;
    }
    Ok(result?)
}

/// The signed-in account, or 401.
pub async fn require_user() -> Result<User, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

/// The signed-in admin: 401 when nobody is signed in, 403 for a viewer.
/// Both refusals are security events: a viewer's (403) is stored with their id; a visitor's (401)
/// only logged, so anonymous probing cannot fill the table.
pub async fn require_admin() -> Result<User, AppError> {
    use cinecloud_core::security_events::{EventKind, Outcome};
    let Some(user) = current_user().await? else {
        tracing::warn!(target: "security", kind = "refused", outcome = "refused", client = %super::client_addr(),
            detail = %super::request_path(), "admin call without signing in");
        return Err(AppError::Unauthorized);
    };
    if user.role == Role::Admin {
        return Ok(user);
    }
    super::security_event(EventKind::Refused, Outcome::Refused, Some(user.id), &super::request_path()).await;
    Err(AppError::Forbidden)
}
