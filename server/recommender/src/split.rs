//! Random train/test splits for evaluation.

use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use std::collections::HashMap;

use crate::data::RatingRecord;

/// Each record goes to the test side with probability `test_fraction`.
pub fn split_random(records: &[RatingRecord], test_fraction: f64, seed: u64) -> (Vec<RatingRecord>, Vec<RatingRecord>) {
    let mut rng = StdRng::seed_from_u64(seed);
    records.iter().partition(|_| rng.r#gen::<f64>() >= test_fraction)
}

/// For each user, `round(test_fraction × n)` of their records, chosen at random, go to the test
/// side (users with one record keep it for training).
pub fn split_per_user(
    records: &[RatingRecord],
    test_fraction: f64,
    seed: u64,
) -> (Vec<RatingRecord>, Vec<RatingRecord>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut by_user: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        by_user.entry(r.user).or_default().push(i);
    }
    let mut users: Vec<_> = by_user.into_iter().collect();
    users.sort_unstable_by_key(|(u, _)| *u);
    let mut test_rows = vec![false; records.len()];
    for (_, mut rows) in users {
        let held = ((rows.len() as f64 * test_fraction).round() as usize).min(rows.len() - 1);
        rows.shuffle(&mut rng);
        for &row in &rows[..held] {
            test_rows[row] = true;
        }
    }
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (r, is_test) in records.iter().zip(test_rows) {
        if is_test { test.push(*r) } else { train.push(*r) }
    }
    (train, test)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(n: u64) -> Vec<RatingRecord> {
        (0..n).map(|i| RatingRecord { user: i % 10, item: i, rating: 3.0, timestamp: None }).collect()
    }

    #[test]
    fn random_split_is_seeded_and_roughly_proportional() {
        let all = records(10_000);
        let (train, test) = split_random(&all, 0.2, 7);
        assert_eq!(train.len() + test.len(), all.len());
        assert!((1800..2200).contains(&test.len()), "{}", test.len());
        assert_eq!(split_random(&all, 0.2, 7).1, test);
        assert_ne!(split_random(&all, 0.2, 8).1, test);
    }

    #[test]
    fn per_user_split_holds_out_the_fraction_of_each_user() {
        let all = records(1000);
        let (train, test) = split_per_user(&all, 0.2, 1);
        for user in 0..10 {
            assert_eq!(test.iter().filter(|r| r.user == user).count(), 20);
            assert_eq!(train.iter().filter(|r| r.user == user).count(), 80);
        }
    }
}
