//! One module per page.

pub mod about;
pub mod admin_dashboard;
pub mod admin_recommender;
pub mod admin_security;
pub mod admin_user;
pub mod admin_users;
pub mod history;
pub mod home;
pub mod lists;
pub mod login;
pub mod movie;
pub mod movies;
pub mod my_stats;
pub mod not_found;
pub mod person;
pub mod profile;
pub mod reset;
pub mod setup;
pub mod signup;
pub mod top_rated;
pub mod watch;
