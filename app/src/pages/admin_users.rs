//! Admin: the list of accounts, with role changes, disabling and ending sessions.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::words::make_role;
use crate::{
    api::admin::{AccountSummary, EndUserSessions, SetUserDisabled, SetUserRole, list_users},
    components::form::last_error,
};

/// Lists every account; admins can promote or demote.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let set_role = ServerAction::<SetUserRole>::new();
    let end_sessions = ServerAction::<EndUserSessions>::new();
    let set_disabled = ServerAction::<SetUserDisabled>::new();
    // Blocking: this answer decides the page's status (401, 403, 404), which must be set before
    // the response head is sent; a streamed page would answer 200 or 403 depending on timing.
    let users =
        Resource::new_blocking(move || (set_role.version().get(), set_disabled.version().get()), |_| list_users());
    let (role_error, sessions_error, disabled_error) =
        (last_error(set_role), last_error(end_sessions), last_error(set_disabled));
    let error =
        Signal::derive(move || role_error.get().or_else(|| sessions_error.get()).or_else(|| disabled_error.get()));
    view! {
        <Title text="Users" />
        <section class="wide-page">
            <h1>"Users"</h1>
            <Show when=move || error.get().is_some()>
                <p role="alert" class="form-error">{move || error.get().map(|e| e.to_string())}</p>
            </Show>
            <Show when=move || matches!(end_sessions.value().get(), Some(Ok(())))>
                <p role="status" class="saved">"Their sessions were ended: they must sign in again."</p>
            </Show>
            <Suspense fallback=|| view! { <p class="loading">"Loading users…"</p> }>
                {move || Suspend::new(async move { match users.await {
                    Ok(users) => view! { <UserTable users set_role end_sessions set_disabled /> }.into_any(),
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

#[component]
fn UserTable(
    users: Vec<AccountSummary>,
    set_role: ServerAction<SetUserRole>,
    end_sessions: ServerAction<EndUserSessions>,
    set_disabled: ServerAction<SetUserDisabled>,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table>
                <caption class="visually-hidden">"Accounts"</caption>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Status"</th><th scope="col">"Change"</th></tr></thead>
                <tbody>
                    {users.into_iter().map(|user| {
                        let next = user.role.other();
                        let label = make_role(next);
                        let end_label = format!("End sessions: {}", user.display_name);
                        let (switch, switch_label) = if user.disabled { ("false", "Enable") } else { ("true", "Disable") };
                        let switch_aria = format!("{switch_label}: {}", user.display_name);
                        view! {
                            <tr>
                                <td>{user.display_name.clone()}</td>
                                <td>{user.email.clone()}</td>
                                <td>{user.role.as_str()}</td>
                                <td>{if user.disabled { "Disabled" } else { "Active" }}</td>
                                <td>
                                    <ActionForm action=set_role attr:class="inline">
                                        <input type="hidden" name="user_id" value=user.id />
                                        <input type="hidden" name="role" value=next.as_str() />
                                        <button type="submit" class="button secondary" aria-label=format!("{label}: {}", user.display_name)>{label}</button>
                                    </ActionForm>
                                    <ActionForm action=set_disabled attr:class="inline">
                                        <input type="hidden" name="user_id" value=user.id />
                                        <input type="hidden" name="disabled" value=switch />
                                        <button type="submit" class="button secondary" aria-label=switch_aria>{switch_label}</button>
                                    </ActionForm>
                                    <ActionForm action=end_sessions attr:class="inline">
                                        <input type="hidden" name="user_id" value=user.id />
                                        <button type="submit" class="button secondary" aria-label=end_label>"End sessions"</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
