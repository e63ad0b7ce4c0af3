//! A trained factor model as it is served: global mean, biases and latent factors for every known
//! user and item, with the ids they belong to. Both the explicit and the implicit model produce
//! one; scoring is the same dot product for both.

use ndarray::{Array1, Array2, ArrayView1};

use crate::matrix::IdMap;

/// Biases and factors; `score(u, i) = mean + user_bias[u] + item_bias[i] + user_factors[u] ·
/// item_factors[i]`. The implicit model leaves the mean and biases at zero.
#[derive(Clone, Debug)]
pub struct FactorModel {
    /// External user ids, by index.
    pub users: IdMap,
    /// External item ids, by index.
    pub items: IdMap,
    /// The global mean rating.
    pub mean: f32,
    /// Per-user offset from the mean.
    pub user_bias: Array1<f32>,
    /// Per-item offset from the mean.
    pub item_bias: Array1<f32>,
    /// One row per user.
    pub user_factors: Array2<f32>,
    /// One row per item.
    pub item_factors: Array2<f32>,
    /// The rating scale predictions are clipped to, when the model predicts ratings.
    pub scale: Option<(f32, f32)>,
}

impl FactorModel {
    /// The raw score of a known user for a known item.
    pub fn score(&self, user: u32, item: u32) -> f32 {
        let (u, i) = (user as usize, item as usize);
        self.mean + self.user_bias[u] + self.item_bias[i] + self.user_factors.row(u).dot(&self.item_factors.row(i))
    }

    /// A rating prediction for external ids, clipped to the scale; unknown users or items fall back
    /// to what is known (the item's or user's bias, else the mean).
    pub fn predict(&self, user: u64, item: u64) -> f32 {
        let raw = match (self.users.get(user), self.items.get(item)) {
            (Some(u), Some(i)) => self.score(u, i),
            (Some(u), None) => self.mean + self.user_bias[u as usize],
            (None, Some(i)) => self.mean + self.item_bias[i as usize],
            (None, None) => self.mean,
        };
        match self.scale {
            Some((lo, hi)) => raw.clamp(lo, hi),
            None => raw,
        }
    }

    /// Scores of `user` for every item, into `out` (resized to the number of items).
    pub fn score_all(&self, user: u32, out: &mut Vec<f32>) {
        let u = user as usize;
        let base = self.mean + self.user_bias[u];
        let x = self.user_factors.row(u);
        out.clear();
        out.extend(self.item_factors.rows().into_iter().zip(self.item_bias.iter()).map(|(v, b)| base + b + dot(x, v)));
    }

    /// Number of latent dimensions.
    pub fn dims(&self) -> usize {
        self.item_factors.ncols()
    }

    /// The model without its users: what serving needs when viewers are folded in per request.
    pub fn items_only(mut self) -> Self {
        self.users = IdMap::default();
        self.user_bias = Array1::zeros(0);
        self.user_factors = Array2::zeros((0, self.dims()));
        self
    }
}

/// A stored model that cannot be read back.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a readable Cinecloud model: {0}")]
pub struct ModelFormatError(String);

const MAGIC: &[u8; 4] = b"CCRM";
const FORMAT_VERSION: u32 = 1;

impl FactorModel {
    /// The model as bytes for storage: a small header, then ids, biases and factors, all
    /// little-endian. [`FactorModel::from_bytes`] reads it back exactly.
    pub fn to_bytes(&self) -> Vec<u8> {
        let (n_users, n_items, dims) = (self.users.len(), self.items.len(), self.dims());
        let mut out = Vec::with_capacity(32 + (n_users + n_items) * (12 + 4 * dims));
        out.extend_from_slice(MAGIC);
        for v in [FORMAT_VERSION, n_users as u32, n_items as u32, dims as u32] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let (has_scale, lo, hi) = match self.scale {
            Some((lo, hi)) => (1u8, lo, hi),
            None => (0, 0.0, 0.0),
        };
        out.push(has_scale);
        for v in [self.mean, lo, hi] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for i in 0..n_users as u32 {
            out.extend_from_slice(&self.users.id(i).to_le_bytes());
        }
        for i in 0..n_items as u32 {
            out.extend_from_slice(&self.items.id(i).to_le_bytes());
        }
        let floats = self
            .user_bias
            .iter()
            .chain(self.item_bias.iter())
            .chain(self.user_factors.iter())
            .chain(self.item_factors.iter());
        for v in floats {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// Reads what [`FactorModel::to_bytes`] wrote, checking every length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelFormatError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(ModelFormatError("wrong magic number".into()));
        }
        let mut u32s = [0u32; 4];
        for v in &mut u32s {
            *v = u32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes"));
        }
        let [version, n_users, n_items, dims] = u32s.map(|v| v as usize);
        if version != FORMAT_VERSION as usize {
            return Err(ModelFormatError("unknown format version".into()));
        }
        let has_scale = r.take(1)?[0] == 1;
        let head = r.floats(3)?;
        let (mean, lo, hi) = (head[0], head[1], head[2]);
        let users = r.ids(n_users)?;
        let items = r.ids(n_items)?;
        if users.len() != n_users || items.len() != n_items {
            return Err(ModelFormatError("repeated ids".into()));
        }
        let user_bias = Array1::from(r.floats(n_users)?);
        let item_bias = Array1::from(r.floats(n_items)?);
        let shape = |_| ModelFormatError("shape".into());
        let user_factors = Array2::from_shape_vec((n_users, dims), r.floats(n_users * dims)?).map_err(shape)?;
        let item_factors = Array2::from_shape_vec((n_items, dims), r.floats(n_items * dims)?).map_err(shape)?;
        if r.at != bytes.len() {
            return Err(ModelFormatError("trailing bytes".into()));
        }
        Ok(FactorModel {
            users,
            items,
            mean,
            user_bias,
            item_bias,
            user_factors,
            item_factors,
            scale: has_scale.then_some((lo, hi)),
        })
    }
}

/// Reads a stored model front to back, refusing anything short.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelFormatError> {
        let part =
            self.bytes.get(self.at..self.at.saturating_add(n)).ok_or_else(|| ModelFormatError("truncated".into()))?;
        self.at += n;
        Ok(part)
    }

    fn floats(&mut self, n: usize) -> Result<Vec<f32>, ModelFormatError> {
        let raw = self.take(n.checked_mul(4).ok_or_else(|| ModelFormatError("too large".into()))?)?;
        Ok(raw.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes"))).collect())
    }

    fn ids(&mut self, n: usize) -> Result<IdMap, ModelFormatError> {
        let raw = self.take(n.checked_mul(8).ok_or_else(|| ModelFormatError("too large".into()))?)?;
        Ok(IdMap::from_ids(raw.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))))
    }
}

#[inline]
fn dot(a: ArrayView1<f32>, b: ArrayView1<f32>) -> f32 {
    match (a.as_slice(), b.as_slice()) {
        (Some(a), Some(b)) => dot_slices(a, b),
        _ => a.dot(&b),
    }
}

/// A dot product written so the compiler vectorises it (eight independent sums).
#[inline]
pub fn dot_slices(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let chunks = a.len() / 8;
    for c in 0..chunks {
        for l in 0..8 {
            acc[l] += a[c * 8 + l] * b[c * 8 + l];
        }
    }
    let mut sum: f32 = acc.iter().sum();
    for j in chunks * 8..a.len() {
        sum += a[j] * b[j];
    }
    sum
}

/// The `n` highest `(index, score)` pairs of `scores`, best first, skipping excluded indices and
/// scores that are not finite. Ties keep the lower index first.
pub fn top_n(scores: &[f32], n: usize, mut excluded: impl FnMut(u32) -> bool) -> Vec<(u32, f32)> {
    use std::{cmp::Ordering, collections::BinaryHeap};

    #[derive(PartialEq)]
    struct Entry(f32, u32);
    impl Eq for Entry {}
    impl Ord for Entry {
        // The heap's top is the worst kept entry: the lowest score, then the highest index.
        fn cmp(&self, other: &Self) -> Ordering {
            other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
        }
    }
    impl PartialOrd for Entry {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }

    if n == 0 {
        return Vec::new();
    }
    let mut heap = BinaryHeap::with_capacity(n + 1);
    for (i, &s) in scores.iter().enumerate() {
        if !s.is_finite() {
            continue;
        }
        if heap.len() == n {
            let worst: &Entry = heap.peek().expect("heap holds n > 0 entries");
            if s <= worst.0 {
                continue;
            }
        }
        if excluded(i as u32) {
            continue;
        }
        heap.push(Entry(s, i as u32));
        if heap.len() > n {
            heap.pop();
        }
    }
    let mut out: Vec<(u32, f32)> = heap.into_iter().map(|Entry(s, i)| (i, s)).collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_n_orders_skips_and_breaks_ties_by_index() {
        let scores = [0.5, 3.0, f32::NAN, 2.0, 3.0, -1.0, 2.5];
        assert_eq!(top_n(&scores, 3, |_| false), vec![(1, 3.0), (4, 3.0), (6, 2.5)]);
        assert_eq!(top_n(&scores, 2, |i| i == 1), vec![(4, 3.0), (6, 2.5)]);
        assert_eq!(top_n(&scores, 10, |_| false).len(), 6);
        assert!(top_n(&scores, 0, |_| false).is_empty());
    }

    #[test]
    fn dot_matches_the_plain_sum() {
        let a: Vec<f32> = (0..19).map(|i| i as f32 * 0.5).collect();
        let b: Vec<f32> = (0..19).map(|i| 1.0 - i as f32 * 0.1).collect();
        let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot_slices(&a, &b) - plain).abs() < 1e-4);
    }

    #[test]
    fn models_round_trip_through_bytes_and_bad_bytes_are_refused() {
        let model = FactorModel {
            users: IdMap::from_ids([7, 9]),
            items: IdMap::from_ids([70, 71, 72]),
            mean: 3.5,
            user_bias: ndarray::arr1(&[0.5, -0.1]),
            item_bias: ndarray::arr1(&[-0.25, 0.0, 1.0]),
            user_factors: ndarray::arr2(&[[2.0, 1.0], [0.0, -1.0]]),
            item_factors: ndarray::arr2(&[[1.0, 0.5], [0.1, 0.2], [-3.0, 4.0]]),
            scale: Some((0.5, 5.0)),
        };
        let bytes = model.to_bytes();
        let back = FactorModel::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(back.predict(9, 72), model.predict(9, 72));
        assert_eq!(back.users.get(9), Some(1));
        assert!(FactorModel::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(FactorModel::from_bytes(&longer).is_err());
        assert!(FactorModel::from_bytes(b"JUNKJUNKJUNK").is_err());
    }

    #[test]
    fn predictions_fall_back_and_clip() {
        let model = FactorModel {
            users: IdMap::from_ids([7]),
            items: IdMap::from_ids([70]),
            mean: 3.0,
            user_bias: ndarray::arr1(&[0.5]),
            item_bias: ndarray::arr1(&[-0.25]),
            user_factors: ndarray::arr2(&[[2.0, 1.0]]),
            item_factors: ndarray::arr2(&[[1.0, 0.5]]),
            scale: Some((1.0, 5.0)),
        };
        assert_eq!(model.predict(7, 70), 5.0); // 3 + .5 - .25 + 2.5 = 5.75, clipped
        assert_eq!(model.predict(7, 1), 3.5);
        assert_eq!(model.predict(1, 70), 2.75);
        assert_eq!(model.predict(1, 1), 3.0);
        let mut out = Vec::new();
        model.score_all(0, &mut out);
        assert_eq!(out, vec![5.75]);
    }
}
