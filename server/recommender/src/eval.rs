//! Offline evaluation: fit on one set of ratings, measure on another. This is what
//! `cinecloud recommend eval` runs, with the production defaults.

use std::{collections::HashMap, time::Instant};

use serde::Serialize;

use crate::{
    data::RatingRecord,
    explicit::{ExplicitConfig, fit_explicit},
    implicit::{ImplicitConfig, fit_implicit},
    matrix::{IdMap, Interactions},
    metrics::{mae, ndcg_at, precision_at, recall_at, rmse},
    model::top_n,
};

/// Accuracy of rating predictions, clipped to the training data's rating scale.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExplicitReport {
    /// Root mean squared error over the test ratings.
    pub rmse: f64,
    /// Mean absolute error over the test ratings.
    pub mae: f64,
    /// Seconds to index the training data and fit.
    pub fit_seconds: f64,
    /// Seconds to predict every test rating.
    pub predict_seconds: f64,
}

/// Ranking quality, averaged over the users with at least one test line.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ImplicitReport {
    /// Hits in the top 10, divided by 10.
    pub p_at_10: f64,
    /// nDCG at 10 with binary gains.
    pub ndcg_at_10: f64,
    /// Hits in the top 20 divided by the user's number of test items.
    pub recall_at_20: f64,
    /// Seconds to index the training data and fit.
    pub fit_seconds: f64,
}

/// Fits the explicit model on `train` and predicts every rating of `test`.
pub fn evaluate_explicit(train: &[RatingRecord], test: &[RatingRecord], config: &ExplicitConfig) -> ExplicitReport {
    let started = Instant::now();
    let data =
        Interactions::build(IdMap::default(), IdMap::default(), train.iter().map(|r| (r.user, r.item, r.rating)));
    let model = fit_explicit(&data, config);
    let fit_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let pairs: Vec<(f32, f32)> = test.iter().map(|r| (model.predict(r.user, r.item), r.rating)).collect();
    let predict_seconds = started.elapsed().as_secs_f64();
    ExplicitReport { rmse: rmse(pairs.iter().copied()), mae: mae(pairs), fit_seconds, predict_seconds }
}

/// Treats every line of `train` as one positive interaction, fits the implicit model, and for
/// every user with a test line ranks all items seen in `train` or `test` except that user's
/// training items. Users unknown to the training data get the most popular items.
pub fn evaluate_implicit(train: &[RatingRecord], test: &[RatingRecord], config: &ImplicitConfig) -> ImplicitReport {
    let started = Instant::now();
    let signals = positives(train, test);
    let model = fit_implicit(&signals, config);
    let fit_seconds = started.elapsed().as_secs_f64();
    let popularity = popularity(&signals);
    let report = evaluate_ranking(&signals, test, |user, _, scores| match user {
        Some(u) => model.score_all(u, scores),
        None => scores.clone_from(&popularity),
    });
    ImplicitReport { fit_seconds, ..report }
}

/// The same measurement for any ranking: `score(user id, candidate item ids, scores)` fills one
/// score per candidate. Baselines and the planted truth are measured exactly like the model.
pub fn evaluate_scores(
    train: &[RatingRecord],
    test: &[RatingRecord],
    mut score: impl FnMut(u64, &[u64], &mut Vec<f32>),
) -> ImplicitReport {
    let signals = positives(train, test);
    let ids: Vec<u64> = (0..signals.items.len() as u32).map(|i| signals.items.id(i)).collect();
    evaluate_ranking(&signals, test, |_, user, scores| score(user, &ids, scores))
}

/// Ranks by how many training lines each item has.
pub fn evaluate_popularity(train: &[RatingRecord], test: &[RatingRecord]) -> ImplicitReport {
    let signals = positives(train, test);
    let popularity = popularity(&signals);
    evaluate_ranking(&signals, test, |_, _, scores| scores.clone_from(&popularity))
}

fn positives(train: &[RatingRecord], test: &[RatingRecord]) -> Interactions {
    let items = IdMap::from_ids(train.iter().chain(test).map(|r| r.item));
    Interactions::build(IdMap::default(), items, train.iter().map(|r| (r.user, r.item, 1.0)))
}

fn popularity(signals: &Interactions) -> Vec<f32> {
    (0..signals.items.len()).map(|i| signals.by_item.row(i).0.len() as f32).collect()
}

fn evaluate_ranking(
    signals: &Interactions,
    test: &[RatingRecord],
    mut score: impl FnMut(Option<u32>, u64, &mut Vec<f32>),
) -> ImplicitReport {
    let mut relevant: HashMap<u64, Vec<u32>> = HashMap::new();
    for r in test {
        let item = signals.items.get(r.item).expect("test items are indexed");
        let list = relevant.entry(r.user).or_default();
        if !list.contains(&item) {
            list.push(item);
        }
    }
    let mut users: Vec<_> = relevant.into_iter().collect();
    users.sort_unstable_by_key(|(u, _)| *u);
    let (mut p10, mut ndcg10, mut r20) = (0.0, 0.0, 0.0);
    let mut scores = Vec::new();
    let mut seen = vec![false; signals.items.len()];
    for (user, relevant) in &users {
        let index = signals.users.get(*user);
        score(index, *user, &mut scores);
        let own = index.map_or(&[][..], |u| signals.by_user.row(u as usize).0);
        own.iter().for_each(|&i| seen[i as usize] = true);
        let ranked: Vec<u32> = top_n(&scores, 20, |i| seen[i as usize]).into_iter().map(|(i, _)| i).collect();
        own.iter().for_each(|&i| seen[i as usize] = false);
        p10 += precision_at(&ranked, relevant, 10);
        ndcg10 += ndcg_at(&ranked, relevant, 10);
        r20 += recall_at(&ranked, relevant, 20);
    }
    let n = users.len().max(1) as f64;
    ImplicitReport { p_at_10: p10 / n, ndcg_at_10: ndcg10 / n, recall_at_20: r20 / n, fit_seconds: 0.0 }
}
