//! Pieces shared by several pages.

pub mod add_to_list;
pub mod chart;
pub mod error;
pub mod form;
pub mod header;
pub mod movie_card;
pub mod pager;
pub mod search_box;
pub mod star_rating;
pub mod toast;
pub mod upload;
