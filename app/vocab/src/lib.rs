//! The vocabulary Cinecloud's browser code and server share, so both speak in the same types
//! rather than in strings: the kinds a list, an account, a sort, a signal, a playback report or a
//! credit can be ([`kinds`]); the limits a form enforces and shows ([`limits`]); a movie's form as
//! the editor sends it ([`MovieForm`]); a movie's ratings ([`RatingSummary`]); and why a movie is
//! recommended ([`Reason`]); the admin dashboard's data ([`insights`]); and the objects the public JSON API answers with ([`api`]).
//!
//! It depends on `serde` alone so that it compiles to WebAssembly; the server's `cinecloud-core`
//! turns on the `sqlx` feature to store each kind as its word in a text column. Words shown to
//! people (labels, sentences) are not here: they belong to the pages, which will translate them
//! keyed on these variants.

pub mod api;
pub mod insights;
pub mod kinds;
pub mod limits;
mod movie_form;
mod ratings;
mod reason;
mod spelling;
#[cfg(feature = "sqlx")]
mod sql;
pub mod year;

pub use kinds::{CreditRole, ListKind, PlaybackEvent, Role, Signal, Sort, UserSort};
pub use movie_form::{CastMember, MovieForm};
pub use ratings::RatingSummary;
pub use reason::Reason;
pub use spelling::UnknownWord;

#[doc(hidden)]
pub mod __private {
    pub use serde;
}
