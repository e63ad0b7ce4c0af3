//! The signed-in viewer's profile: name, photo, password, account deletion.

use cinecloud_vocab::limits::{MIB, PHOTO_BYTES};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    api::auth::{ChangeDisplayName, ChangePassword, SignInView, SignOutOtherSessions, Viewer, my_sign_ins},
    components::form::{Field, FormError, last_error},
    error::AppError,
    viewer::ViewerContext,
};

/// The state of the profile forms. It lives in the page, not in the forms: saving refetches the
/// viewer, which renders the forms anew, and their outcome must survive that.
#[derive(Clone, Copy)]
struct ProfileActions {
    rename: ServerAction<ChangeDisplayName>,
    password: ServerAction<ChangePassword>,
    photo: PhotoUpload,
    sign_out_others: ServerAction<SignOutOtherSessions>,
    /// The account's live sessions. Created here, at page level: a resource created inside the
    /// suspended forms would exist twice on the server but once in the browser, which then
    /// hydrates from the wrong value and panics (seen in CI on /profile).
    sign_ins: Resource<Result<Vec<SignInView>, AppError>>,
}

/// Where the last photo upload stands.
#[derive(Clone, Copy)]
struct PhotoUpload {
    error: RwSignal<Option<AppError>>,
    pending: RwSignal<bool>,
    saved: RwSignal<bool>,
}

/// Shows the profile forms to a signed-in viewer, or a sign-in link.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let password = ServerAction::<ChangePassword>::new();
    let sign_out_others = ServerAction::<SignOutOtherSessions>::new();
    // Blocking: this answer decides the page's status (401, 403, 404), which must be set before
    // the response head is sent; a streamed page would answer 200 or 403 depending on timing.
    let sign_ins =
        Resource::new_blocking(move || (sign_out_others.version().get(), password.version().get()), |_| my_sign_ins());
    let actions = ProfileActions {
        rename: ServerAction::new(),
        password,
        photo: PhotoUpload { error: RwSignal::new(None), pending: RwSignal::new(false), saved: RwSignal::new(false) },
        sign_out_others,
        sign_ins,
    };
    Effect::new(move |_| {
        if matches!(actions.rename.value().get(), Some(Ok(_))) {
            ctx.changed();
        }
    });
    view! {
        <Title text="Your profile" />
        <section class="form-page">
            <h1>"Your profile"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading your profile…"</p> }>
                {move || Suspend::new(async move { match ctx.viewer.await {
                    Ok(Some(viewer)) => view! { <ProfileForms viewer actions /> }.into_any(),
                    Ok(None) => view! {
                        <p>"Please " <A href="/login">"log in"</A> " to see your profile."</p>
                    }.into_any(),
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
fn ProfileForms(viewer: Viewer, actions: ProfileActions) -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let ProfileActions { rename, password, photo, sign_out_others, sign_ins } = actions;
    let rename_error = last_error(rename);
    let password_error = last_error(password);
    let delete = ctx.delete_account;
    let delete_error = last_error(delete);

    let name = viewer.display_name.clone();
    view! {
        <section aria-labelledby="name-heading" class="card">
            <h2 id="name-heading">"Display name"</h2>
            <ActionForm action=rename>
                <FormError error=rename_error />
                <Field label="Display name" name="display_name" autocomplete="nickname" value=name error=rename_error />
                <button type="submit" class="button">"Save name"</button>
                <Show when=move || matches!(rename.value().get(), Some(Ok(_)))>
                    <p role="status" class="saved">"Name saved."</p>
                </Show>
            </ActionForm>
        </section>

        <PhotoForm viewer state=photo />

        <section aria-labelledby="password-heading" class="card">
            <h2 id="password-heading">"Password"</h2>
            <ActionForm action=password>
                <FormError error=password_error />
                <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" error=password_error />
                <Field label="New password" name="new_password" kind="password" autocomplete="new-password" error=password_error />
                <button type="submit" class="button">"Change password"</button>
                <Show when=move || matches!(password.value().get(), Some(Ok(())))>
                    <p role="status" class="saved">"Password changed. Every other session was signed out."</p>
                </Show>
            </ActionForm>
        </section>

        <SignIns others=sign_out_others sign_ins />

        <section aria-labelledby="delete-heading" class="card danger">
            <h2 id="delete-heading">"Delete account"</h2>
            <p>"This removes your account, your photo and everything linked to it. It cannot be undone."</p>
            <ActionForm action=delete>
                <FormError error=delete_error />
                <Field label="Password to confirm" name="password" kind="password" autocomplete="current-password" error=delete_error />
                <button type="submit" class="button danger">"Delete my account"</button>
            </ActionForm>
        </section>
    }
}

/// "Where you're signed in": the account's live sessions, and a button that ends all but this one.
#[component]
fn SignIns(
    others: ServerAction<SignOutOtherSessions>,
    sign_ins: Resource<Result<Vec<SignInView>, AppError>>,
) -> impl IntoView {
    let error = last_error(others);
    let list = move |all: Vec<SignInView>| {
        let alone = all.iter().all(|s| s.current);
        view! {
            <ul class="sign-ins">
                {all.into_iter().map(|s| view! {
                    <li>
                        <strong>{s.device}</strong>
                        {s.current.then(|| view! { <span class="badge">"This device"</span> })}
                        <span class="muted">
                            {format!(" · {} · last active {}", s.client, crate::format::utc_time(s.seen_at))}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
            <ActionForm action=others>
                <FormError error />
                <button type="submit" class="button secondary" disabled=alone>"Sign out other sessions"</button>
            </ActionForm>
        }
    };
    view! {
        <section aria-labelledby="sign-ins-heading" class="card">
            <h2 id="sign-ins-heading">"Where you're signed in"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading your sessions…"</p> }>
                {move || Suspend::new(async move { match sign_ins.await {
                    Ok(all) => list(all).into_any(),
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Suspense>
            <Show when=move || matches!(others.value().get(), Some(Ok(())))>
                <p role="status" class="saved">"Every other session was signed out."</p>
            </Show>
        </section>
    }
}

#[component]
fn PhotoForm(viewer: Viewer, state: PhotoUpload) -> impl IntoView {
    let ctx = expect_context::<ViewerContext>();
    let PhotoUpload { error, pending, saved } = state;
    let (set_error, set_pending, set_saved) = (error.write_only(), pending.write_only(), saved.write_only());

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "ssr"))]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else {
                return;
            };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
            set_pending.set(true);
            set_saved.set(false);
            leptos::task::spawn_local(async move {
                let result = crate::api::auth::upload_photo(data.into()).await;
                set_pending.set(false);
                match result {
                    Ok(_) => {
                        set_error.set(None);
                        set_saved.set(true);
                        form.reset();
                        ctx.changed();
                    }
                    Err(e) => set_error.set(Some(e)),
                }
            });
        }
        #[cfg(feature = "ssr")]
        let _ = (ctx, set_error, set_pending, set_saved);
    };
    let message = move || error.get().map(|e| e.field_message("photo").unwrap_or_else(|| e.to_string()));

    view! {
        <section aria-labelledby="photo-heading" class="card">
            <h2 id="photo-heading">"Profile photo"</h2>
            <div class="photo-row">
                {match viewer.photo_url {
                    Some(url) => view! { <img class="avatar large" src=url alt="Your current profile photo" width="96" height="96" /> }.into_any(),
                    None => view! { <p class="hint">"No photo yet."</p> }.into_any(),
                }}
            </div>
            <form on:submit=on_submit>
                <div class="field">
                    <label for="field-photo">"Choose a photo"</label>
                    <input id="field-photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp" required aria-describedby="field-photo-error" />
                    <p class="field-error" id="field-photo-error" role="alert">{message}</p>
                </div>
                <p class="hint">{format!("JPEG, PNG or WebP, up to {} MB. It is cropped to a square.", PHOTO_BYTES / MIB)}</p>
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Uploading…" } else { "Upload photo" }}
                </button>
                <Show when=move || saved.get()>
                    <p role="status" class="saved">"Photo updated."</p>
                </Show>
            </form>
        </section>
    }
}
