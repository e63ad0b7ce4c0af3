//! The recommender's benchmark figures, on generated data with planted structure (low-rank
//! preferences, biases, noise, Zipf-like popularity):
//!
//! 1. quality against the planted truth at MovieLens-100k size (explicit RMSE, implicit P@10,
//!    with the truth and popularity alongside);
//! 2. fit time at 100,000 and 1,000,000 ratings, explicit and implicit (the implicit fit is what
//!    the server retrains);
//! 3. top-20 latency for one viewer over 100,000 movies, as served: fold the viewer's signals in,
//!    score every movie, skip the seen ones, keep the best 20 with their reasons (p50/p99/max).
//!
//! `cargo run --release -p cinecloud-recommender --example benchmarks [-- quality fit top20]`
//! prints each figure as a line and, last, all of them as one JSON object. `-- --write-data FILE` instead writes the
//! 100k data set as tab-separated `user item rating timestamp` lines, for
//! `cinecloud recommend eval --data FILE --split 0.2 --seed 1`.

use std::{collections::HashSet, io::Write, time::Instant};

use cinecloud_recommender::{
    ExplicitConfig, FactorModel, IdMap, ImplicitConfig, Interactions, Serving,
    eval::{evaluate_explicit, evaluate_implicit, evaluate_popularity, evaluate_scores},
    fit_explicit, fit_implicit,
    metrics::rmse,
    split::{split_per_user, split_random},
    synth::{SynthConfig, generate},
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::json;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, path] = args.as_slice()
        && flag == "--write-data"
    {
        write_data(path);
        return;
    }
    // Sections can be picked by name: `-- top20`, `-- quality fit`; all by default.
    let wanted = |name: &str| args.is_empty() || args.iter().any(|a| a == name);
    let mut figures = serde_json::Map::new();
    if wanted("quality") {
        quality(&mut figures);
    }
    if wanted("fit") {
        fit_times(&mut figures);
    }
    if wanted("top20") {
        top_20_latency(&mut figures);
    }
    println!("{}", serde_json::Value::Object(figures));
}

fn write_data(path: &str) {
    let data = generate(&SynthConfig::movielens_100k_like(1));
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("creating the data file"));
    for r in &data.records {
        writeln!(out, "{}\t{}\t{}\t{}", r.user, r.item, r.rating, r.timestamp.unwrap_or(0)).expect("writing");
    }
    out.flush().expect("writing");
    eprintln!("wrote {} ratings to {path}", data.records.len());
}

fn quality(figures: &mut serde_json::Map<String, serde_json::Value>) {
    let data = generate(&SynthConfig::movielens_100k_like(1));
    let (train, test) = split_random(&data.records, 0.2, 1);
    let truth_rmse = rmse(
        test.iter().map(|r| (data.truth.value(r.user as usize - 1, r.item as usize - 1).clamp(1.0, 5.0), r.rating)),
    );
    let explicit = evaluate_explicit(&train, &test, &ExplicitConfig::default());
    println!(
        "quality, explicit (100k ratings, random 80/20): RMSE {:.4}, planted truth {:.4} (within {:.1} %), MAE {:.4}",
        explicit.rmse,
        truth_rmse,
        (explicit.rmse / truth_rmse - 1.0) * 100.0,
        explicit.mae
    );
    let positives: Vec<_> = data.records.iter().filter(|r| r.rating >= 4.0).copied().collect();
    let (train, test) = split_per_user(&positives, 0.2, 1);
    let implicit = evaluate_implicit(&train, &test, &ImplicitConfig::default());
    let popularity = evaluate_popularity(&train, &test);
    let truth = evaluate_scores(&train, &test, |user, items, scores| {
        scores.clear();
        scores.extend(
            items.iter().map(|&i| data.truth.positive_likelihood(user as usize - 1, i as usize - 1, 4.0) as f32),
        );
    });
    println!(
        "quality, implicit (ratings >= 4, 20 % per viewer held out): P@10 {:.4}, planted truth {:.4}, popularity {:.4}",
        implicit.p_at_10, truth.p_at_10, popularity.p_at_10
    );
    figures.insert("explicit_rmse".into(), json!(explicit.rmse));
    figures.insert("explicit_truth_rmse".into(), json!(truth_rmse));
    figures.insert("implicit_p_at_10".into(), json!(implicit.p_at_10));
    figures.insert("implicit_truth_p_at_10".into(), json!(truth.p_at_10));
    figures.insert("popularity_p_at_10".into(), json!(popularity.p_at_10));
}

fn fit_times(figures: &mut serde_json::Map<String, serde_json::Value>) {
    let sizes = [
        ("100k", SynthConfig::movielens_100k_like(2)),
        ("1m", SynthConfig { users: 6040, items: 3706, ratings: 1_000_000, ..SynthConfig::movielens_100k_like(2) }),
    ];
    for (name, config) in sizes {
        let data = generate(&config);
        let started = Instant::now();
        let all = Interactions::build(
            IdMap::default(),
            IdMap::default(),
            data.records.iter().map(|r| (r.user, r.item, r.rating)),
        );
        let _ = fit_explicit(&all, &ExplicitConfig::default());
        let explicit = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let positives = Interactions::build(
            IdMap::default(),
            IdMap::default(),
            data.records.iter().filter(|r| r.rating >= 4.0).map(|r| (r.user, r.item, 1.0)),
        );
        let _ = fit_implicit(&positives, &ImplicitConfig::default());
        let implicit = started.elapsed().as_secs_f64();
        println!(
            "fit, {} ratings ({} users × {} movies): explicit {explicit:.2} s, implicit on its {} positives {implicit:.2} s",
            data.records.len(),
            config.users,
            config.items,
            positives.len()
        );
        figures.insert(format!("fit_explicit_{name}_seconds"), json!(explicit));
        figures.insert(format!("fit_implicit_{name}_seconds"), json!(implicit));
    }
}

fn top_20_latency(figures: &mut serde_json::Map<String, serde_json::Value>) {
    const MOVIES: usize = 100_000;
    let config = ImplicitConfig::default();
    let mut rng = StdRng::seed_from_u64(3);
    // Serving cost does not depend on what the factors say, only on their shape.
    let factors: Vec<f32> = (0..MOVIES * config.factors).map(|_| rng.gen_range(-0.3..0.3)).collect();
    let model = FactorModel {
        users: IdMap::default(),
        items: IdMap::from_ids(1..=MOVIES as u64),
        mean: 0.0,
        user_bias: ndarray::Array1::zeros(0),
        item_bias: ndarray::Array1::zeros(MOVIES),
        user_factors: ndarray::Array2::zeros((0, config.factors)),
        item_factors: ndarray::Array2::from_shape_vec((MOVIES, config.factors), factors).expect("shape"),
        scale: None,
    };
    let serving = Serving::new(model, &config);
    let mut times = Vec::new();
    for round in 0..2000 {
        // A viewer with 30 signals, a few of them negative.
        let signals: Vec<(u64, f32)> = (0..30)
            .map(|j| (rng.gen_range(1..=MOVIES as u64), if j % 10 == 9 { -2.0 } else { 1.0 + (j % 3) as f32 * 0.5 }))
            .collect();
        let seen: HashSet<u64> = signals.iter().map(|s| s.0).collect();
        let started = Instant::now();
        let picks = serving.recommend(&signals, 20, |item| seen.contains(&item));
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(picks.len(), 20);
        if round >= 100 {
            times.push(elapsed);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let (p50, p99, max) = (at(0.5), at(0.99), times[times.len() - 1]);
    println!(
        "top-20 for one viewer over {MOVIES} movies ({} factors, {} runs): p50 {p50:.3} ms, p99 {p99:.3} ms, max {max:.3} ms",
        config.factors,
        times.len()
    );
    figures.insert("top20_100k_movies_p50_ms".into(), json!(p50));
    figures.insert("top20_100k_movies_p99_ms".into(), json!(p99));
}
