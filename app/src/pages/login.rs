//! Sign in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    components::form::{Field, FormError, last_error},
    viewer::ViewerContext,
};

/// The sign-in form.
#[component]
pub fn LoginPage() -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let action = ctx.log_in;
    let error = last_error(action);
    view! {
        <Title text="Log in" />
        <section class="form-page">
            <h1>"Log in"</h1>
            <ActionForm action>
                <FormError error />
                <Field label="Email" name="email" kind="email" autocomplete="email" error />
                <Field label="Password" name="password" kind="password" autocomplete="current-password" error />
                <button type="submit" class="button" disabled=move || action.pending().get()>"Log in"</button>
            </ActionForm>
            <p>"New to Cinecloud? " <A href="/signup">"Create an account"</A></p>
        </section>
    }
}
