//! Light/dark theme: follows the system until the viewer picks one with the toggle; the choice
//! is kept in a `theme` cookie so the server renders the right theme on the next visit.

use leptos::prelude::*;
use leptos_meta::Html;

/// The theme the viewer chose, or the system's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// No choice made: `prefers-color-scheme` decides.
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    fn from_cookie_header(header: &str) -> Self {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == "theme")
            .map(|(_, value)| match value {
                "dark" => Theme::Dark,
                "light" => Theme::Light,
                _ => Theme::System,
            })
            .unwrap_or(Theme::System)
    }

    fn attribute(self) -> Option<&'static str> {
        match self {
            Theme::System => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        }
    }
}

/// The theme a page is rendered in for this request's headers: with the URL, all that a
/// visitor's page depends on besides the catalog, so the server's cache of rendered pages
/// keys on it. Whatever else the shell comes to read from a request (a language) belongs here
/// too.
#[cfg(feature = "ssr")]
pub fn visitor_variant(headers: &http::HeaderMap) -> &'static str {
    theme_of(headers).attribute().unwrap_or("system")
}

#[cfg(feature = "ssr")]
fn theme_of(headers: &http::HeaderMap) -> Theme {
    headers
        .get(http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Theme::from_cookie_header)
        .unwrap_or(Theme::System)
}

#[derive(Clone, Copy)]
struct ThemeState {
    chosen: RwSignal<Theme>,
    /// Whether the system prefers dark; known only in the browser.
    system_dark: RwSignal<bool>,
}

fn initial_theme() -> Theme {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().map(|parts| theme_of(&parts.headers)).unwrap_or(Theme::System)
    }
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()
            .and_then(|d| d.cookie().ok())
            .map(|c| Theme::from_cookie_header(&c))
            .unwrap_or(Theme::System)
    }
}

/// Reads the saved choice and shares the theme with the toggle.
pub fn provide_theme() {
    let state = ThemeState { chosen: RwSignal::new(initial_theme()), system_dark: RwSignal::new(false) };
    Effect::new(move |_| {
        if let Ok(Some(query)) = window().match_media("(prefers-color-scheme: dark)") {
            state.system_dark.set(query.matches());
        }
    });
    provide_context(state);
}

/// Puts `data-theme` on `<html>` when the viewer chose a theme.
#[component]
pub fn ThemeAttribute() -> impl IntoView {
    let state = expect_context::<ThemeState>();
    view! { <Html {..} data-theme=move || state.chosen.get().attribute() /> }
}

/// A button that switches between light and dark and remembers the choice.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let state = expect_context::<ThemeState>();
    let is_dark = move || match state.chosen.get() {
        Theme::Dark => true,
        Theme::Light => false,
        Theme::System => state.system_dark.get(),
    };
    let toggle = move |_| {
        let next = if is_dark() { Theme::Light } else { Theme::Dark };
        state.chosen.set(next);
        #[cfg(not(feature = "ssr"))]
        {
            use wasm_bindgen::JsCast;
            if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
                let value = next.attribute().unwrap_or("system");
                let _ = doc.set_cookie(&format!("theme={value}; Path=/; Max-Age=31536000; SameSite=Lax"));
            }
        }
    };
    view! {
        <button type="button" class="theme-toggle" aria-label="Dark theme" aria-pressed=move || is_dark().to_string() on:click=toggle>
            <span aria-hidden="true">{move || if is_dark() { "☾" } else { "☀" }}</span>
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_theme_cookie_among_others() {
        assert_eq!(Theme::from_cookie_header("id=abc; theme=dark; x=y"), Theme::Dark);
        assert_eq!(Theme::from_cookie_header("theme=light"), Theme::Light);
        assert_eq!(Theme::from_cookie_header("theme=system"), Theme::System);
        assert_eq!(Theme::from_cookie_header("id=abc"), Theme::System);
        assert_eq!(Theme::from_cookie_header(""), Theme::System);
    }
}
