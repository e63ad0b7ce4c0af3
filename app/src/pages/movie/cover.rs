//! The cover on a movie's page and, in edit mode, its upload: drag-and-drop or file picker, sent
//! with `XMLHttpRequest` so that the upload's progress can be shown.

use leptos::prelude::*;

use crate::{
    api::catalog::{MovieView, RemoveCover},
    components::{
        movie_card::Cover,
        upload::{UploadTarget, send_with_progress},
    },
    error::AppError,
};

/// Largest file the page sends; the server enforces the same limit.
const MAX_BYTES: f64 = 10.0 * 1024.0 * 1024.0;

/// The cover, with upload controls while an admin edits.
#[component]
pub fn CoverPanel(movie: RwSignal<MovieView>, editing: Signal<bool>, is_new: bool) -> impl IntoView {
    let progress = RwSignal::new(None::<f64>);
    let uploading = RwSignal::new(false);
    let upload_error = RwSignal::new(None::<AppError>);
    let dragging = RwSignal::new(false);
    let remove = ServerAction::<RemoveCover>::new();
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(saved)) => movie.set(saved),
        Some(Err(e)) => upload_error.set(Some(e)),
        None => {}
    });

    let start = move |file: web_sys::File| {
        upload_error.set(None);
        if file.size() > MAX_BYTES {
            upload_error.set(Some(AppError::invalid("cover", "The image is larger than 10 MB.")));
            return;
        }
        let (id, version) = movie.with_untracked(|m| (m.id, m.version));
        uploading.set(true);
        progress.set(Some(0.0));
        send_cover(id, version, file, progress, move |result| {
            uploading.set(false);
            match result {
                Ok(saved) => {
                    progress.set(Some(1.0));
                    movie.set(saved);
                }
                Err(e) => {
                    progress.set(None);
                    upload_error.set(Some(e));
                }
            }
        });
    };
    let on_pick = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let input: web_sys::HtmlInputElement = ev.target().expect("an input fired this").unchecked_into();
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            start(file);
        }
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|files| files.get(0)) {
            start(file);
        }
    };
    let percent = move || progress.get().map(|p| (p * 100.0).round() as u32);
    let message = move || upload_error.get().map(|e| e.field_message("cover").unwrap_or_else(|| e.to_string()));

    view! {
        <div class="cover-panel">
            {move || movie.with(|m| view! {
                <Cover cover=m.cover.clone() id=m.id title=m.title.clone() sizes="(max-width: 700px) 12rem, 18rem" class="large" eager=true />
            })}
            <Show when=move || editing.get() && !is_new>
                <div
                    class="dropzone"
                    class:over=move || dragging.get()
                    on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop
                >
                    <label for="cover-file">"Drop an image here, or choose one:"</label>
                    <input id="cover-file" type="file" accept="image/jpeg,image/png,image/webp"
                        disabled=move || uploading.get() on:change=on_pick />
                    <p class="hint">"JPEG, PNG or WebP, up to 10 MB. It is cropped to 2:3."</p>
                </div>
                {move || percent().map(|p| view! {
                    <div class="upload-progress">
                        <progress id="cover-progress" max="100" value=p aria-label="Cover upload"></progress>
                        <span>{if p >= 100 && !uploading.get() { "Cover uploaded.".to_owned() } else { format!("{p}%") }}</span>
                    </div>
                })}
                {move || message().map(|m| view! { <p class="field-error" role="alert" id="edit-cover-error">{m}</p> })}
                <Show when=move || movie.with(|m| m.cover.is_some())>
                    <button type="button" class="button secondary" disabled=move || remove.pending().get() || uploading.get()
                        on:click=move |_| {
                            let (id, version) = movie.with_untracked(|m| (m.id, m.version));
                            remove.dispatch(RemoveCover { id, version });
                        }>"Remove cover"</button>
                </Show>
            </Show>
            <Show when=move || editing.get() && is_new>
                <p class="hint">"You can add a cover once the movie is created."</p>
            </Show>
        </div>
    }
}

/// Posts the file to the upload server function.
fn send_cover(
    id: i64,
    version: i64,
    file: web_sys::File,
    progress: RwSignal<Option<f64>>,
    done: impl FnOnce(Result<MovieView, AppError>) + 'static,
) {
    let form = (|| -> Result<web_sys::FormData, wasm_bindgen::JsValue> {
        let form = web_sys::FormData::new()?;
        form.append_with_str("id", &id.to_string())?;
        form.append_with_str("version", &version.to_string())?;
        form.append_with_blob_and_filename("cover", &file, &file.name())?;
        Ok(form)
    })();
    let Ok(form) = form else { return done(Err(AppError::Transport("the upload could not start".into()))) };
    let target = UploadTarget {
        url: crate::api::catalog::UPLOAD_COVER_URL,
        field: "cover",
        too_large: "The image is larger than 10 MB.",
    };
    send_with_progress(target, form, progress, done);
}
