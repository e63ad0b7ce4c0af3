//! The public JSON read API for the catalog (`/api/v1/…`), described by `/api/v1/openapi.json`.
//! It takes the same search, filters, sort and paging as the browse page.

use app::error::AppError;
use axum::{
    Json,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use cinecloud_core::catalog::{self, CreditRole, MovieQuery, Sort};
use cinecloud_vocab::api;
use serde::{Deserialize, Serialize};

use crate::{
    state::AppState,
    web::{assets::content_hash, headers::if_none_match_names},
};

/// The query string of `GET /api/v1/movies`, as text: numbers are parsed here so that a bad one
/// gets a message naming the parameter.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    q: Option<String>,
    genre: Option<String>,
    year_from: Option<String>,
    year_to: Option<String>,
    runtime_min: Option<String>,
    runtime_max: Option<String>,
    lang: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// An API failure: a status and a message for the caller, sent as `{"error": "…"}`.
#[derive(Debug)]
pub struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(api::Failure { error: self.1 })).into_response()
    }
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message.into())
}

fn number<T: std::str::FromStr>(name: &str, value: &Option<String>) -> Result<Option<T>, ApiError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| bad_request(format!("{name} must be a whole number, not {v:?}"))),
    }
}

impl ListParams {
    fn to_query(&self) -> Result<MovieQuery, ApiError> {
        let sort = match self.sort.as_deref() {
            None | Some("") => Sort::default(),
            Some(word) => word.parse().map_err(|_| {
                let words: Vec<&str> = Sort::ALL.iter().map(|s| s.as_str()).collect();
                let (last, rest) = words.split_last().expect("sorts exist");
                bad_request(format!("sort must be {} or {last}, not {word:?}", rest.join(", ")))
            })?,
        };
        let per_page: u32 = number("per_page", &self.per_page)?.unwrap_or(24);
        if !(1..=100).contains(&per_page) {
            return Err(bad_request("per_page must be from 1 to 100"));
        }
        let page: u32 = number("page", &self.page)?.unwrap_or(1);
        if page == 0 {
            return Err(bad_request("page starts at 1"));
        }
        if !catalog::within_paging_limit(page, per_page) {
            return Err(bad_request(catalog::PAGING_LIMIT_MESSAGE));
        }
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(MovieQuery {
            text: text(&self.q),
            genre: text(&self.genre),
            year_from: number("year_from", &self.year_from)?,
            year_to: number("year_to", &self.year_to)?,
            runtime_min: number("runtime_min", &self.runtime_min)?,
            runtime_max: number("runtime_max", &self.runtime_max)?,
            language: text(&self.lang),
            sort,
            page,
            per_page,
        })
    }
}

/// The URLs of a cover's images: three named sizes and a `srcset` of them all.
fn cover(prefix: Option<&str>) -> Option<api::Cover> {
    use cinecloud_core::covers::{cover_srcset, cover_url as url};
    prefix.map(|p| api::Cover { card: url(p, 320), detail: url(p, 640), full: url(p, 1280), srcset: cover_srcset(p) })
}

/// What a cache may do with an API answer: keep it, but ask again each time (with the ETag, so
/// an unchanged answer costs a `304` and no body). Nothing here depends on who asks.
const REVALIDATE: HeaderValue = HeaderValue::from_static("public, no-cache");

/// A JSON answer with a weak ETag over its body (weak: the same JSON goes out brotli, gzip or
/// plain), or `304 Not Modified` when the request's `If-None-Match` names that tag already.
fn revalidated(request: &HeaderMap, body: &impl Serialize) -> Response {
    let bytes = serde_json::to_vec(body).expect("the API's shapes always serialize");
    let tag = format!("W/\"{}\"", content_hash(&bytes));
    let etag = HeaderValue::from_str(&tag).expect("hex is a valid header value");
    let headers = [(header::ETAG, etag), (header::CACHE_CONTROL, REVALIDATE)];
    if if_none_match_names(request, &tag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let json = HeaderValue::from_static("application/json");
    (headers, [(header::CONTENT_TYPE, json)], bytes).into_response()
}

/// `GET /api/v1/movies`: from this server's catalog cache, like the browse page.
pub async fn list_movies(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let query = params.to_query()?;
    let services = &state.services;
    let page = services.catalog.browse(&services.db, &query).await.map_err(failure)?;
    let body = api::MoviePage {
        page_count: page.page_count(),
        total: page.total,
        total_exact: page.total_exact,
        page: page.page,
        per_page: page.per_page,
        items: page
            .items
            .into_iter()
            .map(|m| api::MovieSummary {
                rating: m.rating().into(),
                url: format!("/movies/{}", m.id),
                cover: cover(m.cover_key.as_deref()),
                id: m.id,
                title: m.title,
                year: m.year,
            })
            .collect(),
    };
    Ok(revalidated(&headers, &body))
}

/// `GET /api/v1/movies/{id}`.
pub async fn get_movie(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id.parse::<i64>().map_err(|_| bad_request("the movie id must be a whole number"))?;
    let m = catalog::get_movie(&state.services.db, id).await.map_err(failure)?;
    let people = |role: CreditRole| {
        m.credits
            .iter()
            .filter(|c| c.role == role)
            .map(|c| api::Credit {
                person_id: c.person.id,
                name: c.person.name.clone(),
                character: c.character.clone(),
            })
            .collect()
    };
    let body = api::Movie {
        id: m.id,
        directors: people(CreditRole::Director),
        cast: people(CreditRole::Cast),
        genres: m.genres.iter().map(|g| api::Genre { slug: g.slug.clone(), name: g.name.clone() }).collect(),
        cover: cover(m.cover_key.as_deref()),
        rating: m.rating.into(),
        updated_at: m.updated_at,
        url: format!("/movies/{}", m.id),
        title: m.input.title,
        original_title: m.input.original_title,
        year: m.input.year,
        runtime_minutes: m.input.runtime_minutes,
        synopsis: m.input.synopsis,
        country: m.input.country,
        original_language: m.input.original_language,
        age_rating: m.input.age_rating,
        trailer_url: m.input.trailer_url,
    };
    Ok(revalidated(&headers, &body))
}

/// A domain error as the API answers it: the status and message the app's own error gives it
/// (unexpected failures are logged there, with their causes, and answered generically).
fn failure(e: cinecloud_core::Error) -> ApiError {
    let error = AppError::from(e);
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    ApiError(status, error.to_string())
}

/// `GET /api/v1/openapi.json`: the description of this API.
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], include_str!("openapi.json"))
}
