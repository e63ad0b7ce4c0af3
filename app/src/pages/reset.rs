//! Setting a new password through a one-time link an admin made (`/reset?token=…`, #20):
//! Cinecloud sends no email, so an admin hands the link to a viewer who forgot their password.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::{
    api::auth::reset_link_status,
    components::form::{Field, FormError, last_error},
    viewer::ViewerContext,
};

/// Lets whoever holds a working reset link choose the account's new password.
#[component]
pub fn ResetPage() -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let status = Resource::new(token, reset_link_status);
    let action = ctx.reset_password;
    let error = last_error(action);
    view! {
        <Title text="Choose a new password" />
        // The token is in this page's address: no link from here may carry it elsewhere.
        <Meta name="referrer" content="no-referrer" />
        <section class="form-page">
            <h1>"Choose a new password"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Checking the link…"</p> }>
                {move || Suspend::new(async move { match status.await {
                    Ok(Some(email)) => view! {
                        <p>{format!("A new password for {email}. This link works only once; using it signs you out everywhere else.")}</p>
                        <ActionForm action>
                            <input type="hidden" name="token" value=token() />
                            <FormError error />
                            <Field label="New password" name="password" kind="password" autocomplete="new-password" error />
                            <button type="submit" class="button" disabled=move || action.pending().get()>"Set password and sign in"</button>
                        </ActionForm>
                    }.into_any(),
                    _ => view! {
                        <p role="alert" class="form-error">
                            "This password-reset link is invalid, has expired or has already been used. Ask an admin for a new one."
                        </p>
                    }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}
