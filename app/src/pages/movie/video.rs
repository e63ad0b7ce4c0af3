//! The movie's video on its page: a Play button for viewers and, while an admin edits, the upload
//! (drag-and-drop or file picker, with a progress bar) and removal of the video.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api::{
        catalog::MovieView,
        playback::{RemoveVideo, UPLOAD_VIDEO_URL, VideoView},
    },
    components::upload::{UploadTarget, send_with_progress},
    error::AppError,
};

/// Play (when there is a video) and, in edit mode, the video's upload controls.
#[component]
pub fn VideoPanel(movie: RwSignal<MovieView>, editing: Signal<bool>, is_new: bool) -> impl IntoView {
    let progress = RwSignal::new(None::<f64>);
    let uploading = RwSignal::new(false);
    let upload_error = RwSignal::new(None::<AppError>);
    let dragging = RwSignal::new(false);
    let remove = ServerAction::<RemoveVideo>::new();
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => {
            progress.set(None);
            movie.update(|m| m.video = None);
        }
        Some(Err(e)) => upload_error.set(Some(e)),
        None => {}
    });

    let start = move |file: web_sys::File| {
        upload_error.set(None);
        let id = movie.with_untracked(|m| m.id);
        uploading.set(true);
        progress.set(Some(0.0));
        let form = (|| -> Result<web_sys::FormData, wasm_bindgen::JsValue> {
            let form = web_sys::FormData::new()?;
            // The id first: the server streams the file as it arrives and must know the movie.
            form.append_with_str("id", &id.to_string())?;
            form.append_with_blob_and_filename("video", &file, &file.name())?;
            Ok(form)
        })();
        let Ok(form) = form else {
            uploading.set(false);
            upload_error.set(Some(AppError::Transport("the upload could not start".into())));
            return;
        };
        let target = UploadTarget { url: UPLOAD_VIDEO_URL, field: "video", too_large: "The video is too large." };
        send_with_progress(target, form, progress, move |result: Result<VideoView, AppError>| {
            uploading.set(false);
            match result {
                Ok(video) => {
                    progress.set(Some(1.0));
                    movie.update(|m| m.video = Some(video.content_type));
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
    let message = move || upload_error.get().map(|e| e.field_message("video").unwrap_or_else(|| e.to_string()));
    let has_video = move || movie.with(|m| m.video.is_some());
    let id = movie.with_untracked(|m| m.id);

    view! {
        <Show when=move || !editing.get() && has_video()>
            <p class="play">
                <A href=format!("/watch/{id}") attr:class="button play-button">"▶ Play"</A>
            </p>
        </Show>
        <Show when=move || editing.get() && !is_new>
            <section class="video-panel" aria-labelledby="video-heading">
                <h2 id="video-heading">"Video"</h2>
                <p id="video-status">
                    {move || movie.with(|m| match m.video.as_deref() {
                        Some("video/webm") => "This movie has a WebM video.",
                        Some(_) => "This movie has an MP4 video.",
                        None => "No video yet.",
                    })}
                </p>
                <div
                    class="dropzone"
                    class:over=move || dragging.get()
                    on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop
                >
                    <label for="video-file">"Drop a video here, or choose one:"</label>
                    <input id="video-file" type="file" accept="video/mp4,video/webm"
                        disabled=move || uploading.get() on:change=on_pick />
                    <p class="hint">"MP4 or WebM. It replaces the current video."</p>
                </div>
                {move || percent().map(|p| view! {
                    <div class="upload-progress">
                        <progress id="video-progress" max="100" value=p aria-label="Video upload"></progress>
                        <span>{if p >= 100 && !uploading.get() { "Video uploaded.".to_owned() } else { format!("{p}%") }}</span>
                    </div>
                })}
                {move || message().map(|m| view! { <p class="field-error" role="alert" id="edit-video-error">{m}</p> })}
                <Show when=has_video>
                    <button type="button" class="button secondary" disabled=move || remove.pending().get() || uploading.get()
                        on:click=move |_| { remove.dispatch(RemoveVideo { id }); }>"Remove video"</button>
                </Show>
            </section>
        </Show>
    }
}
