//! Create an account.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    components::form::{Field, FormError, last_error},
    viewer::ViewerContext,
};

/// The sign-up form.
#[component]
pub fn SignupPage() -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let action = ctx.sign_up;
    let error = last_error(action);
    view! {
        <Title text="Sign up" />
        <section class="form-page">
            <h1>"Create your account"</h1>
            <ActionForm action>
                <FormError error />
                <Field label="Email" name="email" kind="email" autocomplete="email" error />
                <Field label="Display name" name="display_name" autocomplete="nickname" error />
                <Field label="Password" name="password" kind="password" autocomplete="new-password" error />
                <p class="hint">"At least 8 characters. Common passwords are refused."</p>
                <button type="submit" class="button" disabled=move || action.pending().get()>"Sign up"</button>
            </ActionForm>
            <p>"Already have an account? " <A href="/login">"Log in"</A></p>
        </section>
    }
}
