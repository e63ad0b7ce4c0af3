//! Each model recovers the structure planted in generated data.

use cinecloud_recommender::{
    ExplicitConfig, ImplicitConfig,
    data::RatingRecord,
    eval::{evaluate_explicit, evaluate_implicit, evaluate_popularity, evaluate_scores},
    metrics::rmse,
    split::{split_per_user, split_random},
    synth::{SynthConfig, Synthetic, generate},
};

fn truth_rmse(data: &Synthetic, test: &[RatingRecord]) -> f64 {
    rmse(test.iter().map(|r| (data.truth.value(r.user as usize - 1, r.item as usize - 1), r.rating)))
}

#[test]
fn the_explicit_model_predicts_held_out_ratings_within_ten_percent_of_the_noise_floor() {
    // Continuous ratings, so the noise floor is exactly what the truth scores on the test set.
    let config = SynthConfig {
        users: 500,
        items: 700,
        ratings: 70_000,
        noise: 0.5,
        whole_stars: false,
        ..SynthConfig::movielens_100k_like(11)
    };
    let data = generate(&config);
    let (train, test) = split_random(&data.records, 0.2, 11);
    let floor = truth_rmse(&data, &test);
    let report = evaluate_explicit(&train, &test, &ExplicitConfig::default());
    assert!(report.rmse <= 1.10 * floor, "model {:.4} vs noise floor {floor:.4}", report.rmse);
    // And it clearly beats knowing only the mean.
    let mean = train.iter().map(|r| f64::from(r.rating)).sum::<f64>() / train.len() as f64;
    let baseline = rmse(test.iter().map(|r| (mean as f32, r.rating)));
    assert!(report.rmse < 0.8 * baseline, "model {:.4} vs mean-only {baseline:.4}", report.rmse);
}

#[test]
fn the_explicit_model_is_reproducible_for_a_seed() {
    let data = generate(&SynthConfig { users: 200, items: 300, ratings: 6_000, ..SynthConfig::movielens_100k_like(5) });
    let (train, test) = split_random(&data.records, 0.2, 5);
    let config = ExplicitConfig { samples: 20, burn_in: 5, ..ExplicitConfig::default() };
    let one = evaluate_explicit(&train, &test, &ExplicitConfig { threads: 1, ..config.clone() });
    let two = evaluate_explicit(&train, &test, &ExplicitConfig { threads: 2, ..config });
    assert_eq!(one.rmse, two.rmse, "thread count must not change the model");
}

#[test]
fn the_implicit_model_ranks_held_out_positives_close_to_the_planted_truth() {
    let data = generate(&SynthConfig::movielens_100k_like(3));
    let positives: Vec<_> = data.records.iter().filter(|r| r.rating >= 4.0).copied().collect();
    let (train, test) = split_per_user(&positives, 0.2, 3);
    let report = evaluate_implicit(&train, &test, &ImplicitConfig::default());

    // Popularity alone, and the planted truth's own ranking, measured the same way.
    let popular = evaluate_popularity(&train, &test);
    let truth = evaluate_scores(&train, &test, |user, items, scores| {
        let u = user as usize - 1;
        scores.clear();
        scores.extend(items.iter().map(|&i| data.truth.positive_likelihood(u, i as usize - 1, 4.0) as f32));
    });
    assert!(report.p_at_10 >= 0.9 * truth.p_at_10, "model {report:?} vs planted truth {truth:?}");
    assert!(report.p_at_10 > 1.2 * popular.p_at_10, "model {report:?} vs popularity {popular:?}");
    assert!(report.recall_at_20 > popular.recall_at_20 && report.ndcg_at_10 > popular.ndcg_at_10);
}
