//! Cinecloud's recommender: collaborative filtering by matrix factorization, with ndarray.
//!
//! - [`explicit`]: Bayesian biased matrix factorization of star ratings (Gibbs sampling).
//! - [`implicit`]: weighted ALS on implicit signals (Hu, Koren & Volinsky), with negatives.
//! - [`model::FactorModel`]: what both produce and what is served: biases, factors, top-N.
//! - [`serve`]: answering requests: folding a viewer's signals in, top-N with reasons, similar
//!   items, and factors for new items from their metadata.
//! - [`data`], [`split`], [`metrics`], [`eval`]: reading MovieLens rating files, splitting them,
//!   and measuring a model the way `cinecloud recommend eval` reports it.
//! - [`synth`]: generated data with planted structure for tests and benchmarks.
//!
//! This crate knows nothing about databases or the web; the server feeds it and persists what
//! it returns.

pub mod data;
pub mod eval;
pub mod explicit;
pub mod implicit;
pub mod linalg;
pub mod matrix;
pub mod metrics;
pub mod model;
pub mod serve;
pub mod split;
pub mod synth;

pub use explicit::{ExplicitConfig, fit_explicit};
pub use implicit::{ImplicitConfig, fit_implicit};
pub use matrix::{IdMap, Interactions};
pub use model::FactorModel;
pub use serve::{Pick, Serving, with_metadata_neighbours};
