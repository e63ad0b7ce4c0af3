//! The cover on a movie's page and, in edit mode, its upload: drag-and-drop or file picker, sent
//! with `XMLHttpRequest` so that the upload's progress can be shown.

use leptos::prelude::*;

use crate::{
    api::{catalog::MovieView, covers::RemoveCover},
    components::{
        movie_card::Cover,
        upload::{DropZone, UploadState, UploadTarget},
    },
    error::AppError,
};

/// Largest file the page sends; the server enforces the same limit.
const MAX_BYTES: f64 = 10.0 * 1024.0 * 1024.0;
/// What the page says when a file is over it.
const TOO_LARGE: &str = "The image is larger than 10 MB.";

/// The cover, with upload controls while an admin edits.
#[component]
pub fn CoverPanel(movie: RwSignal<MovieView>, editing: Signal<bool>, is_new: bool) -> impl IntoView {
    let state = UploadState::default();
    let remove = ServerAction::<RemoveCover>::new();
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(saved)) => movie.set(saved),
        Some(Err(e)) => state.error.set(Some(e)),
        None => {}
    });
    let on_file = move |file: web_sys::File| {
        if file.size() > MAX_BYTES {
            state.error.set(Some(AppError::invalid("cover", TOO_LARGE)));
            return;
        }
        let (id, version) = movie.with_untracked(|m| (m.id, m.version));
        let form = (|| -> Result<web_sys::FormData, wasm_bindgen::JsValue> {
            let form = web_sys::FormData::new()?;
            form.append_with_str("id", &id.to_string())?;
            form.append_with_str("version", &version.to_string())?;
            form.append_with_blob_and_filename("cover", &file, &file.name())?;
            Ok(form)
        })();
        let target = UploadTarget { url: crate::api::covers::UPLOAD_COVER_URL, field: "cover", too_large: TOO_LARGE };
        state.send(target, form, move |saved: MovieView| movie.set(saved));
    };

    view! {
        <div class="cover-panel">
            {move || movie.with(|m| view! {
                <Cover cover=m.cover.clone() id=m.id title=m.title.clone() sizes="(max-width: 700px) 12rem, 18rem" class="large" lead=true />
            })}
            <Show when=move || editing.get() && !is_new>
                <DropZone state field="cover" what="Cover" prompt="Drop an image here, or choose one:"
                    accept="image/jpeg,image/png,image/webp" hint="JPEG, PNG or WebP, up to 10 MB. It is cropped to 2:3."
                    on_file />
                <Show when=move || movie.with(|m| m.cover.is_some())>
                    <button type="button" class="button secondary" disabled=move || remove.pending().get() || state.uploading.get()
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
