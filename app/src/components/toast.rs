//! A short message at the bottom of the screen that outlives page changes — "Movie deleted.
//! Undo" stays up while the app moves to the catalog.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::catalog::undo_delete_movie;

/// What a toast says and offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    /// The message.
    pub message: String,
    /// A deleted movie the toast can restore.
    pub undo_movie: Option<i64>,
}

/// The app's one toast slot, provided by the app root.
#[derive(Clone, Copy)]
pub struct Toasts {
    current: RwSignal<Option<(u64, Toast)>>,
    next_id: StoredValue<u64>,
}

/// How long a toast stays up, in milliseconds.
const TOAST_MS: u64 = 20_000;

impl Toasts {
    /// Shows `toast`, replacing any other.
    pub fn show(&self, toast: Toast) {
        let id = self.next_id.get_value() + 1;
        self.next_id.set_value(id);
        self.current.set(Some((id, toast)));
        let current = self.current;
        set_timeout(
            move || {
                if current.with_untracked(|t| t.as_ref().is_some_and(|(shown, _)| *shown == id)) {
                    current.set(None);
                }
            },
            std::time::Duration::from_millis(TOAST_MS),
        );
    }

    /// Shows a plain message.
    pub fn say(&self, message: impl Into<String>) {
        self.show(Toast { message: message.into(), undo_movie: None });
    }

    fn dismiss(&self) {
        self.current.set(None);
    }
}

/// Makes [`Toasts`] available to every page.
pub fn provide_toasts() {
    provide_context(Toasts { current: RwSignal::new(None), next_id: StoredValue::new(0) });
}

/// Where the toast appears; announced politely to screen readers.
#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let navigate = use_navigate();
    let undo = Action::new(move |id: &i64| undo_delete_movie(*id));
    Effect::new(move |_| match undo.value().get() {
        Some(Ok(movie)) => {
            toasts.say(format!("Restored “{}”.", movie.title));
            navigate(&format!("/movies/{}", movie.id), Default::default());
        }
        Some(Err(e)) => toasts.say(e.to_string()),
        None => {}
    });
    view! {
        <div class="toast-host" role="status" aria-live="polite">
            {move || toasts.current.get().map(|(_, toast)| view! {
                <div class="toast">
                    <span>{toast.message}</span>
                    {toast.undo_movie.map(|id| view! {
                        <button type="button" class="button secondary" disabled=move || undo.pending().get()
                            on:click=move |_| { undo.dispatch(id); }>"Undo"</button>
                    })}
                    <button type="button" class="toast-close" aria-label="Dismiss" on:click=move |_| toasts.dismiss()>"×"</button>
                </div>
            })}
        </div>
    }
}
