//! Pieces shared by several pages.

pub mod error;
pub mod form;
pub mod header;
pub mod movie_card;
