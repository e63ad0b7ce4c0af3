//! Admin-only account management. Every function starts with `require_admin()?`.

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
    /// `viewer` or `admin`.
    pub role: String,
    /// Unix seconds.
    pub created_at: i64,
}

#[cfg(feature = "ssr")]
impl From<cinecloud_core::accounts::User> for AccountSummary {
    fn from(user: cinecloud_core::accounts::User) -> Self {
        AccountSummary {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role.as_str().to_owned(),
            created_at: user.created_at,
        }
    }
}

/// Lists accounts (admins only).
#[server(prefix = "/api", endpoint = "admin/list_users")]
pub async fn list_users() -> Result<Vec<AccountSummary>, AppError> {
    use crate::ssr::*;
    respond(async {
        require_admin().await?;
        let users = cinecloud_core::accounts::list_users(&services()?.db, 200, 0).await?;
        Ok(users.into_iter().map(AccountSummary::from).collect())
    })
    .await
}

/// Makes an account a viewer or an admin (admins only; the last admin stays).
#[server(prefix = "/api", endpoint = "admin/set_user_role")]
pub async fn set_user_role(user_id: i64, role: String) -> Result<AccountSummary, AppError> {
    use crate::ssr::*;
    use cinecloud_core::accounts::{self, Role};
    respond(async {
        require_admin().await?;
        let role: Role = role.parse().map_err(|_| AppError::invalid("role", "Choose viewer or admin."))?;
        Ok(AccountSummary::from(accounts::set_role(&services()?.db, user_id, role).await?))
    })
    .await
}
