//! The cover on a movie's page and, in edit mode, its upload: drag-and-drop or file picker, sent
//! with `XMLHttpRequest` so that the upload's progress can be shown.

use cinecloud_vocab::limits::{COVER_BYTES, MIB};
use leptos::prelude::*;

use crate::{
    api::{catalog::MovieView, covers::RemoveCover},
    components::{
        movie_card::Cover,
        upload::{DropZone, UploadState, UploadTarget},
    },
    error::AppError,
};

/// What the page says when a file is over the limit (the server enforces the same one).
fn too_large() -> String {
    format!("The image is larger than {} MB.", COVER_BYTES / MIB)
}

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
        if file.size() > COVER_BYTES as f64 {
            state.error.set(Some(AppError::invalid("cover", too_large())));
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
        let target = UploadTarget { url: crate::api::covers::UPLOAD_COVER_URL, field: "cover", too_large: too_large() };
        state.send(target, form, move |saved: MovieView| movie.set(saved));
    };

    view! {
        <div class="cover-panel">
            {move || movie.with(|m| view! {
                <Cover cover=m.cover.clone() id=m.id title=m.title.clone() sizes="(max-width: 700px) 12rem, 18rem" class="large" lead=true />
            })}
            <Show when=move || editing.get() && !is_new>
                <DropZone state field="cover" what="Cover" prompt="Drop an image here, or choose one:"
                    accept="image/jpeg,image/png,image/webp" hint=format!("JPEG, PNG or WebP, up to {} MB. It is cropped to 2:3.", COVER_BYTES / MIB)
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
