//! Admin: one account's page (`/admin/users/:id`, #20) — who it is, what it has done, where it
//! is signed in, the same buttons as the list, and its audit log: its sign-ins and every admin
//! action on it, with who acted.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    api::admin::{
        AccountView, DeleteUser, EndUserSessions, PasswordResetLink, SetUserDisabled, SetUserRole, account_detail,
    },
    components::form::{Field, FormError, last_error},
    error::AppError,
    format::{hours, iso_day, thousands, utc_time},
    pages::admin_users::AccountActions,
};

/// The account named by the URL.
#[component]
pub fn AdminUserPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    let set_role = ServerAction::<SetUserRole>::new();
    let end_sessions = ServerAction::<EndUserSessions>::new();
    let set_disabled = ServerAction::<SetUserDisabled>::new();
    // Blocking: the answer decides the page's status (401, 403, 404) before the head is sent.
    let detail = Resource::new_blocking(
        move || (id(), set_role.version().get(), set_disabled.version().get(), end_sessions.version().get()),
        |(id, _, _, _)| async move {
            match id {
                Some(id) => account_detail(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let (role_error, sessions_error, disabled_error) =
        (last_error(set_role), last_error(end_sessions), last_error(set_disabled));
    let error =
        Signal::derive(move || role_error.get().or_else(|| sessions_error.get()).or_else(|| disabled_error.get()));
    view! {
        <section class="wide-page">
            <p><A href="/admin/users">"← All users"</A></p>
            <Show when=move || error.get().is_some()>
                <p role="alert" class="form-error">{move || error.get().map(|e| e.to_string())}</p>
            </Show>
            <Suspense fallback=|| view! { <p class="loading">"Loading the account…"</p> }>
                {move || Suspend::new(async move { match detail.await {
                    Ok(d) => view! { <Account d set_role end_sessions set_disabled /> }.into_any(),
                    Err(AppError::NotFound) => view! { <crate::pages::not_found::NotFound /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
fn Account(
    d: AccountView,
    set_role: ServerAction<SetUserRole>,
    end_sessions: ServerAction<EndUserSessions>,
    set_disabled: ServerAction<SetUserDisabled>,
) -> impl IntoView {
    let a = d.account.clone();
    let status = if a.disabled { "Disabled" } else { "Active" };
    let sessions = if d.sessions.is_empty() {
        view! { <p class="muted">"Not signed in anywhere."</p> }.into_any()
    } else {
        view! {
            <ul class="sessions">
                {d.sessions.into_iter().map(|s| view! {
                    <li>{format!("{} from {}, signed in {}, last seen {}", s.device, s.client, utc_time(s.signed_in_at), utc_time(s.seen_at))}</li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text=a.display_name.clone() />
        <h1>{a.display_name.clone()}</h1>
        <dl class="facts">
            <dt>"Email"</dt><dd>{a.email.clone()}</dd>
            <dt>"Role"</dt><dd>{a.role.as_str()}</dd>
            <dt>"Status"</dt><dd>{status}</dd>
            <dt>"Signed up"</dt><dd>{utc_time(a.created_at)}</dd>
            <dt>"Last sign-in"</dt><dd>{d.last_sign_in.map_or_else(|| "none in 90 days".to_owned(), utc_time)}</dd>
            <dt>"Last active"</dt><dd>{a.last_active_day.map_or_else(|| "never".to_owned(), iso_day)}</dd>
            <dt>"Ratings"</dt><dd>{thousands(d.ratings)}</dd>
            <dt>"Hours watched"</dt><dd>{hours(d.watched_ms)}</dd>
            <dt>"Lists"</dt><dd>{thousands(d.lists)}</dd>
        </dl>
        <div class="account-actions"><AccountActions user=d.account set_role end_sessions set_disabled /></div>
        <h2>"Signed in"</h2>
        {sessions}
        <ResetLink user_id=a.id disabled=a.disabled />
        <h2>"Audit log"</h2>
        <AuditLog events=d.events />
        <DeleteAccount user_id=a.id email=a.email />
    }
}

/// Makes a one-time password-reset link to hand to the account's owner (Cinecloud sends no
/// email). Shown once: only its hash is kept.
#[component]
fn ResetLink(user_id: i64, disabled: bool) -> impl IntoView {
    let make = ServerAction::<PasswordResetLink>::new();
    let error = last_error(make);
    let link = move || {
        make.value().get().and_then(Result::ok).map(|path| {
            let origin = window().location().origin().unwrap_or_default();
            format!("{origin}{path}")
        })
    };
    view! {
        <section aria-labelledby="reset-heading" class="card">
            <h2 id="reset-heading">"Password reset"</h2>
            <p>"For someone who forgot their password: make a link and hand it to them. It works once, for 24 hours, and signs them out everywhere else. A new link replaces the last one."</p>
            <ActionForm action=make>
                <input type="hidden" name="user_id" value=user_id />
                <FormError error />
                <button type="submit" class="button secondary" disabled=disabled>"Make a password-reset link"</button>
            </ActionForm>
            <Show when=move || link().is_some()>
                <label for="reset-link">"Reset link (shown only now)"</label>
                <input id="reset-link" type="text" readonly class="copy-field" prop:value=move || link().unwrap_or_default() />
            </Show>
        </section>
    }
}

/// Deletes the account with all it made, once the admin types its email.
#[component]
fn DeleteAccount(user_id: i64, email: String) -> impl IntoView {
    let delete = ServerAction::<DeleteUser>::new();
    let error = last_error(delete);
    view! {
        <section aria-labelledby="delete-heading" class="card danger">
            <h2 id="delete-heading">"Delete account"</h2>
            <p>{format!("This removes {email}, its photo, ratings, lists and history; the movies' ratings are recomputed without it. It cannot be undone.")}</p>
            <ActionForm action=delete>
                <input type="hidden" name="user_id" value=user_id />
                <FormError error />
                <Field label="Type the account's email to confirm" name="confirm" kind="email" error />
                <button type="submit" class="button danger">"Delete this account"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn AuditLog(events: Vec<crate::api::admin::SecurityEventView>) -> impl IntoView {
    if events.is_empty() {
        return view! { <p class="muted">"Nothing recorded in the last 90 days."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table>
                <caption class="visually-hidden">"Audit log, newest first"</caption>
                <thead><tr>
                    <th scope="col">"When"</th><th scope="col">"Event"</th><th scope="col">"Outcome"</th>
                    <th scope="col">"By"</th><th scope="col">"Client"</th><th scope="col">"Detail"</th>
                </tr></thead>
                <tbody>
                    {events.into_iter().map(|e| view! {
                        <tr>
                            <td>{utc_time(e.at)}</td>
                            <td>{crate::pages::admin_security::kind_label(&e.kind).to_owned()}</td>
                            <td>{e.outcome}</td>
                            <td>{if e.actor.is_empty() { "themselves".to_owned() } else { e.actor }}</td>
                            <td>{e.client}</td>
                            <td>{e.detail}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
