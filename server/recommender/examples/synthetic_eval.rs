//! Fits both models on MovieLens-100k-shaped generated data and prints their figures next to
//! what the planted truth achieves. `cargo run --release -p cinecloud-recommender --example
//! synthetic_eval [-- SEED]`
use cinecloud_recommender::{
    ExplicitConfig, ImplicitConfig,
    eval::{evaluate_explicit, evaluate_implicit},
    metrics::rmse,
    split::{split_per_user, split_random},
    synth::{SynthConfig, generate},
};

fn main() {
    let seed = std::env::args().nth(1).map_or(1, |s| s.parse().expect("a seed"));
    let data = generate(&SynthConfig::movielens_100k_like(seed));
    let (train, test) = split_random(&data.records, 0.2, seed);
    let truth = rmse(
        test.iter()
            .map(|r| (data.truth.value(r.user as usize - 1, r.item as usize - 1).round().clamp(1.0, 5.0), r.rating)),
    );
    let truth_raw = rmse(
        test.iter().map(|r| (data.truth.value(r.user as usize - 1, r.item as usize - 1).clamp(1.0, 5.0), r.rating)),
    );
    println!("truth rmse (rounded) {truth:.4}  truth rmse {truth_raw:.4}");
    let mut config = ExplicitConfig::default();
    override_from_env("BLOCKS", &mut config.blocks);
    override_from_env("SAMPLES", &mut config.samples);
    override_from_env("BURN", &mut config.burn_in);
    override_from_env("K", &mut config.factors);
    if std::env::var("SKIP_EXPLICIT").is_err() {
        println!("explicit {:?}", evaluate_explicit(&train, &test, &config));
    }

    let positives: Vec<_> = data.records.iter().filter(|r| r.rating >= 4.0).copied().collect();
    let (train, test) = split_per_user(&positives, 0.2, seed);
    let mut config = ImplicitConfig::default();
    override_from_env("IK", &mut config.factors);
    override_from_env("A0", &mut config.unobserved_weight);
    override_from_env("REG", &mut config.regularization);
    override_from_env("NU", &mut config.regularization_exponent);
    override_from_env("IT", &mut config.iterations);
    println!("implicit {:?}", evaluate_implicit(&train, &test, &config));
    println!("popularity {:?}", cinecloud_recommender::eval::evaluate_popularity(&train, &test));
    let truth = cinecloud_recommender::eval::evaluate_scores(&train, &test, |user, items, scores| {
        scores.clear();
        scores.extend(
            items.iter().map(|&i| data.truth.positive_likelihood(user as usize - 1, i as usize - 1, 4.0) as f32),
        );
    });
    println!("planted truth {truth:?}");
}

/// Replaces `value` with the environment variable `name`, when set (for trying settings).
fn override_from_env<T: std::str::FromStr>(name: &str, value: &mut T) {
    if let Ok(v) = std::env::var(name) {
        *value = v.parse().unwrap_or_else(|_| panic!("{name}={v:?} does not parse"));
    }
}
