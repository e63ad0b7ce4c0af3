//! The pieces of edit mode: the draft being edited, inline inputs with their errors, and list
//! editors with autocomplete for genres and people.

use leptos::prelude::*;

use crate::{
    api::catalog::{CastMember, MovieForm, MovieView, list_genres, suggest_people},
    error::AppError,
};

/// The unsaved state of the edit form, one signal per field.
#[derive(Clone, Copy)]
pub struct Draft {
    pub title: RwSignal<String>,
    pub original_title: RwSignal<String>,
    pub year: RwSignal<String>,
    pub runtime_minutes: RwSignal<String>,
    pub synopsis: RwSignal<String>,
    pub country: RwSignal<String>,
    pub original_language: RwSignal<String>,
    pub age_rating: RwSignal<String>,
    pub trailer_url: RwSignal<String>,
    pub genres: RwSignal<Vec<String>>,
    pub directors: RwSignal<Vec<String>>,
    /// `(name, character)`; an empty character means none.
    pub cast: RwSignal<Vec<(String, String)>>,
}

impl Draft {
    pub fn new() -> Self {
        Draft {
            title: RwSignal::new(String::new()),
            original_title: RwSignal::new(String::new()),
            year: RwSignal::new(String::new()),
            runtime_minutes: RwSignal::new(String::new()),
            synopsis: RwSignal::new(String::new()),
            country: RwSignal::new(String::new()),
            original_language: RwSignal::new(String::new()),
            age_rating: RwSignal::new(String::new()),
            trailer_url: RwSignal::new(String::new()),
            genres: RwSignal::new(Vec::new()),
            directors: RwSignal::new(Vec::new()),
            cast: RwSignal::new(Vec::new()),
        }
    }

    /// Starts editing from the saved movie.
    pub fn load(&self, m: &MovieView) {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let number = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
        self.title.set(m.title.clone());
        self.original_title.set(text(&m.original_title));
        self.year.set(number(m.year));
        self.runtime_minutes.set(number(m.runtime_minutes));
        self.synopsis.set(m.synopsis.clone());
        self.country.set(text(&m.country));
        self.original_language.set(text(&m.original_language));
        self.age_rating.set(text(&m.age_rating));
        self.trailer_url.set(text(&m.trailer_url));
        self.genres.set(m.genres.iter().map(|g| g.name.clone()).collect());
        self.directors.set(m.directors.iter().map(|d| d.name.clone()).collect());
        self.cast.set(m.cast.iter().map(|c| (c.name.clone(), c.character.clone().unwrap_or_default())).collect());
    }

    /// Fills every field from a form (a film picked from the metadata provider).
    pub fn fill(&self, f: &MovieForm) {
        self.title.set(f.title.clone());
        self.original_title.set(f.original_title.clone());
        self.year.set(f.year.clone());
        self.runtime_minutes.set(f.runtime_minutes.clone());
        self.synopsis.set(f.synopsis.clone());
        self.country.set(f.country.clone());
        self.original_language.set(f.original_language.clone());
        self.age_rating.set(f.age_rating.clone());
        self.trailer_url.set(f.trailer_url.clone());
        self.genres.set(f.genres.clone());
        self.directors.set(f.directors.clone());
        self.cast.set(f.cast.iter().map(|c| (c.name.clone(), c.character.clone().unwrap_or_default())).collect());
    }

    /// What is sent to the server; blank cast rows are dropped.
    pub fn form(&self) -> MovieForm {
        MovieForm {
            title: self.title.get_untracked(),
            original_title: self.original_title.get_untracked(),
            year: self.year.get_untracked(),
            runtime_minutes: self.runtime_minutes.get_untracked(),
            synopsis: self.synopsis.get_untracked(),
            country: self.country.get_untracked(),
            original_language: self.original_language.get_untracked(),
            age_rating: self.age_rating.get_untracked(),
            trailer_url: self.trailer_url.get_untracked(),
            genres: self.genres.get_untracked(),
            directors: self.directors.get_untracked(),
            cast: self
                .cast
                .get_untracked()
                .into_iter()
                .filter(|(name, _)| !name.trim().is_empty())
                .map(|(name, character)| {
                    let character = character.trim().to_owned();
                    CastMember { name, character: (!character.is_empty()).then_some(character) }
                })
                .collect(),
        }
    }
}

fn field_message(error: Signal<Option<AppError>>, field: &'static str) -> impl Fn() -> Option<String> + Copy {
    move || error.get().and_then(|e| e.field_message(field))
}

/// The server's message for one field, next to it, announced when it appears.
#[component]
pub fn FieldNote(field: &'static str, error: Signal<Option<AppError>>) -> impl IntoView {
    view! { <span class="field-error" id=format!("edit-{field}-error") aria-live="polite">{field_message(error, field)}</span> }
}

/// A text input in place of a shown value, with its error under it.
#[component]
pub fn InlineInput(
    field: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "")] placeholder: &'static str,
    #[prop(default = "")] class: &'static str,
) -> impl IntoView {
    let message = field_message(error, field);
    view! {
        <span class=format!("inline-field {class}")>
            <input
                id=format!("edit-{field}")
                name=field
                type=kind
                aria-label=label
                placeholder=placeholder
                bind:value=value
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=format!("edit-{field}-error")
            />
            <FieldNote field error />
        </span>
    }
}

/// Where a list editor's suggestions come from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Suggest {
    /// Genres already in the catalog.
    Genres,
    /// People whose name starts with what is typed.
    People,
}

/// A list of names as removable chips, plus an input (with suggestions) to add one.
#[component]
pub fn NamesEditor(
    field: &'static str,
    label: &'static str,
    noun: &'static str,
    values: RwSignal<Vec<String>>,
    error: Signal<Option<AppError>>,
    suggest: Suggest,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let list_id = format!("suggest-{field}");
    let suggestions = LocalResource::new(move || {
        let prefix = typed.get();
        async move {
            match suggest {
                Suggest::Genres => {
                    list_genres().await.map(|g| g.into_iter().map(|g| g.name).collect()).unwrap_or_default()
                }
                Suggest::People if prefix.trim().chars().count() >= 2 => {
                    suggest_people(prefix).await.unwrap_or_default()
                }
                Suggest::People => Vec::<String>::new(),
            }
        }
    });
    let add = move || {
        let name = typed.get_untracked().trim().to_owned();
        if !name.is_empty() {
            values.update(|v| {
                if !v.iter().any(|x| x.eq_ignore_ascii_case(&name)) {
                    v.push(name);
                }
            });
        }
        typed.set(String::new());
    };
    let message = field_message(error, field);
    view! {
        <div class="field names-editor">
            <span class="label" id=format!("edit-{field}-label")>{label}</span>
            <ul class="chips" aria-labelledby=format!("edit-{field}-label")>
                <For each=move || values.get() key=|name| name.clone() let:name>
                    <li class="chip">
                        <span>{name.clone()}</span>
                        <button type="button" aria-label=format!("Remove {name}")
                            on:click={
                                let name = name.clone();
                                move |_| values.update(|v| v.retain(|x| *x != name))
                            }>"×"</button>
                    </li>
                </For>
            </ul>
            <div class="add-row">
                <input
                    id=format!("edit-{field}")
                    type="text"
                    list=list_id.clone()
                    aria-label=format!("Add a {noun}")
                    placeholder=format!("Add a {noun}…")
                    bind:value=typed
                    aria-invalid=move || message().is_some().to_string()
                    aria-describedby=format!("edit-{field}-error")
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" || ev.key() == "," {
                            ev.prevent_default();
                            add();
                        }
                    }
                />
                <button type="button" class="button secondary" on:click=move |_| add()>"Add"</button>
            </div>
            <datalist id=list_id>
                {move || suggestions.get().unwrap_or_default().into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
            </datalist>
            <FieldNote field error />
        </div>
    }
}

/// The cast as rows of name and character.
#[component]
pub fn CastEditor(rows: RwSignal<Vec<(String, String)>>, error: Signal<Option<AppError>>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let people = LocalResource::new(move || {
        let prefix = typed.get();
        async move {
            if prefix.trim().chars().count() >= 2 {
                suggest_people(prefix).await.unwrap_or_default()
            } else {
                Vec::new()
            }
        }
    });
    // Rows are re-created only when their number changes, so typing keeps the focus.
    let count = Memo::new(move |_| rows.with(Vec::len));
    view! {
        <div class="field cast-editor">
            <span class="label">"Cast"</span>
            <ol class="cast-rows">
                {move || (0..count.get()).map(|i| {
                    let name = move || rows.with(|r| r.get(i).map(|r| r.0.clone()).unwrap_or_default());
                    let character = move || rows.with(|r| r.get(i).map(|r| r.1.clone()).unwrap_or_default());
                    view! {
                        <li class="cast-row">
                            <input type="text" list="suggest-cast" aria-label=format!("Cast member {} name", i + 1)
                                placeholder="Name" prop:value=name
                                on:input=move |ev| {
                                    let value = event_target_value(&ev);
                                    typed.set(value.clone());
                                    rows.update(|r| if let Some(row) = r.get_mut(i) { row.0 = value });
                                } />
                            <input type="text" aria-label=format!("Cast member {} character", i + 1)
                                placeholder="Character" prop:value=character
                                on:input=move |ev| {
                                    let value = event_target_value(&ev);
                                    rows.update(|r| if let Some(row) = r.get_mut(i) { row.1 = value });
                                } />
                            <button type="button" class="button secondary" aria-label=format!("Remove cast member {}", i + 1)
                                on:click=move |_| rows.update(|r| if i < r.len() { r.remove(i); })>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <button type="button" class="button secondary" on:click=move |_| rows.update(|r| r.push(Default::default()))>
                "Add cast member"
            </button>
            <datalist id="suggest-cast">
                {move || people.get().unwrap_or_default().into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
            </datalist>
            <FieldNote field="cast" error />
        </div>
    }
}
