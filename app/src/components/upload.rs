//! Sending a file to an upload server function with `XMLHttpRequest`, whose upload events give a
//! progress bar (fetch has none).

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
    pub too_large: &'static str,
}

/// Posts `form` to `target`, reporting progress (0–1) as it goes and the server's answer (or its
/// error) at the end.
pub fn send_with_progress<T: DeserializeOwned + 'static>(
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
            done(read_answer(status, &body, field, too_large));
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
