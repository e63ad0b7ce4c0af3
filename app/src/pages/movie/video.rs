//! The movie's video on its page: a Play button for viewers and, while an admin edits, the upload
//! (drag-and-drop or file picker, with a progress bar) and removal of the video.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api::{
        catalog::MovieView,
        playback::{RemoveVideo, UPLOAD_VIDEO_URL, VideoView},
    },
    components::upload::{DropZone, UploadState, UploadTarget},
};

/// Play (when there is a video) and, in edit mode, the video's upload controls.
#[component]
pub fn VideoPanel(movie: RwSignal<MovieView>, editing: Signal<bool>, is_new: bool) -> impl IntoView {
    let state = UploadState::default();
    let remove = ServerAction::<RemoveVideo>::new();
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => {
            state.progress.set(None);
            movie.update(|m| m.video = None);
        }
        Some(Err(e)) => state.error.set(Some(e)),
        None => {}
    });
    let on_file = move |file: web_sys::File| {
        let id = movie.with_untracked(|m| m.id);
        let form = (|| -> Result<web_sys::FormData, wasm_bindgen::JsValue> {
            let form = web_sys::FormData::new()?;
            // The id first: the server streams the file as it arrives and must know the movie.
            form.append_with_str("id", &id.to_string())?;
            form.append_with_blob_and_filename("video", &file, &file.name())?;
            Ok(form)
        })();
        let target =
            UploadTarget { url: UPLOAD_VIDEO_URL, field: "video", too_large: "The video is too large.".into() };
        state.send(target, form, move |video: VideoView| movie.update(|m| m.video = Some(video.content_type)));
    };
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
                <DropZone state field="video" what="Video" prompt="Drop a video here, or choose one:"
                    accept="video/mp4,video/webm" hint="MP4 or WebM. It replaces the current video." on_file />
                <Show when=has_video>
                    <button type="button" class="button secondary" disabled=move || remove.pending().get() || state.uploading.get()
                        on:click=move |_| { remove.dispatch(RemoveVideo { id }); }>"Remove video"</button>
                </Show>
            </section>
        </Show>
    }
}
