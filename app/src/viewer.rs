//! Who is signed in, shared by every page.

use leptos::prelude::*;

use crate::{
    api::{self, auth::Viewer},
    error::AppError,
};

/// Who is signed in, shared by every page; refetched after sign-in, sign-out and profile edits.
///
/// The actions that change who is signed in live here, not in their pages: a successful one
/// redirects, and the page that dispatched it may be gone before it could refresh anything.
#[derive(Clone, Copy)]
pub struct ViewerContext {
    /// The signed-in viewer, or `None`.
    pub viewer: Resource<Result<Option<Viewer>, AppError>>,
    /// Bump to refetch [`ViewerContext::viewer`].
    pub refresh: RwSignal<u32>,
    /// Sign in.
    pub log_in: ServerAction<api::auth::LogIn>,
    /// Sign up.
    pub sign_up: ServerAction<api::auth::SignUp>,
    /// Sign out.
    pub log_out: ServerAction<api::auth::LogOut>,
    /// Create the first admin.
    pub create_first_admin: ServerAction<api::auth::CreateFirstAdmin>,
    /// Delete one's own account.
    pub delete_account: ServerAction<api::auth::DeleteAccount>,
    /// Set a new password through an admin's reset link (and sign in).
    pub reset_password: ServerAction<api::auth::ResetPassword>,
}

impl ViewerContext {
    /// Creates the context and provides it to every page below the caller.
    pub fn provide() {
        let refresh = RwSignal::new(0u32);
        let log_in = ServerAction::<api::auth::LogIn>::new();
        let sign_up = ServerAction::<api::auth::SignUp>::new();
        let log_out = ServerAction::<api::auth::LogOut>::new();
        let create_first_admin = ServerAction::<api::auth::CreateFirstAdmin>::new();
        let delete_account = ServerAction::<api::auth::DeleteAccount>::new();
        let reset_password = ServerAction::<api::auth::ResetPassword>::new();
        let viewer = Resource::new(
            move || {
                (
                    refresh.get(),
                    log_in.version().get(),
                    sign_up.version().get(),
                    log_out.version().get(),
                    create_first_admin.version().get(),
                    delete_account.version().get(),
                    reset_password.version().get(),
                )
            },
            |_| api::auth::current_viewer(),
        );
        provide_context(ViewerContext {
            viewer,
            refresh,
            log_in,
            sign_up,
            log_out,
            create_first_admin,
            delete_account,
            reset_password,
        });
    }

    /// Makes every page see the current account again.
    pub fn changed(&self) {
        self.refresh.update(|n| *n += 1);
    }

    /// The signed-in viewer, once known (`None` for a visitor, while loading, or on an error).
    /// Tracked: a view or memo reading it updates when who is signed in changes.
    pub fn signed_in(&self) -> Option<Viewer> {
        self.viewer.get().and_then(Result::ok).flatten()
    }

    /// The signed-in viewer (`None` for a visitor or on an error), awaited rather than read.
    ///
    /// Inside `<Suspense>`/`<Transition>` await this in a `Suspend::new(async move { … })`
    /// rather than reading [`ViewerContext::signed_in`]: several boundaries of a page read the
    /// viewer, and boundaries sharing a resource through `.get()` can wait forever on the server
    /// (leptos-rs/leptos#4578, #4851); awaited, it is a plain future.
    pub async fn signed_in_later(self) -> Option<Viewer> {
        self.viewer.await.ok().flatten()
    }

    /// Whether someone is signed in (tracked).
    pub fn is_signed_in(&self) -> bool {
        self.signed_in().is_some()
    }

    /// Whether an admin is signed in (tracked).
    pub fn is_admin(&self) -> bool {
        self.signed_in().is_some_and(|v| v.is_admin)
    }
}
