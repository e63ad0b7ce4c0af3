//! Uploading a file to a server function: a drop zone with a file picker, a progress bar, and the
//! sending itself with `XMLHttpRequest`, whose upload events give the progress (fetch has none).

use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// What the sender says when the server refuses the size (413 comes from the body-limit layer,
/// before the server function can answer in its own words).
pub struct UploadTarget {
    /// The server function's URL.
    pub url: &'static str,
    /// The form field errors belong to.
    pub field: &'static str,
    /// The message for a 413.
    pub too_large: String,
}

/// Where one upload stands; a panel makes one and hands it to its [`DropZone`].
#[derive(Clone, Copy)]
pub struct UploadState {
    /// 0–1 while sending, 1 once saved; `None` before and after a failure.
    pub progress: RwSignal<Option<f64>>,
    /// Sending now (the picker and the panel's other buttons wait).
    pub uploading: RwSignal<bool>,
    /// Why the last upload (or another change the panel made) failed.
    pub error: RwSignal<Option<AppError>>,
}

impl Default for UploadState {
    fn default() -> Self {
        UploadState { progress: RwSignal::new(None), uploading: RwSignal::new(false), error: RwSignal::new(None) }
    }
}

impl UploadState {
    /// Sends `form` (built by the caller; its error if it could not be) to `target`, showing the
    /// progress; `saved` gets the server's answer.
    pub fn send<T: DeserializeOwned + 'static>(
        self,
        target: UploadTarget,
        form: Result<web_sys::FormData, wasm_bindgen::JsValue>,
        saved: impl FnOnce(T) + 'static,
    ) {
        self.error.set(None);
        let Ok(form) = form else {
            self.error.set(Some(AppError::Transport("the upload could not start".into())));
            return;
        };
        self.uploading.set(true);
        self.progress.set(Some(0.0));
        send_with_progress(target, form, self.progress, move |result: Result<T, AppError>| {
            self.uploading.set(false);
            match result {
                Ok(value) => {
                    self.progress.set(Some(1.0));
                    saved(value);
                }
                Err(e) => {
                    self.progress.set(None);
                    self.error.set(Some(e));
                }
            }
        });
    }
}

/// A drop zone with a file picker, then the upload's progress bar and its error. Ids derive from
/// `field`: `{field}-file`, `{field}-progress`, `edit-{field}-error`.
#[component]
pub fn DropZone(
    state: UploadState,
    /// The form field the file is sent as (`cover`, `video`).
    field: &'static str,
    /// What is uploaded, capitalised, for the progress bar's label ("Cover").
    what: &'static str,
    /// The picker's label ("Drop an image here, or choose one:").
    prompt: &'static str,
    /// The picker's `accept` MIME types.
    accept: &'static str,
    /// The line under it: types and limits.
    #[prop(into)]
    hint: String,
    /// Called with the file dropped or chosen.
    #[prop(into)]
    on_file: Callback<web_sys::File>,
) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let on_pick = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let input: web_sys::HtmlInputElement = ev.target().expect("an input fired this").unchecked_into();
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            on_file.run(file);
        }
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|files| files.get(0)) {
            on_file.run(file);
        }
    };
    let percent = move || state.progress.get().map(|p| (p * 100.0).round() as u32);
    let message = move || state.error.get().map(|e| e.field_message(field).unwrap_or_else(|| e.to_string()));
    view! {
        <div
            class="dropzone"
            class:over=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <label for=format!("{field}-file")>{prompt}</label>
            <input id=format!("{field}-file") type="file" accept=accept
                disabled=move || state.uploading.get() on:change=on_pick />
            <p class="hint">{hint}</p>
        </div>
        {move || percent().map(|p| view! {
            <div class="upload-progress">
                <progress id=format!("{field}-progress") max="100" value=p aria-label=format!("{what} upload")></progress>
                <span>{if p >= 100 && !state.uploading.get() { format!("{what} uploaded.") } else { format!("{p}%") }}</span>
            </div>
        })}
        {move || message().map(|m| view! { <p class="field-error" role="alert" id=format!("edit-{field}-error")>{m}</p> })}
    }
}

/// Posts `form` to `target`, reporting progress (0–1) as it goes and the server's answer (or its
/// error) at the end.
fn send_with_progress<T: DeserializeOwned + 'static>(
    target: UploadTarget,
    form: web_sys::FormData,
    progress: RwSignal<Option<f64>>,
    done: impl FnOnce(Result<T, AppError>) + 'static,
) {
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};

    let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            // The last bit is the server's work: hold at 99% until it answers.
            progress.set(Some((e.loaded() / e.total()).min(0.99)));
        }
    });
    // A handle for the browser; the closure itself is kept alive by `on_end` until the upload ends.
    let progress_fn: JsValue = on_progress.as_ref().clone();
    let request = match web_sys::XmlHttpRequest::new() {
        Ok(request) => request,
        Err(_) => return done(Err(AppError::Transport("this browser cannot upload files".into()))),
    };
    // Called once: by the end of the request, or here if it could not be sent.
    type Done<T> = Box<dyn FnOnce(Result<T, AppError>)>;
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(Box::new(done) as Done<T>)));
    let answered = request.clone();
    let done_at_end = done.clone();
    let (field, too_large) = (target.field, target.too_large);
    let on_end = Closure::once_into_js(move || {
        drop(on_progress);
        let status = answered.status().unwrap_or(0);
        let body = answered.response_text().ok().flatten().unwrap_or_default();
        if let Some(done) = done_at_end.borrow_mut().take() {
            done(read_answer(status, &body, field, &too_large));
        }
    });
    let sent = (|| -> Result<(), JsValue> {
        request.open("POST", target.url)?;
        request.set_request_header("Accept", "application/json")?;
        request.upload()?.set_onprogress(Some(progress_fn.unchecked_ref()));
        request.set_onloadend(Some(on_end.unchecked_ref()));
        request.send_with_opt_form_data(Some(&form))
    })();
    if let Err(e) = sent {
        leptos::logging::warn!("upload could not start: {e:?}");
        if let Some(done) = done.borrow_mut().take() {
            done(Err(AppError::Transport("the upload could not start".into())));
        }
    }
}

/// The answer of a 2xx, or the server's error.
fn read_answer<T: DeserializeOwned>(status: u16, body: &str, field: &str, too_large: &str) -> Result<T, AppError> {
    match status {
        200..=299 => serde_json::from_str(body).map_err(|e| AppError::Transport(format!("unreadable answer: {e}"))),
        0 => Err(AppError::Transport("the connection was lost".into())),
        413 => Err(AppError::invalid(field, too_large)),
        _ => Err(serde_json::from_str(body).unwrap_or_else(|_| AppError::Transport(format!("status {status}")))),
    }
}
