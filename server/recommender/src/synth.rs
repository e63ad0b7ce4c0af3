//! Generated rating data with planted structure, for tests and benchmarks: low-rank preferences,
//! user and item biases, Gaussian noise, Zipf-like item popularity and user activity, and
//! viewers who tend to rate what they like. The truth that generated it is kept, so a model can be
//! measured against it.

use rand::{Rng, SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, Normal};
use std::collections::HashSet;

use crate::data::RatingRecord;

/// The shape of the generated data.
#[derive(Clone, Debug)]
pub struct SynthConfig {
    /// Number of users.
    pub users: usize,
    /// Number of items.
    pub items: usize,
    /// Number of ratings (distinct user–item pairs).
    pub ratings: usize,
    /// Rank of the planted preferences.
    pub rank: usize,
    /// Standard deviation of the rating noise.
    pub noise: f32,
    /// Zipf exponent of item popularity.
    pub popularity_exponent: f64,
    /// Round ratings to whole stars 1–5, as in MovieLens 100k.
    pub whole_stars: bool,
    /// Seed.
    pub seed: u64,
}

impl SynthConfig {
    /// MovieLens-100k-shaped data: 943 users, 1682 items, 100,000 whole-star ratings.
    pub fn movielens_100k_like(seed: u64) -> Self {
        SynthConfig {
            users: 943,
            items: 1682,
            ratings: 100_000,
            rank: 5,
            noise: 0.85,
            popularity_exponent: 0.9,
            whole_stars: true,
            seed,
        }
    }
}

/// What generated the data.
#[derive(Clone, Debug)]
pub struct Truth {
    /// Global mean.
    pub mean: f32,
    /// User biases.
    pub user_bias: Vec<f32>,
    /// Item biases.
    pub item_bias: Vec<f32>,
    /// `users × rank`, row-major.
    pub user_factors: Vec<f32>,
    /// `items × rank`, row-major.
    pub item_factors: Vec<f32>,
    /// Item popularity weights (sum to 1).
    pub popularity: Vec<f64>,
    /// Rank.
    pub rank: usize,
    /// Noise standard deviation.
    pub noise: f32,
}

impl Truth {
    /// The planted affinity `u · v` of a user for an item.
    pub fn affinity(&self, user: usize, item: usize) -> f32 {
        let r = self.rank;
        self.user_factors[user * r..user * r + r]
            .iter()
            .zip(&self.item_factors[item * r..item * r + r])
            .map(|(a, b)| a * b)
            .sum()
    }

    /// The noiseless rating.
    pub fn value(&self, user: usize, item: usize) -> f32 {
        self.mean + self.user_bias[user] + self.item_bias[item] + self.affinity(user, item)
    }

    /// How likely the user is to rate the item at all (up to a constant).
    pub fn exposure(&self, user: usize, item: usize) -> f64 {
        self.popularity[item] / (1.0 + (-SELECTION * f64::from(self.affinity(user, item))).exp())
    }

    /// How likely the user is to rate the item `threshold` or more (up to a constant): the
    /// best possible ranking of held-out positives.
    pub fn positive_likelihood(&self, user: usize, item: usize, threshold: f32) -> f64 {
        // A whole-star rating is ≥ threshold when the noisy value is ≥ threshold - 0.5.
        let z = f64::from(self.value(user, item) - (threshold - 0.5)) / f64::from(self.noise);
        self.exposure(user, item) * normal_cdf(z)
    }
}

/// Φ(z), with Abramowitz–Stegun 7.1.26 for erf (error below 1.5e-7).
fn normal_cdf(z: f64) -> f64 {
    let x = z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly =
        t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    0.5 * (1.0 + if x >= 0.0 { erf } else { -erf })
}

/// How strongly viewers pick what they like (logistic slope on the affinity).
const SELECTION: f64 = 3.0;

/// Generated ratings (user ids `1..=users`, item ids `1..=items`) and their truth.
pub struct Synthetic {
    /// The ratings, in generation order.
    pub records: Vec<RatingRecord>,
    /// What generated them (indices are ids − 1).
    pub truth: Truth,
}

fn zipf_weights(n: usize, exponent: f64, rng: &mut StdRng) -> Vec<f64> {
    let mut ranks: Vec<usize> = (1..=n).collect();
    // Shuffle so popularity is not tied to the id.
    for i in (1..n).rev() {
        ranks.swap(i, rng.gen_range(0..=i));
    }
    let w: Vec<f64> = ranks.iter().map(|&r| (r as f64).powf(-exponent)).collect();
    let total: f64 = w.iter().sum();
    w.into_iter().map(|x| x / total).collect()
}

fn cumulative(weights: &[f64]) -> Vec<f64> {
    weights
        .iter()
        .scan(0.0, |acc, w| {
            *acc += w;
            Some(*acc)
        })
        .collect()
}

fn draw(cdf: &[f64], rng: &mut StdRng) -> usize {
    let x = rng.r#gen::<f64>() * cdf.last().copied().unwrap_or(0.0);
    cdf.partition_point(|&c| c < x).min(cdf.len() - 1)
}

/// Generates data as described by `config`.
pub fn generate(config: &SynthConfig) -> Synthetic {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let factor_std = (0.35f32 / config.rank.max(1) as f32).powf(0.25);
    let gauss = |std: f32, n: usize, rng: &mut StdRng| -> Vec<f32> {
        let d = Normal::new(0.0, std).expect("finite std");
        (0..n).map(|_| d.sample(rng)).collect()
    };
    let truth = Truth {
        mean: 3.55,
        user_bias: gauss(0.35, config.users, &mut rng),
        item_bias: gauss(0.45, config.items, &mut rng),
        user_factors: gauss(factor_std, config.users * config.rank, &mut rng),
        item_factors: gauss(factor_std, config.items * config.rank, &mut rng),
        popularity: zipf_weights(config.items, config.popularity_exponent, &mut rng),
        rank: config.rank,
        noise: config.noise,
    };
    let activity = cumulative(&zipf_weights(config.users, 0.6, &mut rng));
    let popularity = cumulative(&truth.popularity);
    let noise = Normal::new(0.0, config.noise).expect("finite noise");
    let wanted = config.ratings.min(config.users * config.items * 9 / 10);
    let mut seen = HashSet::with_capacity(wanted);
    let mut records = Vec::with_capacity(wanted);
    let mut time = 880_000_000i64;
    while records.len() < wanted {
        let (u, i) = (draw(&activity, &mut rng), draw(&popularity, &mut rng));
        let accept = 1.0 / (1.0 + (-SELECTION * f64::from(truth.affinity(u, i))).exp());
        if rng.r#gen::<f64>() > accept || !seen.insert((u, i)) {
            continue;
        }
        let raw = truth.value(u, i) + noise.sample(&mut rng);
        let rating = if config.whole_stars { raw.round().clamp(1.0, 5.0) } else { raw };
        time += rng.gen_range(1..600);
        records.push(RatingRecord { user: u as u64 + 1, item: i as u64 + 1, rating, timestamp: Some(time) });
    }
    Synthetic { records, truth }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_the_requested_shape_reproducibly() {
        let config = SynthConfig { ratings: 5000, ..SynthConfig::movielens_100k_like(3) };
        let a = generate(&config);
        assert_eq!(a.records.len(), 5000);
        assert_eq!(a.records, generate(&config).records);
        let pairs: HashSet<_> = a.records.iter().map(|r| (r.user, r.item)).collect();
        assert_eq!(pairs.len(), 5000);
        assert!(a.records.iter().all(|r| (1.0..=5.0).contains(&r.rating) && r.rating.fract() == 0.0));
        let mean = a.records.iter().map(|r| f64::from(r.rating)).sum::<f64>() / 5000.0;
        assert!((3.2..4.0).contains(&mean), "mean rating {mean}");
    }
}
