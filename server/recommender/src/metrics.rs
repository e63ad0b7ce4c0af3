//! Accuracy and ranking metrics, exactly as `cinecloud recommend eval` reports them.

/// Root mean squared error of `(predicted, actual)` pairs; 0 for none.
pub fn rmse(pairs: impl IntoIterator<Item = (f32, f32)>) -> f64 {
    let (sum, n) = pairs.into_iter().fold((0.0, 0usize), |(s, n), (p, a)| {
        let e = f64::from(p) - f64::from(a);
        (s + e * e, n + 1)
    });
    if n == 0 { 0.0 } else { (sum / n as f64).sqrt() }
}

/// Mean absolute error of `(predicted, actual)` pairs; 0 for none.
pub fn mae(pairs: impl IntoIterator<Item = (f32, f32)>) -> f64 {
    let (sum, n) =
        pairs.into_iter().fold((0.0, 0usize), |(s, n), (p, a)| (s + (f64::from(p) - f64::from(a)).abs(), n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// Hits among the first `k` of `ranked` that are in `relevant`.
fn hits<T: PartialEq>(ranked: &[T], relevant: &[T], k: usize) -> usize {
    ranked.iter().take(k).filter(|r| relevant.contains(r)).count()
}

/// Hits in the top `k`, divided by `k` (not by the list's length).
pub fn precision_at<T: PartialEq>(ranked: &[T], relevant: &[T], k: usize) -> f64 {
    hits(ranked, relevant, k) as f64 / k as f64
}

/// Hits in the top `k`, divided by the number of relevant items; 0 when there are none.
pub fn recall_at<T: PartialEq>(ranked: &[T], relevant: &[T], k: usize) -> f64 {
    if relevant.is_empty() { 0.0 } else { hits(ranked, relevant, k) as f64 / relevant.len() as f64 }
}

/// nDCG at `k` with binary gains: DCG = Σ 1/log₂(rank + 1) over hits, divided by the ideal DCG of
/// `min(|relevant|, k)` hits at the top.
pub fn ndcg_at<T: PartialEq>(ranked: &[T], relevant: &[T], k: usize) -> f64 {
    let gain = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let dcg: f64 = ranked.iter().take(k).enumerate().filter(|(_, r)| relevant.contains(r)).map(|(i, _)| gain(i)).sum();
    let ideal: f64 = (0..relevant.len().min(k)).map(gain).sum();
    if ideal == 0.0 { 0.0 } else { dcg / ideal }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn errors_match_hand_computed_values() {
        // errors 1, -2, 0.5: squares 1 + 4 + 0.25 = 5.25
        let pairs = [(4.0, 3.0), (1.0, 3.0), (2.5, 2.0)];
        assert!(close(rmse(pairs), (5.25f64 / 3.0).sqrt()));
        assert!(close(mae(pairs), 3.5 / 3.0));
        assert_eq!(rmse([]), 0.0);
    }

    #[test]
    fn ranking_metrics_match_hand_computed_values() {
        // Relevant: 3 and 7. Ranked: 5, 3, 9, 7, ...
        let ranked = [5, 3, 9, 7, 1, 2, 4, 6, 8, 10, 11, 12];
        let relevant = [3, 7];
        assert!(close(precision_at(&ranked, &relevant, 10), 0.2));
        assert!(close(recall_at(&ranked, &relevant, 20), 1.0));
        assert!(close(recall_at(&ranked, &relevant, 2), 0.5));
        // DCG = 1/log2(3) + 1/log2(5); ideal = 1/log2(2) + 1/log2(3).
        let want = (1.0 / 3f64.log2() + 1.0 / 5f64.log2()) / (1.0 + 1.0 / 3f64.log2());
        assert!(close(ndcg_at(&ranked, &relevant, 10), want));
        // More relevant items than k: the ideal counts k of them.
        let many: Vec<i32> = (100..120).collect();
        let top: Vec<i32> = (100..110).collect();
        assert!(close(ndcg_at(&top, &many, 10), 1.0));
        assert_eq!(ndcg_at(&ranked, &[] as &[i32], 10), 0.0);
    }
}
