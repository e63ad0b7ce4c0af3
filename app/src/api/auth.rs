//! Accounts: sign up, sign in and out, profile, first-admin setup.

use leptos::{
    prelude::*,
    server_fn::codec::{GetUrl, MultipartData, MultipartFormData},
};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The signed-in account as its owner sees it: only what the page needs (no hash, no epoch).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    /// Account id.
    pub id: i64,
    /// The owner's own email.
    pub email: String,
    /// Name shown in the header.
    pub display_name: String,
    /// Whether admin controls are shown.
    pub is_admin: bool,
    /// URL of the profile photo, if any.
    pub photo_url: Option<String>,
}

#[cfg(feature = "ssr")]
impl From<cinecloud_core::accounts::User> for Viewer {
    fn from(user: cinecloud_core::accounts::User) -> Self {
        Viewer {
            id: user.id,
            is_admin: user.role == cinecloud_core::accounts::Role::Admin,
            photo_url: user.photo_key.map(|key| format!("/media/{key}")),
            email: user.email,
            display_name: user.display_name,
        }
    }
}

/// Who is signed in (`None` for an anonymous visitor).
#[server(prefix = "/api", endpoint = "current_viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    use crate::ssr::*;
    respond(async { current_user().await.map(|user| user.map(Viewer::from)) }).await
}

/// Creates a viewer account and signs it in.
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(email: String, display_name: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{session::*, *};
    use cinecloud_core::accounts;
    respond(async {
        let services = services()?;
        let form = accounts::SignUp { email: &email, display_name: &display_name, password: &password };
        let limit = auth_settings()?.sign_ups;
        let user = accounts::sign_up(&services.db, form, &client_addr(), limit).await?;
        sign_in(&session().await?, &user).await?;
        // This browser is the owner's: a known device from the start (see docs/security.md).
        remember_device(&accounts::remember_new_device(&services.db, user.id).await?)?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// Signs in with email and password.
#[server(prefix = "/api", endpoint = "log_in")]
pub async fn log_in(email: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{session::*, *};
    use cinecloud_core::accounts;
    respond(async {
        let services = services()?;
        let throttle = auth_settings()?.throttle;
        let client = client_addr();
        let device = device_token();
        let attempt = accounts::Attempt { client_addr: &client, device_token: device.as_deref() };
        let signed_in = accounts::log_in(&services.db, &email, &password, attempt, throttle).await?;
        sign_in(&session().await?, &signed_in.user).await?;
        remember_device(&signed_in.device_token)?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// Signs out: the session is deleted on the server.
#[server(prefix = "/api", endpoint = "log_out")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::ssr::session::*;
    use cinecloud_core::security_events::{EventKind, Outcome};
    crate::ssr::respond(async {
        let session = session().await?;
        let user = crate::ssr::current_user().await?;
        if let Some(token) = sign_in_token(&session).await? {
            cinecloud_core::sign_ins::forget(&crate::ssr::services()?.db, &token).await?;
        }
        sign_out(&session).await?;
        if let Some(user) = user {
            crate::ssr::security_event(EventKind::SignOut, Outcome::Success, Some(user.id), "").await;
        }
        crate::ssr::clear_site_data();
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// Changes the signed-in account's display name.
#[server(prefix = "/api", endpoint = "change_display_name")]
pub async fn change_display_name(display_name: String) -> Result<Viewer, AppError> {
    use crate::ssr::*;
    use cinecloud_core::accounts;
    respond(async {
        let user = require_user().await?;
        let updated = accounts::change_display_name(&services()?.db, user.id, &display_name).await?;
        Ok(Viewer::from(updated))
    })
    .await
}

/// Changes the password (the current one is required). Every other session of the account ends.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    use crate::ssr::{session::*, *};
    use cinecloud_core::accounts;
    use cinecloud_core::security_events::EventKind;
    respond(async {
        let user = require_user().await?;
        let throttle = auth_settings()?.throttle;
        let changed =
            accounts::change_password(&services()?.db, user.id, &current_password, &new_password, throttle).await;
        let epoch = end_session_if_throttled(changed).await;
        security_event(EventKind::PasswordChange, outcome_of(&epoch), Some(user.id), "").await;
        renew_under_epoch(&session().await?, epoch?).await
    })
    .await
}

/// Deletes the signed-in account (the password confirms it) and signs out.
#[server(prefix = "/api", endpoint = "delete_account")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    use crate::ssr::{session::*, *};
    use cinecloud_core::accounts;
    use cinecloud_core::security_events::EventKind;
    respond(async {
        let user = require_user().await?;
        let throttle = auth_settings()?.throttle;
        let deleted =
            end_session_if_throttled(accounts::delete_account(&services()?, user.id, &password, throttle).await).await;
        security_event(EventKind::AccountDeletion, outcome_of(&deleted), Some(user.id), "").await;
        deleted?;
        sign_out(&session().await?).await?;
        clear_site_data();
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// Uploads a profile photo (multipart field `photo`). The body is counted as it streams: more
/// than the limit is refused with 413 without reading the rest.
#[server(prefix = "/api", endpoint = "upload_photo", input = MultipartFormData)]
pub async fn upload_photo(data: MultipartData) -> Result<Viewer, AppError> {
    use crate::ssr::*;
    use cinecloud_core::accounts::{self, MAX_PHOTO_BYTES};
    respond(async {
        let user = require_user().await?;
        let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
        let mut photo = None;
        while let Some(mut field) = multipart.next_field().await.map_err(unreadable_upload)? {
            if field.name() == Some("photo") {
                photo = Some(read_field_limited(&mut field, MAX_PHOTO_BYTES, "The photo").await?);
            }
        }
        let photo =
            photo.filter(|p| !p.is_empty()).ok_or_else(|| AppError::invalid("photo", "Choose a photo to upload."))?;
        let services = services()?;
        accounts::set_profile_photo(&services, user.id, photo).await?;
        Ok(Viewer::from(accounts::find_user(&services.db, user.id).await?))
    })
    .await
}

/// Whether this first-admin setup link can still be used.
#[server(prefix = "/api", endpoint = "setup_link_status")]
pub async fn setup_link_status(token: String) -> Result<bool, AppError> {
    use crate::ssr::*;
    respond(async { Ok(cinecloud_core::accounts::setup_token_is_valid(&services()?.db, &token).await?) }).await
}

/// Creates the first admin through the one-time setup link, and signs them in.
#[server(prefix = "/api", endpoint = "create_first_admin")]
pub async fn create_first_admin(
    token: String,
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::ssr::{session::*, *};
    use cinecloud_core::{accounts, security_events::EventKind};
    respond(async {
        let services = services()?;
        let form = accounts::SignUp { email: &email, display_name: &display_name, password: &password };
        let created = accounts::create_first_admin(&services.db, &token, form).await.map_err(AppError::from);
        let user_id = created.as_ref().ok().map(|u| u.id);
        security_event(EventKind::SetupLink, outcome_of(&created), user_id, "").await;
        let user = created?;
        sign_in(&session().await?, &user).await?;
        leptos_axum::redirect("/admin/users");
        Ok(())
    })
    .await
}

/// The email of the account this password-reset link is for, while the link works (`None`
/// when it is unknown, used, expired or its account disabled). Does not spend it.
#[server(prefix = "/api", endpoint = "reset_link_status")]
pub async fn reset_link_status(token: String) -> Result<Option<String>, AppError> {
    use crate::ssr::*;
    respond(async {
        let user = cinecloud_core::accounts::reset_link_account(&services()?.db, &token).await?;
        Ok(user.map(|u| u.email))
    })
    .await
}

/// Sets a new password through a one-time reset link an admin made, which ends every session of
/// the account, and signs this browser in to it.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{session::*, *};
    use cinecloud_core::accounts;
    respond(async {
        let services = services()?;
        let user = accounts::reset_password(&services.db, &token, &password, &client_addr()).await?;
        sign_in(&session().await?, &user).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// One place the signed-in account is signed in, as the profile lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInView {
    /// Browser and system, e.g. "Firefox on Linux".
    pub device: String,
    /// The client address it signed in from.
    pub client: String,
    /// Unix seconds.
    pub signed_in_at: i64,
    /// Unix seconds of its last recorded activity (recorded every few minutes, not per request).
    pub seen_at: i64,
    /// Whether it is the session asking.
    pub current: bool,
}

/// Where the signed-in account is signed in: its live sessions, the most recently active first.
#[server(prefix = "/api", endpoint = "my_sign_ins", input = GetUrl)]
pub async fn my_sign_ins() -> Result<Vec<SignInView>, AppError> {
    use crate::ssr::{session::*, *};
    respond(async {
        let user = require_user().await?;
        let policy = auth_settings()?.sessions;
        let mine = sign_in_token(&session().await?).await?;
        let live =
            cinecloud_core::sign_ins::live(&services()?.db, user.id, policy.idle_secs, policy.absolute_secs).await?;
        Ok(live
            .into_iter()
            .map(|s| SignInView {
                current: mine.as_deref() == Some(s.token.as_str()),
                device: s.device,
                client: s.client,
                signed_in_at: s.signed_in_at,
                seen_at: s.seen_at,
            })
            .collect())
    })
    .await
}

/// Signs the account out everywhere but here.
#[server(prefix = "/api", endpoint = "sign_out_other_sessions")]
pub async fn sign_out_other_sessions() -> Result<(), AppError> {
    use crate::ssr::{session::*, *};
    use cinecloud_core::security_events::{EventKind, Outcome};
    respond(async {
        let user = require_user().await?;
        let session = session().await?;
        let keep = sign_in_token(&session).await?;
        let epoch = cinecloud_core::sign_ins::end_sessions(&services()?.db, user.id, keep.as_deref()).await?;
        security_event(EventKind::SessionsEnded, Outcome::Success, Some(user.id), "others").await;
        renew_under_epoch(&session, epoch).await
    })
    .await
}
