//! Admin: the accounts, found by part of an email or name, sorted, a page at a time (all kept
//! in the URL: `?q=&sort=&page=`), with role changes, disabling and ending sessions.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::{A, Form},
    hooks::use_query_map,
};

use crate::{
    api::admin::{AccountSummary, EndUserSessions, SetUserDisabled, SetUserRole, UserPage, UserSort, list_users},
    components::form::last_error,
    format::{iso_day, query_value, thousands},
    words::make_role,
};

/// What the search, sort and page parts of the URL ask for.
#[derive(Clone, Debug, Default, PartialEq)]
struct Wanted {
    q: String,
    sort: UserSort,
    page: u32,
}

impl Wanted {
    /// The list's URL for page `page` of the same search.
    fn href(&self, page: u32) -> String {
        let q = query_value(&self.q);
        format!("/admin/users?q={q}&sort={}&page={page}", self.sort)
    }
}

/// What each order is called in the "Sort by" list.
fn sort_label(sort: UserSort) -> &'static str {
    match sort {
        UserSort::Newest => "Newest",
        UserSort::Oldest => "Oldest",
        UserSort::Name => "Name",
        UserSort::Email => "Email",
        UserSort::LastActive => "Last active",
    }
}

/// Finds accounts; admins can change roles, disable and end sessions.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Memo::new(move |_| {
        let query = query.read();
        Wanted {
            q: query.get("q").unwrap_or_default(),
            sort: query.get("sort").and_then(|s| s.parse().ok()).unwrap_or_default(),
            page: query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1).max(1),
        }
    });
    let set_role = ServerAction::<SetUserRole>::new();
    let end_sessions = ServerAction::<EndUserSessions>::new();
    let set_disabled = ServerAction::<SetUserDisabled>::new();
    // Blocking: this answer decides the page's status (401, 403, 404), which must be set before
    // the response head is sent; a streamed page would answer 200 or 403 depending on timing.
    let users = Resource::new_blocking(
        move || (wanted.get(), set_role.version().get(), set_disabled.version().get()),
        |(w, _, _)| list_users(w.q, w.sort, w.page),
    );
    let (role_error, sessions_error, disabled_error) =
        (last_error(set_role), last_error(end_sessions), last_error(set_disabled));
    let error =
        Signal::derive(move || role_error.get().or_else(|| sessions_error.get()).or_else(|| disabled_error.get()));
    view! {
        <Title text="Users" />
        <section class="wide-page">
            <h1>"Users"</h1>
            <UserSearch initial=wanted.get_untracked() />
            <Show when=move || error.get().is_some()>
                <p role="alert" class="form-error">{move || error.get().map(|e| e.to_string())}</p>
            </Show>
            <Show when=move || matches!(end_sessions.value().get(), Some(Ok(())))>
                <p role="status" class="saved">"Their sessions were ended: they must sign in again."</p>
            </Show>
            <Suspense fallback=|| view! { <p class="loading">"Loading users…"</p> }>
                {move || Suspend::new(async move { match users.await {
                    Ok(found) => view! {
                        <UserTable users=found.users.clone() set_role end_sessions set_disabled />
                        <Pages found wanted=wanted.get_untracked() />
                    }.into_any(),
                    Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
                } })}
            </Suspense>
        </section>
    }
}

/// The search form. Its fields start from the URL and are not bound to it afterwards: bound, the
/// page's hydration (its code arrives after the first paint) would put the URL's values back
/// over what a quick admin had already typed (seen in Playwright: the search was sent empty).
#[component]
fn UserSearch(initial: Wanted) -> impl IntoView {
    let Wanted { q, sort: chosen, .. } = initial;
    view! {
        <Form method="GET" action="/admin/users" attr:class="user-search" attr:role="search" attr:aria-label="Find accounts">
            <label>"Name or email"
                <input type="search" name="q" maxlength="200" value=q />
            </label>
            <label>"Sort by"
                <select name="sort">
                    {UserSort::ALL.iter().map(|s| {
                        let s = *s;
                        view! { <option value=s.as_str() selected=chosen == s>{sort_label(s)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button">"Find"</button>
        </Form>
    }
}

/// "Page 2 of 5" with links to the pages before and after.
#[component]
fn Pages(found: UserPage, wanted: Wanted) -> impl IntoView {
    let pages = ((found.total + found.per_page - 1) / found.per_page).max(1) as u32;
    let summary = match found.total {
        0 => "No accounts match.".to_owned(),
        1 => "1 account".to_owned(),
        n => format!("{} accounts · page {} of {pages}", thousands(n), found.page.min(pages)),
    };
    let previous = (found.page > 1).then(|| wanted.href(found.page.min(pages + 1) - 1));
    let next = (found.page < pages).then(|| wanted.href(found.page + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            <p role="status">{summary}</p>
            {previous.map(|href| view! { <A href=href attr:rel="prev">"Previous page"</A> })}
            {next.map(|href| view! { <A href=href attr:rel="next">"Next page"</A> })}
        </nav>
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
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Status"</th><th scope="col">"Last active"</th><th scope="col">"Change"</th></tr></thead>
                <tbody>
                    {users.into_iter().map(|user| {
                        let name = user.display_name.clone();
                        view! {
                        <tr>
                            <td><A href=format!("/admin/users/{}", user.id)>{name}</A></td>
                            <td>{user.email.clone()}</td>
                            <td>{user.role.as_str()}</td>
                            <td>{if user.disabled { "Disabled" } else { "Active" }}</td>
                            <td>{user.last_active_day.map_or_else(|| "never".to_owned(), iso_day)}</td>
                            <td><AccountActions user set_role end_sessions set_disabled /></td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The buttons that change an account: make it an admin or a viewer, disable or enable it, end
/// its sessions. On the list and on the account's own page.
#[component]
pub(crate) fn AccountActions(
    user: AccountSummary,
    set_role: ServerAction<SetUserRole>,
    end_sessions: ServerAction<EndUserSessions>,
    set_disabled: ServerAction<SetUserDisabled>,
) -> impl IntoView {
    let next = user.role.other();
    let label = make_role(next);
    let end_label = format!("End sessions: {}", user.display_name);
    let (switch, switch_label) = if user.disabled { ("false", "Enable") } else { ("true", "Disable") };
    let switch_aria = format!("{switch_label}: {}", user.display_name);
    view! {
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
    }
}
