//! The player: the browser's own accessible video controls, an offer to resume where the viewer
//! stopped (on any device), and reports of start, progress (every few seconds), pause, seek and
//! finish so that the resume point, "Continue watching" and the history stay current.

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    api::playback::{PlaybackEvent, PlaybackView, playback_source, report_playback},
    error::AppError,
};

/// How often a playing video reports its position, in milliseconds.
const REPORT_EVERY_MS: f64 = 5_000.0;

/// `12:34`, or `1:02:03` past an hour.
pub fn clock(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// `/watch/:id`: the movie's video for signed-in viewers.
#[component]
pub fn WatchPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    // Blocking: this answer decides the page's status (401, 403, 404), which must be set before
    // the response head is sent; a streamed page would answer 200 or 403 depending on timing.
    let source = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => playback_source(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the player…"</p> }>
            {move || Suspend::new(async move { match source.await {
                Ok(source) => view! { <Player source /> }.into_any(),
                Err(AppError::Unauthorized) => view! {
                    <Title text="Watch" />
                    <p class="notice">"Please " <A href="/login">"log in"</A> " to watch movies."</p>
                }.into_any(),
                Err(AppError::NotFound) => view! {
                    <Title text="No video" />
                    <p class="notice">"This movie has no video to play yet. " <A href="/movies">"Browse movies"</A></p>
                }.into_any(),
                Err(e) => view! { <p role="alert" class="form-error">{e.to_string()}</p> }.into_any(),
            } })}
        </Suspense>
    }
}

/// Where the video is, as last seen: (position, duration) in milliseconds.
type LastSeen = Arc<Mutex<Option<(i64, i64)>>>;

fn position(video: &web_sys::HtmlVideoElement) -> Option<(i64, i64)> {
    let duration = video.duration();
    (duration.is_finite() && duration > 0.0).then(|| {
        let duration_ms = (duration * 1000.0).round() as i64;
        (((video.current_time() * 1000.0).round() as i64).clamp(0, duration_ms), duration_ms)
    })
}

/// Sends a report that must survive the page going away (a closed tab, a link elsewhere).
fn beacon(movie_id: i64, event: PlaybackEvent, (position_ms, duration_ms): (i64, i64)) {
    let Ok(params) = web_sys::UrlSearchParams::new() else { return };
    params.append("movie_id", &movie_id.to_string());
    params.append("event", event.as_str());
    params.append("position_ms", &position_ms.to_string());
    params.append("duration_ms", &duration_ms.to_string());
    let _ = window().navigator().send_beacon_with_opt_url_search_params("/api/playback/report", Some(&params));
}

/// What the player tells the server: start once per visit, progress every few seconds, pause,
/// seek and finish, each at the video's position.
#[derive(Clone, Copy)]
struct Reporter {
    movie_id: i64,
    video: NodeRef<leptos::html::Video>,
    started: StoredValue<bool>,
    last_report: StoredValue<f64>,
}

impl Reporter {
    fn new(movie_id: i64, video: NodeRef<leptos::html::Video>) -> Self {
        Reporter { movie_id, video, started: StoredValue::new(false), last_report: StoredValue::new(0.0) }
    }

    /// Sends a report; false while the running time is not known yet (nothing to report against).
    fn report(self, event: PlaybackEvent) -> bool {
        let Some(at) = self.video.get_untracked().and_then(|v| position(&v)) else { return false };
        self.last_report.set_value(js_sys::Date::now());
        let movie_id = self.movie_id;
        leptos::task::spawn_local(async move {
            if let Err(e) = report_playback(movie_id, event, at.0, at.1).await {
                leptos::logging::warn!("could not save the playback position: {e}");
            }
        });
        true
    }

    /// "start" once per visit, as soon as playing began and the running time is known.
    fn start(self) {
        if !self.started.get_value() && self.report(PlaybackEvent::Start) {
            self.started.set_value(true);
        }
    }

    /// While playing: "start" if not yet sent, else "progress" when the last report is old enough.
    fn playing(self) {
        if !self.started.get_value() {
            self.start();
        } else if js_sys::Date::now() - self.last_report.get_value() >= REPORT_EVERY_MS {
            self.report(PlaybackEvent::Progress);
        }
    }
}

/// "Resume at 12:34" or "Start over", while the viewer has not started playing.
#[component]
fn ResumeOffer(at: i64, resume: impl Fn(Option<i64>) + Copy + Send + Sync + 'static) -> impl IntoView {
    view! {
        <div class="resume-offer" role="group" aria-label="Where to start">
            <button type="button" class="button" id="resume" on:click=move |_| resume(Some(at))>
                {format!("Resume at {}", clock(at))}
            </button>
            <button type="button" class="button secondary" id="start-over" on:click=move |_| resume(None)>
                "Start over"
            </button>
        </div>
    }
}

#[component]
fn Player(source: PlaybackView) -> impl IntoView {
    let movie_id = source.movie_id;
    let video = NodeRef::<leptos::html::Video>::new();
    let url = RwSignal::new(source.url.clone());
    let offer = RwSignal::new(source.resume_at_ms);
    let reporter = Reporter::new(movie_id, video);
    // After a presigned URL expired mid-film: where to continue once the fresh one has loaded.
    let continue_at = StoredValue::new(None::<f64>);
    let refreshed = StoredValue::new(false);
    let last_seen: LastSeen = Arc::default();

    let seen = last_seen.clone();
    let on_time = move |_| {
        let Some(v) = video.get_untracked() else { return };
        if let Some(at) = position(&v) {
            *seen.lock().expect("unpoisoned") = Some(at);
        }
        if !v.paused() {
            reporter.playing();
        }
    };
    let on_play = move |_| {
        offer.set(None);
        reporter.start();
    };
    let on_pause = move |_| {
        if video.get_untracked().is_some_and(|v| !v.ended()) {
            reporter.report(PlaybackEvent::Pause);
        }
    };
    let on_loaded = move |_| {
        if let (Some(v), Some(at)) = (video.get_untracked(), continue_at.get_value()) {
            continue_at.set_value(None);
            v.set_current_time(at);
            let _ = v.play();
        }
    };
    let on_error = move |_| {
        // A presigned URL lives for minutes: fetch a fresh one once and carry on from here.
        let remote = url.with_untracked(|u| u.starts_with("http"));
        if !remote || refreshed.get_value() {
            return;
        }
        refreshed.set_value(true);
        continue_at.set_value(video.get_untracked().map(|v| v.current_time()));
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = playback_source(movie_id).await {
                url.set(fresh.url);
            }
        });
    };
    let resume = move |at_ms: Option<i64>| {
        offer.set(None);
        if let Some(v) = video.get_untracked() {
            v.set_current_time(at_ms.unwrap_or(0) as f64 / 1000.0);
            let _ = v.play();
        }
    };

    // Leaving the page, in the app or by closing the tab: save where the viewer is.
    let seen = last_seen.clone();
    let on_hide = window_event_listener(leptos::ev::pagehide, move |_| {
        if let Some(at) = *seen.lock().expect("unpoisoned") {
            beacon(movie_id, PlaybackEvent::Pause, at);
        }
    });
    on_cleanup(move || {
        on_hide.remove();
        if let Some(at) = *last_seen.lock().expect("unpoisoned") {
            beacon(movie_id, PlaybackEvent::Pause, at);
        }
    });

    view! {
        <Title text=format!("Watch {}", source.title) />
        <section class="player" aria-labelledby="player-heading">
            <h1 id="player-heading">{source.title.clone()}</h1>
            {move || offer.get().map(|at| view! { <ResumeOffer at resume /> })}
            <video
                node_ref=video
                id="player-video"
                controls=true
                preload="metadata"
                playsinline=true
                aria-label=format!("Video: {}", source.title)
                src=move || url.get()
                on:play=on_play
                on:pause=on_pause
                on:timeupdate=on_time
                on:seeked=move |_| { reporter.report(PlaybackEvent::Seek); }
                on:ended=move |_| { reporter.report(PlaybackEvent::Finish); }
                on:loadedmetadata=on_loaded
                on:error=on_error
            >
                <p>"Your browser cannot play this video."</p>
            </video>
            <p><A href=format!("/movies/{movie_id}")>"← Back to the movie"</A></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn clock_reads_like_a_player() {
        assert_eq!(clock(754_000), "12:34");
        assert_eq!(clock(3_723_999), "1:02:03");
        assert_eq!(clock(0), "0:00");
    }
}
